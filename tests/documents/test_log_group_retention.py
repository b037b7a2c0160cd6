"""Clearsight-LogGroupRetention run by the local Automation engine against moto."""
import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox.estate import log_retention
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts

RULE = "CLOUDWATCH_LOG_GROUP_RETENTION"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


@pytest.fixture
def run(aws, catalog):
    document = catalog.documents["Clearsight-LogGroupRetention"]
    return lambda parameters, **kwargs: run_document(document.path, parameters, aws, **kwargs)


def retention(logs, name):
    return next(g.get("retentionInDays") for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name)


def group(logs, name, days=None):
    logs.create_log_group(logGroupName=name)
    if days:
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def test_closed_loop_remediates_the_seeded_finding_and_a_second_run_changes_nothing(aws, run_rule, run, logs):
    seeded = [s for s in log_retention.seed(aws, REGION) if s.rule == RULE]
    findings = [s for s in seeded if s.expected == "NON_COMPLIANT"]
    assert findings and {s.resource_id: "NON_COMPLIANT" for s in findings}.items() <= verdicts(run_rule, RULE).items()
    for finding in findings:
        parameters = {**finding.remediation_parameters, "LogGroupName": finding.resource_id}
        first = run(parameters)
        assert first.status == "Success", first.failure_message
        assert mutating_calls(first) == ["logs.PutRetentionPolicy"]
        assert first.outputs == {"CheckRetention.CurrentRetention": "30 days"}
        second = run(parameters)
        assert second.status == "Success", second.failure_message
        assert mutating_calls(second) == []
    assert verdicts(run_rule, RULE)["/clearsight/demo/short-retention"] == "COMPLIANT"


@pytest.mark.parametrize("days, shown", [(400, "400 days"), (None, "never expire")])
def test_never_lowers_a_longer_retention(run, logs, days, shown):
    group(logs, "/app/kept", days)
    execution = run({"LogGroupName": "/app/kept", "RetentionInDays": 365, "AutomationAssumeRole": ROLE})
    assert execution.status == "Success", execution.failure_message
    assert mutating_calls(execution) == []
    assert execution.outputs == {"CheckRetention.CurrentRetention": shown}
    assert retention(logs, "/app/kept") == days


def test_sets_the_given_retention(run, logs):
    group(logs, "/app/short", 7)
    group(logs, "/app/short-v2", 1)  # shares the prefix: must not be mistaken for it
    execution = run({"LogGroupName": "/app/short", "RetentionInDays": 3653, "AutomationAssumeRole": ROLE})
    assert execution.status == "Success", execution.failure_message
    assert (retention(logs, "/app/short"), retention(logs, "/app/short-v2")) == (3653, 1)


def test_default_retention_is_a_year(run, logs):
    group(logs, "/app/short", 7)
    assert run({"LogGroupName": "/app/short", "AutomationAssumeRole": ROLE}).status == "Success"
    assert retention(logs, "/app/short") == 365


def test_missing_log_group_fails_clearly(run, logs):
    group(logs, "/app/api-v2", 1)
    execution = run({"LogGroupName": "/app/api", "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "Log group /app/api does not exist" in execution.failure_message
    assert mutating_calls(execution) == []


def test_dry_run_shows_the_change_and_makes_none(run, logs):
    group(logs, "/app/short", 7)
    execution = run({"LogGroupName": "/app/short", "AutomationAssumeRole": ROLE}, dry_run=True)
    assert execution.status == "Success"
    assert mutating_calls(execution) == ["logs.PutRetentionPolicy"]
    assert retention(logs, "/app/short") == 7


@pytest.mark.parametrize("override", [{"LogGroupName": "/app/with space"}, {"RetentionInDays": 366}, {"AutomationAssumeRole": "x"}])
def test_bad_parameters_are_rejected_before_any_call(run, override):
    with pytest.raises(ParameterError, match=next(iter(override))):
        run({"LogGroupName": "/app/short", "AutomationAssumeRole": ROLE, **override})
