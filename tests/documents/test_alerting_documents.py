"""The alerting documents run by the local Automation engine against moto, beyond the closed loop:
what they must leave alone, where they must stop, and that their patterns are the rule's own.

(tests/test_closed_loop.py walks each from the seeded NON_COMPLIANT account to COMPLIANT, twice.)
"""
import json
from pathlib import Path

import pytest
import yaml

from clearsight.automation import run_document
from clearsight.evaluate import evaluate_periodic
from tests.conftest import ACCOUNT
from tests.documents.runs import mutating_calls, verdicts
from tests.rules.trail_world import trail

ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


def script_constant(document, step, name):
    """A constant (PATTERNS) from a step's inline script, as the script itself defines it."""
    content = yaml.safe_load(document.path.read_text())
    source = next(s for s in content["mainSteps"] if s["name"] == step)["inputs"]["Script"]
    namespace = {}
    exec(source.split("\n\ndef ")[0].replace("import boto3", ""), namespace)  # noqa: S102 (the document's own constants)
    return namespace[name]


@pytest.fixture
def topic(aws):
    sns = aws.client("sns")
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="secops@example.com")
    return arn


# --- Clearsight-CloudTrailSecurityAlarms -------------------------------------------------------


@pytest.fixture
def alarms_document(catalog):
    return catalog.documents["Clearsight-CloudTrailSecurityAlarms"]


@pytest.fixture
def trail_to_logs(aws):
    aws.client("logs").create_log_group(logGroupName="/trail")
    trail(aws, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/trail:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/to-logs")


def test_the_cis_document_creates_exactly_the_patterns_the_rule_judges_by(alarms_document):
    controls = json.loads((Path(__file__).resolve().parents[2] / "rules" / "_shared" / "cis_controls.json").read_text())["controls"]
    assert script_constant(alarms_document, "PlanAlarms", "PATTERNS") == {c: e["pattern"] for c, e in controls.items()}


def test_the_cis_document_leaves_existing_filters_and_alarms_alone(aws, alarms_document, trail_to_logs, topic, run_rule):
    logs, cloudwatch = aws.client("logs"), aws.client("cloudwatch")
    logs.put_metric_filter(logGroupName="/trail", filterName="mine", filterPattern='{ $.eventName = "StopLogging" }',
                           metricTransformations=[{"metricName": "mine", "metricNamespace": "Mine", "metricValue": "1"}])
    cloudwatch.put_metric_alarm(AlarmName="mine", MetricName="mine", Namespace="Mine", Statistic="Sum", Period=60,
                                EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold")
    before = (logs.describe_metric_filters(filterNamePrefix="mine")["metricFilters"], cloudwatch.describe_alarms(AlarmNames=["mine"])["MetricAlarms"])
    execution = run_document(alarms_document.path, {"AccountId": ACCOUNT, "TopicArn": topic, "AutomationAssumeRole": ROLE}, aws)
    assert execution.status == "Success", execution.failure_message
    after = (logs.describe_metric_filters(filterNamePrefix="mine")["metricFilters"], cloudwatch.describe_alarms(AlarmNames=["mine"])["MetricAlarms"])
    assert [f["filterPattern"] for f in after[0]] == [f["filterPattern"] for f in before[0]]
    assert [(a["Threshold"], a["ComparisonOperator"]) for a in after[1]] == [(a["Threshold"], a["ComparisonOperator"]) for a in before[1]]
    assert len(logs.describe_metric_filters(logGroupName="/trail", filterNamePrefix="clearsight-cis-")["metricFilters"]) == 15
    assert verdicts(run_rule, "CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED") == {ACCOUNT: "COMPLIANT"}


def test_the_cis_document_adds_only_the_controls_asked(aws, alarms_document, trail_to_logs, topic):
    execution = run_document(alarms_document.path, {"AccountId": ACCOUNT, "TopicArn": topic, "Controls": "root-usage,vpc-changes",
                                                    "AutomationAssumeRole": ROLE}, aws)
    assert execution.status == "Success", execution.failure_message
    names = [f["filterName"] for f in aws.client("logs").describe_metric_filters(logGroupName="/trail")["metricFilters"]]
    assert sorted(names) == ["clearsight-cis-root-usage", "clearsight-cis-vpc-changes"]


def test_the_cis_document_stops_without_a_trail_delivering_to_cloudwatch_logs(aws, alarms_document, topic):
    trail(aws)  # no CloudWatch Logs
    execution = run_document(alarms_document.path, {"AccountId": ACCOUNT, "TopicArn": topic, "AutomationAssumeRole": ROLE}, aws)
    assert execution.status == "Failed"
    assert "delivers to CloudWatch Logs" in execution.failure_message
    assert mutating_calls(execution) == []


def test_the_cis_document_fails_verification_when_nobody_is_subscribed(aws, alarms_document, trail_to_logs):
    silent = aws.client("sns").create_topic(Name="silent")["TopicArn"]
    execution = run_document(alarms_document.path, {"AccountId": ACCOUNT, "TopicArn": silent, "AutomationAssumeRole": ROLE}, aws)
    assert execution.status == "Failed"
    assert "has no confirmed subscription" in execution.failure_message


# --- Clearsight-EventBridgeSecurityRules -------------------------------------------------------


@pytest.fixture
def rules_document(catalog):
    return catalog.documents["Clearsight-EventBridgeSecurityRules"]


def test_outside_us_east_1_the_eventbridge_document_skips_global_events(aws, rules_document, topic, catalog):
    execution = run_document(rules_document.path, {"AccountId": ACCOUNT, "TopicArn": topic, "AutomationAssumeRole": ROLE},
                             aws, region="eu-west-1")
    assert execution.status == "Success", execution.failure_message
    names = sorted(r["Name"] for r in aws.client("events", region_name="eu-west-1").list_rules()["Rules"])
    assert names == ["clearsight-cloudtrail-tampering", "clearsight-config-recorder-stopped", "clearsight-security-group-changes"]
    result = evaluate_periodic(catalog.rule("EVENTBRIDGE_SECURITY_EVENT_RULES"), aws, "eu-west-1", ACCOUNT)
    assert [e.compliance for e in result.evaluations] == ["COMPLIANT"]


def test_every_eventbridge_document_pattern_catches_its_event(aws, rules_document, topic, run_rule):
    every = "root-signin,cloudtrail-tampering,iam-policy-changes,security-group-changes,config-recorder-stopped,guardduty-findings,securityhub-findings"
    execution = run_document(rules_document.path, {"AccountId": ACCOUNT, "TopicArn": topic, "Events": every, "AutomationAssumeRole": ROLE}, aws)
    assert execution.status == "Success", execution.failure_message
    assert verdicts(run_rule, "EVENTBRIDGE_SECURITY_EVENT_RULES", {"Events": every}) == {ACCOUNT: "COMPLIANT"}


# --- Clearsight-ConfigRecorderEnable -----------------------------------------------------------


def test_the_recorder_document_widens_a_partial_recorder_keeping_its_name_and_role(aws, catalog):
    aws.client("s3").create_bucket(Bucket="config-delivery")
    config = aws.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "mine", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/mine",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]}})
    document = catalog.documents["Clearsight-ConfigRecorderEnable"]
    parameters = {"AccountId": ACCOUNT, "RecorderRoleArn": f"arn:aws:iam::{ACCOUNT}:role/other", "BucketName": "config-delivery",
                  "AutomationAssumeRole": ROLE}
    execution = run_document(document.path, parameters, aws)
    assert execution.status == "Success", execution.failure_message
    (recorder,) = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert (recorder["name"], recorder["roleARN"]) == ("mine", f"arn:aws:iam::{ACCOUNT}:role/mine")
    assert recorder["recordingGroup"]["allSupported"] is True
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is False  # its own setting, kept
    assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]["recording"] is True
    second = run_document(document.path, parameters, aws)
    assert second.status == "Success" and mutating_calls(second) == []
