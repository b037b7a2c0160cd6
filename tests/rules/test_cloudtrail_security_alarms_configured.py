"""CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED through lambda_handler, on moto, scenario by scenario."""
import json
from pathlib import Path

import pytest

from clearsight.evaluate import evaluate_periodic
from tests.rules.trail_world import ACCOUNT, OTHER, foreign_org_trail, trail

RULE = "CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED"
CONTROLS = json.loads((Path(__file__).resolve().parents[2] / "rules" / "_shared" / "cis_controls.json").read_text())["controls"]
GROUP = "/trail/management"
ONE = {"Controls": "cloudtrail-changes"}
CT_PATTERN = CONTROLS["cloudtrail-changes"]["pattern"]


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def topic(aws):
    sns = aws.client("sns")
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="secops@example.com")  # moto confirms email at once
    return arn


@pytest.fixture
def trail_to_logs(aws):
    def make(group=GROUP, region="us-east-1", account=ACCOUNT, **options):
        aws.client("logs", region_name=region).create_log_group(logGroupName=group)
        arn = f"arn:aws:logs:{region}:{account}:log-group:{group}:*"
        trail(aws, CloudWatchLogsLogGroupArn=arn, CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/to-logs", **options)
        return region

    return make


@pytest.fixture
def alarmed(aws, topic):
    def make(control, pattern=None, region="us-east-1", statistic="Sum", threshold=1, operator="GreaterThanOrEqualToThreshold",
             datapoints=1, actions=None, value="1", default=None, name=None, **alarm_options):
        name = name or f"cis-{control}"
        transformation = {"metricName": name, "metricNamespace": "CIS", "metricValue": value}
        if default is not None:
            transformation["defaultValue"] = default
        aws.client("logs", region_name=region).put_metric_filter(
            logGroupName=GROUP, filterName=name, filterPattern=pattern or CONTROLS[control]["pattern"],
            metricTransformations=[transformation])
        aws.client("cloudwatch", region_name=region).put_metric_alarm(
            AlarmName=name, MetricName=name, Namespace="CIS", Statistic=statistic, Period=300, EvaluationPeriods=datapoints,
            Threshold=threshold, ComparisonOperator=operator, AlarmActions=[topic] if actions is None else actions, **alarm_options)

    return make


def annotation(rule):
    return rule.posted[0]["Annotation"]


def test_every_control_filtered_alarmed_and_subscribed_is_compliant(rule, trail_to_logs, alarmed):
    trail_to_logs()
    for control in CONTROLS:
        alarmed(control)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert annotation(rule) == f"Alarmed and subscribed: 15 CIS controls ({', '.join(CONTROLS)})."[:255]
    assert set(rule.calls) == {
        "cloudtrail.DescribeTrails", "cloudtrail.GetTrailStatus", "cloudtrail.GetEventSelectors",
        "logs.DescribeMetricFilters", "cloudwatch.DescribeAlarmsForMetric", "sns.ListSubscriptionsByTopic",
    }
    assert rule.calls.count("sns.ListSubscriptionsByTopic") == 1  # one read per topic


def test_a_filter_reordered_and_respaced_counts(rule, trail_to_logs, alarmed):
    trail_to_logs()
    alarmed("cloudtrail-changes", '{ $.eventName = "StopLogging" || $.eventName = "StartLogging" || $.eventName = "DeleteTrail" '
                                  '|| $.eventName = "UpdateTrail" || $.eventName = "CreateTrail" }')
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert annotation(rule) == "Alarmed and subscribed: 1 CIS controls (cloudtrail-changes)."


def test_a_filter_with_unsupported_syntax_does_not_hide_a_good_one_on_the_same_group(rule, trail_to_logs, alarmed, aws):
    trail_to_logs()
    aws.client("logs").put_metric_filter(
        logGroupName=GROUP, filterName="a-regex", filterPattern="{ $.eventName = %Trail% }",
        metricTransformations=[{"metricName": "a-regex", "metricNamespace": "CIS", "metricValue": "1"}])
    alarmed("cloudtrail-changes")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_a_filter_that_misses_a_sample_is_rejected_with_the_control_named(rule, trail_to_logs, alarmed):
    trail_to_logs()
    alarmed("cloudtrail-changes", "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail)}")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("no filter: cloudtrail-changes.")


def test_a_filter_with_unsupported_syntax_is_never_counted(rule, trail_to_logs, alarmed):
    trail_to_logs()
    alarmed("cloudtrail-changes", "{ $.eventName = %(Create|Update|Delete)Trail|(Start|Stop)Logging% }")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}


def test_no_qualifying_trail_is_named(rule, aws):
    trail(aws)  # multi-region and logging, but no CloudWatch Logs
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("no multi-region trail to CloudWatch Logs")


def test_an_unreadable_organization_trail_of_another_account_does_not_count(rule, aws):
    foreign_org_trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{OTHER}:log-group:org:*")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("no multi-region trail to CloudWatch Logs: cloudtrail-changes.")


@pytest.mark.parametrize(
    "options, named",
    [({"IsMultiRegionTrail": False}, "no multi-region trail to CloudWatch Logs: cloudtrail-changes."),
     ({"logging": False}, "Trail security: not logging. Repair the trail first"),
     ({"selectors": {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}},
      "Trail security: no read management events. Repair the trail first")],
    ids=["single-region", "not-logging", "write-only-management-events"],
)
def test_a_trail_short_of_multi_region_logging_all_management_events_does_not_count(rule, trail_to_logs, alarmed, options, named):
    trail_to_logs(**options)
    alarmed("cloudtrail-changes")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith(named)


def test_a_stopped_trail_and_missing_alarms_are_named_together(rule, trail_to_logs):
    trail_to_logs(logging=False)
    rule.periodic({"Controls": "root-usage,vpc-changes"})
    assert annotation(rule).startswith("Trail security: not logging. no filter: all 2 controls.")


def test_a_stopped_trail_leaves_less_room_for_the_controls_it_names(rule, trail_to_logs, alarmed):
    trail_to_logs(logging=False)
    alarmed("root-usage", threshold=5)
    rule.periodic()
    assert annotation(rule) == (
        "Trail security: not logging. no alarm firing on one event: root-usage; no filter: unauthorized-api-calls, "
        "console-signin-without-mfa, iam-policy-changes, cloudtrail-changes +10 more. Add them (remediation: Clearsight-CloudTrailSecurityAlarms)."
    )


def test_a_long_trail_name_still_leaves_every_list_at_least_one_control(rule, trail_to_logs, alarmed):
    name = "t" * 111
    trail_to_logs(name=name, selectors={"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]})
    alarmed("console-signin-without-mfa", threshold=5)
    rule.periodic({"Controls": "console-signin-without-mfa,security-group-changes"})
    assert annotation(rule) == (
        f"Trail {name}: no read management events. no alarm firing on one event: console-signin-... "
        "Add them (remediation: Clearsight-CloudTrailSecurityAlarms)."
    )


def test_a_long_list_is_cut_down_to_one_control_when_the_trail_takes_the_room(rule, trail_to_logs, alarmed):
    name = "t" * 89
    trail_to_logs(name=name, selectors={"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]})
    alarmed("unauthorized-api-calls", threshold=5)
    rule.periodic({"Controls": "iam-policy-changes,root-usage,security-group-changes,unauthorized-api-calls,vpc-changes"})
    assert annotation(rule) == (
        f"Trail {name}: no read management events. no filter: iam-policy-changes +3 more; no alarm firing on one event... "
        "Add them (remediation: Clearsight-CloudTrailSecurityAlarms)."
    )


def test_the_trail_named_is_the_one_whose_gaps_are_named(rule, trail_to_logs):
    trail_to_logs(logging=False, name="a-stopped")
    trail_to_logs(group="/trail/other", name="b-write-only",
                  selectors={"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]})
    rule.periodic(ONE)
    assert annotation(rule).startswith("Trail a-stopped: not logging. ")


def test_the_log_group_may_live_in_another_region(rule, trail_to_logs, alarmed):
    trail_to_logs(region="eu-west-1")
    alarmed("cloudtrail-changes", region="eu-west-1")
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_a_log_group_in_another_account_is_not_applicable_and_says_where(rule, aws):
    """moto refuses a log group ARN of another account: DescribeTrails' answer says so instead."""
    trail(aws, name="to-archive")

    def elsewhere(parsed, **_):
        for entry in parsed["trailList"]:
            entry["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:us-east-1:{OTHER}:log-group:org:*"

    aws.events.register("after-call.cloudtrail.DescribeTrails", elsewhere)
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NOT_APPLICABLE"}
    assert f"evaluated in account {OTHER}" in annotation(rule)


def test_a_log_group_in_an_account_whose_id_sorts_lower_is_not_applicable_too(rule, aws):
    trail(aws, name="to-archive")
    lower = "000011112222"

    def elsewhere(parsed, **_):
        for entry in parsed["trailList"]:
            entry["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:us-east-1:{lower}:log-group:org:*"

    aws.events.register("after-call.cloudtrail.DescribeTrails", elsewhere)
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NOT_APPLICABLE"}
    assert f"evaluated in account {lower}" in annotation(rule)


@pytest.mark.parametrize(
    "alarm",
    [
        {"threshold": 5},
        {"operator": "GreaterThanThreshold", "threshold": 1},
        {"operator": "GreaterThanThreshold", "threshold": 5},
        {"operator": "LessThanThreshold", "threshold": 1},
        {"datapoints": 2},
        {"statistic": "Average", "default": 0},
        {"statistic": "Minimum", "default": 0},
        {"statistic": "Sum", "default": 1},
        {"statistic": "Sum", "default": -1},
        {"statistic": "Sum", "value": "$.count"},
        {"ActionsEnabled": False},
        {"statistic": "SampleCount", "operator": "GreaterThanThreshold", "threshold": 1},
    ],
    ids=["threshold-5", "greater-than-1", "greater-than-5", "less-than", "two-datapoints", "average-diluted", "minimum-diluted",
         "default-1", "default-minus-1", "value-from-event", "actions-disabled", "sample-count-above-1"],
)
def test_an_alarm_that_a_single_event_does_not_fire_is_named(rule, trail_to_logs, alarmed, alarm):
    trail_to_logs()
    alarmed("cloudtrail-changes", **alarm)
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "no alarm firing on one event: cloudtrail-changes" in annotation(rule)


@pytest.mark.parametrize(
    "alarm",
    [
        {"statistic": "SampleCount", "value": "$.count"},
        {"statistic": "Maximum", "threshold": 0.5},
        {"operator": "GreaterThanThreshold", "threshold": 0},
        {"statistic": "Average"},
        {"statistic": "Sum", "default": 0},
        {"datapoints": 5, "DatapointsToAlarm": 1},
        {"statistic": "Maximum", "default": 0},
    ],
    ids=["sample-count", "maximum", "greater-than-0", "average-no-default", "sum-default-0", "one-of-five-datapoints",
         "maximum-default-0"],
)
def test_an_alarm_that_a_single_event_fires_counts(rule, trail_to_logs, alarmed, alarm):
    trail_to_logs()
    alarmed("cloudtrail-changes", **alarm)
    rule.periodic(ONE)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_an_alarm_without_a_confirmed_subscriber_is_named(rule, trail_to_logs, alarmed, aws):
    trail_to_logs()
    sns = aws.client("sns")
    silent = sns.create_topic(Name="silent")["TopicArn"]
    alarmed("cloudtrail-changes", actions=[silent])
    rule.periodic(ONE)
    assert "no confirmed subscriber: cloudtrail-changes" in annotation(rule)


def test_a_pending_subscription_does_not_count(rule, trail_to_logs, alarmed, aws):
    trail_to_logs()
    pending = aws.client("sns").create_topic(Name="pending")["TopicArn"]

    def unconfirmed(parsed, **_):
        for subscription in parsed.get("Subscriptions", []):
            subscription["SubscriptionArn"] = "PendingConfirmation"

    aws.client("sns").subscribe(TopicArn=pending, Protocol="email", Endpoint="nobody@example.com")
    aws.events.register("after-call.sns.ListSubscriptionsByTopic", unconfirmed)
    alarmed("cloudtrail-changes", actions=[pending])
    rule.periodic(ONE)
    assert "no confirmed subscriber" in annotation(rule)


def test_the_annotation_names_each_failing_control_under_what_it_lacks(rule, trail_to_logs, alarmed, aws):
    trail_to_logs()
    alarmed("root-usage")
    alarmed("cloudtrail-changes", threshold=3)
    alarmed("vpc-changes", actions=[aws.client("sns").create_topic(Name="silent")["TopicArn"]])
    rule.periodic({"Controls": "root-usage,cloudtrail-changes,vpc-changes,nacl-changes"})
    assert annotation(rule).startswith(
        "no alarm firing on one event: cloudtrail-changes; no confirmed subscriber: vpc-changes; no filter: nacl-changes."
    )
    rule.posted.clear()
    rule.periodic()
    assert len(annotation(rule)) < 256 and "more" in annotation(rule)


def test_a_list_that_would_fill_the_annotation_to_its_last_character_is_cut_by_a_control_not_mid_word(rule, trail_to_logs, alarmed):
    trail_to_logs()
    alarmed("vpc-changes", threshold=5)
    controls = ["config-changes", "s3-bucket-policy-changes", "vpc-changes", "root-usage", "nacl-changes", "organizations-changes",
                "cloudtrail-changes", "console-auth-failures", "unauthorized-api-calls"]
    rule.periodic({"Controls": ",".join(controls)})  # listing one more control would make exactly 256 characters
    assert annotation(rule) == (
        "no filter: config-changes, s3-bucket-policy-changes, root-usage, nacl-changes, organizations-changes, cloudtrail-changes"
        " +2 more; no alarm firing on one event: vpc-changes. Add them (remediation: Clearsight-CloudTrailSecurityAlarms)."
    )


def test_only_the_reporting_region_reports(aws, catalog, trail_to_logs):
    trail_to_logs()
    assert evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT, ONE).evaluations == []
    assert evaluate_periodic(catalog.rule(RULE), aws, "us-west-2", ACCOUNT, ONE).evaluations == []  # sorts after us-east-1


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"Controls": "root-usage,root-account"}, "unknown root-account"),
        ({"ReportingRegion": "everywhere"}, "ReportingRegion must be a region name"),
        ({"Control": "root-usage"}, "Unknown parameter(s) Control"),
    ],
)
def test_bad_parameters_are_rejected_with_the_fix(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]


def test_access_denied_is_an_error_never_compliant(rule, trail_to_logs, alarmed, api_error):
    trail_to_logs()
    alarmed("cloudtrail-changes")
    api_error("sns", "ListSubscriptionsByTopic", "AuthorizationError", status=403)
    response = rule.periodic(ONE)
    assert "customerErrorCode" in response
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, trail_to_logs, alarmed, api_error):
    trail_to_logs()
    alarmed("cloudtrail-changes")
    throttled = api_error("logs", "DescribeMetricFilters", "ThrottlingException", times=1)
    rule.periodic(ONE)
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, trail_to_logs, alarmed, api_error):
    trail_to_logs()
    alarmed("cloudtrail-changes")
    api_error("logs", "DescribeMetricFilters", "ThrottlingException")
    response = rule.periodic(ONE)
    assert "customerErrorCode" in response or "internalErrorMessage" in response
    assert rule.posted == []
