"""Log groups for CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION: one under a usable key, one with none, one under a disabled key.

The key's policy lets CloudWatch Logs use it, as AWS requires before AssociateKmsKey succeeds,
so the remediation's key-policy check passes here exactly as it would in a well-set-up account.
"""
import json

from ..seeded import Seeded

RULE = "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"


def logs_key_policy(account, region, partition="aws"):
    """A key policy: the account administers the key; CloudWatch Logs may use it for this account's log groups."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsUses",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account}:log-group:*"}},
            },
        ],
    })


def seed(session, region):
    logs = session.client("logs", region_name=region)
    kms = session.client("kms", region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    policy = logs_key_policy(account, region)
    key_arn = kms.create_key(Description="clearsight logs key", Policy=policy)["KeyMetadata"]["Arn"]
    retired = kms.create_key(Description="retired logs key", Policy=policy)["KeyMetadata"]
    kms.disable_key(KeyId=retired["KeyId"])
    fix = {"KmsKeyArn": key_arn, "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}

    logs.create_log_group(logGroupName="/clearsight/demo/encrypted", kmsKeyId=key_arn)
    logs.create_log_group(logGroupName="/clearsight/demo/plain")
    logs.create_log_group(logGroupName="/clearsight/demo/retired-key", kmsKeyId=retired["Arn"])
    return [
        Seeded(RULE, "/clearsight/demo/encrypted", "COMPLIANT"),
        Seeded(RULE, "/clearsight/demo/plain", "NON_COMPLIANT", fix),
        Seeded(RULE, "/clearsight/demo/retired-key", "NON_COMPLIANT", fix),
    ]
