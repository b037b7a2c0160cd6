"""CLOUDWATCH_LOG_GROUP_RETENTION: every log group keeps its events at least MinRetentionDays.

Why: when an incident is discovered months later, short retention means the logs are already
deleted. AWS's CW_LOGGROUP_RETENTION_PERIOD_CHECK has no prefix scope or exemptions, and AWS has
no runbook that sets a log group's retention.

Resource type: AWS::Logs::LogGroup (resource id: the log group name, what
Clearsight-LogGroupRetention takes).
Trigger: periodic only (AWS Config does not record AWS::Logs::LogGroup). One run: DescribeLogGroups,
paginated (one sweep per LogGroupNamePrefixes entry, or one of the whole region), no other call.
Parameters (all optional):
  MinRetentionDays      the shortest retention accepted (default 365), a value CloudWatch Logs
                        accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                        1096, 1827, 2192, 2557, 2922, 3288, 3653).
  MaxRetentionDays      the longest retention accepted (default: none); when set, never-expire
                        is NON_COMPLIANT too. Same values; not below MinRetentionDays.
  LogGroupNamePrefixes  comma-separated name prefixes in scope (default: every log group).
  ExemptLogGroupNames   comma-separated exact names reported NOT_APPLICABLE.
Scenarios:
  - retention at least MinRetentionDays (and at most MaxRetentionDays when set): COMPLIANT
  - never expire: COMPLIANT, unless MaxRetentionDays is set: NON_COMPLIANT
  - retention shorter than MinRetentionDays, or longer than MaxRetentionDays: NON_COMPLIANT
  - exempt log group: NOT_APPLICABLE; outside the prefixes: not evaluated
  - deleted log group: NOT_APPLICABLE (rdklib's periodic clean-up of results it no longer finds)
  - bad parameter: InvalidParametersError; AccessDenied or throttled: an error, never COMPLIANT
"""
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator, InvalidParametersError

from log_groups import RESOURCE_TYPE, SCOPE_PARAMETERS, exempted, scope_parameters, sweep
from rule_parameters import reject_unknown

APPLICABLE_RESOURCES = [RESOURCE_TYPE]
# What PutRetentionPolicy accepts (CloudWatch Logs API reference, PutRetentionPolicy).
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
FIX = "(remediation: Clearsight-LogGroupRetention)"


def assess(days, params):
    """The rule itself: (compliance, annotation) for a log group keeping events `days` days (None: never expire)."""
    low, high = params["MinRetentionDays"], params["MaxRetentionDays"]
    if days is None:
        if high is not None:
            return ComplianceType.NON_COMPLIANT, f"Log group never expires events; MaxRetentionDays is {high}. Set a retention of {low}-{high} days."
        return ComplianceType.COMPLIANT, "Log group never expires events."
    if days < low:
        return ComplianceType.NON_COMPLIANT, f"Log group keeps events {days} days, less than MinRetentionDays {low}. Set at least {low} days {FIX}."
    if high is not None and days > high:
        return ComplianceType.NON_COMPLIANT, f"Log group keeps events {days} days, more than MaxRetentionDays {high}. Set at most {high} days."
    return ComplianceType.COMPLIANT, f"Log group keeps events {days} days."


def parse_days(params, key, default):
    value = str(params.get(key, "")).strip()
    if not value:
        return default
    if not value.isdigit() or int(value) not in RETENTION_DAYS:
        raise InvalidParametersError(
            f"Parameter {key} must be a retention CloudWatch Logs accepts ({', '.join(map(str, RETENTION_DAYS))}), got {value!r}."
        )
    return int(value)


class CLOUDWATCH_LOG_GROUP_RETENTION(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, SCOPE_PARAMETERS + ("MinRetentionDays", "MaxRetentionDays"))
        low = parse_days(rule_parameters, "MinRetentionDays", 365)
        high = parse_days(rule_parameters, "MaxRetentionDays", None)
        if high is not None and high < low:
            raise InvalidParametersError(f"Parameter MaxRetentionDays ({high}) is below MinRetentionDays ({low}): raise it or lower MinRetentionDays.")
        return {**scope_parameters(rule_parameters), "MinRetentionDays": low, "MaxRetentionDays": high}

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        groups, exempt = sweep(client_factory.build_client("logs"), valid_rule_parameters)
        evaluations = exempted(exempt)
        for name, group in sorted(groups.items()):
            compliance, annotation = assess(group.get("retentionInDays"), valid_rule_parameters)
            evaluations.append(Evaluation(compliance, name, RESOURCE_TYPE, annotation))
        return evaluations


def lambda_handler(event, context):
    my_rule = CLOUDWATCH_LOG_GROUP_RETENTION()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
