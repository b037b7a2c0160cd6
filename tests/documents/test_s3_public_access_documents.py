"""Clearsight-S3BucketBlockPublicAccess and Clearsight-S3AccountBlockPublicAccess run by the
local Automation engine against moto: the closed loop on the seeded estate, what each document
must leave alone, and their word (a second run changes nothing)."""
import json

import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox.estate import s3_public_access
from clearsight.remediate import document_parameters as config_parameters
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts
from tests.state_judges import account_block_public_access, bucket_block_public_access

BUCKET_RULE, ACCOUNT_RULE = "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"
FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@pytest.fixture
def seeded(aws):
    return s3_public_access.seed(aws, REGION)


@pytest.fixture
def run(aws, catalog):
    return lambda name, parameters: run_document(catalog.documents[name].path, parameters, aws)


def account_settings(aws):
    return aws.client("s3control").get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]


# --- bucket document -----------------------------------------------------------------------


def test_bucket_closed_loop_on_the_seeded_estate(aws, run_rule, run, seeded, catalog):
    bucket_rule = catalog.rule(BUCKET_RULE)
    for entry in [s for s in seeded if s.rule == BUCKET_RULE]:
        assert verdicts(run_rule, BUCKET_RULE)[entry.resource_id] == entry.expected
        if entry.expected == "COMPLIANT":
            continue
        parameters = {**config_parameters(bucket_rule, entry.resource_id), **entry.remediation_parameters}
        first = run("Clearsight-S3BucketBlockPublicAccess", parameters)
        assert first.status == "Success", first.steps
        assert mutating_calls(first) == ["s3.PutPublicAccessBlock"]
        bucket_block_public_access(aws, entry.resource_id, parameters)  # the state itself, not only the rule's word
        assert verdicts(run_rule, BUCKET_RULE)[entry.resource_id] == "COMPLIANT"
        second = run("Clearsight-S3BucketBlockPublicAccess", parameters)
        assert second.status == "Success" and mutating_calls(second) == []


def test_bucket_document_keeps_the_policy_acl_and_ownership(aws, run, seeded):
    s3 = aws.client("s3")
    before = {b: (s3.get_bucket_policy(Bucket=b)["Policy"] if b.endswith("site") else None, s3.get_bucket_acl(Bucket=b)["Grants"])
              for b in ("clearsight-demo-public-site", "clearsight-demo-public-acl")}
    for bucket in before:
        run("Clearsight-S3BucketBlockPublicAccess", {"BucketName": bucket, "AutomationAssumeRole": ROLE})
        assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == dict.fromkeys(FLAGS, True)
    assert json.loads(s3.get_bucket_policy(Bucket="clearsight-demo-public-site")["Policy"]) == json.loads(before["clearsight-demo-public-site"][0])
    assert s3.get_bucket_ownership_controls(Bucket="clearsight-demo-public-acl")["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]


def test_bucket_document_completes_a_partial_block(aws, run):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="half-blocked")
    s3.put_public_access_block(Bucket="half-blocked", PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": True})
    execution = run("Clearsight-S3BucketBlockPublicAccess", {"BucketName": "half-blocked", "AutomationAssumeRole": ROLE})
    assert execution.status == "Success" and mutating_calls(execution) == ["s3.PutPublicAccessBlock"]


@pytest.mark.parametrize("name", ["Bad_Bucket", "ab", "192.168.0.1", "a..b", "xn--bucket"])
def test_bucket_document_rejects_what_is_not_a_bucket_name(aws, run, name):
    with pytest.raises(ParameterError):
        run("Clearsight-S3BucketBlockPublicAccess", {"BucketName": name, "AutomationAssumeRole": ROLE})


# --- account document ----------------------------------------------------------------------


def test_account_closed_loop_on_the_seeded_estate(aws, run_rule, run, seeded, catalog):
    [entry] = [s for s in seeded if s.rule == ACCOUNT_RULE]
    assert verdicts(run_rule, ACCOUNT_RULE) == {ACCOUNT: "NON_COMPLIANT"}
    parameters = {**config_parameters(catalog.rule(ACCOUNT_RULE), entry.resource_id), **entry.remediation_parameters}
    first = run("Clearsight-S3AccountBlockPublicAccess", parameters)
    assert first.status == "Success", first.steps
    assert mutating_calls(first) == ["s3control.PutPublicAccessBlock"]
    account_block_public_access(aws, ACCOUNT, parameters)
    assert verdicts(run_rule, ACCOUNT_RULE) == {ACCOUNT: "COMPLIANT"}
    second = run("Clearsight-S3AccountBlockPublicAccess", parameters)
    assert second.status == "Success" and mutating_calls(second) == []
    # all four on at the account settle every bucket, as the rule says
    assert set(verdicts(run_rule, BUCKET_RULE).values()) == {"COMPLIANT"}


def test_account_document_on_an_account_with_no_settings(aws, run):
    execution = run("Clearsight-S3AccountBlockPublicAccess", {"AccountId": ACCOUNT, "AutomationAssumeRole": ROLE})
    assert execution.status == "Success", execution.steps
    assert account_settings(aws) == dict.fromkeys(FLAGS, True)


def test_account_document_never_turns_a_setting_off(aws, run):
    aws.client("s3control").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": True})
    parameters = {"AccountId": ACCOUNT, "AutomationAssumeRole": ROLE, "BlockPublicAcls": "false", "RestrictPublicBuckets": "false"}
    execution = run("Clearsight-S3AccountBlockPublicAccess", parameters)
    assert execution.status == "Success", execution.steps
    assert account_settings(aws) == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
    again = run("Clearsight-S3AccountBlockPublicAccess", parameters)
    assert again.status == "Success" and mutating_calls(again) == []


@pytest.mark.parametrize("account", ["12345678901", "1234567890123", "acct-123456789012"])
def test_account_document_rejects_what_is_not_an_account_id(aws, run, account):
    with pytest.raises(ParameterError):
        run("Clearsight-S3AccountBlockPublicAccess", {"AccountId": account, "AutomationAssumeRole": ROLE})
