"""CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED: the CIS monitoring alarms (4.1-4.15) exist, fire, and reach someone.

Why: no managed rule checks them; Security Hub's CloudWatch.1-14 demand the CIS filter text
character for character (a re-spaced, reordered or stricter but correct filter fails) and give
NO_DATA when the log group lives elsewhere. Here a filter is judged by what it matches
(filter_patterns.py) against real-shaped CloudTrail events (cis_controls.json): every sample of
the control, none of its counter-examples.

Checks, for each selected control (root-usage, unauthorized-api-calls, ...; cis_controls.json):
- a multi-region trail that is logging, records read and write management events and delivers
  to a CloudWatch Logs group (trails.py; the group may be in any region). When the only such
  trails fall short (stopped, write-only), the annotation says so and what else is missing on
  their log groups, so one pass shows all the work;
- a metric filter on that group that matches the control's samples and no counter-example;
- an alarm on the filter's metric and namespace that fires on a single event: one datapoint to
  alarm, and the statistic of one event's datapoint (SampleCount 1; Sum, Maximum, Minimum,
  Average = the filter's metric value, unless a default value dilutes Minimum or Average)
  crossing the threshold upward; actions enabled. Any period holds one event's datapoint.
  Metric-math and anomaly alarms are not judged (never counted);
- among that alarm's actions, an SNS topic with a confirmed subscription (not PendingConfirmation).
Resource type: AWS::::Account (resource id: the account id, which
Clearsight-CloudTrailSecurityAlarms takes as AccountId). Reported once per account, from
ReportingRegion (default us-east-1); the rule in every other region returns nothing.
Trigger: periodic. cloudtrail DescribeTrails, GetTrailStatus, GetEventSelectors; in the log
group's region logs DescribeMetricFilters, cloudwatch DescribeAlarmsForMetric; in each topic's
region sns ListSubscriptionsByTopic.
Parameters (all optional):
  Controls         comma-separated control ids (default: all fifteen).
  ReportingRegion  the region whose rule reports (default us-east-1).
Scenarios:
  - every selected control has filter, alarm and subscriber: COMPLIANT
  - no multi-region trail to CloudWatch Logs, or one not logging or without read or write
    management events; or per control no matching filter, no alarm firing on one event, no
    confirmed subscriber: NON_COMPLIANT, naming the controls by id under what they miss
  - the only qualifying trails deliver to a log group of another account: NOT_APPLICABLE,
    "evaluated in account <id>"
  - a filter whose syntax the evaluator does not know: never counted
  - rule outside ReportingRegion: no evaluation
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
import json
import os

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from account_scope import ACCOUNT_TYPE, MAX_ANNOTATION, fit, parse_choices, parse_region, rule_region
from filter_patterns import UnsupportedPattern, parse
from rule_parameters import reject_unknown
from trails import discover, management_events

FIX = "Add them (remediation: Clearsight-CloudTrailSecurityAlarms)."
TRAIL_FIX = "Repair the trail first (remediation: Clearsight-CloudTrailSecurityTrail)."
STAGES = ("no multi-region trail to CloudWatch Logs", "no filter", "no alarm firing on one event", "no confirmed subscriber")
RISING = {"GreaterThanOrEqualToThreshold": lambda x, t: x >= t, "GreaterThanThreshold": lambda x, t: x > t}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cis_controls.json")) as _controls:
    CONTROLS = json.load(_controls)["controls"]


def trail_gaps(trail):
    """What keeps a multi-region trail delivering to CloudWatch Logs from carrying the alarms."""
    events = management_events(trail.selectors)
    gaps = [] if trail.logging else ["not logging"]
    missing = [kind for kind, recorded in (("read", events.read), ("write", events.write)) if not recorded]
    return gaps + ([f"no {'/'.join(missing)} management events"] if missing else [])


def covers(pattern, control):
    """The filter pattern matches every sample of the control and none of its counter-examples."""
    entry = CONTROLS[control]
    return all(pattern.matches(e) for e in entry["samples"]) and not any(pattern.matches(e) for e in entry["counter_examples"])


def fires_on_one_event(alarm, transformation):
    """A single matching event makes this alarm go to ALARM (and its actions run)."""
    if alarm.get("Metrics") or not alarm.get("ActionsEnabled", True):
        return False
    if (alarm.get("DatapointsToAlarm") or alarm.get("EvaluationPeriods")) != 1:
        return False
    compare = RISING.get(alarm.get("ComparisonOperator"))
    statistic = alarm.get("Statistic")
    default = transformation.get("defaultValue")
    try:
        value = float(transformation.get("metricValue"))
    except (TypeError, ValueError):
        value = None  # a value taken from the event ($.field): only the count is known
    if compare is None or alarm.get("Threshold") is None:
        return False
    if statistic == "SampleCount":
        return compare(1.0, alarm["Threshold"])
    if value is None or statistic not in ("Sum", "Maximum", "Minimum", "Average"):
        return False
    if default is not None and (statistic in ("Minimum", "Average") or float(default) != 0):
        return False  # other log events add default datapoints that dilute the statistic
    return compare(value, alarm["Threshold"])


class _Account:
    """The account's filters, alarms and subscriptions, each read once, in the region it lives in."""

    def __init__(self, client_factory):
        self.factory, self.clients, self.alarms, self.confirmed = client_factory, {}, {}, {}

    def client(self, service, region):
        if (service, region) not in self.clients:
            self.clients[(service, region)] = self.factory.build_client(service, region)
        return self.clients[(service, region)]

    def filters(self, region, log_group):
        pages = self.client("logs", region).get_paginator("describe_metric_filters").paginate(logGroupName=log_group)
        found = []
        for page in pages:
            for metric_filter in page["metricFilters"]:
                try:
                    found.append((parse(metric_filter.get("filterPattern", "")), metric_filter))
                except UnsupportedPattern:
                    continue  # never counted as a match
        return found

    def alarms_for(self, region, transformation):
        key = (region, transformation["metricName"], transformation["metricNamespace"])
        if key not in self.alarms:
            self.alarms[key] = self.client("cloudwatch", region).describe_alarms_for_metric(
                MetricName=key[1], Namespace=key[2])["MetricAlarms"]
        return self.alarms[key]

    def has_confirmed_subscriber(self, topic_arn):
        if topic_arn not in self.confirmed:
            pages = self.client("sns", topic_arn.split(":")[3]).get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
            self.confirmed[topic_arn] = any(
                s["SubscriptionArn"].startswith("arn:") for page in pages for s in page["Subscriptions"])
        return self.confirmed[topic_arn]


def _log_group(arn):
    """(region, account, name) of a CloudWatchLogsLogGroupArn (arn:...:logs:<region>:<account>:log-group:<name>:*)."""
    head, name = arn.split(":log-group:", 1)
    parts = head.split(":")
    return parts[3], parts[4], name.removesuffix(":*")


def control_stages(account, region, log_group, controls):
    """{control: how far it gets on this log group}: the index into STAGES of what it lacks, len(STAGES) if nothing."""
    filters = account.filters(region, log_group)
    stages = {}
    for control in controls:
        stage = 1
        for pattern, metric_filter in filters:
            if not covers(pattern, control):
                continue
            for transformation in metric_filter.get("metricTransformations") or []:
                firing = [a for a in account.alarms_for(region, transformation) if fires_on_one_event(a, transformation)]
                stage = max(stage, 3 if firing else 2)
                topics = {arn for alarm in firing for arn in alarm.get("AlarmActions") or [] if ":sns:" in arn}
                if any(account.has_confirmed_subscriber(topic) for topic in topics):
                    stage = len(STAGES)
        stages[control] = stage
    return stages


def assess(stages, trail_problem=""):
    """The rule itself: (compliance, annotation) from {control: stage reached} and what the trail lacks."""
    missing = {}
    for control, stage in stages.items():
        if stage < len(STAGES):
            missing.setdefault(STAGES[stage], []).append(control)
    if not missing and not trail_problem:
        return ComplianceType.COMPLIANT, f"Alarmed and subscribed: {len(stages)} CIS controls ({', '.join(stages)})."[:MAX_ANNOTATION]
    if not missing:
        return ComplianceType.NON_COMPLIANT, fit(trail_problem.strip(), TRAIL_FIX)
    return ComplianceType.NON_COMPLIANT, fit(trail_problem + _name_controls(missing, len(stages), len(trail_problem)), FIX)


def _name_controls(missing, selected, used=0):
    """'what: id, id; what: id ...': every id while they fit, then the longest list cut to '+N more'."""
    shown = {what: len(ids) for what, ids in missing.items()}

    def text():
        parts = []
        for what, ids in missing.items():
            if len(ids) == selected > 1:
                parts.append(f"{what}: all {selected} controls")
            else:
                more = f" +{len(ids) - shown[what]} more" if shown[what] < len(ids) else ""
                parts.append(f"{what}: {', '.join(ids[:shown[what]])}{more}")
        return "; ".join(parts) + "."

    while used + len(text()) + len(FIX) >= MAX_ANNOTATION and max(shown.values()) > 1:
        longest = max(shown, key=shown.get)
        shown[longest] -= 1
    return text()


class CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("Controls", "ReportingRegion"))
        return {
            "Controls": parse_choices(rule_parameters, "Controls", tuple(CONTROLS), tuple(CONTROLS)),
            "ReportingRegion": parse_region(rule_parameters, "ReportingRegion", "us-east-1"),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        region, account_id = rule_region(event), event["accountId"]
        if region != valid_rule_parameters["ReportingRegion"]:
            return []
        controls = valid_rule_parameters["Controls"]
        candidates = [t for t in discover(client_factory, region, account_id) if not t.unreadable and t.multi_region and t.log_group_arn]
        ready = [t for t in candidates if not trail_gaps(t)]
        trails = ready or candidates  # without a ready trail, still say what else is missing on the others' log groups
        groups = {_log_group(trail.log_group_arn) for trail in trails}
        own = sorted(group for group in groups if group[1] == account_id)
        if groups and not own:
            owners = ", ".join(sorted({group[1] for group in groups}))
            return [Evaluation(ComplianceType.NOT_APPLICABLE, account_id, ACCOUNT_TYPE,
                               f"The trail's log group is in account {owners}: evaluated in account {owners}, where the alarms live.")]
        best = dict.fromkeys(controls, 0)
        account = _Account(client_factory)
        for group_region, _, name in own:
            for control, stage in control_stages(account, group_region, name, controls).items():
                best[control] = max(best[control], stage)
        problem = "" if ready or not trails else f"Trail {trails[0].name}: {', '.join(trail_gaps(trails[0]))}. "
        compliance, annotation = assess(best, problem)
        return [Evaluation(compliance, account_id, ACCOUNT_TYPE, annotation)]


def lambda_handler(event, context):
    my_rule = CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED()
    evaluator = Evaluator(my_rule)
    return evaluator.handle(event, context)
