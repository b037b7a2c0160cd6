"""AWS Config recorders for CONFIG_RECORDER_ALL_REGIONS: every region recording but this one.

Every other enabled region of the partition records all supported types (no global types),
delivering to one private, SSE-KMS bucket. In the sandbox region the recorder exists, with its
channel, but is stopped, and it is the one meant to record IAM: the account is NON_COMPLIANT
(that region stopped, IAM recorded nowhere) until Clearsight-ConfigRecorderEnable starts it.
The delivery bucket is private and SSE-KMS, so the S3 rules find it COMPLIANT.
"""
import json

from ..seeded import Seeded
from .trails import delivery_policy, private_bucket

RULE = "CONFIG_RECORDER_ALL_REGIONS"
S3_RULES = ("S3_BUCKET_KMS_ENCRYPTION", "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED")
BUCKET = "clearsight-demo-config-delivery"
ROLE = "clearsight-config-recorder"


def _recorder(config, role_arn, include_global, start=True):
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": role_arn,
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": include_global}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def seed(session, region):
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    key_arn = session.client("kms", region_name=region).create_key(Description="clearsight config delivery key")["KeyMetadata"]["Arn"]
    private_bucket(session.client("s3", region_name=region), BUCKET, region, key_arn,
                   delivery_policy(BUCKET, "config.amazonaws.com", account))
    role_arn = session.client("iam").create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))["Role"]["Arn"]

    partition = session.get_partition_for_region(region)
    regions = [r["RegionName"] for r in session.client("ec2", region_name=region).describe_regions()["Regions"]]
    for other in regions:
        if other != region and session.get_partition_for_region(other) == partition:
            _recorder(session.client("config", region_name=other), role_arn, include_global=False)
    _recorder(session.client("config", region_name=region), role_arn, include_global=True, start=False)

    fix = {"RecorderRoleArn": role_arn, "BucketName": BUCKET,
           "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}
    return [
        Seeded(RULE, account, "NON_COMPLIANT", fix),
        *(Seeded(rule, BUCKET, "COMPLIANT") for rule in S3_RULES),
    ]
