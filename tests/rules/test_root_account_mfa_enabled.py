"""ROOT_ACCOUNT_MFA_ENABLED through lambda_handler, on moto, scenario by scenario.

moto cannot set root MFA through its API: tests/root_account.py sets it in moto's backend.
"""
import pytest

from tests.conftest import ACCOUNT
from tests.root_account import assign_root_virtual_mfa, set_root_access_keys, set_root_mfa

RULE = "ROOT_ACCOUNT_MFA_ENABLED"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def iam(aws):
    return aws.client("iam")


def annotation(rule):
    [evaluation] = rule.posted
    return evaluation["Annotation"]


def test_root_with_hardware_mfa_is_compliant(rule):
    set_root_mfa(True)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert annotation(rule) == "Root user has a hardware MFA device."


def test_root_without_mfa_is_non_compliant(rule):
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "Root user has no MFA device" in annotation(rule)
    assert "Clearsight-RootAccountNotify" in annotation(rule)


def test_root_with_virtual_mfa_is_compliant_by_default(rule, iam):
    set_root_mfa(True)
    serial = assign_root_virtual_mfa(iam)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert serial in annotation(rule)


def test_root_with_virtual_mfa_is_non_compliant_when_hardware_is_required(rule, iam):
    set_root_mfa(True)
    serial = assign_root_virtual_mfa(iam)
    rule.periodic({"RequireHardwareMfa": "true"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert f"Root uses virtual MFA device {serial}" in annotation(rule)


def test_a_users_virtual_mfa_does_not_count_as_roots(rule, iam):
    set_root_mfa(True)
    iam.create_user(UserName="alice")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    rule.periodic({"RequireHardwareMfa": "true"})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def centrally_removed(aws, password_present=0):
    """GetAccountSummary as AWS answers for a member account whose root credentials the organization
    removed; moto's summary has no AccountPasswordPresent, so the parsed answer is completed here."""
    def answer(parsed, **_):
        parsed["SummaryMap"]["AccountPasswordPresent"] = password_present

    aws.events.register("after-call.iam.GetAccountSummary", answer)


def test_centrally_removed_root_credentials_are_not_applicable(rule, aws):
    centrally_removed(aws)
    rule.periodic({"RequireHardwareMfa": "true"})
    assert rule.compliance() == {ACCOUNT: "NOT_APPLICABLE"}
    assert "credentials were removed centrally" in annotation(rule)


def test_root_with_password_and_no_mfa_is_non_compliant_even_in_an_organization(rule, aws):
    centrally_removed(aws, password_present=1)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}


def test_root_access_keys_left_behind_keep_the_account_in_scope(rule, aws):
    centrally_removed(aws)
    set_root_access_keys(True)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}


def test_centrally_removed_summary_omitting_zero_counts_is_not_applicable(rule, aws):
    """Only a missing AccountPasswordPresent is read as present; a missing key, certificate or MFA count is none."""
    def answer(parsed, **_):
        summary = parsed["SummaryMap"]
        summary["AccountPasswordPresent"] = 0
        for key in ("AccountAccessKeysPresent", "AccountSigningCertificatesPresent", "AccountMFAEnabled"):
            del summary[key]

    aws.events.register("after-call.iam.GetAccountSummary", answer)
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NOT_APPLICABLE"}
    assert "credentials were removed centrally" in annotation(rule)


def test_virtual_mfa_is_compliant_when_no_parameter_is_given(rule, iam):
    set_root_mfa(True)
    assign_root_virtual_mfa(iam)
    rule.periodic({})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def long_serial(iam):
    """Virtual MFA devices iam creates from now on get the longest name IAM takes (226): their serial alone
    is longer than an annotation."""
    iam.meta.events.register("provide-client-params.iam.CreateVirtualMFADevice",
                        lambda params, **_: params.update(VirtualMFADeviceName="r" * 226))


@pytest.mark.parametrize("parameters, expected", [({}, "COMPLIANT"), ({"RequireHardwareMfa": "true"}, "NON_COMPLIANT")])
def test_annotation_naming_a_long_serial_is_cut_to_255_characters(rule, iam, parameters, expected):
    set_root_mfa(True)
    long_serial(iam)
    serial = assign_root_virtual_mfa(iam)
    assert len(serial) > 255
    rule.periodic(parameters)
    assert rule.compliance() == {ACCOUNT: expected}
    assert len(annotation(rule)) == 255


@pytest.mark.parametrize("parameters, says", [({}, "Root user has virtual MFA device"),
                                              ({"RequireHardwareMfa": "true"}, "Root uses virtual MFA device")])
def test_two_virtual_devices_serving_root_name_the_first_listed(rule, iam, parameters, says):
    set_root_mfa(True)
    names = iter(["root-first", "root-second"])
    iam.meta.events.register("provide-client-params.iam.CreateVirtualMFADevice",
                             lambda params, **_: params.update(VirtualMFADeviceName=next(names)))
    assign_root_virtual_mfa(iam)
    assign_root_virtual_mfa(iam)
    first, second = [d["SerialNumber"] for d in iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]]
    rule.periodic(parameters)
    assert f"{says} {first}" in annotation(rule)
    assert second not in annotation(rule)


def test_rule_outside_reporting_region_reports_nothing(rule):
    rule.periodic({"ReportingRegion": "eu-west-1"})
    assert rule.posted == []
    assert rule.calls == []


def test_calls_are_one_summary_and_one_device_listing(rule):
    set_root_mfa(True)
    rule.periodic()
    assert rule.calls == ["iam.GetAccountSummary", "iam.ListVirtualMFADevices"]


@pytest.mark.parametrize("parameters, message", [
    ({"RequireHardwareMfa": "yes"}, "RequireHardwareMfa must be 'true' or 'false'"),
    ({"ReportingRegion": "Ireland"}, "ReportingRegion must be a region name"),
    ({"RequireHardwareMFA": "true"}, "Unknown parameter(s) RequireHardwareMFA"),
])
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["GetAccountSummary", "ListVirtualMFADevices"])
def test_access_denied_is_an_error_never_compliant(rule, api_error, operation):
    set_root_mfa(True)
    api_error("iam", operation, "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["GetAccountSummary", "ListVirtualMFADevices"])
def test_throttling_is_retried_then_evaluated(rule, api_error, operation):
    set_root_mfa(True)
    throttled = api_error("iam", operation, "Throttling", times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


@pytest.mark.parametrize("operation", ["GetAccountSummary", "ListVirtualMFADevices"])
def test_throttled_to_death_is_an_error_never_compliant(rule, api_error, operation):
    set_root_mfa(True)
    api_error("iam", operation, "Throttling")
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []
