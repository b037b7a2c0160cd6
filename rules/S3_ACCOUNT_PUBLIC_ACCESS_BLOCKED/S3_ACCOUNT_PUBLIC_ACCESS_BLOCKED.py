"""S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED: the account's four S3 Block Public Access settings are on.

Why: account-level Block Public Access is the one switch that covers every current and future
bucket (CIS 2.1.5, Security Hub S3.1). Each setting can be relaxed by a parameter.

Resource type: AWS::::Account (resource id: the account id, which
Clearsight-S3AccountBlockPublicAccess takes as AccountId).
Evaluated once per account: the settings live in S3 Control and are global, but a Config rule
runs in every region it is deployed to. Only the rule in ReportingRegion (default us-east-1;
set it to your home region) reports; the rule in every other region returns an empty list,
which also makes rdklib's periodic clean-up retire whatever that region reported before. No
NOT_APPLICABLE rows per region, no duplicates in an aggregator.
Triggers:
  - periodic: one s3control GetPublicAccessBlock in ReportingRegion, none elsewhere;
  - configuration change on AWS::S3::AccountPublicAccessBlock: the four booleans from the item,
    zero calls. The evaluation is posted for AWS::::Account, the same resource the periodic
    path reports. Deleted or not-recorded items, and items with a null configuration, are
    evaluated too (rdklib would otherwise mark the item NOT_APPLICABLE): the settings are then
    read with one call, so deleting the account's settings turns the account NON_COMPLIANT at once.
Parameters (all optional):
  BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
                  'true' (default): the setting must be on; 'false': not required.
  ReportingRegion the one region whose rule reports the account (default us-east-1).
Scenarios:
  - every required setting on: COMPLIANT
  - a required setting off, or no settings at all: NON_COMPLIANT, naming the settings
  - rule outside ReportingRegion: no evaluation
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from reporting_region import parse_reporting_region, reports_here
from rule_parameters import parse_bool, reject_unknown
from s3_exposure import BPA_FLAGS, bpa_flags
from s3_reads import account_block

APPLICABLE_RESOURCES = ["AWS::S3::AccountPublicAccessBlock"]
REPORTED_TYPE = "AWS::::Account"
RECORDED = ("OK", "ResourceDiscovered")


def assess(flags, required):
    """The rule itself: (compliance, annotation) for the account's four settings."""
    missing = [flag for flag in BPA_FLAGS if required[flag] and not flags[flag]]
    if missing:
        return (
            ComplianceType.NON_COMPLIANT,
            f"Account Block Public Access has {', '.join(missing)} off. Turn on the account's Block Public Access "
            "settings (remediation: Clearsight-S3AccountBlockPublicAccess).",
        )
    relaxed = [flag for flag in BPA_FLAGS if not required[flag]]
    note = f" ({', '.join(relaxed)} not required)" if relaxed else ""
    return ComplianceType.COMPLIANT, f"Account Block Public Access: every required setting is on{note}."


class S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, BPA_FLAGS + ("ReportingRegion",))
        return {"ReportingRegion": parse_reporting_region(rule_parameters), **{flag: parse_bool(rule_parameters, flag, True) for flag in BPA_FLAGS}}

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        if not reports_here(event, valid_rule_parameters):
            return []
        account = configuration_item["awsAccountId"]
        carried = configuration_item.get("configuration")
        if configuration_item["configurationItemStatus"] in RECORDED and not event.get("eventLeftScope") and carried is not None:
            flags = bpa_flags(carried)
        else:
            flags = account_block(client_factory.build_client("s3control"), account)
        return [_evaluation(account, flags, valid_rule_parameters)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        if not reports_here(event, valid_rule_parameters):
            return []
        account = event["accountId"]
        flags = account_block(client_factory.build_client("s3control"), account)
        return [_evaluation(account, flags, valid_rule_parameters)]


def _evaluation(account, flags, params):
    compliance, annotation = assess(flags, params)
    return Evaluation(compliance, account, REPORTED_TYPE, annotation)


def lambda_handler(event, context):
    my_rule = S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES, is_applicable_status=True)
    return evaluator.handle(event, context)
