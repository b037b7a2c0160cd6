"""EVENTBRIDGE_SECURITY_EVENT_RULES through lambda_handler, on moto, scenario by scenario."""
import json

import pytest

from clearsight.evaluate import evaluate_periodic
from tests.conftest import ACCOUNT

RULE = "EVENTBRIDGE_SECURITY_EVENT_RULES"
CALL = "AWS API Call via CloudTrail"
PATTERNS = {
    "root-signin": {"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}},
    "cloudtrail-tampering": {"source": ["aws.cloudtrail"], "detail": {"eventName": ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]}},
    "iam-policy-changes": {"source": ["aws.iam"], "detail-type": [CALL], "detail": {"eventName": [{"anything-but": {"prefix": "Get"}}]}},
    "security-group-changes": {"source": ["aws.ec2"], "detail": {"eventName": [{"wildcard": "*SecurityGroup*"}]}},
    "config-recorder-stopped": {"source": ["aws.config"], "detail": {"eventName": [{"prefix": "Stop"}, {"prefix": "Delete"}]}},
    "guardduty-findings": {"source": ["aws.guardduty"]},
    "securityhub-findings": {"detail-type": [{"equals-ignore-case": "security hub findings - imported"}]},
}
REGIONAL = ["cloudtrail-tampering", "security-group-changes", "config-recorder-stopped"]


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def topic(aws):
    return aws.client("sns").create_topic(Name="alerts")["TopicArn"]


@pytest.fixture
def put(aws, topic):
    def put(event_or_pattern, name=None, state="ENABLED", target=True, region="us-east-1"):
        pattern = PATTERNS[event_or_pattern] if isinstance(event_or_pattern, str) else event_or_pattern
        events = aws.client("events", region_name=region)
        name = name or f"r-{event_or_pattern}"
        events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
        if target:
            events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": target if isinstance(target, str) else topic}])
        return name

    return put


def annotation(rule):
    return rule.posted[0]["Annotation"]


def test_every_default_event_caught_by_an_enabled_rule_with_a_target_is_compliant(rule, put):
    for event in ("root-signin", "cloudtrail-tampering", "iam-policy-changes", "security-group-changes", "config-recorder-stopped"):
        put(event)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert set(rule.calls) == {"events.ListRules", "events.ListTargetsByRule"}


def test_one_rule_may_catch_several_events(rule, put):
    put({"$or": [PATTERNS["root-signin"], PATTERNS["iam-policy-changes"]]}, name="global")
    put({"source": ["aws.cloudtrail", "aws.ec2", "aws.config"]}, name="regional")
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_no_rule_at_all_is_non_compliant_naming_every_event(rule):
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    for event in ("root-signin", "cloudtrail-tampering", "iam-policy-changes", "security-group-changes", "config-recorder-stopped"):
        assert event in annotation(rule)
    assert len(annotation(rule)) < 256


def test_a_disabled_rule_does_not_count_and_is_named(rule, put):
    for event in PATTERNS:
        put(event, state="DISABLED" if event == "iam-policy-changes" else "ENABLED")
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "iam-policy-changes (r-iam-policy-changes disabled)" in annotation(rule)


def test_a_rule_without_a_target_does_not_count_and_is_named(rule, put):
    for event in PATTERNS:
        put(event, target=event != "root-signin")
    rule.periodic()
    assert "root-signin (r-root-signin: no target)" in annotation(rule)


def test_a_rule_forwarding_to_another_bus_counts(rule, put, aws):
    bus = aws.client("events").create_event_bus(Name="security-account-bus")["EventBusArn"]
    for event in PATTERNS:
        put(event, target=bus if event == "cloudtrail-tampering" else True)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_a_pattern_that_misses_samples_does_not_count(rule, put):
    """Only Put* IAM calls: DeletePolicy, AttachRolePolicy, ... would go unseen."""
    for event in PATTERNS:
        put(event)
    put({"source": ["aws.iam"], "detail": {"eventName": [{"prefix": "Put"}]}}, name="r-iam-policy-changes")
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "iam-policy-changes (no rule)" in annotation(rule)


def test_a_pattern_with_unsupported_syntax_is_never_counted_and_is_named(rule, put):
    for event in PATTERNS:
        put(event)
    put({"source": ["aws.ec2"], "detail": {"eventName": [{"regex-match": ".*SecurityGroup.*"}]}}, name="r-security-group-changes")
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "security-group-changes (no rule)" in annotation(rule)
    assert "unsupported pattern syntax): r-security-group-changes" in annotation(rule)


def test_schedule_rules_are_ignored(rule, put, aws):
    aws.client("events").put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    for event in PATTERNS:
        put(event)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_findings_events_are_judged_when_selected(rule, put):
    put("guardduty-findings")
    rule.periodic({"Events": "guardduty-findings,securityhub-findings"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "securityhub-findings" in annotation(rule) and "guardduty-findings" not in annotation(rule)
    put("securityhub-findings")
    rule.posted.clear()
    rule.periodic({"Events": "guardduty-findings,securityhub-findings"})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


# --- regions ---------------------------------------------------------------------------------


def test_outside_us_east_1_global_events_are_not_needed(aws, catalog, put):
    for event in REGIONAL:
        put(event, region="eu-west-1")
    result = evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT)
    assert [(e.compliance, e.region) for e in result.evaluations] == [("COMPLIANT", "eu-west-1")]


def test_regional_events_need_a_rule_in_each_region(aws, catalog, put):
    for event in PATTERNS:
        put(event)  # us-east-1 only
    result = evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT)
    (evaluation,) = result.evaluations
    assert evaluation.compliance == "NON_COMPLIANT"
    assert "root-signin" not in evaluation.annotation and "cloudtrail-tampering" in evaluation.annotation


def test_outside_us_east_1_with_only_global_events_is_not_applicable(aws, catalog):
    result = evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT, {"Events": "root-signin,iam-policy-changes"})
    assert [e.compliance for e in result.evaluations] == ["NOT_APPLICABLE"]


# --- parameters and errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"Events": "root-signin,root-login"}, "unknown root-login"),
        ({"Event": "root-signin"}, "Unknown parameter(s) Event"),
    ],
)
def test_bad_parameters_are_rejected_with_the_fix(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


def test_access_denied_is_an_error_never_compliant(rule, api_error):
    api_error("events", "ListRules", "AccessDeniedException", status=400)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDeniedException"
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, put, api_error):
    for event in PATTERNS:
        put(event)
    throttled = api_error("events", "ListTargetsByRule", "ThrottlingException", times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, put, api_error):
    put("root-signin")
    api_error("events", "ListRules", "ThrottlingException")
    response = rule.periodic()
    assert "internalErrorMessage" in response or "customerErrorCode" in response
    assert rule.posted == []


# --- issue 16: survivors of mutation testing --------------------------------------------------


def test_compliant_annotation_names_the_events_caught_and_nothing_else(rule, put):
    for event in PATTERNS:
        put(event)
    rule.periodic()
    assert annotation(rule) == ("Caught by enabled rules with targets: root-signin, cloudtrail-tampering, iam-policy-changes, "
                                "security-group-changes, config-recorder-stopped.")


def test_a_rule_enabled_for_all_management_events_counts(rule, put):
    """ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled, read-only management events included: not disabled."""
    for event in PATTERNS:
        put(event, state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" if event == "root-signin" else "ENABLED")
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_an_unsupported_pattern_listed_first_spoils_no_other_rule(rule, put):
    put({"source": ["aws.ec2"], "detail": {"eventName": [{"regex-match": ".*"}]}}, name="a-odd")
    for event in PATTERNS:
        put(event)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert annotation(rule).endswith("config-recorder-stopped. Not evaluated (unsupported pattern syntax): a-odd.")


@pytest.mark.parametrize("first, second", [("a-first", "a-second"), ("x-first", "x-second")])  # before and after "no rule"
def test_the_first_rule_that_fails_an_event_is_named(rule, put, first, second):
    put("root-signin", name=first, state="DISABLED")
    put("root-signin", name=second, target=False)
    rule.periodic({"Events": "root-signin"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith(f"Uncaught: root-signin ({first} disabled). ")


@pytest.mark.parametrize("first, second", [(60, 47), (64, 64)])  # the detailed annotation at 255 characters, and beyond
def test_an_annotation_too_long_for_the_reasons_names_only_the_events(rule, put, first, second):
    put("root-signin", name="a" * first, state="DISABLED")
    put("iam-policy-changes", name="b" * second, state="DISABLED")
    rule.periodic({"Events": "root-signin,iam-policy-changes"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule) == ("Uncaught: root-signin, iam-policy-changes. "
                                "Add enabled rules with targets (remediation: Clearsight-EventBridgeSecurityRules).")


def test_in_a_region_named_after_us_east_1_global_events_are_not_needed(aws, catalog):
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-west-2", ACCOUNT, {"Events": "root-signin,iam-policy-changes"})
    assert [e.compliance for e in result.evaluations] == ["NOT_APPLICABLE"]


def test_a_rule_for_no_needed_event_listed_first_is_passed_over(rule, put):
    put("guardduty-findings")
    for event in ("root-signin", "cloudtrail-tampering", "iam-policy-changes", "security-group-changes", "config-recorder-stopped"):
        put(event)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
