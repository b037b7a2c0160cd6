"""EVENTBRIDGE_SECURITY_EVENT_RULES: security events reach someone, through EventBridge rules.

Why: no managed rule checks that a root sign-in, a stopped trail or a GuardDuty finding
triggers anything. A rule is judged by what its pattern matches (event_patterns.py), against
real-shaped sample events (security_events.json), not by its name or text.

Checks, for each selected event: an ENABLED rule on the default event bus, with at least one
target (another bus counts: forwarding is delivery), whose pattern matches every sample of that
event. Global events (root-signin, iam-policy-changes) are delivered in us-east-1 only, so they
are judged there only; every other event needs a rule in each region.
Resource type: AWS::::Account (resource id: the account id, which
Clearsight-EventBridgeSecurityRules takes as AccountId); one evaluation per region it runs in.
Trigger: periodic (events ListRules on the default bus, then ListTargetsByRule for the enabled
rules whose pattern covers a needed event).
Parameters (optional):
  Events  comma-separated ids, default root-signin,cloudtrail-tampering,iam-policy-changes,
          security-group-changes,config-recorder-stopped; also guardduty-findings,
          securityhub-findings.
Scenarios:
  - every needed event caught by an enabled rule with a target: COMPLIANT
  - an event with no matching rule, or only disabled or target-less ones: NON_COMPLIANT,
    naming each event id and why
  - a rule whose pattern uses syntax the evaluator does not know: never counted, and named
  - outside us-east-1 with only global events selected: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
import json
import os

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from account_scope import ACCOUNT_TYPE, MAX_ANNOTATION, fit, parse_choices, rule_region
from event_patterns import UnsupportedPattern, compile_pattern
from rule_parameters import reject_unknown

GLOBAL_REGION = "us-east-1"
DEFAULT_EVENTS = ("root-signin", "cloudtrail-tampering", "iam-policy-changes", "security-group-changes", "config-recorder-stopped")
# ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: enabled, read-only management events included.
ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
FIX = "Add enabled rules with targets (remediation: Clearsight-EventBridgeSecurityRules)."

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "security_events.json")) as _samples:
    SECURITY_EVENTS = json.load(_samples)["events"]


def needed_events(selected, region):
    """The selected events this region must catch: global ones only in us-east-1."""
    return [event for event in selected if region == GLOBAL_REGION or not SECURITY_EVENTS[event]["global"]]


def coverage(rule):
    """The event ids whose every sample the rule's pattern matches (UnsupportedPattern passes up)."""
    test = compile_pattern(rule["EventPattern"])
    return {event for event, entry in SECURITY_EVENTS.items() if all(test(sample) for sample in entry["samples"])}


def assess(needed, rules, targets_of):
    """The rule itself: (compliance, annotation).

    rules: the default bus's rules (ListRules entries); targets_of(name) -> its target count.
    """
    unsupported, why = [], {event: "no rule" for event in needed}
    for rule in rules:
        if "EventPattern" not in rule:
            continue  # a schedule
        try:
            covered = coverage(rule) & set(why)
        except UnsupportedPattern:
            unsupported.append(rule["Name"])
            continue
        if not covered:
            continue
        if rule.get("State") not in ENABLED_STATES:
            reason = f"{rule['Name']} disabled"
        elif targets_of(rule["Name"]) == 0:
            reason = f"{rule['Name']}: no target"
        else:
            for event in covered:
                del why[event]
            continue
        for event in covered:
            if why[event] == "no rule":
                why[event] = reason
    skipped = f" Not evaluated (unsupported pattern syntax): {', '.join(unsupported)}." if unsupported else ""
    if why:
        detail = "Uncaught: " + "; ".join(f"{event} ({reason})" for event, reason in why.items()) + "."
        if len(detail + skipped + FIX) >= MAX_ANNOTATION:
            detail = "Uncaught: " + ", ".join(why) + "."  # the ids matter most
        return ComplianceType.NON_COMPLIANT, fit(detail + skipped, FIX)
    return ComplianceType.COMPLIANT, fit(f"Caught by enabled rules with targets: {', '.join(needed)}.{skipped}", "").strip()


class EVENTBRIDGE_SECURITY_EVENT_RULES(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("Events",))
        return {"Events": parse_choices(rule_parameters, "Events", tuple(SECURITY_EVENTS), DEFAULT_EVENTS)}

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        account, region = event["accountId"], rule_region(event)
        needed = needed_events(valid_rule_parameters["Events"], region)
        if not needed:
            return [Evaluation(ComplianceType.NOT_APPLICABLE, account, ACCOUNT_TYPE,
                               f"Only global events selected; they are delivered in, and judged from, {GLOBAL_REGION}.")]
        events = client_factory.build_client("events")
        pages = events.get_paginator("list_rules").paginate(EventBusName="default")
        rules = [rule for page in pages for rule in page["Rules"]]

        def targets_of(name):
            pages = events.get_paginator("list_targets_by_rule").paginate(Rule=name, EventBusName="default")
            return sum(len(page["Targets"]) for page in pages)

        compliance, annotation = assess(needed, rules, targets_of)
        return [Evaluation(compliance, account, ACCOUNT_TYPE, annotation)]


def lambda_handler(event, context):
    my_rule = EVENTBRIDGE_SECURITY_EVENT_RULES()
    evaluator = Evaluator(my_rule)
    return evaluator.handle(event, context)
