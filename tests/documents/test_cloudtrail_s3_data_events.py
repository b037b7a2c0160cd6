"""Clearsight-CloudTrailS3DataEvents run by the local Automation engine against moto: the selector
it adds in each form, what it keeps, and when it refuses."""
import pytest

from clearsight.automation import run_document
from tests.conftest import ACCOUNT
from tests.documents.runs import mutating_calls, verdicts
from tests.rules.trail_world import trail

DOCUMENT = "Clearsight-CloudTrailS3DataEvents"
RULE = "CLOUDTRAIL_S3_DATA_EVENTS_ENABLED"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"
MANAGEMENT_READS = {"Name": "reads", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                        {"Field": "readOnly", "Equals": ["true"]}]}


@pytest.fixture
def run(aws, catalog):
    def run(**overrides):
        parameters = {"AccountId": ACCOUNT, "TrailName": "security", "AutomationAssumeRole": ROLE, **overrides}
        return run_document(catalog.documents[DOCUMENT].path, parameters, aws)

    return run


def selectors(aws, name="security"):
    found = aws.client("cloudtrail").get_event_selectors(TrailName=name)
    return found.get("EventSelectors") or [], found.get("AdvancedEventSelectors") or []


def test_default_selectors_keep_all_management_events_and_gain_s3(run, run_rule, aws):
    trail(aws)
    first = run()
    assert first.status == "Success", first.failure_message
    assert mutating_calls(first) == ["cloudtrail.PutEventSelectors"]
    basic, advanced = selectors(aws)
    assert basic[0]["ReadWriteType"] == "All" and basic[0]["IncludeManagementEvents"] is True and advanced == []
    assert basic[1]["DataResources"] == [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]
    assert verdicts(run_rule, RULE) == {ACCOUNT: "COMPLIANT"}
    assert verdicts(run_rule, "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE") == {ACCOUNT: "COMPLIANT"}
    second = run()
    assert second.status == "Success" and mutating_calls(second) == [] and second.outputs["AddS3DataEventSelector.Changed"] is False


def test_advanced_selectors_stay_advanced_and_are_kept(run, run_rule, aws):
    trail(aws, selectors={"AdvancedEventSelectors": [MANAGEMENT_READS]})
    done = run(ReadWriteType="WriteOnly", S3BucketNames="a-bucket,b-bucket")
    assert done.status == "Success", done.failure_message
    basic, advanced = selectors(aws)
    assert basic == [] and advanced[0] == MANAGEMENT_READS
    fields = {f["Field"]: f for f in advanced[1]["FieldSelectors"]}
    assert fields["resources.ARN"]["StartsWith"] == ["arn:aws:s3:::a-bucket/", "arn:aws:s3:::b-bucket/"]
    assert fields["readOnly"]["Equals"] == ["false"]
    assert verdicts(run_rule, RULE, {"ReadWriteType": "WriteOnly", "S3BucketNames": "a-bucket,b-bucket"}) == {ACCOUNT: "COMPLIANT"}
    assert mutating_calls(run(ReadWriteType="WriteOnly", S3BucketNames="a-bucket,b-bucket")) == []


def test_basic_selectors_are_kept(run, aws):
    kept = {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}
    trail(aws, selectors={"EventSelectors": [kept]})
    assert run(S3BucketNames="logs").status == "Success"
    basic, _ = selectors(aws)
    assert basic[0] == kept and basic[1]["DataResources"][0]["Values"] == ["arn:aws:s3:::logs/"]


def test_already_recorded_changes_nothing(run, aws):
    trail(aws, selectors={"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                              "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}]})
    done = run()
    assert done.status == "Success" and mutating_calls(done) == []


def test_five_basic_selectors_is_refused(run, aws):
    trail(aws, selectors={"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}] * 5})
    done = run()
    assert done.status == "Failed" and "5 basic event selectors" in done.failure_message


def test_other_account_or_unknown_trail_is_refused(run, aws):
    trail(aws)
    assert "not in account 210987654321" in run(AccountId="210987654321").failure_message
    missing = run(TrailName="no-such-trail")
    assert missing.status == "Failed" and "TrailNotFound" in missing.failure_message
    assert mutating_calls(missing) == []
