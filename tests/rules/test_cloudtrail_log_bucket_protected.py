"""CLOUDTRAIL_LOG_BUCKET_PROTECTED through lambda_handler, on moto, scenario by scenario."""
import json

import pytest

from clearsight.evaluate import evaluate_periodic
from clearsight.sandbox.estate.trails import delivery_policy, log_archive_session, private_bucket
from tests.rules.trail_world import ACCOUNT, KEY, OTHER, foreign_org_trail, listed_too, trail

RULE = "CLOUDTRAIL_LOG_BUCKET_PROTECTED"
BUCKET = "trail-logs"
TARGET = "access-logs"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def protected(aws):
    """A trail delivering to a bucket with every protection."""
    s3 = aws.client("s3")
    private_bucket(s3, TARGET, "us-east-1", KEY, delivery_policy(TARGET, "logging.s3.amazonaws.com", ACCOUNT))
    private_bucket(s3, BUCKET, "us-east-1", KEY, delivery_policy(BUCKET, "cloudtrail.amazonaws.com", ACCOUNT), object_lock=True)
    s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": TARGET, "TargetPrefix": "trail/"}})
    trail(aws)
    return s3


def verdicts(rule, parameters=None):
    response = rule.periodic(parameters)
    assert not isinstance(response, dict), response
    assert all(len(e["Annotation"]) < 256 and e["ComplianceResourceType"] == "AWS::S3::Bucket" for e in rule.posted)
    return {e["ComplianceResourceId"]: (e["ComplianceType"], e["Annotation"]) for e in rule.posted}


def test_bucket_with_every_protection_is_compliant(rule, protected):
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"


def test_only_trail_buckets_are_evaluated(rule, protected):
    assert set(verdicts(rule)) == {BUCKET}


def test_no_trails_no_evaluations(aws, catalog):
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", ACCOUNT)
    assert result.evaluations == [] and result.errors == []


def test_shadow_trail_bucket_is_evaluated(rule, aws):
    trail(aws, name="west", region="eu-west-1", bucket_name="west-trail-logs")
    assert set(verdicts(rule)) == {"west-trail-logs"}


def public_policy(s3):
    s3.delete_public_access_block(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}))


def public_acl(s3):
    s3.delete_public_access_block(Bucket=BUCKET)
    s3.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")


def logging_to_itself(s3):
    s3.put_bucket_policy(Bucket=BUCKET, Policy=delivery_policy(BUCKET, "logging.s3.amazonaws.com", ACCOUNT))
    s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": BUCKET, "TargetPrefix": "self/"}})


@pytest.mark.parametrize(
    "damage, lacks",
    [
        (public_policy, "not public (public via policy)"),
        (public_acl, "not public (public via ACL)"),
        (lambda s3: s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={}), "access logging to another bucket"),
        (logging_to_itself, "access logging to another bucket"),
        (lambda s3: s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}), "SSE-KMS"),
        (lambda s3: s3.delete_bucket_encryption(Bucket=BUCKET), "SSE-KMS"),
        (lambda s3: s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}}), "Object Lock (365+ days)"),
    ],
    ids=["public-policy", "public-acl", "no-access-logging", "logging-to-itself", "sse-s3", "no-encryption", "short-retention"],
)
def test_each_missing_protection_is_named(rule, protected, damage, lacks):
    damage(protected)
    compliance, annotation = verdicts(rule)[BUCKET]
    assert compliance == "NON_COMPLIANT"
    assert lacks in annotation and "Clearsight-CloudTrailLogBucketProtection" in annotation


def test_public_policy_neutralised_by_account_block_is_not_public(rule, aws, protected):
    public_policy(protected)
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True))
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"


@pytest.mark.parametrize("damage, flag", [(public_policy, "RestrictPublicBuckets"), (public_acl, "IgnorePublicAcls")])
def test_public_setting_neutralised_by_the_buckets_own_block_is_not_public(rule, protected, damage, flag):
    damage(protected)
    protected.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={flag: True})
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"


def test_public_acl_left_behind_under_bucket_owner_enforced_is_not_public(rule, protected):
    """BucketOwnerEnforced disables ACLs, so grants do not count. (S3 refuses to enforce it while the ACL
    grants outside the account; moto does not, which pins that the rule reads the ownership setting.)"""
    public_acl(protected)
    protected.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert "AllUsers" in str(protected.get_bucket_acl(Bucket=BUCKET)["Grants"])
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"


def test_access_logging_to_a_bucket_named_after_it_counts(rule, protected):
    later = "zz-access-logs"  # sorts after trail-logs
    private_bucket(protected, later, "us-east-1", KEY, delivery_policy(later, "logging.s3.amazonaws.com", ACCOUNT))
    protected.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": later, "TargetPrefix": "trail/"}})
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"


def test_lock_configuration_that_does_not_say_enabled_is_no_lock(rule, aws, protected):
    aws.events.register("after-call.s3.GetObjectLockConfiguration",
                        lambda parsed, **_: parsed.get("ObjectLockConfiguration", {}).pop("ObjectLockEnabled", None))
    compliance, annotation = verdicts(rule)[BUCKET]
    assert compliance == "NON_COMPLIANT" and "lacks: Object Lock (365+ days)." in annotation


def test_plain_bucket_lists_every_missing_protection(rule, aws):
    trail(aws)  # creates trail-logs as a bare bucket
    compliance, annotation = verdicts(rule)[BUCKET]
    assert compliance == "NON_COMPLIANT"
    assert "lacks: versioning; Object Lock (365+ days); access logging to another bucket; SSE-KMS." in annotation


@pytest.mark.parametrize(
    "parameters, expected",
    [({"MinRetentionDays": "365", "ObjectLockMode": "GOVERNANCE"}, "COMPLIANT"),
     ({"MinRetentionDays": "400"}, "NON_COMPLIANT"),
     ({"ObjectLockMode": "COMPLIANCE"}, "NON_COMPLIANT"),
     ({"MinRetentionDays": "0", "ObjectLockMode": "COMPLIANCE"}, "COMPLIANT")],
)
def test_object_lock_parameters(rule, protected, parameters, expected):
    assert verdicts(rule, parameters)[BUCKET][0] == expected


def lock(s3, **retention):
    s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", **retention}}})


def test_object_lock_without_default_retention_is_non_compliant(rule, protected):
    protected.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    compliance, annotation = verdicts(rule)[BUCKET]
    assert compliance == "NON_COMPLIANT" and "lacks: Object Lock (365+ days)." in annotation


@pytest.mark.parametrize("years, minimum, expected", [(1, "365", "COMPLIANT"), (1, "366", "NON_COMPLIANT"),
                                                       (2, "730", "COMPLIANT"), (2, "731", "NON_COMPLIANT")])
def test_object_lock_retention_in_years_counts_365_days_a_year(rule, protected, years, minimum, expected):
    lock(protected, Years=years)
    assert verdicts(rule, {"MinRetentionDays": minimum})[BUCKET][0] == expected


def test_compliance_mode_lock_is_non_compliant_when_governance_is_required(rule, protected):
    lock(protected, Mode="COMPLIANCE", Days=365)
    compliance, annotation = verdicts(rule, {"ObjectLockMode": "GOVERNANCE"})[BUCKET]
    assert compliance == "NON_COMPLIANT" and "Object Lock (365+ days GOVERNANCE)" in annotation


def test_object_lock_retention_longer_than_the_minimum_is_compliant(rule, protected):
    lock(protected, Days=400)
    assert verdicts(rule, {"MinRetentionDays": "365"})[BUCKET][0] == "COMPLIANT"


@pytest.mark.parametrize("days, expected", [(365, "COMPLIANT"), (364, "NON_COMPLIANT")])
def test_minimum_retention_is_a_year_and_own_bucket_is_enough_when_no_parameter_is_given(rule, protected, days, expected):
    lock(protected, Days=days)
    compliance, annotation = verdicts(rule, {})[BUCKET]
    assert compliance == expected
    if expected == "NON_COMPLIANT":
        assert "lacks: Object Lock (365+ days)." in annotation


def test_minimum_retention_of_a_hundred_years_is_accepted(rule, protected):
    compliance, annotation = verdicts(rule, {"MinRetentionDays": "36500"})[BUCKET]
    assert compliance == "NON_COMPLIANT" and "Object Lock (36500+ days)" in annotation


def test_every_gap_at_once_is_cut_to_255_characters_keeping_the_fix(rule, aws):
    trail(aws)  # a bare bucket: no versioning, lock, access logging or SSE-KMS
    s3 = aws.client("s3")
    s3.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.delete_public_access_block(Bucket=BUCKET)
    s3.put_bucket_acl(Bucket=BUCKET, ACL="public-read")
    compliance, annotation = verdicts(rule, {"RequireCrossAccount": "true", "MinRetentionDays": "36500", "ObjectLockMode": "COMPLIANCE"})[BUCKET]
    assert compliance == "NON_COMPLIANT" and annotation.startswith("Trail log bucket lacks: a log-archive account (RequireCrossAccount); ")
    assert len(annotation) == 255 and annotation.endswith(". Turn them on (remediation: Clearsight-CloudTrailLogBucketProtection).")


def test_versioned_bucket_without_object_lock(rule, aws):
    trail(aws)
    aws.client("s3").put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    annotation = verdicts(rule, {"MinRetentionDays": "0"})[BUCKET][1]
    assert "versioning" not in annotation and "Object Lock" not in annotation


def test_bucket_in_another_account_is_compliant(rule, archive):
    compliance, annotation = verdicts(rule)["org-log-archive"]
    assert compliance == "COMPLIANT" and "another account" in annotation
    assert "s3.HeadBucket" in rule.calls and "s3.GetBucketVersioning" not in rule.calls
    assert "s3control.GetPublicAccessBlock" not in rule.calls  # no bucket of this account to judge


@pytest.fixture
def archive(aws):
    """A trail delivering to a bucket of the log-archive account."""
    log_archive_session(aws, "us-east-1").client("s3").create_bucket(Bucket="org-log-archive")
    trail(aws, bucket_name="org-log-archive", own_bucket=False)


def test_bucket_of_another_account_that_refuses_head_bucket_is_compliant(rule, archive, api_error):
    """AWS answers 403 when the log-archive account does not let this one list its bucket."""
    api_error("s3", "HeadBucket", "403", status=403)
    assert verdicts(rule)["org-log-archive"][0] == "COMPLIANT"


def test_head_bucket_throttled_to_death_is_an_error(rule, archive, api_error):
    api_error("s3", "HeadBucket", "SlowDown", status=503)
    assert "internalErrorMessage" in rule.periodic() and rule.posted == []


def test_own_bucket_when_cross_account_is_required(rule, protected):
    compliance, annotation = verdicts(rule, {"RequireCrossAccount": "true"})[BUCKET]
    assert compliance == "NON_COMPLIANT" and "RequireCrossAccount" in annotation


def test_organization_trail_bucket_that_does_not_exist_is_non_compliant(rule, aws):
    foreign_org_trail(aws)
    compliance, annotation = verdicts(rule)["org-archive"]
    assert compliance == "NON_COMPLIANT" and "does not exist" in annotation and "org-trail" in annotation


def test_missing_bucket_names_the_first_trail_delivering_to_it(rule, aws):
    foreign_org_trail(aws)
    listed_too(aws, {"Name": "org-second", "TrailARN": f"arn:aws:cloudtrail:us-east-1:{OTHER}:trail/org-second",
                     "HomeRegion": "us-east-1", "IsMultiRegionTrail": True, "S3BucketName": "org-archive"})
    compliance, annotation = verdicts(rule)["org-archive"]
    assert compliance == "NON_COMPLIANT" and annotation.startswith("Trail org-trail delivers to bucket org-archive")


def test_missing_bucket_with_long_names_is_cut_to_255_characters(rule, aws):
    name, bucket_name = "t" * 128, "b" * 63
    foreign_org_trail(aws, Name=name, TrailARN=f"arn:aws:cloudtrail:us-east-1:{OTHER}:trail/{name}", S3BucketName=bucket_name)
    compliance, annotation = verdicts(rule)[bucket_name]
    assert compliance == "NON_COMPLIANT" and len(annotation) == 255


@pytest.mark.parametrize(
    "parameters, message",
    [({"MinRetentionDays": "-1"}, "MinRetentionDays"), ({"MinRetentionDays": "36501"}, "MinRetentionDays"),
     ({"ObjectLockMode": "governance"}, "ObjectLockMode"),
     ({"RequireCrossAccount": "1"}, "RequireCrossAccount"), ({"Retention": "1"}, "Unknown parameter")],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


CALLS = [("cloudtrail", "DescribeTrails"), ("s3", "ListBuckets"), ("s3", "GetPublicAccessBlock"), ("s3", "GetBucketPolicy"),
         ("s3", "GetBucketAcl"), ("s3", "GetBucketOwnershipControls"), ("s3", "GetBucketVersioning"),
         ("s3", "GetObjectLockConfiguration"), ("s3", "GetBucketLogging"), ("s3", "GetBucketEncryption"), ("s3control", "GetPublicAccessBlock")]


@pytest.mark.parametrize("service, operation", CALLS)
def test_access_denied_is_an_error_never_compliant(rule, protected, api_error, service, operation):
    api_error(service, operation, "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


@pytest.mark.parametrize("service, operation", CALLS)
def test_throttled_to_death_is_an_error_never_compliant(rule, protected, api_error, service, operation):
    api_error(service, operation, "SlowDown" if service != "cloudtrail" else "ThrottlingException", status=503)
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, protected, api_error):
    throttled = api_error("s3", "GetBucketLogging", "SlowDown", status=503, times=1)
    assert verdicts(rule)[BUCKET][0] == "COMPLIANT"
    assert throttled.sent == 1
