"""ROOT_ACCOUNT_UNUSED through lambda_handler, on moto, scenario by scenario.

moto's credential report has no root row of its own: the sandbox's moto_patches add it, and
tests/root_account.py sets what it says in moto's backend.
"""
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import ACCOUNT
from tests.root_account import drop_root_row, set_root_access_keys, set_root_row

RULE = "ROOT_ACCOUNT_UNUSED"


@pytest.fixture
def rule(run_rule, monkeypatch):
    runner = run_rule(RULE)
    runner.waits = []
    monkeypatch.setattr(runner.module.time, "sleep", runner.waits.append)  # the bounded wait, not slept
    return runner


def days_ago(days):
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def annotation(rule):
    [evaluation] = rule.posted
    return evaluation["Annotation"]


def test_root_never_used_without_keys_is_compliant(rule):
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert "not used in the last 90 days" in annotation(rule)


def test_report_absent_is_generated_then_read(rule):
    rule.periodic()
    assert rule.calls == ["iam.GetCredentialReport", "iam.GenerateCredentialReport", "iam.GetCredentialReport"]


def test_report_present_is_read_once(rule, aws):
    aws.client("iam").generate_credential_report()
    rule.periodic()
    assert rule.calls == ["iam.GetCredentialReport"]


def test_root_access_key_is_non_compliant(rule):
    set_root_access_keys(True)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "Root has access key 1" in annotation(rule)
    assert "Clearsight-RootAccountNotify" in annotation(rule)


def test_inactive_root_access_key_is_non_compliant(rule):
    set_root_row(access_key_2_active="false", access_key_2_last_rotated=days_ago(400))
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "Root has access key 2" in annotation(rule)


def test_recent_root_sign_in_is_non_compliant(rule):
    set_root_row(password_last_used=days_ago(10))
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert f"Root signed in on {days_ago(10)[:10]}" in annotation(rule)


def test_sign_in_before_the_window_is_compliant(rule):
    set_root_row(password_last_used=days_ago(200))
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_max_days_since_last_use_widens_the_window(rule):
    set_root_row(password_last_used=days_ago(200))
    rule.periodic({"MaxDaysSinceLastUse": "365"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "MaxDaysSinceLastUse (365 days)" in annotation(rule)


def test_latest_use_is_named(rule):
    set_root_row(password_last_used=days_ago(30), access_key_1_last_used_date=days_ago(5))
    rule.periodic()
    assert f"Root used access key 1 on {days_ago(5)[:10]}" in annotation(rule)


def test_report_in_progress_is_waited_for(rule, aws, api_error):
    aws.client("iam").generate_credential_report()
    in_progress = api_error("iam", "GetCredentialReport", "ReportInProgress", status=404, times=2)
    rule.periodic()
    assert in_progress.sent == 2
    assert rule.waits == list(rule.module.REPORT_WAITS[:3])
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_report_that_never_comes_is_an_error_never_compliant(rule, api_error):
    api_error("iam", "GetCredentialReport", "ReportInProgress", status=404)
    response = rule.periodic()
    assert "not ready after" in response["internalErrorMessage"]
    assert sum(rule.waits) == sum(rule.module.REPORT_WAITS)
    assert rule.posted == []


def test_expired_report_is_generated_again(rule, api_error):
    api_error("iam", "GetCredentialReport", "ReportExpired", status=410, times=1)
    rule.periodic()
    assert "iam.GenerateCredentialReport" in rule.calls
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_report_without_root_row_is_an_error_never_compliant(rule):
    drop_root_row()
    response = rule.periodic()
    assert "no <root_account> row" in response["internalErrorMessage"]
    assert rule.posted == []


def test_rule_outside_reporting_region_reports_nothing(rule):
    rule.periodic({"ReportingRegion": "eu-west-1"})
    assert rule.posted == []
    assert rule.calls == []


@pytest.mark.parametrize("parameters, message", [
    ({"MaxDaysSinceLastUse": "0"}, "MaxDaysSinceLastUse must be a whole number of days from 1 to 3650"),
    ({"MaxDaysSinceLastUse": "90d"}, "MaxDaysSinceLastUse must be"),
    ({"MaxDaysSinceLastUse": "3651"}, "MaxDaysSinceLastUse must be a whole number of days from 1 to 3650"),
    ({"ReportingRegion": "us_east_1"}, "ReportingRegion must be a region name"),
    ({"MaxDays": "90"}, "Unknown parameter(s) MaxDays"),
])
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["GetCredentialReport", "GenerateCredentialReport"])
def test_access_denied_is_an_error_never_compliant(rule, api_error, operation):
    api_error("iam", operation, "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["GetCredentialReport", "GenerateCredentialReport"])
def test_throttling_is_retried_then_evaluated(rule, api_error, operation):
    throttled = api_error("iam", operation, "Throttling", times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


@pytest.mark.parametrize("operation", ["GetCredentialReport", "GenerateCredentialReport"])
def test_throttled_to_death_is_an_error_never_compliant(rule, api_error, operation):
    api_error("iam", operation, "Throttling")
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []


# --- issue 16: survivors of mutation testing --------------------------------------------------


@pytest.mark.parametrize("days", ["1", "3650"])
def test_max_days_since_last_use_at_its_bounds_is_accepted(rule, days):
    rule.periodic({"MaxDaysSinceLastUse": days})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert f"not used in the last {days} days" in annotation(rule)


def test_report_without_root_row_is_an_error_whatever_users_it_lists(rule, aws):
    """An IAM user's row is never read as root's, whichever way its name sorts against <root_account>."""
    for name in ("007-ops", "alice"):
        aws.client("iam").create_user(UserName=name)
    drop_root_row()
    response = rule.periodic()
    assert "no <root_account> row" in response["internalErrorMessage"]
    assert rule.posted == []


def test_sign_in_time_without_a_zone_is_read_as_utc(rule):
    set_root_row(password_last_used=days_ago(10)[:19])
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert f"Root signed in on {days_ago(10)[:10]}" in annotation(rule)


def test_report_is_asked_for_at_once_then_backing_off_for_about_half_a_minute(rule, api_error):
    api_error("iam", "GetCredentialReport", "ReportInProgress", status=404)
    rule.periodic()
    assert rule.waits == [0, 0.2, 0.8, 2, 4, 8, 8, 8]
    assert rule.posted == []


def test_a_sign_in_exactly_max_days_ago_is_within_the_window(rule, monkeypatch):
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return now

    monkeypatch.setattr(rule.module, "datetime", Frozen)
    set_root_row(password_last_used=(now - timedelta(days=90)).isoformat())
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "Root signed in on 2026-03-03" in annotation(rule)
