"""CLOUDTRAIL_SECURITY_TRAIL_ACTIVE: this region is recorded by a healthy security trail.

Why: AWS's managed CloudTrail rules check configuration flags. A trail that is configured but
stopped, or fails to deliver, passes them; Security Hub returns NO_DATA for organization and
shadow trails; community rules crash on advanced event selectors. This rule asks whether the
region is really recorded, and recorded safely.

Resource type: AWS::::Account (resource id: the account id, which
Clearsight-CloudTrailSecurityTrail takes as AccountId); one evaluation per region it runs in.
Trigger: periodic. DescribeTrails(includeShadowTrails=True) in this region; per trail (own,
multi-region shadow of a trail homed elsewhere, organization trail; once per TrailARN)
GetTrailStatus and GetEventSelectors in its home region (rules/_shared/trails.py). Insights: DescribeTrails'
HasInsightSelectors.
A trail passes when it is multi-region, logging (IsLogging), delivering (no LatestDeliveryError
still in effect), log-file validated, KMS-encrypted, and records read and write management
events with no excluded event source, whether its selectors are basic, advanced or AWS's
default (none). The best trail (fewest gaps, then the account's own) is named in the annotation
with exactly what it lacks.
Organization trail of another account (seen from a member account): if its status or selectors
cannot be read here, it is never counted as passing. When nothing else passes and what can be
seen of it (multi-region, validation, KMS) is right, the account is NOT_APPLICABLE, annotated
"evaluated in account <owner>": the owner's own evaluation of its trail decides. What is
visibly wrong with it makes the account NON_COMPLIANT.
Parameters (all optional):
  RequireCloudWatchLogs              'true': the trail must also deliver to CloudWatch Logs,
                                     last within CloudWatchLogsMaxDeliveryAgeHours (default 24).
  RequireOrganizationTrail           'true': the trail must be an organization trail.
  RequireInsights                    'true': the trail must record CloudTrail Insights events.
Scenarios:
  - an applicable trail passes (own, shadow of another region, or organization): COMPLIANT
  - no trail records this region: NON_COMPLIANT
  - best trail not multi-region / not logging / delivery error / no validation / no KMS /
    missing read or write management events / excluded event sources / (per parameters) no
    CloudWatch Logs or a stale delivery, not an organization trail, no Insights: NON_COMPLIANT
  - only an organization trail of another account, unreadable here, visibly right: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
from datetime import timedelta

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from rule_parameters import parse_bool, parse_int, reject_unknown
from trails import cloudwatch_delivery_age, delivery_error, discover, management_events, ranked

APPLICABLE_RESOURCES = ["AWS::::Account"]
FIX = "Repair or create the trail (remediation: Clearsight-CloudTrailSecurityTrail)."
UNREADABLE = "status unreadable here"


def visible_gaps(trail, params):
    """What DescribeTrails alone shows to be missing (readable from any account)."""
    gaps = []
    if not trail.multi_region:
        gaps.append("not multi-region")
    if not trail.log_file_validation:
        gaps.append("no log file validation")
    if not trail.kms_key_id:
        gaps.append("not KMS-encrypted")
    if params["RequireOrganizationTrail"] and not trail.organization:
        gaps.append("not an organization trail")
    if params["RequireInsights"] and not trail.insights:
        gaps.append("no Insights")
    if params["RequireCloudWatchLogs"] and not trail.log_group_arn:
        gaps.append("no CloudWatch Logs")
    return gaps


def status_gaps(trail, params):
    """What the trail's status and selectors show to be missing."""
    gaps = []
    if not trail.logging:
        gaps.append("not logging")
    error = delivery_error(trail.status)
    if error:
        gaps.append(f"delivery error {error[:40]}")
    events = management_events(trail.selectors)
    missing = [kind for kind, recorded in (("read", events.read), ("write", events.write)) if not recorded]
    if events.excluded:
        gaps.append(f"excludes {', '.join(events.excluded)[:60]}")
    elif missing:
        gaps.append(f"no {'/'.join(missing)} management events")
    if params["RequireCloudWatchLogs"] and trail.log_group_arn:
        age = cloudwatch_delivery_age(trail.status)
        if age is None or age > params["CloudWatchLogsMaxDeliveryAge"]:
            gaps.append("no recent CloudWatch Logs delivery")
    return gaps


def assess(trails, gaps, region, account_id):
    """The rule itself: (compliance, annotation) for this region, given each trail's gaps."""
    if not trails:
        return ComplianceType.NON_COMPLIANT, f"No trail records {region}. Create a multi-region trail. {FIX}"
    best = ranked(trails, lambda t: gaps[t.arn], account_id)[0]
    if not gaps[best.arn]:
        return ComplianceType.COMPLIANT, f"Trail {best.name} ({best.home_region}, account {best.account}) records {region}: multi-region, logging, delivering, validated, KMS, read+write management events."
    unreadable = [t for t in trails if gaps[t.arn] == [UNREADABLE]]
    if unreadable:
        trail = unreadable[0]
        return ComplianceType.NOT_APPLICABLE, (
            f"Organization trail {trail.name} of account {trail.account} may record {region}; its status cannot be read "
            f"from this account: evaluated in account {trail.account}."
        )
    lacks = ", ".join(gaps[best.arn])
    head = f"Best trail {best.name} ({best.home_region}) lacks: "
    tail = f". {FIX}"
    return ComplianceType.NON_COMPLIANT, head + lacks[: 255 - len(head) - len(tail)] + tail


class CLOUDTRAIL_SECURITY_TRAIL_ACTIVE(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("RequireCloudWatchLogs", "CloudWatchLogsMaxDeliveryAgeHours", "RequireOrganizationTrail", "RequireInsights"))
        return {
            "RequireCloudWatchLogs": parse_bool(rule_parameters, "RequireCloudWatchLogs", False),
            "CloudWatchLogsMaxDeliveryAge": timedelta(hours=parse_int(rule_parameters, "CloudWatchLogsMaxDeliveryAgeHours", 24, 1, 8760)),
            "RequireOrganizationTrail": parse_bool(rule_parameters, "RequireOrganizationTrail", False),
            "RequireInsights": parse_bool(rule_parameters, "RequireInsights", False),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        region, account = event["configRuleArn"].split(":")[3], event["accountId"]
        trails = discover(client_factory, region, account)
        gaps = {}
        for trail in trails:
            found = visible_gaps(trail, valid_rule_parameters)
            if trail.unreadable:
                found.append(UNREADABLE)
            else:
                found += status_gaps(trail, valid_rule_parameters)
            gaps[trail.arn] = found
        compliance, annotation = assess(trails, gaps, region, account)
        return [Evaluation(compliance, account, APPLICABLE_RESOURCES[0], annotation)]


def lambda_handler(event, context):
    my_rule = CLOUDTRAIL_SECURITY_TRAIL_ACTIVE()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
