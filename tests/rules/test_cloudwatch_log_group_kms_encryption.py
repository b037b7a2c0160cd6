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


def test_listing_denied_is_an_error_never_compliant(rule, logs, key, api_error):
    group(logs, "/app/api", key["Arn"])
    api_error("logs", "DescribeLogGroups", "AccessDeniedException")
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDeniedException"
    assert response["internalErrorMessage"] == "Insufficient access to perform this action."
    assert rule.posted == []


def test_one_key_denied_makes_only_its_log_groups_unreadable(rule, logs, kms, key, api_error):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    group(logs, "/app/a-first", other)
    group(logs, "/app/a-second", other)
    group(logs, "/app/b-third", key["Arn"])
    group(logs, "/app/c-plain")
    api_error("kms", "DescribeKey", "AccessDeniedException", matching=other.split("/")[-1])
    rule.periodic()
    assert rule.compliance() == {
        "/app/a-first": "NON_COMPLIANT", "/app/a-second": "NON_COMPLIANT", "/app/b-third": "COMPLIANT", "/app/c-plain": "NON_COMPLIANT",
    }
    assert annotation(rule, "/app/a-second").startswith("Could not be read: AccessDeniedException on DescribeKey")
    assert rule.calls.count("kms.DescribeKey") == 2  # a failed key is not asked again for its second group


@pytest.mark.parametrize("spec, usage", [("RSA_2048", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC")])
def test_key_logs_cannot_use_is_non_compliant(rule, logs, kms, spec, usage):
    arn = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"]
    group(logs, "/app/asym", arn)
    rule.periodic({"KmsKeyArns": arn})
    assert rule.compliance() == {"/app/asym": "NON_COMPLIANT"}
    assert f"{spec} {usage}" in annotation(rule, "/app/asym")


def test_key_in_another_region_is_non_compliant(rule, logs):
    arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    group(logs, "/app/far", arn)
    rule.periodic()
    assert rule.compliance() == {"/app/far": "NON_COMPLIANT"}
    assert "in eu-west-1, not us-east-1" in annotation(rule, "/app/far")


@pytest.mark.parametrize("parameters, expected", [({}, "NON_COMPLIANT"), ({"KeyAccountIds": "999999999999"}, "COMPLIANT")])
def test_key_of_another_account_counts_only_when_listed(rule, aws, logs, parameters, expected):
    from tests.rules.kms_answers import key_says

    arn = key_says(aws, "arn:aws:kms:us-east-1:999999999999:key/0b0b0b0b-0000-4000-8000-000000000001", "999999999999")
    group(logs, "/app/shared", arn)
    rule.periodic(parameters)
    assert rule.compliance() == {"/app/shared": expected}


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
