"""rules/_shared/filter_patterns.py: CloudWatch Logs JSON filter patterns judged by what they match."""
import importlib.util
import dataclasses
import json
from pathlib import Path

import pytest

_root = Path(__file__).resolve().parents[2] / "rules"
_spec = importlib.util.spec_from_file_location("filter_patterns_under_test", _root / "_shared" / "filter_patterns.py")
fp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fp)

CONTROLS = json.loads((_root / "_shared" / "cis_controls.json").read_text())["controls"]

EVENT = {
    "eventName": "ConsoleLogin",
    "eventSource": "signin.amazonaws.com",
    "errorCode": "Client.UnauthorizedOperation",
    "userIdentity": {"type": "Root", "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
    "bytes": 1500,
    "ratio": 0.25,
    "nothing": None,
    "flag": True,
    "off": False,
    "resources": [{"ARN": "arn:aws:s3:::logs", "type": "AWS::S3::Bucket"}, {"ARN": "arn:aws:kms:::key/1"}],
    "message": 'say "hi" now',
}


def judge(pattern, event=EVENT):
    return fp.matches(pattern, event)


# --- comparisons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ('{ $.eventName = "ConsoleLogin" }', True),
        ("{$.eventName=ConsoleLogin}", True),
        ('{ $.eventName != "ConsoleLogin" }', False),
        ('{ $.eventName = "consolelogin" }', False),  # case matters
        ('{ $.eventName = "Console*" }', True),
        ('{ $.errorCode = "*UnauthorizedOperation" }', True),
        ("{ $.errorCode = *Unauthorized* }", True),
        ('{ $.errorCode = "AccessDenied*" }', False),
        ('{ $.errorCode != "AccessDenied*" }', True),
        ('{ $.message = "say \\"hi\\" now" }', True),
        ('{ $.eventName = "Console" }', False),  # a whole-value match, not a substring
    ],
)
def test_string_comparisons_with_quoting_and_wildcards(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{ $.bytes > 1000 }", True),
        ("{ $.bytes >= 1500 }", True),
        ("{ $.bytes < 1500 }", False),
        ("{ $.bytes <= 1500.0 }", True),
        ("{ $.bytes = 1500 }", True),
        ("{ $.bytes != 1500 }", False),
        ("{ $.bytes != 2000 }", True),
        ("{ $.bytes != 1000 }", True),
        ("{ $.bytes > 1500 }", False),
        ("{ $.bytes = 2000 }", False),  # = is equality, not "at most"
        ("{ $.bytes >= 1000 }", True),
        ("{ $.bytes < 1000 }", False),
        ("{ $.bytes = 1000 }", False),
        ("{ $.bytes <= 2000 }", True),
        ("{ $.bytes <= 1000 }", False),
        ("{ $.bytes >= 2000 }", False),
        ("{ $.ratio < 0.5 }", True),
        ("{ $.ratio > -1 }", True),
        ("{ $.bytes = 1.5e3 }", True),
        ("{ $.eventName > 3 }", False),  # a string never compares as a number
        ("{ $.flag = 1 }", False),  # nor does a boolean
    ],
)
def test_numeric_comparisons(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{ $.nothing IS NULL }", True),
        ("{ $.eventName IS NULL }", False),
        ("{ $.absent IS NULL }", False),
        ("{ $.absent NOT EXISTS }", True),
        ("{ $.nothing NOT EXISTS }", False),
        ("{ $.eventName EXISTS }", True),
        ("{ $.absent EXISTS }", False),
        ("{ $.flag IS TRUE }", True),
        ("{ $.off IS FALSE }", True),
        ("{ $.off IS TRUE }", False),
        ("{ $.flag IS FALSE }", False),
        ("{ $.flag is true }", True),  # keywords in any case
    ],
)
def test_null_existence_and_boolean_tests(pattern, expected):
    assert judge(pattern) is expected


def test_a_quoted_number_compares_as_text():
    assert judge('{ $.code = "404" }', {"code": "404"}) is True
    assert judge('{ $.code = "404" }', {"code": 404}) is False


def test_is_true_and_is_false_need_a_json_boolean_not_a_number():
    assert judge("{ $.n IS TRUE }", {"n": 1}) is False
    assert judge("{ $.n IS FALSE }", {"n": 0}) is False


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ('{ $.userIdentity.sessionContext.attributes.mfaAuthenticated = "false" }', True),
        ('{ $.resources[0].type = "AWS::S3::Bucket" }', True),
        ('{ $.resources[1].ARN = "arn:aws:kms:*" }', True),
        ("{ $.resources[2].ARN EXISTS }", False),
        ("{ $.resources[5].ARN EXISTS }", False),  # far past the end: absent, not an error
        ("{ $.resources[1].type NOT EXISTS }", True),
        ('{ $.userIdentity = "Root" }', False),  # an object is not a string
        ('{ $.absent.deeper != "x" }', False),  # a missing field compares false, != included
        ('{ $.nothing != "x" }', False),
    ],
)
def test_nested_fields_and_arrays(pattern, expected):
    assert judge(pattern) is expected


# --- logic -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ('{ $.eventName = "ConsoleLogin" && $.bytes > 1000 }', True),
        ('{ $.eventName = "ConsoleLogin" && $.bytes > 2000 }', False),
        ('{ $.eventName = "X" || $.bytes > 1000 }', True),
        # && binds tighter than ||: X || (ConsoleLogin && bytes > 2000) is false
        ('{ $.eventName = "X" || $.eventName = "ConsoleLogin" && $.bytes > 2000 }', False),
        ('{ ($.eventName = "X" || $.eventName = "ConsoleLogin") && $.bytes > 1000 }', True),
        ('{ (($.eventName = "X") || ($.eventName = "Y")) || $.flag IS TRUE }', True),
        ('{ $.a = 1 && ($.b != 1 || $.c NOT EXISTS) }', False),
    ],
)
def test_and_or_precedence_and_parentheses(pattern, expected):
    assert judge(pattern) is expected


def test_the_issue_example_nests_and_or_not_exists():
    pattern = '{ $.a = "x" && ($.b != 1 || $.c NOT EXISTS) }'
    assert judge(pattern, {"a": "x", "b": 2}) is True
    assert judge(pattern, {"a": "x", "b": 1, "c": "y"}) is False
    assert judge(pattern, {"a": "x", "b": 1, "c": None}) is False  # null exists
    assert judge(pattern, {"a": "x", "b": 1}) is True
    assert judge(pattern, {"a": "y", "b": 2}) is False


def test_a_long_pattern_within_the_1024_character_limit_is_read_to_its_end():
    pattern = "{" + "||".join(f"$.e=A{i}" for i in range(100)) + "}"  # 400 tokens
    assert len(pattern) <= 1024
    assert judge(pattern, {"e": "A99"}) is True and judge(pattern, {"e": "B"}) is False


def test_the_empty_pattern_matches_every_event():
    assert judge("") is True and judge("   ") is True


# --- unsupported and malformed -----------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, named",
    [
        ("ERROR", "only JSON filter patterns"),
        ("[ip, user, ...]", "only JSON filter patterns"),
        ("{ $.eventName = %Create.*% }", "regular expressions"),
        ('{ $.resources[*].type = "x" }', "selector"),
        ('{ $.* = "x" }', "selector"),
        ('{ $.eventName = "x" ', "'}'"),
        ('{ ($.eventName = "x" }', "')'"),
        ('{ $.eventName = "x" && }', "selector"),
        ("{ $.eventName = }", "value"),
        ('{ $.eventName < "x" }', "compares numbers only"),
        ("{ $.eventName IS MAYBE }", "unsupported"),
        ("{ $.eventName IS }", "unsupported test"),
        ("{ }", "selector"),
        ('{ $.a = "x" } extra', "after the closing brace"),
        ("{ eventName = x }", "selector"),
        ('{ $.eventName = "x" )', "'}'"),
        ('{ ($.eventName = "x" ( }', "')'"),
        ('{ $.eventName = "x" &&', "selector"),
        ("{ $.eventName", "an operator"),
        ("{ $.eventName IS", "unsupported test"),
    ],
)
def test_unsupported_or_malformed_syntax_is_reported_never_a_match(pattern, named):
    with pytest.raises(fp.UnsupportedPattern) as raised:
        judge(pattern)
    assert named in str(raised.value)


@pytest.mark.parametrize(
    "pattern, message",
    [
        ('{ $.abcde = 1 & $.bbbbbbbbbbbbbbbbbbbbbbbbbb = 2 }', "unsupported syntax at character 14: ' & $.bbbbbbbbbbbbbbb'"),
        ('{ ($.eventName = "x" ( }', "expected ')' at character 22"),  # the token, not the space before it
        ('{ $.eventName = "x" ', "expected '}' at the end"),
        ('{ $.eventName = "x" "" }', "expected '}' at character 22"),  # an empty value is still somewhere
        ('{ $.eventName = "x" } extra', "unexpected 'extra' after the closing brace, at character 23"),
    ],
)
def test_an_error_says_where_the_pattern_goes_wrong(pattern, message):
    with pytest.raises(fp.UnsupportedPattern) as raised:
        judge(pattern)
    assert str(raised.value) == message


def test_a_parsed_pattern_cannot_be_altered_by_its_caller():
    tree = fp.parse('{ $.eventName = "x" || $.bytes > 1 }')
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.kind = "&&"
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.terms[0].op = "!="


# --- the CIS patterns, by meaning ------------------------------------------------------------


@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_every_cis_pattern_matches_its_samples_and_none_of_its_counter_examples(control):
    entry = CONTROLS[control]
    pattern = fp.parse(entry["pattern"])
    assert len(entry["samples"]) >= 2 and entry["counter_examples"]
    assert all(pattern.matches(event) for event in entry["samples"])
    assert not any(pattern.matches(event) for event in entry["counter_examples"])


def _covers(text, control):
    entry = CONTROLS[control]
    pattern = fp.parse(text)
    return all(pattern.matches(e) for e in entry["samples"]) and not any(pattern.matches(e) for e in entry["counter_examples"])


@pytest.mark.parametrize(
    "control, variant",
    [
        # re-spaced, requoted
        ("root-usage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'),
        ("cloudtrail-changes", '{ ($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "DeleteTrail") || ($.eventName = "StartLogging") || ($.eventName = "StopLogging") }'),
        # reordered
        ("cmk-disable-or-deletion", "{(($.eventName=ScheduleKeyDeletion) || ($.eventName=DisableKey)) && ($.eventSource=kms.amazonaws.com)}"),
        ("console-auth-failures", '{ $.errorMessage = "Failed authentication" && $.eventName = "ConsoleLogin" }'),
        # the CIS v1.2 form of console sign-in without MFA
        ("console-signin-without-mfa", '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'),
        # a superset (prowler's 4.15)
        ("organizations-changes", "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CancelHandshake) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganization) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnableAllFeatures) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }"),
        # wildcards that cover the same events, and a noise exclusion on 4.1
        ("security-group-changes", "{ $.eventName = *SecurityGroup* && $.eventName != Describe* }"),
        ("unauthorized-api-calls", '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") }'),
    ],
)
def test_a_cis_pattern_reordered_respaced_requoted_or_a_superset_is_accepted(control, variant):
    assert _covers(variant, control)


@pytest.mark.parametrize(
    "control, variant",
    [
        # a subset: StopLogging missing
        ("cloudtrail-changes", "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging)}"),
        # root usage through AWS services counted too
        ("root-usage", '{ $.userIdentity.type = "Root" }'),
        # unauthorized calls without AccessDenied
        ("unauthorized-api-calls", '{ $.errorCode = "*UnauthorizedOperation" }'),
        # everything
        ("vpc-changes", ""),
    ],
)
def test_a_cis_pattern_that_misses_a_sample_or_matches_a_counter_example_is_rejected(control, variant):
    assert not _covers(variant, control)
