"""The enums, limits and lists AWS enforces at deploy time (config-ssm-formats.md §2, §5).

Where a maintained list exists in an installed package it is read from there: rdk's
supported resource types, moto's bundled AWS Config managed-rule list.
"""
from __future__ import annotations

import difflib
import gzip
import json
from functools import cache
from importlib.resources import files

import yaml

MESSAGE_TYPES = (
    "ConfigurationItemChangeNotification",
    "OversizedConfigurationItemChangeNotification",
    "ScheduledNotification",
    "ConfigurationSnapshotDeliveryCompleted",
)
FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
OWNERS = ("AWS", "CUSTOM_LAMBDA", "CUSTOM_POLICY")
EVENT_SOURCES = ("aws.config",)
EVALUATION_MODES = ("DETECTIVE", "PROACTIVE", "BOTH")
PACK_PARAMETER_TYPES = ("String", "int", "double", "CSV", "boolean", "StringMap")
PACK_RESOURCE_TYPES = ("AWS::Config::ConfigRule", "AWS::Config::RemediationConfiguration")

PACK_BODY_BYTES = 51_200
PACK_S3_BYTES = 300 * 1024  # TemplateS3Uri
PACK_RULES = 130
PACK_PARAMETERS = 60
REMEDIATION_PARAMETERS = 25
STATIC_VALUES = 25
STATIC_VALUE_CHARS = 256
DOCUMENT_BYTES = 64 * 1024
RULE_DESCRIPTION_CHARS = 256
RULE_INPUT_PARAMETERS_CHARS = 1024  # the whole JSON string
RANGES = {
    "MaximumAutomaticAttempts": (1, 25),
    "RetryAttemptSeconds": (1, 2_678_000),
    "ConcurrentExecutionRatePercentage": (1, 100),
    "ErrorPercentage": (1, 100),
}

ASSUME_ROLE = "AutomationAssumeRole"
ROLE_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$"

# Lowest rdk runtime this toolkit accepts in its catalog (rdk 1.0.0 itself knows python3.7-lib to 3.14-lib).
MIN_RULE_RUNTIME = (3, 12)
# Lambda runtimes past deprecation: Lambda no longer creates or updates functions on them.
DEPRECATED_LAMBDA_RUNTIMES = ("python2.7", "python3.6", "python3.7", "python3.8", "python3.9")
SOURCE_DETAILS = 25  # Source.SourceDetails per rule (API model)

# AWS-owned runbooks a Remediation block may name, with their parameters (controls-catalog.md
# §1; True: required). Check them at deploy time with `aws ssm describe-document`.
AWS_DOCUMENTS = {
    "AWS-EnableS3BucketEncryption": {"BucketName": True, "SSEAlgorithm": False, ASSUME_ROLE: False},
    "AWS-EnableS3BucketKeys": {"BucketName": True, "KMSKeyId": False, ASSUME_ROLE: False},
    "AWS-DisableS3BucketPublicReadWrite": {"S3BucketName": True, ASSUME_ROLE: False},
    "AWS-ConfigureS3BucketLogging": {
        "BucketName": True, "TargetBucket": True, "TargetPrefix": False, "GrantedPermission": True,
        "GranteeType": True, "GranteeUri": False, "GranteeId": False, "GranteeEmailAddress": False,
        ASSUME_ROLE: False,
    },
    "AWS-EnableCloudTrail": {"S3BucketName": True, "TrailName": True, ASSUME_ROLE: False},
    "AWS-PublishSNSNotification": {"TopicArn": True, "Message": True, ASSUME_ROLE: False},
    "AWSConfigRemediation-ConfigureS3PublicAccessBlock": {
        "AccountId": True, ASSUME_ROLE: True, "BlockPublicAcls": False, "IgnorePublicAcls": False,
        "BlockPublicPolicy": False, "RestrictPublicBuckets": False,
    },
    "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock": {
        "BucketName": True, ASSUME_ROLE: True, "BlockPublicAcls": False, "IgnorePublicAcls": False,
        "BlockPublicPolicy": False, "RestrictPublicBuckets": False,
    },
    "AWSConfigRemediation-RestrictBucketSSLRequestsOnly": {"BucketName": True, ASSUME_ROLE: True},
    "AWSConfigRemediation-CreateCloudTrailMultiRegionTrail": {
        "BucketName": True, "KeyPrefix": False, "TrailName": True, ASSUME_ROLE: True,
    },
    "AWSConfigRemediation-EnableCloudTrailLogFileValidation": {"TrailName": True, ASSUME_ROLE: True},
    "AWSConfigRemediation-EnableCloudTrailEncryptionWithKMS": {"TrailName": True, "KMSKeyId": True, ASSUME_ROLE: True},
    "AWSConfigRemediation-EnableVPCFlowLogsToCloudWatch": {
        "FlowLogId": True, "DestinationLogGroup": True, "DeliverLogsPermissionArn": True, "TrafficType": False,
        "MaxAggregationInterval": False, ASSUME_ROLE: True,
    },
    "AWSConfigRemediation-CancelKeyDeletion": {"KeyId": True, ASSUME_ROLE: True},
    "AWSConfigRemediation-EnableKeyRotation": {"KeyId": True, ASSUME_ROLE: True},
}


@cache
def rdk_resource_types() -> frozenset[str]:
    """rdk's own list (rdk/supported_resource_types.yaml): what `rdk create` accepts."""
    data = yaml.safe_load(files("rdk").joinpath("supported_resource_types.yaml").read_text())
    return frozenset(data["supported_resources"]) - {"ALL"}


@cache
def rdk_lib_runtimes() -> tuple[str, ...]:
    """rdk's own list of rdklib runtimes (rdk.rdk.PYTHON_LIB_RUNTIMES): the -lib runtimes `rdk deploy` knows."""
    from rdk.rdk import PYTHON_LIB_RUNTIMES

    return tuple(PYTHON_LIB_RUNTIMES)


@cache
def rdk_runtimes() -> tuple[str, ...]:
    """Every runtime `rdk deploy` knows, rdklib (-lib) and plain (rdk.rdk.PYTHON_RUNTIMES + PYTHON_LIB_RUNTIMES)."""
    from rdk.rdk import PYTHON_LIB_RUNTIMES, PYTHON_RUNTIMES

    return tuple(PYTHON_RUNTIMES) + tuple(r for r in PYTHON_LIB_RUNTIMES if r not in PYTHON_RUNTIMES)


@cache
def managed_rules() -> dict[str, dict]:
    """AWS Config managed rules by identifier, with their parameters (moto's bundled copy of the AWS list)."""
    raw = files("moto.config").joinpath("resources", "aws_managed_rules.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))["ManagedRules"]


# Source identifiers Config documents beyond the managed-rule list: process checks, the manual
# compliance items of AWS's operational best-practices packs (conformance packs only).
PROCESS_CHECK = "AWS_CONFIG_PROCESS_CHECK"


def is_source_identifier(identifier) -> bool:
    """A managed-rule identifier Config knows (moto's copy of AWS's list), or a process check."""
    return isinstance(identifier, str) and (identifier in managed_rules() or identifier == PROCESS_CHECK)


def is_intrinsic(value) -> bool:
    """{Ref: X} or {Fn::...: ...}: a value CloudFormation resolves when the pack deploys."""
    return isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::"))


def suggest(value, choices) -> str:
    """' (did you mean X?)' for a near miss, else ''."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""
