"""A change-triggered rule's policy.json covers its change path too, oversized items included.

rdk deploys a rule with SourceEvents with the OversizedConfigurationItemChangeNotification
trigger as well; rdklib then inflates the item with config:GetResourceConfigHistory, under the
rule's own role when AssumeRoleMode is false (rdk-and-rdklib.md 7.1, 7.5), before the rule
runs. A policy without it fails every oversized notification, which large bucket policies and
ACLs produce.
"""
import json

import pytest
from botocore.awsrequest import AWSResponse

from clearsight.catalog import load_catalog
from clearsight.validate.iam import allows, iam_action
from tests.conftest import ACCOUNT

CHANGE_RULES = sorted(name for name, rule in load_catalog().rules.items() if rule.resource_types)
RESOURCE_IDS = {"AWS::S3::Bucket": "big-bucket", "AWS::S3::AccountPublicAccessBlock": ACCOUNT, "AWS::EC2::VPC": "vpc-0a1b2c3d4e5f60718"}
CONFIGURATIONS = {
    "AWS::S3::AccountPublicAccessBlock": dict.fromkeys(("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"), True),
    "AWS::EC2::VPC": {"vpcId": "vpc-0a1b2c3d4e5f60718", "cidrBlock": "10.0.0.0/16", "isDefault": False, "state": "available"},
}


def unrecorded_history(resource_type):
    """moto's configuration history knows neither AWS::S3::AccountPublicAccessBlock nor AWS::EC2::VPC: the item, API dialect."""
    item = {
        "version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": "2024-05-02T10:20:00.000Z",
        "configurationItemStatus": "OK", "configurationStateId": "1", "resourceType": resource_type,
        "resourceId": RESOURCE_IDS[resource_type], "awsRegion": "us-east-1", "relationships": [], "supplementaryConfiguration": {},
        "configuration": json.dumps(CONFIGURATIONS[resource_type]),
    }
    return AWSResponse("https://config.local", 200, {}, None), {"configurationItems": [item]}


@pytest.mark.parametrize("rule_name", CHANGE_RULES)
def test_policy_allows_every_call_of_an_oversized_change(rule_name, aws, run_rule, catalog):
    rule = catalog.rule(rule_name)
    resource_type = rule.resource_types[0]
    aws.client("s3").create_bucket(Bucket="big-bucket")
    calls = []
    aws.events.register_first("before-call", lambda model, **_: calls.append((model.service_model.service_name, model.name)))
    if resource_type in CONFIGURATIONS:
        def history(**_):  # answered here, before the recorder above sees the call
            calls.append(("config", "GetResourceConfigHistory"))
            return unrecorded_history(resource_type)

        aws.events.register("before-call.config.GetResourceConfigHistory", history)
    response = run_rule(rule_name).oversized(resource_type, RESOURCE_IDS[resource_type])
    assert not isinstance(response, dict), response
    needed = {iam_action(service, operation) for service, operation in calls if service != "sts"}
    assert "config:GetResourceConfigHistory" in needed
    assert [action for action in sorted(needed) if not allows(rule.policy, action)] == []
