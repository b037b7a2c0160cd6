"""Log groups for CLOUDWATCH_LOG_GROUP_RETENTION: one kept too short, one kept longer than asked.

Both are encrypted with a key CloudWatch Logs may use, so CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION finds
them COMPLIANT. The KMS rule's own log groups (log_groups.py) never expire: COMPLIANT here.
"""
from ..seeded import Seeded
from .log_groups import logs_key_policy

RULE = "CLOUDWATCH_LOG_GROUP_RETENTION"
KMS_RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"
NEVER_EXPIRING = ("/clearsight/demo/encrypted", "/clearsight/demo/plain", "/clearsight/demo/retired-key")


def seed(session, region):
    logs = session.client("logs", region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    key = session.client("kms", region_name=region).create_key(
        Description="clearsight retention demo key", Policy=logs_key_policy(account, region))["KeyMetadata"]["Arn"]
    kept = {"/clearsight/demo/short-retention": 30, "/clearsight/demo/kept-400-days": 400}
    for name, days in kept.items():
        logs.create_log_group(logGroupName=name, kmsKeyId=key)
        logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    fix = {"RetentionInDays": "365", "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}
    return [
        Seeded(RULE, "/clearsight/demo/short-retention", "NON_COMPLIANT", fix),
        Seeded(RULE, "/clearsight/demo/kept-400-days", "COMPLIANT"),
        *(Seeded(KMS_RULE, name, "COMPLIANT") for name in kept),
        *(Seeded(RULE, name, "COMPLIANT") for name in NEVER_EXPIRING),
    ]
