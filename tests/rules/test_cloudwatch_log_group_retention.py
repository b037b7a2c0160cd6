"""CLOUDWATCH_LOG_GROUP_RETENTION through lambda_handler, on moto, scenario by scenario."""
import pytest
from botocore.awsrequest import AWSResponse

from tests.items import item

RULE = "CLOUDWATCH_LOG_GROUP_RETENTION"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


def group(logs, name, days=None):
    logs.create_log_group(logGroupName=name)
    if days is not None:
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def annotation(rule, name):
    return next(e["Annotation"] for e in rule.posted if e["ComplianceResourceId"] == name)


# --- compliance -----------------------------------------------------------------------------


def test_retention_of_a_year_or_more_is_compliant(rule, logs):
    group(logs, "/app/year", 365)
    group(logs, "/app/ten-years", 3653)
    rule.periodic()
    assert rule.compliance() == {"/app/year": "COMPLIANT", "/app/ten-years": "COMPLIANT"}
    assert annotation(rule, "/app/year") == "Log group keeps events 365 days."
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::Logs::LogGroup"


def test_short_retention_is_non_compliant(rule, logs):
    group(logs, "/app/month", 30)
    rule.periodic()
    assert rule.compliance() == {"/app/month": "NON_COMPLIANT"}
    assert "30 days, less than MinRetentionDays 365" in annotation(rule, "/app/month")
    assert "Clearsight-LogGroupRetention" in annotation(rule, "/app/month")


def test_min_retention_days_parameter_moves_the_bar(rule, logs):
    group(logs, "/app/quarter", 90)
    group(logs, "/app/month", 30)
    rule.periodic({"MinRetentionDays": "90"})
    assert rule.compliance() == {"/app/quarter": "COMPLIANT", "/app/month": "NON_COMPLIANT"}


def test_never_expire_is_compliant(rule, logs):
    group(logs, "/app/forever")
    rule.periodic()
    assert rule.compliance() == {"/app/forever": "COMPLIANT"}
    assert "never expires" in annotation(rule, "/app/forever")


def test_never_expire_is_non_compliant_when_max_retention_days_is_set(rule, logs):
    group(logs, "/app/forever")
    rule.periodic({"MaxRetentionDays": "731"})
    assert rule.compliance() == {"/app/forever": "NON_COMPLIANT"}
    assert "MaxRetentionDays is 731" in annotation(rule, "/app/forever")


def test_retention_above_max_retention_days_is_non_compliant(rule, logs):
    group(logs, "/app/long", 3653)
    group(logs, "/app/right", 400)
    rule.periodic({"MaxRetentionDays": "731"})
    assert rule.compliance() == {"/app/long": "NON_COMPLIANT", "/app/right": "COMPLIANT"}
    assert "more than MaxRetentionDays 731" in annotation(rule, "/app/long")


def test_minimum_is_a_year_when_no_parameter_is_given(rule, logs):
    group(logs, "/app/year", 365)
    group(logs, "/app/half-year", 180)
    group(logs, "/app/forever")
    rule.periodic({})
    assert rule.compliance() == {"/app/year": "COMPLIANT", "/app/half-year": "NON_COMPLIANT", "/app/forever": "COMPLIANT"}
    assert "180 days, less than MinRetentionDays 365" in annotation(rule, "/app/half-year")


@pytest.mark.parametrize("days", [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653])
def test_retention_exactly_at_both_bounds_is_compliant_for_every_value_cloudwatch_accepts(rule, logs, days):
    """PutRetentionPolicy's values (CloudWatch Logs API reference), written out here, not read from the rule."""
    group(logs, "/app/exact", days)
    rule.periodic({"MinRetentionDays": str(days), "MaxRetentionDays": str(days)})
    assert rule.compliance() == {"/app/exact": "COMPLIANT"}
    assert annotation(rule, "/app/exact") == f"Log group keeps events {days} days."


def test_annotations_stay_under_256_characters(rule, logs):
    group(logs, "/" + "n" * 511, 1)
    group(logs, "/" + "m" * 511)
    rule.periodic({"MaxRetentionDays": "3653"})
    assert len(rule.posted) == 2
    assert all(len(e["Annotation"]) < 256 for e in rule.posted)


# --- scope (shared with CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION: rules/_shared/log_groups.py) ---


def test_prefixes_limit_the_scope(rule, logs):
    for name in ("/app/a", "/aws/lambda/f", "/other"):
        group(logs, name, 30)
    rule.periodic({"LogGroupNamePrefixes": "/app/,/aws/lambda/"})
    assert set(rule.compliance()) == {"/app/a", "/aws/lambda/f"}


def test_a_prefix_given_twice_is_swept_once_and_still_limits_the_scope(rule, logs):
    group(logs, "/app/a", 30)
    group(logs, "/other", 30)
    rule.periodic({"LogGroupNamePrefixes": "/app/,/app/"})
    assert rule.compliance() == {"/app/a": "NON_COMPLIANT"}
    assert rule.calls == ["logs.DescribeLogGroups"]


def test_exempt_log_group_is_not_applicable(rule, logs):
    group(logs, "/app/scratch", 1)
    group(logs, "/app/short", 1)
    rule.periodic({"ExemptLogGroupNames": "/app/scratch"})
    assert rule.compliance() == {"/app/scratch": "NOT_APPLICABLE", "/app/short": "NON_COMPLIANT"}
    assert annotation(rule, "/app/scratch") == "Exempted by ExemptLogGroupNames."


def test_an_exempt_name_that_matches_no_log_group_reports_nothing_for_it(rule, logs):
    group(logs, "/app/short", 1)
    rule.periodic({"ExemptLogGroupNames": "/app/gone,/app/short"})
    assert rule.compliance() == {"/app/short": "NOT_APPLICABLE"}


def test_change_notification_is_not_applicable_config_does_not_record_log_groups(rule):
    rule.change(item("AWS::Logs::Destination", "dest", {"destinationName": "dest"}))
    assert list(rule.compliance().values()) == ["NOT_APPLICABLE"]
    assert rule.calls == []


def test_deleted_log_group_loses_its_old_result(rule, logs, aws):
    group(logs, "/app/short", 1)
    previous = {"EvaluationResults": [{"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
        "ConfigRuleName": RULE, "ResourceType": "AWS::Logs::LogGroup", "ResourceId": "/app/gone"}}}]}
    aws.events.register_first(
        "before-call.config.GetComplianceDetailsByConfigRule",
        lambda **_: (AWSResponse("https://config.local", 200, {}, None), previous),
    )
    rule.periodic()
    assert rule.compliance() == {"/app/gone": "NOT_APPLICABLE", "/app/short": "NON_COMPLIANT"}


# --- cost -----------------------------------------------------------------------------------


def test_one_paginated_sweep_and_no_other_call(rule, logs):
    for i in range(51):  # DescribeLogGroups returns at most 50 per page
        group(logs, f"/bulk/{i:02d}", 30)
    rule.periodic()
    assert rule.calls == ["logs.DescribeLogGroups"] * 2
    assert len(rule.posted) == 51


# --- parameters and errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"MinRetentionDays": "366"}, "MinRetentionDays must be a retention CloudWatch Logs accepts"),
        ({"MinRetentionDays": "a year"}, "MinRetentionDays must be"),
        ({"MaxRetentionDays": "0"}, "MaxRetentionDays must be"),
        ({"MinRetentionDays": "400", "MaxRetentionDays": "365"}, "MaxRetentionDays (365) is below MinRetentionDays (400)"),
        ({"LogGroupNamePrefixes": "/app/*"}, "LogGroupNamePrefixes"),
        ({"MinRetention": "365"}, "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


def test_access_denied_is_an_error_never_compliant(rule, logs, api_error):
    group(logs, "/app/year", 365)
    api_error("logs", "DescribeLogGroups", "AccessDeniedException")
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDeniedException"
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, logs, api_error):
    group(logs, "/app/year", 365)
    throttled = api_error("logs", "DescribeLogGroups", "ThrottlingException", times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {"/app/year": "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, logs, api_error):
    group(logs, "/app/year", 365)
    api_error("logs", "DescribeLogGroups", "ThrottlingException")
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []
