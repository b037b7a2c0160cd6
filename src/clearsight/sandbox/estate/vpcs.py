"""VPCs for VPC_FLOW_LOGS_ACTIVE: one covered, and one for each way a VPC can fall short.

The default VPC (when the account has one) has no flow log. The covered VPC's flow log goes to a
log group that exists, is encrypted and kept a year, so CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION and
CLOUDWATCH_LOG_GROUP_RETENTION find it COMPLIANT too. The failing VPC's log group never existed,
so delivery FAILED (moto sets that at creation, as AWS does once it tries). Remediation creates a
flow log to a new log group, /clearsight/demo/vpc-flow-logs, kept 365 days and encrypted with
the same key, so the remediation leaves no new finding for the log-group rules.
"""
import json

from ..seeded import Seeded
from .log_groups import logs_key_policy

RULE = "VPC_FLOW_LOGS_ACTIVE"
KMS_RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"
RETENTION_RULE = "CLOUDWATCH_LOG_GROUP_RETENTION"
DELIVERY_GROUP = "/clearsight/demo/flow-logs"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def _vpc(ec2, cidr, name):
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])
    return vpc["Vpc"]["VpcId"]


def seed(session, region):
    ec2 = session.client("ec2", region_name=region)
    logs = session.client("logs", region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    role = session.client("iam").create_role(
        RoleName="clearsight-flow-logs-delivery", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    key = session.client("kms", region_name=region).create_key(
        Description="clearsight flow logs key", Policy=logs_key_policy(account, region))["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName=DELIVERY_GROUP, kmsKeyId=key)
    logs.put_retention_policy(logGroupName=DELIVERY_GROUP, retentionInDays=365)

    def flow_log(resource_id, resource_type="VPC", traffic="ALL", group=DELIVERY_GROUP):
        ec2.create_flow_logs(ResourceIds=[resource_id], ResourceType=resource_type, TrafficType=traffic,
                             LogDestinationType="cloud-watch-logs", LogGroupName=group, DeliverLogsPermissionArn=role)

    covered = _vpc(ec2, "10.20.0.0/16", "clearsight-demo-covered")
    flow_log(covered)
    failing = _vpc(ec2, "10.21.0.0/16", "clearsight-demo-failing-delivery")
    flow_log(failing, group="/clearsight/demo/never-created")
    subnet_only = _vpc(ec2, "10.22.0.0/16", "clearsight-demo-subnet-flow-log-only")
    flow_log(ec2.create_subnet(VpcId=subnet_only, CidrBlock="10.22.1.0/24")["Subnet"]["SubnetId"], resource_type="Subnet")
    rejects_only = _vpc(ec2, "10.23.0.0/16", "clearsight-demo-rejects-only")
    flow_log(rejects_only, traffic="REJECT")
    defaults = [v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]]

    fix = {"DestinationType": "cloud-watch-logs", "LogDestination": "/clearsight/demo/vpc-flow-logs",
           "DeliverLogsPermissionArn": role, "RetentionInDays": "365", "LogGroupKmsKeyArn": key, "TrafficType": "ALL",
           "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}
    return [
        Seeded(RULE, covered, "COMPLIANT"),
        *(Seeded(RULE, vpc, "NON_COMPLIANT", fix) for vpc in (failing, subnet_only, rejects_only, *defaults)),
        Seeded(KMS_RULE, DELIVERY_GROUP, "COMPLIANT"),
        Seeded(RETENTION_RULE, DELIVERY_GROUP, "COMPLIANT"),
    ]
