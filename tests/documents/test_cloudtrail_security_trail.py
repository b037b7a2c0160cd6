"""Clearsight-CloudTrailSecurityTrail run by the local Automation engine against moto: which trail
it repairs and how, when it creates one (and its bucket), and that the rule agrees afterwards."""
import json

import pytest

from clearsight.automation import run_document
from tests.conftest import ACCOUNT
from tests.documents.branches import UNSEEDED_BRANCHES
from tests.documents.runs import iam_actions, mutating_calls, verdicts
from tests.rules.trail_world import KEY, bucket, trail

DOCUMENT = "Clearsight-CloudTrailSecurityTrail"
RULE = "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"
S3_WRITES = {"Name": "S3 writes", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                     {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                                                     {"Field": "readOnly", "Equals": ["false"]}]}
S3_BASIC = {"ReadWriteType": "All", "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::logs/"]}], "ExcludeManagementEventSources": []}


@pytest.fixture
def run(aws, catalog):
    def run(**overrides):
        parameters = {"AccountId": ACCOUNT, "TrailName": "new-security", "S3BucketName": "new-trail-logs", "KmsKeyId": KEY,
                      "AutomationAssumeRole": ROLE, **overrides}
        return run_document(catalog.documents[DOCUMENT].path, parameters, aws)

    return run


def described(aws, name, region="us-east-1"):
    return aws.client("cloudtrail", region_name=region).get_trail(Name=name)["Trail"]


def test_broken_trail_is_repaired_and_the_rule_agrees(run, run_rule, aws):
    trail(aws, logging=False, EnableLogFileValidation=None, KmsKeyId=None, IsMultiRegionTrail=None,
          selectors={"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]})
    first = run()
    assert first.status == "Success", first.failure_message
    assert mutating_calls(first) == ["cloudtrail.UpdateTrail", "cloudtrail.PutEventSelectors", "cloudtrail.StartLogging"]
    assert first.outputs["RepairPreferredTrail.Trail"].endswith(":trail/security")
    settings = described(aws, "security")
    assert settings["IsMultiRegionTrail"] and settings["LogFileValidationEnabled"] and settings["KmsKeyId"] == KEY
    assert verdicts(run_rule, RULE) == {ACCOUNT: "COMPLIANT"}
    second = run()
    assert second.status == "Success" and mutating_calls(second) == [] and second.outputs["RepairPreferredTrail.Changes"] == "none"


def test_existing_kms_key_is_kept(run, aws):
    other = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/other"
    trail(aws, KmsKeyId=other, EnableLogFileValidation=None)
    assert run().status == "Success"
    assert described(aws, "security")["KmsKeyId"] == other


def test_advanced_data_selectors_are_kept_when_management_is_widened(run, aws):
    trail(aws, selectors={"AdvancedEventSelectors": [
        {"Name": "reads", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}]},
        S3_WRITES]})
    assert run().status == "Success"
    advanced = aws.client("cloudtrail").get_event_selectors(TrailName="security")["AdvancedEventSelectors"]
    assert advanced == [{"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}, S3_WRITES]


def test_basic_data_selectors_are_kept_when_exclusions_are_dropped(run, run_rule, aws):
    trail(aws, selectors={"EventSelectors": [dict(S3_BASIC, ExcludeManagementEventSources=["kms.amazonaws.com"])]})
    assert run().status == "Success"
    basic = aws.client("cloudtrail").get_event_selectors(TrailName="security")["EventSelectors"]
    assert basic[0]["ReadWriteType"] == "All" and basic[0]["IncludeManagementEvents"] and not basic[0].get("ExcludeManagementEventSources")
    assert basic[1]["DataResources"] == S3_BASIC["DataResources"] and basic[1]["IncludeManagementEvents"] is False
    assert verdicts(run_rule, RULE) == {ACCOUNT: "COMPLIANT"}


def test_shadow_trail_is_repaired_in_its_home_region(run, run_rule, aws):
    trail(aws, name="west", region="eu-west-1", logging=False)
    done = run()
    assert done.status == "Success", done.failure_message
    assert aws.client("cloudtrail", region_name="eu-west-1").get_trail_status(Name="west")["IsLogging"] is True
    assert verdicts(run_rule, RULE) == {ACCOUNT: "COMPLIANT"}


def test_the_trail_the_ranking_prefers_is_repaired_not_a_new_one(run, aws):
    trail(aws, name="a-worse", logging=False, EnableLogFileValidation=None)
    trail(aws, name="b-better", logging=False)
    done = run()
    assert done.outputs["RepairPreferredTrail.Trail"].endswith(":trail/b-better")
    assert aws.client("cloudtrail").get_trail_status(Name="a-worse")["IsLogging"] is False
    assert "new-security" not in [t["Name"] for t in aws.client("cloudtrail").describe_trails()["trailList"]]


def test_no_trail_creates_one_and_its_bucket_with_exactly_the_create_branch_actions(run, run_rule, aws):
    first = run()
    assert first.status == "Success", first.failure_message
    assert iam_actions(first) == UNSEEDED_BRANCHES[DOCUMENT]
    created = described(aws, "new-security")
    assert created["S3BucketName"] == "new-trail-logs" and created["IsMultiRegionTrail"] and created["KmsKeyId"] == KEY
    s3 = aws.client("s3")
    assert s3.get_bucket_versioning(Bucket="new-trail-logs")["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket="new-trail-logs")["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert s3.get_bucket_encryption(Bucket="new-trail-logs")["ServerSideEncryptionConfiguration"]["Rules"][0][
        "ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == KEY
    policy = json.loads(s3.get_bucket_policy(Bucket="new-trail-logs")["Policy"])
    assert {s["Sid"] for s in policy["Statement"]} == {"AWSCloudTrailAclCheck", "AWSCloudTrailWrite", "DenyInsecureTransport"}
    assert verdicts(run_rule, RULE) == {ACCOUNT: "COMPLIANT"}
    assert verdicts(run_rule, "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED")["new-trail-logs"] == "COMPLIANT"
    second = run()
    assert second.status == "Success" and mutating_calls(second) == []


def test_existing_bucket_is_used_as_it_is(run, aws):
    bucket(aws, "new-trail-logs")
    done = run()
    assert done.status == "Success"
    assert "s3.CreateBucket" not in mutating_calls(done) and "cloudtrail.CreateTrail" in mutating_calls(done)


def test_a_data_event_trail_is_not_turned_into_the_management_trail(run, aws):
    trail(aws, name="data-only", selectors={"AdvancedEventSelectors": [S3_WRITES]})
    assert "cloudtrail.CreateTrail" in mutating_calls(run())
    assert aws.client("cloudtrail").get_event_selectors(TrailName="data-only")["AdvancedEventSelectors"] == [S3_WRITES]


def test_other_account_is_refused_before_any_change(run, aws):
    done = run(AccountId="210987654321")
    assert done.status == "Failed" and "not in account 210987654321" in done.failure_message
    assert mutating_calls(done) == []
