"""Clearsight-LogGroupKmsEncryption run by the local Automation engine against moto.

The closed loop: the seeded non-compliant log groups are found by the rule, remediated, found
compliant, and a second run changes nothing. moto lacks AssociateKmsKey: the sandbox's
moto_patches stand in for it (tests/sandbox/test_moto_patches.py).
"""
import json

import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox import moto_patches
from clearsight.sandbox.estate import log_groups
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts

RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


@pytest.fixture
def document(catalog):
    return catalog.documents["Clearsight-LogGroupKmsEncryption"]


@pytest.fixture
def run(aws, document):
    moto_patches.apply()
    return lambda parameters, **kwargs: run_document(document.path, parameters, aws, **kwargs)


@pytest.fixture
def seeded(aws):
    return log_groups.seed(aws, REGION)


def kms_key_of(logs, name):
    return next(g.get("kmsKeyId") for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name)


def key_with_policy(kms, statements):
    admin = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [admin, *statements]})
    return kms.create_key(Policy=policy)["KeyMetadata"]["Arn"]


def logs_statement(**overrides):
    return {
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        **overrides,
    }


def test_closed_loop_remediates_every_seeded_finding_and_a_second_run_changes_nothing(run_rule, run, seeded, logs):
    findings = [s for s in seeded if s.expected == "NON_COMPLIANT"]
    assert {s.resource_id: "NON_COMPLIANT" for s in findings}.items() <= verdicts(run_rule, RULE).items()
    for finding in findings:
        parameters = {**finding.remediation_parameters, "LogGroupName": finding.resource_id}
        first = run(parameters)
        assert first.status == "Success", first.failure_message
        assert mutating_calls(first) == ["logs.AssociateKmsKey"]
        assert kms_key_of(logs, finding.resource_id) == parameters["KmsKeyArn"]
        second = run(parameters)
        assert second.status == "Success", second.failure_message
        assert mutating_calls(second) == []
        assert [s.name for s in second.steps] == ["CheckLogGroup", "ChooseAction", "VerifyEncryption"]
    assert set(verdicts(run_rule, RULE).values()) == {"COMPLIANT"}


def test_key_policy_without_cloudwatch_logs_fails_saying_what_to_add(run, logs, kms):
    key = key_with_policy(kms, [])
    logs.create_log_group(logGroupName="/app/plain")
    execution = run({"LogGroupName": "/app/plain", "KmsKeyArn": key, "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "Step CheckKeyPolicy Failed" in execution.failure_message
    assert f'Principal {{"Service": "logs.{REGION}.amazonaws.com"}}' in execution.failure_message
    assert "kms:GenerateDataKey*" in execution.failure_message
    assert mutating_calls(execution) == []
    assert kms_key_of(logs, "/app/plain") is None


def test_key_policy_for_other_log_groups_only_fails(run, logs, kms):
    other_groups = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*"
    key = key_with_policy(kms, [logs_statement(Condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": other_groups}})])
    logs.create_log_group(logGroupName="/app/plain")
    execution = run({"LogGroupName": "/app/plain", "KmsKeyArn": key, "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "log-group:/app/plain" in execution.failure_message
    assert kms_key_of(logs, "/app/plain") is None


def test_key_policy_missing_one_action_names_it(run, logs, kms):
    statement = logs_statement(Action=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:Describe*"])
    key = key_with_policy(kms, [statement])
    logs.create_log_group(logGroupName="/app/plain")
    execution = run({"LogGroupName": "/app/plain", "KmsKeyArn": key, "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "not allowed: kms:GenerateDataKey)" in execution.failure_message


def test_replaces_a_different_key(run, logs, kms):
    old, new = (key_with_policy(kms, [logs_statement()]) for _ in range(2))
    logs.create_log_group(logGroupName="/app/api", kmsKeyId=old)
    logs.create_log_group(logGroupName="/app/api-v2")  # shares the prefix: must not be mistaken for it
    execution = run({"LogGroupName": "/app/api", "KmsKeyArn": new, "AutomationAssumeRole": ROLE})
    assert execution.status == "Success", execution.failure_message
    assert execution.outputs == {"CheckLogGroup.CurrentKmsKeyId": old}
    assert (kms_key_of(logs, "/app/api"), kms_key_of(logs, "/app/api-v2")) == (new, None)


def test_missing_log_group_fails_clearly(run, logs, kms):
    logs.create_log_group(logGroupName="/app/api-v2")
    key = key_with_policy(kms, [logs_statement()])
    execution = run({"LogGroupName": "/app/api", "KmsKeyArn": key, "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "Log group /app/api does not exist" in execution.failure_message
    assert mutating_calls(execution) == []


def test_dry_run_shows_the_change_and_makes_none(run, seeded, logs):
    finding = next(s for s in seeded if s.expected == "NON_COMPLIANT")
    execution = run({**finding.remediation_parameters, "LogGroupName": finding.resource_id}, dry_run=True)
    assert execution.status == "Success"
    assert mutating_calls(execution) == ["logs.AssociateKmsKey"]  # listed, not sent
    assert kms_key_of(logs, finding.resource_id) is None


@pytest.mark.parametrize(
    "override",
    [
        {"LogGroupName": "/app/with space"},
        {"KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/logs"},  # CloudWatch Logs takes key ARNs only
        {"AutomationAssumeRole": "clearsight-remediation"},
    ],
)
def test_bad_parameters_are_rejected_before_any_call(run, override):
    parameters = {"LogGroupName": "/app/api", "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/abc", "AutomationAssumeRole": ROLE}
    with pytest.raises(ParameterError, match=next(iter(override))):
        run({**parameters, **override})


# --- CheckKeyPolicy judged as IAM evaluates the key policy for CloudWatch Logs' requests, whose
# encryption context kms:EncryptionContext:aws:logs:arn is this log group's ARN (no ":*").
# IAM user guide: condition operators (Not* operators are NOR over their values, ...IfExists on a
# present key is the plain operator, ArnLike matches each of the six ARN parts with * and ?),
# multi-valued conditions (operators and keys AND, values OR), and an explicit Deny beats any Allow.

GROUP = "/app/plain"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"


def check_policy(run, logs, kms, statements):
    logs.create_log_group(logGroupName=GROUP)
    key = key_with_policy(kms, statements)
    return run({"LogGroupName": GROUP, "KmsKeyArn": key, "AutomationAssumeRole": ROLE})


def on_context(operator, values):
    return {"Condition": {operator: {CONTEXT_KEY: values}}}


@pytest.mark.parametrize(
    "condition",
    [
        on_context("ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*"),
        on_context("ArnLike", f"arn:aws:logs:*:{ACCOUNT}:log-group:/app/plai?"),
        on_context("ArnEquals", GROUP_ARN),
        on_context("StringLike", f"arn:aws:logs:{REGION}:*"),
        on_context("StringEqualsIgnoreCase", GROUP_ARN.upper()),
        on_context("ArnLike", [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*", GROUP_ARN]),  # values: OR
        on_context("ArnNotLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*"),
        on_context("ArnNotEquals", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/plain-v2"),
        on_context("StringNotEquals", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other"),
        on_context("StringNotLike", [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*", "*:/secret"]),
        on_context("ArnLikeIfExists", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*"),
        on_context("ArnNotLikeIfExists", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*"),
        on_context("ForAnyValue:ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*"),
        on_context("ForAllValues:StringEquals", GROUP_ARN),
        on_context("Null", "false"),
        {"Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},  # other keys are not judged
    ],
    ids=lambda c: next(iter(c["Condition"])),
)
def test_key_policy_whose_condition_admits_this_log_group_lets_it_be_encrypted(run, logs, kms, condition):
    execution = check_policy(run, logs, kms, [logs_statement(**condition)])
    assert execution.status == "Success", execution.failure_message
    assert kms_key_of(logs, GROUP) is not None


@pytest.mark.parametrize(
    "condition",
    [
        on_context("ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/APP/*"),  # case-sensitive
        on_context("ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/plain:*"),  # the context has no ":*"
        on_context("ArnLike", f"arn:aws:logs:{REGION}:*"),  # five parts: * does not span the resource part
        on_context("ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/[p]lain"),  # no [] classes in IAM
        on_context("ArnEquals", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/plain-v2"),
        on_context("ArnNotLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*"),
        on_context("ArnNotEquals", GROUP_ARN),
        on_context("StringNotEquals", [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other", GROUP_ARN]),  # NOR
        on_context("StringNotLike", "*:log-group:/app/*"),
        on_context("ArnLikeIfExists", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*"),  # the key is present
        on_context("ArnNotEqualsIfExists", GROUP_ARN),
        on_context("ForAnyValue:ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*"),
        on_context("Null", "true"),
        {"Condition": {"ArnLike": {CONTEXT_KEY: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*"},
                       "ArnNotEquals": {CONTEXT_KEY: GROUP_ARN}}},  # operators: AND
    ],
    ids=lambda c: "+".join(c["Condition"]),
)
def test_key_policy_whose_condition_excludes_this_log_group_fails_naming_the_statement(run, logs, kms, condition):
    execution = check_policy(run, logs, kms, [logs_statement(Sid="LogsOnlySome", **condition)])
    assert execution.status == "Failed"
    assert "Step CheckKeyPolicy Failed" in execution.failure_message
    assert f"Statement LogsOnlySome names CloudWatch Logs, but its condition on {CONTEXT_KEY} excludes" in execution.failure_message
    assert f"change that condition so it admits {GROUP_ARN}" in execution.failure_message
    assert mutating_calls(execution) == []
    assert kms_key_of(logs, GROUP) is None


def logs_deny(**overrides):
    principal = {"Service": f"logs.{REGION}.amazonaws.com"}
    return {"Sid": "DenyLogs", "Effect": "Deny", "Principal": principal, "Action": "kms:*", "Resource": "*", **overrides}


@pytest.mark.parametrize(
    "deny",
    [
        logs_deny(),
        logs_deny(Principal="*", Action=["kms:Decrypt"]),
        logs_deny(Principal={"AWS": "*"}, Action="kms:GenerateDataKey*", **on_context("ArnLike", f"arn:aws:logs:*:*:log-group:/app/*")),
        logs_deny(**on_context("ArnNotEquals", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/audit")),
        logs_deny(Action="kms:*", NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Principal=None),
        logs_deny(NotAction=["kms:Describe*"], Action=None),
    ],
    ids=["all", "any-principal-decrypt", "arnlike-this-group", "arnnotequals-other-group", "notprincipal", "notaction"],
)
def test_explicit_deny_overrides_the_allow_and_says_what_to_change(run, logs, kms, deny):
    deny = {k: v for k, v in deny.items() if v is not None}
    execution = check_policy(run, logs, kms, [logs_statement(), deny])
    assert execution.status == "Failed"
    assert "explicitly denies CloudWatch Logs" in execution.failure_message
    assert "statement DenyLogs (kms:" in execution.failure_message
    assert f"add to it Condition ArnNotEquals {CONTEXT_KEY} {GROUP_ARN}" in execution.failure_message
    assert mutating_calls(execution) == []
    assert kms_key_of(logs, GROUP) is None


@pytest.mark.parametrize(
    "deny",
    [
        logs_deny(**on_context("ArnLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/other/*")),
        logs_deny(**on_context("ArnNotLike", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/*")),
        logs_deny(Principal={"Service": "cloudtrail.amazonaws.com"}),
        logs_deny(Action=["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]),
        logs_deny(NotPrincipal={"Service": f"logs.{REGION}.amazonaws.com"}, Principal=None),
        logs_deny(NotAction="kms:*", Action=None),
        # a key whose request value the check cannot know: the Deny is not predicted (AWS still judges)
        logs_deny(Condition={"Bool": {"aws:SecureTransport": "false"}, "ArnLike": {CONTEXT_KEY: "arn:aws:logs:*:*:log-group:*"}}),
    ],
    ids=["other-groups", "arnnotlike-this-group", "other-principal", "other-actions", "notprincipal-logs", "notaction-all", "unseen-key"],
)
def test_deny_that_does_not_cover_this_log_group_leaves_the_allow(run, logs, kms, deny):
    deny = {k: v for k, v in deny.items() if v is not None}
    execution = check_policy(run, logs, kms, [logs_statement(), deny])
    assert execution.status == "Success", execution.failure_message
    assert kms_key_of(logs, GROUP) is not None
