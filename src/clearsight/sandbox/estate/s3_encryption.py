"""Buckets for S3_BUCKET_KMS_ENCRYPTION: SSE-KMS with bucket key, SSE-S3, and a disabled key."""
from ..seeded import Seeded

RULE = "S3_BUCKET_KMS_ENCRYPTION"


def _encrypt(s3, bucket, algorithm, key=None, bucket_key=False):
    default = {"SSEAlgorithm": algorithm, **({"KMSMasterKeyID": key} if key else {})}
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]},
    )


def _bucket(s3, name, region):
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **config)
    return name


def seed(session, region):
    s3 = session.client("s3", region_name=region)
    kms = session.client("kms", region_name=region)
    key_arn = kms.create_key(Description="clearsight data key")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/clearsight-data", TargetKeyId=key_arn)
    retired = kms.create_key(Description="retired key")["KeyMetadata"]
    kms.disable_key(KeyId=retired["KeyId"])  # moto resolves only the bare key id here
    account = key_arn.split(":")[4]
    fix = {"KmsKeyArn": key_arn, "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}

    _encrypt(s3, _bucket(s3, "clearsight-demo-kms", region), "aws:kms", key_arn, bucket_key=True)
    _encrypt(s3, _bucket(s3, "clearsight-demo-sse-s3", region), "AES256")
    _encrypt(s3, _bucket(s3, "clearsight-demo-retired-key", region), "aws:kms", retired["Arn"])
    return [
        Seeded(RULE, "clearsight-demo-kms", "COMPLIANT"),
        Seeded(RULE, "clearsight-demo-sse-s3", "NON_COMPLIANT", fix),
        Seeded(RULE, "clearsight-demo-retired-key", "NON_COMPLIANT", fix),
    ]
