"""ROOT_ACCOUNT_MFA_ENABLED: the root user signs in with MFA (a hardware device when required).

Why: root can do anything and cannot be limited by IAM policies (CIS 1.5/1.6, Security Hub
IAM.6/IAM.9). AWS's ROOT_ACCOUNT_MFA_ENABLED and ROOT_ACCOUNT_HARDWARE_MFA_ENABLED are two rules
that both flag member accounts whose root credentials the organization removed; this one is a
single rule that says NOT_APPLICABLE there, and why.

Resource type: AWS::::Account (resource id: the account id). IAM is global: only the rule in
ReportingRegion (default us-east-1) reports; every other region returns no evaluation.
Trigger: periodic. One GetAccountSummary and one paginated ListVirtualMFADevices (AssignmentStatus
Assigned), which says whether a virtual device serves root.
Centrally managed root: when GetAccountSummary shows root with no password, no access keys, no
signing certificates and no MFA (AccountPasswordPresent, AccountAccessKeysPresent,
AccountSigningCertificatesPresent, AccountMFAEnabled all 0), its credentials were removed
(Organizations centralized root access): nothing can sign in as root, so NOT_APPLICABLE. A
summary without AccountPasswordPresent is taken as a password being present.
Parameters (all optional):
  RequireHardwareMfa  'true': a virtual MFA device serving root is NON_COMPLIANT (default 'false').
  ReportingRegion     the one region whose rule reports the account (default us-east-1).
Scenarios:
  - root has MFA (hardware when required): COMPLIANT
  - root has no MFA: NON_COMPLIANT
  - RequireHardwareMfa and a virtual device serves root: NON_COMPLIANT
  - root credentials centrally removed: NOT_APPLICABLE, said so
  - rule outside ReportingRegion: no evaluation
  - bad parameter: InvalidParametersError; AccessDenied or throttled: an error, never COMPLIANT
Root MFA cannot be set through an API: the paired document, Clearsight-RootAccountNotify,
publishes the finding to an SNS topic for a person to act on.
"""
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from reporting_region import parse_reporting_region, reports_here
from rule_parameters import parse_bool, reject_unknown

APPLICABLE_RESOURCES = ["AWS::::Account"]
CREDENTIAL_KEYS = ("AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent", "AccountMFAEnabled")
HOW = "Sign in as root and assign a hardware MFA device (no API can; remediation Clearsight-RootAccountNotify tells the owner)."


def credentials_removed(summary):
    """Root has no credential at all: password (assumed present when not reported), keys, certificates, MFA."""
    return not any(summary.get(key, 1 if key == "AccountPasswordPresent" else 0) for key in CREDENTIAL_KEYS)


def assess(summary, root_virtual_devices, params):
    """The rule itself: (compliance, annotation) from the account summary and root's virtual MFA devices."""
    if credentials_removed(summary):
        return ComplianceType.NOT_APPLICABLE, "Root has no password, access key, certificate or MFA: its credentials were removed centrally, so no one can sign in as root."
    if not summary.get("AccountMFAEnabled"):
        return ComplianceType.NON_COMPLIANT, f"Root user has no MFA device. {HOW}"
    if params["RequireHardwareMfa"] and root_virtual_devices:
        return ComplianceType.NON_COMPLIANT, (
            f"Root uses virtual MFA device {root_virtual_devices[0]}; RequireHardwareMfa asks for hardware only. "
            "Sign in as root, add a hardware MFA device and remove the virtual one."
        )[:255]
    kind = f"virtual MFA device {root_virtual_devices[0]}" if root_virtual_devices else "a hardware MFA device"
    return ComplianceType.COMPLIANT, f"Root user has {kind}."[:255]


def root_virtual_devices(iam):
    """Serial numbers of the assigned virtual MFA devices whose user is root."""
    pages = iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
    return [
        device["SerialNumber"]
        for page in pages
        for device in page["VirtualMFADevices"]
        if device.get("User", {}).get("Arn", "").endswith(":root")
    ]


class ROOT_ACCOUNT_MFA_ENABLED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("RequireHardwareMfa", "ReportingRegion"))
        return {
            "RequireHardwareMfa": parse_bool(rule_parameters, "RequireHardwareMfa", False),
            "ReportingRegion": parse_reporting_region(rule_parameters),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        if not reports_here(event, valid_rule_parameters):
            return []
        iam = client_factory.build_client("iam")
        summary = iam.get_account_summary()["SummaryMap"]
        compliance, annotation = assess(summary, root_virtual_devices(iam), valid_rule_parameters)
        return [Evaluation(compliance, event["accountId"], APPLICABLE_RESOURCES[0], annotation)]


def lambda_handler(event, context):
    my_rule = ROOT_ACCOUNT_MFA_ENABLED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
