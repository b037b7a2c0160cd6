"""CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION through lambda_handler, on moto, scenario by scenario."""
import pytest
from botocore.awsrequest import AWSResponse

from tests.items import item

RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def key(kms):
    metadata = kms.create_key(Description="logs")["KeyMetadata"]
    kms.create_alias(AliasName="alias/logs", TargetKeyId=metadata["KeyId"])
    return metadata


def group(logs, name, key_arn=None):
    logs.create_log_group(logGroupName=name, **({"kmsKeyId": key_arn} if key_arn else {}))


def annotation(rule, name):
    return next(e["Annotation"] for e in rule.posted if e["ComplianceResourceId"] == name)


# --- compliance -----------------------------------------------------------------------------


def test_log_group_with_enabled_key_is_compliant(rule, logs, key):
    group(logs, "/app/api", key["Arn"])
    rule.periodic()
    assert rule.compliance() == {"/app/api": "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::Logs::LogGroup"


def test_log_group_without_key_is_non_compliant(rule, logs):
    group(logs, "/app/plain")
    rule.periodic()
    assert rule.compliance() == {"/app/plain": "NON_COMPLIANT"}
    assert "not encrypted with a KMS key" in annotation(rule, "/app/plain")
    assert "Clearsight-LogGroupKmsEncryption" in annotation(rule, "/app/plain")


def test_log_group_with_key_not_in_kms_key_arns_is_non_compliant(rule, logs, kms, key):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    group(logs, "/app/other", other)
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert rule.compliance() == {"/app/other": "NON_COMPLIANT"}
    assert "not one of KmsKeyArns" in annotation(rule, "/app/other")


def test_alias_arn_in_kms_key_arns_matches_the_key_behind_it(rule, logs, key):
    group(logs, "/app/api", key["Arn"])
    rule.periodic({"KmsKeyArns": key["Arn"].replace(f"key/{key['KeyId']}", "alias/logs")})
    assert rule.compliance() == {"/app/api": "COMPLIANT"}


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_log_group_with_unusable_key_is_non_compliant(rule, logs, kms, key, state):
    group(logs, "/app/dead", key["Arn"])
    if state == "Disabled":
        kms.disable_key(KeyId=key["KeyId"])
    else:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    rule.periodic()
    assert rule.compliance() == {"/app/dead": "NON_COMPLIANT"}
    assert f"is {state}" in annotation(rule, "/app/dead")


def test_log_group_with_key_that_does_not_exist_is_non_compliant(rule, logs):
    group(logs, "/app/ghost", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000")
    rule.periodic()
    assert rule.compliance() == {"/app/ghost": "NON_COMPLIANT"}
    assert "NotFound" in annotation(rule, "/app/ghost")


def test_annotations_stay_under_256_characters(rule, logs, kms, key):
    long_name = "/" + "n" * 511
    group(logs, long_name)
    group(logs, "/app/dead", key["Arn"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    group(logs, "/app/other", kms.create_key()["KeyMetadata"]["Arn"])
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert len(rule.posted) == 3
    assert all(len(e["Annotation"]) < 256 and "[truncated]" not in e["Annotation"] for e in rule.posted)


# --- scope ----------------------------------------------------------------------------------


def test_prefixes_limit_the_scope(rule, logs):
    for name in ("/app/a", "/app/b", "/aws/lambda/f", "/other"):
        group(logs, name)
    rule.periodic({"LogGroupNamePrefixes": "/app/, /aws/lambda/"})
    assert set(rule.compliance()) == {"/app/a", "/app/b", "/aws/lambda/f"}


def test_single_prefix_is_listed_server_side(rule, logs, aws):
    for name in ("/app/a", "/other"):
        group(logs, name)
    sent = []
    aws.events.register("provide-client-params.cloudwatch-logs.DescribeLogGroups", lambda params, **_: sent.append(dict(params)))
    rule.periodic({"LogGroupNamePrefixes": "/app/"})
    assert sent == [{"logGroupNamePrefix": "/app/"}]
    assert set(rule.compliance()) == {"/app/a"}


def test_a_prefix_inside_another_adds_no_sweep(rule, logs):
    group(logs, "/app/api/x")
    rule.periodic({"LogGroupNamePrefixes": "/app/,/app/api/"})
    assert rule.calls == ["logs.DescribeLogGroups"]
    assert rule.compliance() == {"/app/api/x": "NON_COMPLIANT"}


def test_exempt_log_group_is_not_applicable(rule, logs, key):
    group(logs, "/app/plain")
    group(logs, "/app/scratch")
    rule.periodic({"ExemptLogGroupNames": "/app/scratch"})
    assert rule.compliance() == {"/app/plain": "NON_COMPLIANT", "/app/scratch": "NOT_APPLICABLE"}
    assert "ExemptLogGroupNames" in annotation(rule, "/app/scratch")


def test_only_this_regions_log_groups_are_reported(rule, logs, aws):
    group(logs, "/app/east")
    aws.client("logs", region_name="eu-west-1").create_log_group(logGroupName="/app/west")
    rule.periodic()
    assert set(rule.compliance()) == {"/app/east"}


def test_change_notification_is_not_applicable_config_does_not_record_log_groups(rule):
    rule.change(item("AWS::Logs::Destination", "dest", {"destinationName": "dest"}))
    assert list(rule.compliance().values()) == ["NOT_APPLICABLE"]
    assert rule.calls == []


def test_deleted_log_group_loses_its_old_result(rule, logs, aws):
    """No configuration item tells of a deletion: rdklib's periodic clean-up marks what vanished."""
    group(logs, "/app/plain")
    previous = {"EvaluationResults": [{"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
        "ConfigRuleName": RULE, "ResourceType": "AWS::Logs::LogGroup", "ResourceId": "/app/gone"}}}]}
    aws.events.register_first(
        "before-call.config.GetComplianceDetailsByConfigRule",
        lambda **_: (AWSResponse("https://config.local", 200, {}, None), previous),
    )
    rule.periodic()
    assert rule.compliance() == {"/app/gone": "NOT_APPLICABLE", "/app/plain": "NON_COMPLIANT"}


# --- cost -----------------------------------------------------------------------------------


def test_periodic_makes_one_listing_and_one_describe_key_per_distinct_key(rule, logs, kms, key):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    for i in range(3):
        group(logs, f"/app/shared-{i}", key["Arn"])
    group(logs, "/app/other", other)
    group(logs, "/app/plain")
    rule.periodic()
    assert sorted(rule.calls) == ["kms.DescribeKey"] * 2 + ["logs.DescribeLogGroups"]
    assert len(rule.posted) == 5


def test_periodic_follows_describe_log_groups_pages(rule, logs):
    for i in range(51):  # DescribeLogGroups returns at most 50 per page
        group(logs, f"/bulk/{i:02d}")
    rule.periodic()
    assert rule.calls == ["logs.DescribeLogGroups"] * 2
    assert len(rule.posted) == 51


# --- parameters and errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"KmsKeyArns": "alias/logs"}, "KmsKeyArns"),
        ({"LogGroupNamePrefixes": "/app/*"}, "LogGroupNamePrefixes"),
        ({"ExemptLogGroupNames": "bad name"}, "ExemptLogGroupNames"),
        ({"LogGroupNamePrefix": "/app/"}, "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


@pytest.mark.parametrize(
    "service, operation, code",
    [("logs", "DescribeLogGroups", "AccessDeniedException"), ("kms", "DescribeKey", "AccessDeniedException")],
)
def test_access_denied_is_an_error_never_compliant(rule, logs, key, api_error, service, operation, code):
    group(logs, "/app/api", key["Arn"])
    api_error(service, operation, code)
    response = rule.periodic()
    assert response["customerErrorCode"] == code
    assert response["internalErrorMessage"] == "Insufficient access to perform this action."
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, logs, key, api_error):
    group(logs, "/app/api", key["Arn"])
    throttled = api_error("logs", "DescribeLogGroups", "ThrottlingException", times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {"/app/api": "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, logs, key, api_error):
    group(logs, "/app/api", key["Arn"])
    api_error("logs", "DescribeLogGroups", "ThrottlingException")
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []
