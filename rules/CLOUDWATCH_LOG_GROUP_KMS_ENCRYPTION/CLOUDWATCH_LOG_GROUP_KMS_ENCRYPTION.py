"""CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION: every log group is encrypted with an approved, enabled KMS key.

Why: AWS's CLOUDWATCH_LOG_GROUP_ENCRYPTED passes any KMS key unless a single one is named, and
AWS has no runbook to fix a finding. Logs hold the evidence of an incident: they should be under
a key you approve that can still encrypt, and a finding should come with its fix.

Resource type: AWS::Logs::LogGroup (resource id: the log group name, what
Clearsight-LogGroupKmsEncryption takes).
Trigger: periodic only. AWS Config does not record AWS::Logs::LogGroup (absent from the Config
API's ResourceType enum and from rdk's supported_resource_types.yaml), so no configuration
item ever arrives. One run: DescribeLogGroups, paginated (one sweep per LogGroupNamePrefixes
entry, or one of the whole region), then one DescribeKey per distinct key.
Parameters (all optional):
  LogGroupNamePrefixes  comma-separated name prefixes in scope (default: every log group).
  ExemptLogGroupNames   comma-separated exact names reported NOT_APPLICABLE.
  KmsKeyArns            comma-separated key ARNs or alias ARNs the log group key must be one of.
Scenarios:
  - encrypted with an allowed, enabled key: COMPLIANT
  - no KMS key: NON_COMPLIANT
  - key not in KmsKeyArns: NON_COMPLIANT
  - key disabled, pending deletion or missing: NON_COMPLIANT
  - exempt log group: NOT_APPLICABLE; outside the prefixes: not evaluated
  - deleted log group: NOT_APPLICABLE (rdklib's periodic clean-up of results it no longer finds)
  - bad parameter: InvalidParametersError; AccessDenied or throttled: an error, never COMPLIANT
"""
import re

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from kms_keys import describe_keys, key_is_allowed, unusable
from rule_parameters import KMS_KEY_OR_ALIAS_ARN, parse_csv, reject_unknown

APPLICABLE_RESOURCES = ["AWS::Logs::LogGroup"]
LOG_GROUP_NAME = re.compile(r"^[\.\-_/#A-Za-z0-9]{1,512}$")
FIX = "Associate an approved KMS key (remediation: Clearsight-LogGroupKmsEncryption)."


def assess(key, params, keys):
    """The rule itself: (compliance, annotation) for a log group whose kmsKeyId is `key` (None: no key).

    keys: what DescribeKey said of each key the log groups or KmsKeyArns name (see kms_keys).
    """
    if not key:
        return ComplianceType.NON_COMPLIANT, f"Log group is not encrypted with a KMS key. {FIX}"
    described = unusable(key, keys)
    if described:
        return (
            ComplianceType.NON_COMPLIANT,
            f"KMS key {described['Arn']} is {described['KeyState']}: new log events cannot be encrypted. "
            "Enable the key or associate an enabled approved key.",
        )
    if params["KmsKeyArns"] and not key_is_allowed(key, params["KmsKeyArns"], keys):
        return ComplianceType.NON_COMPLIANT, f"Log group is encrypted with {key}, not one of KmsKeyArns. {FIX}"
    return ComplianceType.COMPLIANT, f"Log group is encrypted with {key}."


def list_log_groups(logs, prefixes):
    """{name: kmsKeyId or None} of this region's log groups under the prefixes (all when none).

    One paginated DescribeLogGroups sweep per prefix, filtered server side; a prefix that lies
    inside another adds nothing and is not swept.
    """
    covering = sorted(p for p in set(prefixes) if not any(p != q and p.startswith(q) for q in prefixes))
    paginator = logs.get_paginator("describe_log_groups")
    groups = {}
    for prefix in covering or [None]:
        pages = paginator.paginate(**({"logGroupNamePrefix": prefix} if prefix else {}))
        groups.update((group["logGroupName"], group.get("kmsKeyId")) for page in pages for group in page["logGroups"])
    return groups


def parse_names(params, key, what):
    return parse_csv(params, key, LOG_GROUP_NAME, f"a log group {what} (1-512 of a-z A-Z 0-9 . - _ / #)")


class CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("LogGroupNamePrefixes", "ExemptLogGroupNames", "KmsKeyArns"))
        return {
            "LogGroupNamePrefixes": parse_names(rule_parameters, "LogGroupNamePrefixes", "name prefix"),
            "ExemptLogGroupNames": parse_names(rule_parameters, "ExemptLogGroupNames", "name"),
            "KmsKeyArns": parse_csv(rule_parameters, "KmsKeyArns", KMS_KEY_OR_ALIAS_ARN, "a KMS key ARN or alias ARN"),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        groups = list_log_groups(client_factory.build_client("logs"), valid_rule_parameters["LogGroupNamePrefixes"])
        exempt = set(valid_rule_parameters["ExemptLogGroupNames"])
        in_scope = {name: key for name, key in groups.items() if name not in exempt}
        references = [key for key in in_scope.values() if key] + valid_rule_parameters["KmsKeyArns"]
        keys = describe_keys(client_factory.build_client("kms"), references) if references else {}
        evaluations = [
            Evaluation(ComplianceType.NOT_APPLICABLE, name, APPLICABLE_RESOURCES[0], "Exempted by ExemptLogGroupNames.")
            for name in sorted(exempt & set(groups))
        ]
        for name, key in sorted(in_scope.items()):
            compliance, annotation = assess(key, valid_rule_parameters, keys)
            evaluations.append(Evaluation(compliance, name, APPLICABLE_RESOURCES[0], annotation))
        return evaluations


def lambda_handler(event, context):
    my_rule = CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
