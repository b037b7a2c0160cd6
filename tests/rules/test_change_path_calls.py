"""Every change-triggered rule's calls, pinned: none when the item carries the data, one read when it does not.

Through lambda_handler on moto. An oversized notification carries no data: rdklib inflates it
with one GetResourceConfigHistory, and the rule reads what that item still lacks (moto's S3
item has no ServerSideEncryptionConfiguration, as older items do not). The S3 KMS rule also
asks DescribeKey for a bucket's customer key on the change path: a key's state can change
without the bucket changing (rules/S3_BUCKET_KMS_ENCRYPTION docstring).
"""
import json

import pytest

from tests.conftest import ACCOUNT
from tests.items import account_public_access_block_item, s3_bucket_item
from tests.rules.inventory_answers import json_response
from tests.rules.test_change_path_policies import unrecorded_history

PRIVATE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::audit-1/*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def account_block_history_sent(request, **_):
    """The account's item as AWS Config sends it over HTTP (botocore parses it)."""
    [item] = unrecorded_history("AWS::S3::AccountPublicAccessBlock")[1]["configurationItems"]
    return json_response(request, {"configurationItems": [dict(item, configurationItemCaptureTime=1714645200.0)]})


def bucket(s3, name="audit-1"):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})


CARRIED = [
    ("S3_BUCKET_KMS_ENCRYPTION", lambda: s3_bucket_item("audit-1", sse={"sseAlgorithm": "AES256"}), []),
    ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", lambda: s3_bucket_item("audit-1", sse=None, policy=PRIVATE_POLICY), []),
    ("S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED", lambda: account_public_access_block_item(), []),
]
NOT_CARRIED = [
    ("S3_BUCKET_KMS_ENCRYPTION", lambda: s3_bucket_item("audit-1", sse=None), ["s3.GetBucketEncryption"]),
    ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", lambda: s3_bucket_item("audit-1", sse=None), ["s3.GetBucketPolicy"]),
    ("S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED", lambda: dict(account_public_access_block_item(), configuration=None), ["s3control.GetPublicAccessBlock"]),
]


CASES = [("carried",) + case for case in CARRIED] + [("missing",) + case for case in NOT_CARRIED]


@pytest.mark.parametrize("data, rule_name, make_item, calls", CASES, ids=[f"{c[1]}-{c[0]}" for c in CASES])
def test_item_carrying_the_data_costs_no_call_and_one_without_it_one_read(run_rule, s3, data, rule_name, make_item, calls):
    bucket(s3)
    rule = run_rule(rule_name)
    rule.change(make_item())
    assert len(rule.posted) == 1 and rule.calls == calls


OVERSIZED = [
    ("S3_BUCKET_KMS_ENCRYPTION", "AWS::S3::Bucket", "audit-1", ["config.GetResourceConfigHistory", "s3.GetBucketEncryption"]),
    ("S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED", "AWS::S3::AccountPublicAccessBlock", ACCOUNT, ["config.GetResourceConfigHistory"]),
]


@pytest.mark.parametrize("rule_name, resource_type, resource_id, calls", OVERSIZED, ids=[c[0] for c in OVERSIZED])
def test_oversized_item_costs_the_history_read_and_one_read_of_what_it_lacks(aws, run_rule, s3, rule_name, resource_type,
                                                                               resource_id, calls):
    bucket(s3)
    if resource_type == "AWS::S3::AccountPublicAccessBlock":  # moto's history knows no such item
        aws.events.register_first("before-send.config-service.GetResourceConfigHistory", account_block_history_sent)
    rule = run_rule(rule_name)
    rule.oversized(resource_type, resource_id)
    assert len(rule.posted) == 1 and rule.calls == calls
