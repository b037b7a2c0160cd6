"""Clearsight-CloudTrailLogBucketProtection run by the local Automation engine against moto:
what it turns on, what it leaves alone, what it reports it could not do, and its bad input."""
import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox.estate.trails import delivery_policy, owned_bucket, private_bucket
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts
from tests.rules.trail_world import KEY, trail

DOCUMENT = "Clearsight-CloudTrailLogBucketProtection"
RULE = "CLOUDTRAIL_LOG_BUCKET_PROTECTED"
BUCKET, TARGET = "trail-logs", "access-logs"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


@pytest.fixture
def s3(aws):
    s3 = aws.client("s3")
    private_bucket(s3, TARGET, REGION, KEY, delivery_policy(TARGET, "logging.s3.amazonaws.com", ACCOUNT))
    owned_bucket(s3, BUCKET, REGION, delivery_policy(BUCKET, "cloudtrail.amazonaws.com", ACCOUNT))
    trail(aws)
    return s3


@pytest.fixture
def run(aws, catalog):
    def run(**overrides):
        parameters = {"BucketName": BUCKET, "AccessLogsTargetBucket": TARGET, "KmsKeyArn": KEY, "AutomationAssumeRole": ROLE, **overrides}
        return run_document(catalog.documents[DOCUMENT].path, parameters, aws)

    return run


def test_without_object_lock_it_fixes_the_rest_and_says_what_it_left(run, run_rule, s3):
    first = run()
    assert first.status == "Success", first.failure_message
    assert sorted(mutating_calls(first)) == ["s3.PutBucketEncryption", "s3.PutBucketLogging", "s3.PutBucketVersioning", "s3.PutPublicAccessBlock"]
    assert "Object Lock is not enabled on trail-logs" in first.outputs["InspectBucket.NotFixed"]
    runner = run_rule(RULE)
    runner.periodic()
    [evaluation] = runner.posted
    assert evaluation["ComplianceType"] == "NON_COMPLIANT" and "lacks: Object Lock (365+ days)." in evaluation["Annotation"]
    assert mutating_calls(run()) == []


def test_with_object_lock_the_bucket_turns_compliant_and_a_second_run_changes_nothing(run, run_rule, s3):
    first = run(EnableObjectLock=True, ObjectLockRetentionDays=400, ObjectLockMode="COMPLIANCE")
    assert first.status == "Success", first.failure_message
    assert "s3.PutObjectLockConfiguration" in mutating_calls(first) and first.outputs["InspectBucket.NotFixed"] == "none"
    retention = s3.get_object_lock_configuration(Bucket=BUCKET)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert (retention["Mode"], retention["Days"]) == ("COMPLIANCE", 400)
    assert verdicts(run_rule, RULE) == {BUCKET: "COMPLIANT"}
    second = run(EnableObjectLock=True)
    assert second.status == "Success" and mutating_calls(second) == []


def test_protections_already_in_place_are_kept(run, aws, s3):
    other_key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": other_key}}]})
    private_bucket(s3, "other-access-logs", REGION, KEY, delivery_policy("other-access-logs", "logging.s3.amazonaws.com", ACCOUNT))
    s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "other-access-logs", "TargetPrefix": "x/"}})
    done = run()
    assert done.status == "Success"
    assert sorted(mutating_calls(done)) == ["s3.PutBucketVersioning", "s3.PutPublicAccessBlock"]
    assert s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"]["TargetBucket"] == "other-access-logs"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == other_key
    assert "Statement" in s3.get_bucket_policy(Bucket=BUCKET)["Policy"]


def test_logging_into_itself_is_refused_before_any_change(run, s3):
    done = run(AccessLogsTargetBucket=BUCKET)
    assert done.status == "Failed" and "must be another bucket" in done.failure_message
    assert mutating_calls(done) == []


@pytest.mark.parametrize("parameter, value", [("BucketName", "Bad_Bucket"), ("KmsKeyArn", "alias/logs"),
                                              ("ObjectLockMode", "governance"), ("ObjectLockRetentionDays", 0)])
def test_bad_parameters_are_refused_before_any_call(run, parameter, value):
    with pytest.raises(ParameterError, match=parameter):
        run(**{parameter: value})
