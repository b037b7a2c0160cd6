"""The alerting topic, EventBridge rules for EVENTBRIDGE_SECURITY_EVENT_RULES, and CIS metric
filters and alarms for CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED.

An SNS topic with a confirmed subscriber, which remediations point their rules at. On the
default bus: a root sign-in rule written differently from clearsight's (a prefix and `$or`,
still catching every root sign-in: judged by meaning, it counts), an IAM policy rule that is
DISABLED, a security group rule with no target, and no rule at all for CloudTrail tampering
or a stopped Config recorder. The account is NON_COMPLIANT until the document adds the rules.

The account's multi-region trail (the trails area's) is given a CloudWatch Logs group, KMS-
encrypted as CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION requires. That trail is seeded stopped and
write-only: the alarms need it repaired first (Seeded.after), as they would on AWS. On it: root-usage re-spaced and
reordered but right, alarmed and subscribed (passes); unauthorized-api-calls with an alarm at
threshold 5 (a single event does not fire it); console-signin-without-mfa alarmed to a topic
nobody confirmed; iam-policy-changes missing DetachGroupPolicy; nothing for the other eleven.
"""
import json

from ..seeded import Seeded
from .log_groups import logs_key_policy

EVENTBRIDGE_RULE = "EVENTBRIDGE_SECURITY_EVENT_RULES"
ALARMS_RULE = "CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED"
TRAIL_RULE = "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE"  # its document makes the trail log all management events
LOG_GROUP_RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"
TOPIC = "clearsight-security-alerts"
TRAIL_LOG_GROUP = "/clearsight/demo/cloudtrail"
NAMESPACE = "SecurityMetrics"
CIS_FILTERS = {
    "root-usage": ('{ $.eventType != "AwsServiceEvent" && $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }', 1, TOPIC),
    "unauthorized-api-calls": ('{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}', 5, TOPIC),
    "console-signin-without-mfa": ('{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }', 1, "clearsight-unwatched"),
    "iam-policy-changes": ("{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || "
                           "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || "
                           "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || "
                           "($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
                           "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy)}", 1, TOPIC),
}


def alert_topic(session, region):
    """The topic every alerting remediation targets, with one confirmed (email) subscription."""
    sns = session.client("sns", region_name=region)
    topic = sns.create_topic(Name=TOPIC)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-team@example.com")
    return topic


def _rule(events, name, pattern, state="ENABLED", target=None):
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
    if target:
        events.put_targets(Rule=name, Targets=[{"Id": "alerts", "Arn": target}])


def _trail_log_group(session, region, account):
    """The account's multi-region trail now also delivers to a KMS-encrypted log group; its ARN."""
    key = session.client("kms", region_name=region).create_key(
        Description="clearsight trail log group key", Policy=logs_key_policy(account, region))["KeyMetadata"]["Arn"]
    logs = session.client("logs", region_name=region)
    logs.create_log_group(logGroupName=TRAIL_LOG_GROUP, kmsKeyId=key)
    group_arn = f"arn:aws:logs:{region}:{account}:log-group:{TRAIL_LOG_GROUP}:*"
    role = session.client("iam").create_role(RoleName="clearsight-trail-to-logs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))["Role"]["Arn"]
    cloudtrail = session.client("cloudtrail", region_name=region)
    for trail in cloudtrail.describe_trails(includeShadowTrails=False)["trailList"]:
        if trail.get("IsMultiRegionTrail"):
            cloudtrail.update_trail(Name=trail["Name"], CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role)
            break
    return logs


def _cis_filters(session, region, logs, topic):
    cloudwatch = session.client("cloudwatch", region_name=region)
    unwatched = session.client("sns", region_name=region).create_topic(Name="clearsight-unwatched")["TopicArn"]
    for control, (pattern, threshold, target) in CIS_FILTERS.items():
        metric = f"cis-{control}"
        logs.put_metric_filter(logGroupName=TRAIL_LOG_GROUP, filterName=metric, filterPattern=pattern, metricTransformations=[
            {"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1"}])
        cloudwatch.put_metric_alarm(
            AlarmName=metric, MetricName=metric, Namespace=NAMESPACE, Statistic="Sum", Period=300, EvaluationPeriods=1,
            Threshold=threshold, ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic if target == TOPIC else unwatched])


def seed(session, region):
    topic = alert_topic(session, region)
    events = session.client("events", region_name=region)
    account = topic.split(":")[4]
    _rule(events, "root-console-sign-in", {
        "source": [{"prefix": "aws.sign"}],
        "$or": [{"detail": {"userIdentity": {"type": ["Root"]}}}, {"detail": {"userIdentity": {"arn": [{"suffix": ":root"}]}}}],
    }, target=topic)
    _rule(events, "iam-policy-watch", {"source": ["aws.iam"], "detail": {"eventName": [{"anything-but": {"prefix": "Get"}}]}},
          state="DISABLED", target=topic)
    _rule(events, "security-group-watch", {"source": ["aws.ec2"], "detail": {"eventName": [{"wildcard": "*SecurityGroup*"}]}})
    fix = {"TopicArn": topic, "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}
    _cis_filters(session, region, _trail_log_group(session, region, account), topic)
    return [
        Seeded(EVENTBRIDGE_RULE, account, "NON_COMPLIANT", fix),
        Seeded(ALARMS_RULE, account, "NON_COMPLIANT", fix, after=(TRAIL_RULE,)),
        Seeded(LOG_GROUP_RULE, TRAIL_LOG_GROUP, "COMPLIANT"),
    ]
