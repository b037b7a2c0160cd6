"""Trails and their log buckets for the CloudTrail rules.

- clearsight-demo-security: the account's security trail, multi-region and KMS-encrypted but
  stopped, without log file validation, and recording only write management events (a basic
  selector): CLOUDTRAIL_SECURITY_TRAIL_ACTIVE is NON_COMPLIANT and its document repairs this
  trail (never a second copy of management events).
- clearsight-demo-data-events: a logging data-event trail (S3 object writes only, no management
  events, advanced selectors): CLOUDTRAIL_S3_DATA_EVENTS_ENABLED is NON_COMPLIANT (no reads)
  and its document adds an S3 selector to this trail. It delivers to clearsight-demo-log-archive, a bucket of a separate log-archive account
  (COMPLIANT: the recommended cross-account storage).
- The security trail's bucket clearsight-demo-trail-logs is private (CloudTrail's bucket policy
  only) but has no Block Public Access, versioning, Object Lock, access logging or default
  encryption: CLOUDTRAIL_LOG_BUCKET_PROTECTED and S3_BUCKET_KMS_ENCRYPTION are NON_COMPLIANT;
  its document turns each on (Object Lock because the demo opts in with EnableObjectLock), with
  access logs going to clearsight-demo-access-logs.

Every bucket here is private and BucketOwnerEnforced, and all but the trail bucket are SSE-KMS
under an enabled key: the S3 rules' entries below say what each should find.
"""
import json

from ..seeded import Seeded

SECURITY_RULE = "CLOUDTRAIL_SECURITY_TRAIL_ACTIVE"
DATA_EVENTS_RULE = "CLOUDTRAIL_S3_DATA_EVENTS_ENABLED"
BUCKET_RULE = "CLOUDTRAIL_LOG_BUCKET_PROTECTED"
S3_RULES = ("S3_BUCKET_KMS_ENCRYPTION", "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED")
SECURITY_TRAIL = "clearsight-demo-security"
DATA_TRAIL = "clearsight-demo-data-events"
TRAIL_BUCKET = "clearsight-demo-trail-logs"
ARCHIVE_BUCKET = "clearsight-demo-log-archive"
LOG_ARCHIVE_ACCOUNT = "444455556666"
ACCESS_LOGS_BUCKET = "clearsight-demo-access-logs"
BLOCK_ALL = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)


def trail_key_policy(account, partition="aws"):
    """The account administers the key; CloudTrail encrypts this account's trails with it."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "CloudTrailEncrypts", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "kms:GenerateDataKey*", "Resource": "*",
             "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{partition}:cloudtrail:*:{account}:trail/*"}}},
        ],
    })


def delivery_policy(bucket, service, account, partition="aws"):
    """What CloudTrail (or S3 server access logging) needs to write into `bucket`, for this account only."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": service}, "Action": "s3:GetBucketAcl",
             "Resource": f"arn:{partition}:s3:::{bucket}", "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
            {"Sid": "DeliveryWrite", "Effect": "Allow", "Principal": {"Service": service}, "Action": "s3:PutObject",
             "Resource": f"arn:{partition}:s3:::{bucket}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        ],
    })


def owned_bucket(s3, name, region, policy, object_lock=False):
    """A BucketOwnerEnforced bucket (ACLs off) with a bucket policy, nothing else."""
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock, **config)
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_bucket_policy(Bucket=name, Policy=policy)
    return name


def private_bucket(s3, name, region, key_arn, policy, object_lock=False):
    """A private, BucketOwnerEnforced, SSE-KMS bucket; optionally with Object Lock (365 days, GOVERNANCE)."""
    owned_bucket(s3, name, region, policy, object_lock)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True}]})
    if object_lock:
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 365}}})
    return name


def log_archive_session(session, region):
    """A session in the organization's log-archive account (in moto, assuming a role there reaches it)."""
    credentials = session.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{LOG_ARCHIVE_ACCOUNT}:role/clearsight-seed", RoleSessionName="clearsight-seed")["Credentials"]
    return type(session)(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=region)


def seed(session, region):
    s3 = session.client("s3", region_name=region)
    cloudtrail = session.client("cloudtrail", region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    key_arn = session.client("kms", region_name=region).create_key(
        Description="clearsight trail key", Policy=trail_key_policy(account))["KeyMetadata"]["Arn"]
    role = f"arn:aws:iam::{account}:role/clearsight-remediation"

    private_bucket(s3, ACCESS_LOGS_BUCKET, region, key_arn, delivery_policy(ACCESS_LOGS_BUCKET, "logging.s3.amazonaws.com", account))
    owned_bucket(s3, TRAIL_BUCKET, region, delivery_policy(TRAIL_BUCKET, "cloudtrail.amazonaws.com", account))
    archive = log_archive_session(session, region)
    private_bucket(archive.client("s3", region_name=region), ARCHIVE_BUCKET, region, key_arn,
                   delivery_policy(ARCHIVE_BUCKET, "cloudtrail.amazonaws.com", account), object_lock=True)

    cloudtrail.create_trail(Name=SECURITY_TRAIL, S3BucketName=TRAIL_BUCKET, IsMultiRegionTrail=True, KmsKeyId=key_arn,
                            IncludeGlobalServiceEvents=True)
    cloudtrail.put_event_selectors(TrailName=SECURITY_TRAIL, EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    cloudtrail.create_trail(Name=DATA_TRAIL, S3BucketName=ARCHIVE_BUCKET, KmsKeyId=key_arn)
    cloudtrail.put_event_selectors(TrailName=DATA_TRAIL, AdvancedEventSelectors=[{"Name": "S3 object writes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]},
    ]}])
    cloudtrail.start_logging(Name=DATA_TRAIL)

    trail_fix = {"AccountId": account, "TrailName": "clearsight-demo-new-trail", "S3BucketName": "clearsight-demo-new-trail-logs",
                 "KmsKeyId": key_arn, "AutomationAssumeRole": role}
    return [
        Seeded(SECURITY_RULE, account, "NON_COMPLIANT", trail_fix),
        Seeded(DATA_EVENTS_RULE, account, "NON_COMPLIANT", {"AccountId": account, "TrailName": DATA_TRAIL, "AutomationAssumeRole": role}),
        Seeded(BUCKET_RULE, TRAIL_BUCKET, "NON_COMPLIANT", {"AccessLogsTargetBucket": ACCESS_LOGS_BUCKET, "KmsKeyArn": key_arn,
                                                           "EnableObjectLock": "true", "AutomationAssumeRole": role}),
        Seeded(BUCKET_RULE, ARCHIVE_BUCKET, "COMPLIANT"),
        Seeded("S3_BUCKET_KMS_ENCRYPTION", TRAIL_BUCKET, "NON_COMPLIANT"),
        Seeded("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", TRAIL_BUCKET, "COMPLIANT"),
        *(Seeded(rule, ACCESS_LOGS_BUCKET, "COMPLIANT") for rule in S3_RULES),
    ]
