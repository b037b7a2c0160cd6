"""CLOUDTRAIL_SECURITY_TRAIL_ACTIVE through lambda_handler, on moto, scenario by scenario."""
from datetime import datetime, timedelta, timezone

import pytest

from clearsight.sandbox import moto_patches
from tests.rules.trail_world import ACCOUNT, OTHER, account_verdict, foreign_org_trail, status_says, trail

RULE = "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE"
MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


@pytest.fixture
def rule(run_rule):
    moto_patches.apply()  # HasInsightSelectors as AWS reports it
    return run_rule(RULE)


# --- compliant -------------------------------------------------------------------------------


def test_healthy_trail_with_default_selectors_is_compliant(rule, aws):
    trail(aws)
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and "security" in annotation
    assert rule.calls == ["cloudtrail.DescribeTrails", "cloudtrail.GetTrailStatus", "cloudtrail.GetEventSelectors"]


def test_healthy_trail_with_basic_selectors_is_compliant(rule, aws):
    trail(aws, selectors={"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]})
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_healthy_trail_with_advanced_selectors_is_compliant(rule, aws):
    trail(aws, selectors={"AdvancedEventSelectors": [{"Name": "management", "FieldSelectors": [MANAGEMENT]}]})
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_shadow_of_a_trail_homed_in_another_region_is_compliant(rule, aws):
    trail(aws, name="west-security", region="eu-west-1")
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and "west-security (eu-west-1" in annotation


def test_own_organization_trail_is_compliant_and_required_when_asked(rule, aws):
    trail(aws, IsOrganizationTrail=True)
    assert account_verdict(rule, {"RequireOrganizationTrail": "true"})[0] == "COMPLIANT"


def test_best_trail_is_chosen_among_several(rule, aws):
    trail(aws, name="stopped", logging=False)
    trail(aws, name="good")
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and "good" in annotation


# --- non-compliant ---------------------------------------------------------------------------


def test_no_trails_at_all_is_non_compliant(rule):
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "No trail records us-east-1" in annotation
    assert "Clearsight-CloudTrailSecurityTrail" in annotation


@pytest.mark.parametrize(
    "options, lacks",
    [
        ({"logging": False}, "not logging"),
        ({"IsMultiRegionTrail": None}, "not multi-region"),
        ({"EnableLogFileValidation": None}, "no log file validation"),
        ({"KmsKeyId": None}, "not KMS-encrypted"),
        ({"selectors": {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}}, "no read management events"),
        ({"selectors": {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False,
                                            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}},
         "no read/write management events"),
        ({"selectors": {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                            "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}}, "excludes kms.amazonaws.com"),
        ({"selectors": {"AdvancedEventSelectors": [{"Name": "reads", "FieldSelectors": [MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}]}]}},
         "no write management events"),
        ({"selectors": {"AdvancedEventSelectors": [{"Name": "m", "FieldSelectors": [
            MANAGEMENT, {"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]}]}]}}, "excludes rdsdata.amazonaws.com"),
    ],
    ids=["not-logging", "single-region", "no-validation", "no-kms", "basic-write-only", "basic-no-management",
         "basic-excluded-source", "advanced-read-only", "advanced-excluded-source"],
)
def test_each_missing_property_is_named(rule, aws, options, lacks):
    trail(aws, **options)
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT"
    assert annotation.startswith("Best trail security (us-east-1) lacks: ") and lacks in annotation


def test_delivery_error_is_non_compliant(rule, aws):
    trail(aws)
    status_says(aws, LatestDeliveryError="AccessDenied")
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "delivery error AccessDenied" in annotation


def test_several_gaps_are_all_listed(rule, aws):
    trail(aws, logging=False, EnableLogFileValidation=None, KmsKeyId=None)
    assert "lacks: no log file validation, not KMS-encrypted, not logging." in account_verdict(rule)[1]


def test_stopped_shadow_trail_is_non_compliant_here(rule, aws):
    trail(aws, name="west-security", region="eu-west-1", logging=False)
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "west-security (eu-west-1) lacks: not logging" in annotation


def test_single_region_trail_of_another_region_does_not_record_this_one(rule, aws):
    trail(aws, name="west-only", region="eu-west-1", IsMultiRegionTrail=None)
    assert "No trail records us-east-1" in account_verdict(rule)[1]


FIX_TAIL = ". Repair or create the trail (remediation: Clearsight-CloudTrailSecurityTrail)."


def test_long_delivery_error_is_cut_to_40_characters(rule, aws):
    trail(aws)
    error = "S3 bucket trail-logs does not exist or denies CloudTrail s3:PutObject"
    status_says(aws, LatestDeliveryError=error)
    assert f"lacks: delivery error {error[:40]}{FIX_TAIL}" in account_verdict(rule)[1]


def test_many_excluded_event_sources_are_cut_to_60_characters(rule, aws):
    sources = ["athena.amazonaws.com", "kms.amazonaws.com", "rdsdata.amazonaws.com", "s3.amazonaws.com"]
    trail(aws, selectors={"AdvancedEventSelectors": [{"Name": "m", "FieldSelectors": [
        MANAGEMENT, {"Field": "eventSource", "NotEquals": sources}]}]})
    assert f"lacks: excludes {', '.join(sources)[:60]}{FIX_TAIL}" in account_verdict(rule)[1]


def test_every_gap_of_a_long_named_trail_is_cut_to_255_characters_keeping_the_fix(rule, aws):
    name = "s" * 128
    trail(aws, name=name, logging=False, IsMultiRegionTrail=None, EnableLogFileValidation=None, KmsKeyId=None)
    status_says(aws, LatestDeliveryError="AccessDenied")
    compliance, annotation = account_verdict(
        rule, {"RequireOrganizationTrail": "true", "RequireInsights": "true", "RequireCloudWatchLogs": "true"})
    assert compliance == "NON_COMPLIANT" and annotation.startswith(f"Best trail {name} (us-east-1) lacks: not multi-region")
    assert len(annotation) == 255 and annotation.endswith(FIX_TAIL)


# --- optional requirements -------------------------------------------------------------------


def test_organization_trail_required(rule, aws):
    trail(aws)
    compliance, annotation = account_verdict(rule, {"RequireOrganizationTrail": "true"})
    assert compliance == "NON_COMPLIANT" and "not an organization trail" in annotation


def test_insights_required(rule, aws):
    trail(aws)
    assert "no Insights" in account_verdict(rule, {"RequireInsights": "true"})[1]


def test_insights_required_and_recorded(rule, aws):
    trail(aws)
    aws.client("cloudtrail").put_insight_selectors(TrailName="security", InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}])
    assert account_verdict(rule, {"RequireInsights": "true"})[0] == "COMPLIANT"


def test_cloudwatch_logs_required_but_absent(rule, aws):
    trail(aws)
    assert "no CloudWatch Logs" in account_verdict(rule, {"RequireCloudWatchLogs": "true"})[1]


@pytest.mark.parametrize("hours_ago, expected", [(1, "COMPLIANT"), (30, "NON_COMPLIANT"), (None, "NON_COMPLIANT")])
def test_cloudwatch_logs_delivery_age(rule, aws, hours_ago, expected):
    trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")
    if hours_ago is not None:
        status_says(aws, LatestCloudWatchLogsDeliveryTime=datetime.now(timezone.utc) - timedelta(hours=hours_ago))
    compliance, annotation = account_verdict(rule, {"RequireCloudWatchLogs": "true", "CloudWatchLogsMaxDeliveryAgeHours": "24"})
    assert compliance == expected
    if expected == "NON_COMPLIANT":
        assert "no recent CloudWatch Logs delivery" in annotation


@pytest.mark.parametrize("hours_ago, expected", [(23.5, "COMPLIANT"), (24.5, "NON_COMPLIANT")])
def test_cloudwatch_logs_delivery_age_defaults_to_24_hours(rule, aws, hours_ago, expected):
    trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")
    status_says(aws, LatestCloudWatchLogsDeliveryTime=datetime.now(timezone.utc) - timedelta(hours=hours_ago))
    assert account_verdict(rule, {"RequireCloudWatchLogs": "true"})[0] == expected


def test_cloudwatch_logs_delivery_exactly_the_max_age_ago_is_still_recent(rule, aws, monkeypatch):
    now = datetime.now(timezone.utc).replace(microsecond=0)

    class Clock(datetime):  # the rule's clock, stopped at `now`
        @classmethod
        def now(cls, tz=None):
            return now

    monkeypatch.setitem(rule.module.cloudwatch_delivery_age.__globals__, "datetime", Clock)
    trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")
    status_says(aws, LatestCloudWatchLogsDeliveryTime=(now - timedelta(hours=24)).timestamp())
    assert account_verdict(rule, {"RequireCloudWatchLogs": "true", "CloudWatchLogsMaxDeliveryAgeHours": "24"})[0] == "COMPLIANT"


def test_cloudwatch_logs_delivery_is_not_judged_unless_required(rule, aws):
    trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")  # never delivered
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_healthy_trail_is_compliant_when_no_parameter_is_given(rule, aws):
    trail(aws)
    assert account_verdict(rule, {})[0] == "COMPLIANT"


# --- organization trail seen from a member account -------------------------------------------


def test_unreadable_organization_trail_of_another_account_is_not_applicable_never_compliant(rule, aws):
    foreign_org_trail(aws)
    compliance, annotation = account_verdict(rule)
    assert compliance == "NOT_APPLICABLE"
    assert f"evaluated in account {OTHER}" in annotation


def test_unreadable_organization_trail_visibly_wrong_is_non_compliant(rule, aws):
    foreign_org_trail(aws, LogFileValidationEnabled=False)
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "org-trail" in annotation and "no log file validation" in annotation


def test_own_healthy_trail_wins_over_an_unreadable_organization_trail(rule, aws):
    foreign_org_trail(aws)
    trail(aws)
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_two_unreadable_organization_trails_name_the_first_listed(rule, aws):
    foreign_org_trail(aws)
    foreign_org_trail(aws, Name="org-second", TrailARN="arn:aws:cloudtrail:us-east-1:333344445555:trail/org-second")
    compliance, annotation = account_verdict(rule)
    assert compliance == "NOT_APPLICABLE" and f"Organization trail org-trail of account {OTHER}" in annotation
    assert "org-second" not in annotation and "333344445555" not in annotation


# --- parameters and errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"RequireInsights": "yes"}, "RequireInsights"),
        ({"CloudWatchLogsMaxDeliveryAgeHours": "0"}, "CloudWatchLogsMaxDeliveryAgeHours"),
        ({"CloudWatchLogsMaxDeliveryAgeHours": "a day"}, "CloudWatchLogsMaxDeliveryAgeHours"),
        ({"CloudWatchLogsMaxDeliveryAgeHours": "8761"}, "CloudWatchLogsMaxDeliveryAgeHours"),
        ({"RequireOrgTrail": "true"}, "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


@pytest.mark.parametrize("hours", ["1", "8760"])
def test_cloudwatch_logs_delivery_age_accepts_one_hour_to_a_year(rule, aws, hours):
    trail(aws)
    assert account_verdict(rule, {"CloudWatchLogsMaxDeliveryAgeHours": hours})[0] == "COMPLIANT"
