"""What each remediation must have changed, read straight from the account (issue 17).

The closed loop judges a remediation with the project's own rule, which is circular: a rule bug
and a document bug can agree. These judges read the resource's state with plain boto3 calls and
check it against what the document was asked to do, without any rule code.
judge(session, resource_id, parameters) raises AssertionError naming what is wrong.
"""
import functools
import json
import re

from botocore.exceptions import ClientError

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
CLOUDTRAIL_CALL = "AWS API Call via CloudTrail"
# Per EventBridge event id: one event AWS sends of that kind (source, detail-type, detail), from AWS's event reference.
SECURITY_EVENTS = {
    "root-signin": ("aws.signin", "AWS Console Sign In via CloudTrail", {"eventName": "ConsoleLogin", "userIdentity": {"type": "Root"}}),
    "cloudtrail-tampering": ("aws.cloudtrail", CLOUDTRAIL_CALL, {"eventName": "StopLogging"}),
    "iam-policy-changes": ("aws.iam", CLOUDTRAIL_CALL, {"eventName": "AttachRolePolicy"}),
    "security-group-changes": ("aws.ec2", CLOUDTRAIL_CALL, {"eventName": "AuthorizeSecurityGroupIngress"}),
    "config-recorder-stopped": ("aws.config", CLOUDTRAIL_CALL, {"eventName": "StopConfigurationRecorder"}),
    "guardduty-findings": ("aws.guardduty", "GuardDuty Finding", {"severity": 8}),
    "securityhub-findings": ("aws.securityhub", "Security Hub Findings - Imported", {"findings": []}),
}
UNRELATED_EVENT = {"source": "aws.s3", "detail-type": "Object Created", "detail": {"eventName": "GetObject", "userIdentity": {"type": "IAMUser"}}}
DEFAULT_SECURITY_EVENTS = "root-signin,cloudtrail-tampering,iam-policy-changes,security-group-changes,config-recorder-stopped"
GLOBAL_SECURITY_EVENTS = ("root-signin", "iam-policy-changes")  # AWS delivers them in us-east-1 only
# Per CIS AWS Foundations monitoring control (4.1-4.15): terms its metric filter pattern must contain.
CIS_TERMS = {
    "root-usage": ('"Root"', "invokedBy NOT EXISTS", "AwsServiceEvent"),
    "unauthorized-api-calls": ("*UnauthorizedOperation", "AccessDenied*"),
    "console-signin-without-mfa": ("ConsoleLogin", "MFAUsed", '"Yes"', "IAMUser", "Success"),
    "iam-policy-changes": ("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                           "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                           "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
                           "DetachGroupPolicy"),
    "cloudtrail-changes": ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    "console-auth-failures": ("ConsoleLogin", "Failed authentication"),
    "cmk-disable-or-deletion": ("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),
    "s3-bucket-policy-changes": ("s3.amazonaws.com", "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
                                 "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle",
                                 "DeleteBucketReplication"),
    "config-changes": ("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                       "PutConfigurationRecorder"),
    "security-group-changes": ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                               "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
    "nacl-changes": ("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                     "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
    "network-gateway-changes": ("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
    "route-table-changes": ("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                            "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
    "vpc-changes": ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
                    "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                    "DisableVpcClassicLink", "EnableVpcClassicLink"),
    "organizations-changes": ("organizations.amazonaws.com", "AcceptHandshake", "AttachPolicy", "CreateAccount",
                              "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
                              "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType",
                              "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
                              "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"),
}


def _key_arn(session, reference):
    return session.client("kms").describe_key(KeyId=reference)["KeyMetadata"]["Arn"]


def bucket_kms_encryption(session, bucket, parameters):
    rules = session.client("s3").get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    default = rules[0]["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] in ("aws:kms", "aws:kms:dsse"), default
    assert _key_arn(session, default["KMSMasterKeyID"]) == _key_arn(session, parameters["KmsKeyArn"]), default


def _log_group(session, name):
    groups = session.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    (group,) = [g for g in groups if g["logGroupName"] == name]
    return group


def log_group_kms_encryption(session, name, parameters):
    group = _log_group(session, name)
    assert _key_arn(session, group["kmsKeyId"]) == _key_arn(session, parameters["KmsKeyArn"]), group


def bucket_block_public_access(session, bucket, parameters):
    settings = session.client("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(settings[flag] for flag in BPA_FLAGS), settings


def account_block_public_access(session, account, parameters):
    settings = session.client("s3control").get_public_access_block(AccountId=account)["PublicAccessBlockConfiguration"]
    wanted = [flag for flag in BPA_FLAGS if str(parameters.get(flag, "true")).lower() == "true"]
    assert all(settings[flag] for flag in wanted), settings


def _asked(parameters, name, default):
    """A parameter as the document receives it: the seeder's value, else the documented default."""
    return str(parameters.get(name, default))


def log_group_retention(session, name, parameters):
    days = _log_group(session, name).get("retentionInDays")
    assert days is None or days >= int(_asked(parameters, "RetentionInDays", 365)), f"{name} keeps events {days} days"


def vpc_flow_logs(session, vpc, parameters):
    kind, destination = _asked(parameters, "DestinationType", "cloud-watch-logs"), parameters["LogDestination"]
    flow_logs = session.client("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
    covering = [f for f in flow_logs if f["FlowLogStatus"] == "ACTIVE" and f.get("DeliverLogsStatus") == "SUCCESS"
                and f["LogDestinationType"] == kind and f["TrafficType"] in ("ALL", _asked(parameters, "TrafficType", "ALL"))]
    assert covering, f"no active, delivering {kind} flow log on {vpc}: {flow_logs}"
    if kind == "cloud-watch-logs":
        assert any(f["LogGroupName"] == destination and f["DeliverLogsPermissionArn"] == parameters["DeliverLogsPermissionArn"]
                   for f in covering), covering
        group = _log_group(session, destination)
        assert group.get("retentionInDays") == int(_asked(parameters, "RetentionInDays", 365)), group
        key = _asked(parameters, "LogGroupKmsKeyArn", "none")
        assert (group.get("kmsKeyId") is None) if key == "none" else _key_arn(session, group["kmsKeyId"]) == _key_arn(session, key), group
    else:
        assert any(f["LogDestination"] == destination for f in covering), covering


def _management_events(selectors):
    """(reads, writes) of management events the selectors record, with no event source excluded."""
    basic, advanced = selectors.get("EventSelectors") or [], selectors.get("AdvancedEventSelectors") or []
    if not basic and not advanced:
        return True, True  # AWS's default: every management event
    kinds = set()
    for s in basic:
        if s.get("IncludeManagementEvents") and not s.get("ExcludeManagementEventSources"):
            kinds |= {"All": {True, False}, "ReadOnly": {True}, "WriteOnly": {False}}[s["ReadWriteType"]]
    for s in advanced:
        fields = {f["Field"]: f for f in s["FieldSelectors"]}
        if fields.get("eventCategory", {}).get("Equals") == ["Management"] and "eventSource" not in fields:
            kinds |= {v == "true" for v in fields.get("readOnly", {}).get("Equals", ["true", "false"])}
    return True in kinds, False in kinds


def security_trail(session, account, parameters):
    """One healthy multi-region trail records the account's management events (a repaired one, or TrailName)."""
    cloudtrail = session.client("cloudtrail")
    own = [t for t in cloudtrail.describe_trails(includeShadowTrails=False)["trailList"] if t["TrailARN"].split(":")[4] == account]
    recording = [t for t in own if any(_management_events(cloudtrail.get_event_selectors(TrailName=t["TrailARN"])))]
    assert len(recording) == 1, f"expected one trail recording management events, not a second copy: {recording}"
    (trail,) = recording
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail.get("KmsKeyId"), trail
    assert cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"], f"{trail['Name']} is not logging"
    assert _management_events(cloudtrail.get_event_selectors(TrailName=trail["TrailARN"])) == (True, True), trail["Name"]
    if trail["Name"] == parameters["TrailName"]:
        assert _key_arn(session, trail["KmsKeyId"]) == _key_arn(session, parameters["KmsKeyId"]), trail


def _records_s3_objects(selectors, read_only, buckets):
    """Whether a selector records S3 object events of that kind (readOnly true or false) for the buckets (None: all)."""
    everything = ("arn:aws:s3", "arn:aws:s3:::")
    for s in selectors.get("EventSelectors") or []:
        if s["ReadWriteType"] in ("All", "ReadOnly" if read_only else "WriteOnly"):
            values = {v for r in s.get("DataResources") or [] if r["Type"] == "AWS::S3::Object" for v in r["Values"]}
            if values & set(everything) or (buckets and {f"arn:aws:s3:::{b}/" for b in buckets} <= values):
                return True
    for s in selectors.get("AdvancedEventSelectors") or []:
        fields = {f["Field"]: f for f in s["FieldSelectors"]}
        arns = fields.get("resources.ARN")
        if (fields.get("eventCategory", {}).get("Equals") == ["Data"]
                and fields.get("resources.type", {}).get("Equals") == ["AWS::S3::Object"]
                and str(read_only).lower() in fields.get("readOnly", {}).get("Equals", ["true", "false"])
                and (arns is None or (buckets and {f"arn:aws:s3:::{b}/" for b in buckets} <= set(arns.get("StartsWith", []))))):
            return True
    return False


def s3_data_events(session, account, parameters):
    selectors = session.client("cloudtrail").get_event_selectors(TrailName=parameters["TrailName"])
    buckets = [b for b in _asked(parameters, "S3BucketNames", "").split(",") if b]
    kinds = {"All": (True, False), "ReadOnly": (True,), "WriteOnly": (False,)}[_asked(parameters, "ReadWriteType", "All")]
    for read_only in kinds:
        assert _records_s3_objects(selectors, read_only, buckets), f"{'reads' if read_only else 'writes'} not recorded: {selectors}"


def log_bucket_protection(session, bucket, parameters):
    s3 = session.client("s3")
    bucket_block_public_access(session, bucket, parameters)
    assert s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled", f"{bucket} is not versioned"
    logging = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert logging["TargetBucket"] == parameters["AccessLogsTargetBucket"], logging
    bucket_kms_encryption(session, bucket, parameters)
    if _asked(parameters, "EnableObjectLock", "false").lower() == "true":
        lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        retention = lock["ObjectLockEnabled"] == "Enabled" and lock["Rule"]["DefaultRetention"]
        assert retention and retention["Mode"] == _asked(parameters, "ObjectLockMode", "GOVERNANCE"), lock
        assert retention["Days"] == int(_asked(parameters, "ObjectLockRetentionDays", 365)) and not retention.get("Years"), lock


def config_recorder(session, account, parameters):
    """This region records every supported type (IAM too when asked), is recording and has a channel."""
    config = session.client("config")
    (recorder,) = config.describe_configuration_recorders()["ConfigurationRecorders"]
    group = recorder["recordingGroup"]
    assert group["allSupported"], recorder
    assert group.get("recordingStrategy", {}).get("useOnly", "ALL_SUPPORTED_RESOURCE_TYPES") == "ALL_SUPPORTED_RESOURCE_TYPES", recorder
    if _asked(parameters, "IncludeGlobalResourceTypes", "true").lower() == "true":
        assert group["includeGlobalResourceTypes"], recorder
    (status,) = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status["recording"], status
    assert recorder["roleARN"], recorder  # an existing recorder keeps its role; a created one gets RecorderRoleArn
    channels = config.describe_delivery_channels()["DeliveryChannels"]
    assert any(c.get("s3BucketName") for c in channels), f"no delivery channel with a bucket: {channels}"


def _matches(pattern, event):
    """EventBridge matching for patterns of exact values (all clearsight writes): every key's value is listed."""
    for key, wanted in pattern.items():
        if isinstance(wanted, dict):
            if not isinstance(event.get(key), dict) or not _matches(wanted, event[key]):
                return False
        elif event.get(key) not in wanted:
            return False
    return True


def eventbridge_security_rules(session, account, parameters):
    """Each asked event kind has an enabled clearsight-<id> rule whose pattern catches such an event and targets the topic."""
    events = session.client("events")
    for event_id in _asked(parameters, "Events", DEFAULT_SECURITY_EVENTS).split(","):
        if event_id in GLOBAL_SECURITY_EVENTS and events.meta.region_name != "us-east-1":
            continue
        name = f"clearsight-{event_id}"
        rule = events.describe_rule(Name=name, EventBusName="default")
        assert rule["State"] == "ENABLED", rule
        source, detail_type, detail = SECURITY_EVENTS[event_id]
        sample = {"source": source, "detail-type": detail_type, "account": account, "detail": detail}
        assert _matches(json.loads(rule["EventPattern"]), sample), f"{name} does not catch {sample}"
        assert not _matches(json.loads(rule["EventPattern"]), UNRELATED_EVENT), f"{name} also catches {UNRELATED_EVENT}"
        targets = events.list_targets_by_rule(Rule=name, EventBusName="default")["Targets"]
        assert parameters["TopicArn"] in [t["Arn"] for t in targets], targets


def _trail_log_group(session, account):
    cloudtrail = session.client("cloudtrail")
    for trail in cloudtrail.describe_trails(includeShadowTrails=False)["trailList"]:
        if trail.get("IsMultiRegionTrail") and trail.get("CloudWatchLogsLogGroupArn") and trail["TrailARN"].split(":")[4] == account:
            if cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"]:
                return trail["CloudWatchLogsLogGroupArn"].split(":log-group:", 1)[1].removesuffix(":*")
    raise AssertionError(f"no logging multi-region trail of {account} delivers to CloudWatch Logs")


def _has_term(pattern, term):
    """The term as a whole word: CreatePolicyVersion does not stand for CreatePolicy."""
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", pattern) is not None


def cis_security_alarms(session, account, parameters):
    """Per asked CIS control: a filter on the trail's log group with the CIS terms counts 1 per event into
    MetricNamespace, and an alarm on that metric fires on one event and notifies the topic, which has a subscriber."""
    group, namespace = _trail_log_group(session, account), _asked(parameters, "MetricNamespace", "CISBenchmark")
    filters = session.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    cloudwatch = session.client("cloudwatch")
    controls = _asked(parameters, "Controls", "all")
    for control in list(CIS_TERMS) if controls == "all" else controls.split(","):
        metrics = [t for f in filters if all(_has_term(f["filterPattern"], term) for term in CIS_TERMS[control])
                   for t in f["metricTransformations"] if t["metricNamespace"] == namespace and t["metricValue"] == "1"]
        assert metrics, f"no {control} filter on {group} counting into {namespace}"
        alarms = [a for t in metrics for a in cloudwatch.describe_alarms_for_metric(MetricName=t["metricName"], Namespace=namespace)["MetricAlarms"]
                  if a["Statistic"] == "Sum" and a["ComparisonOperator"] == "GreaterThanOrEqualToThreshold" and a["Threshold"] <= 1
                  and a["ActionsEnabled"] and parameters["TopicArn"] in a["AlarmActions"]]
        assert alarms, f"no alarm on {control}'s metric fires on one event and notifies {parameters['TopicArn']}"
    subscriptions = session.client("sns").list_subscriptions_by_topic(TopicArn=parameters["TopicArn"])["Subscriptions"]
    assert any(s["SubscriptionArn"].startswith("arn:") for s in subscriptions), f"nobody confirmed {parameters['TopicArn']}"



def _missing_is_wrong(judge):
    """A setting AWS reports absent (an error, a field left out) is a state the document failed to set."""
    @functools.wraps(judge)
    def judged(session, resource_id, parameters):
        try:
            return judge(session, resource_id, parameters)
        except (ClientError, KeyError) as error:
            raise AssertionError(f"{judge.__name__}({resource_id}): what it checks is not there: {error!r}") from error
    return judged


JUDGES = {
    "S3_BUCKET_KMS_ENCRYPTION": bucket_kms_encryption,
    "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION": log_group_kms_encryption,
    "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED": bucket_block_public_access,
    "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED": account_block_public_access,
    "CLOUDWATCH_LOG_GROUP_RETENTION": log_group_retention,
    "VPC_FLOW_LOGS_ACTIVE": vpc_flow_logs,
    "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE": security_trail,
    "CLOUDTRAIL_S3_DATA_EVENTS_ENABLED": s3_data_events,
    "CLOUDTRAIL_LOG_BUCKET_PROTECTED": log_bucket_protection,
    "CONFIG_RECORDER_ALL_REGIONS": config_recorder,
    "EVENTBRIDGE_SECURITY_EVENT_RULES": eventbridge_security_rules,
    "CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED": cis_security_alarms,
}
STATE_JUDGES = {name: _missing_is_wrong(judge) for name, judge in JUDGES.items()}
