"""Documents shaped like AWS's published AWSConfigRemediation-* runbooks, run end to end on moto."""

from pathlib import Path

import pytest

from clearsight.automation import load_document, run_document

DOCUMENTS = Path(__file__).parent / "documents"

ROLE = "arn:aws:iam::123456789012:role/clearsight-remediation"


@pytest.fixture
def public_access_block():
    return load_document(DOCUMENTS / "ConfigureS3BucketPublicAccessBlock.yaml")


@pytest.fixture
def log_file_validation():
    return load_document(DOCUMENTS / "EnableCloudTrailLogFileValidation.yaml")


@pytest.fixture
def trail(session, bucket):
    session.client("cloudtrail").create_trail(Name="org-trail", S3BucketName=bucket)
    return "org-trail"


def test_public_access_block_is_configured_and_verified(session, bucket, public_access_block):
    execution = run_document(public_access_block, {"BucketName": bucket, "AutomationAssumeRole": [ROLE]}, session)

    assert execution.status == "Success", execution.failure_message
    config = session.client("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                      "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert [s.status for s in execution.steps] == ["Success"] * 4
    assert execution.outputs["GetBucketPublicAccessBlock.Output"] == config
    put = execution.steps[0]
    assert put.inputs["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True  # Boolean kept its type


def test_public_access_block_runs_twice_without_change(session, bucket, public_access_block):
    parameters = {"BucketName": bucket, "AutomationAssumeRole": ROLE}
    first = run_document(public_access_block, parameters, session)
    second = run_document(public_access_block, parameters, session)
    assert (first.status, second.status) == ("Success", "Success")
    assert second.outputs == first.outputs


def test_public_access_block_assert_fails_when_the_change_does_not_hold(session, bucket, public_access_block):
    """Config sends strings: 'false' for one flag makes the all-flags assertion fail, naming the values."""
    execution = run_document(public_access_block, {"BucketName": bucket, "AutomationAssumeRole": ROLE,
                                                   "IgnorePublicAcls": "false"}, session)

    assert execution.status == "Failed"
    assert [s.status for s in execution.steps] == ["Success", "Success", "Success", "Failed"]
    assert "Assertion failed" in execution.steps[-1].failure_message
    assert "False" in execution.steps[-1].failure_message
    flags = session.client("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert flags["IgnorePublicAcls"] is False


def test_public_access_block_to_dict_looks_like_get_automation_execution(session, bucket, public_access_block):
    record = run_document(public_access_block, {"BucketName": bucket, "AutomationAssumeRole": ROLE},
                          session).to_dict()

    assert record["AutomationExecutionStatus"] == "Success"
    assert record["DocumentName"] == "ConfigureS3BucketPublicAccessBlock"
    assert record["Parameters"]["BucketName"] == [bucket]
    assert record["Parameters"]["BlockPublicAcls"] == ["true"]
    step = record["StepExecutions"][0]
    assert step["StepName"] == "PutBucketPublicAccessBlock" and step["StepStatus"] == "Success"
    assert step["Action"] == "aws:executeAwsApi" and step["Inputs"]["Bucket"] == f'"{bucket}"'
    assert step["ExecutionStartTime"] <= step["ExecutionEndTime"]
    assert record["Outputs"]["GetBucketPublicAccessBlock.Output"][0].startswith("{")


def test_cloudtrail_log_file_validation_is_enabled_and_verified_by_script(session, trail, log_file_validation):
    assert session.client("cloudtrail").get_trail(Name=trail)["Trail"]["LogFileValidationEnabled"] is False

    execution = run_document(log_file_validation, {"TrailName": trail, "AutomationAssumeRole": ROLE}, session)

    assert execution.status == "Success", execution.failure_message
    assert session.client("cloudtrail").get_trail(Name=trail)["Trail"]["LogFileValidationEnabled"] is True
    assert execution.outputs["VerifyTrail.Output"] == "Verification of EnableLogFileValidation is successful."
    assert execution.outputs["UpdateTrail.UpdateTrailResponse"]["LogFileValidationEnabled"] is True
    # the script's boto3 client went to the same (moto) account through the caller's session
    assert ("cloudtrail", "GetTrail", {"Name": trail}) in execution.api_calls


def test_cloudtrail_verification_script_failure_fails_the_run(session, trail, log_file_validation):
    """A trail name the script cannot find makes the script raise; its message becomes the failure."""
    document = load_document(DOCUMENTS / "EnableCloudTrailLogFileValidation.yaml")
    execution = run_document(document, {"TrailName": "no-such-trail", "AutomationAssumeRole": ROLE}, session)

    assert execution.status == "Failed"
    assert execution.steps[0].name == "UpdateTrail" and execution.steps[0].status == "Failed"
    assert "TrailNotFoundException" in execution.failure_message
    assert len(execution.steps) == 1
