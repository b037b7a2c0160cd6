"""Public and private buckets for S3_BUCKET_PUBLIC_ACCESS_PROHIBITED, and the account's settings
for S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED.

Order matters as it would on AWS: the buckets are made public while the account blocks
nothing, then the account gets only the two settings that refuse new public grants
(BlockPublicAcls, BlockPublicPolicy). Those neutralise nothing already in place, so the public
buckets stay public and the account stays NON_COMPLIANT (IgnorePublicAcls and
RestrictPublicBuckets off). Remediating the account (all four on) does make every bucket
here COMPLIANT: that is what account-level Block Public Access is for.
The one account can only be one resource: the account rule gets a NON_COMPLIANT entry only.
"""
import json

from ..seeded import Seeded

BUCKET_RULE = "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"
ACCOUNT_RULE = "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED"


def _bucket(s3, name, region, policy=None, acl=None, block=None):
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **config)
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter" if acl else "BucketOwnerEnforced"}]}
    )
    if acl:
        s3.put_bucket_acl(Bucket=name, ACL=acl)
    if policy:
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [policy]}))
    if block:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(block, True))
    return name


def _read(bucket, sid, condition=None):
    statement = {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    return {**statement, "Condition": condition} if condition else statement


def seed(session, region):
    s3 = session.client("s3", region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/clearsight-remediation"
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

    _bucket(s3, "clearsight-demo-blocked", region, block=flags)
    _bucket(s3, "clearsight-demo-via-endpoint", region,
            policy=_read("clearsight-demo-via-endpoint", "ReadViaEndpoint", {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}))
    _bucket(s3, "clearsight-demo-public-site", region, policy=_read("clearsight-demo-public-site", "PublicRead"))
    _bucket(s3, "clearsight-demo-public-acl", region, acl="public-read")
    session.client("s3control", region_name=region).put_public_access_block(
        AccountId=account,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False},
    )
    return [
        Seeded(BUCKET_RULE, "clearsight-demo-blocked", "COMPLIANT"),
        Seeded(BUCKET_RULE, "clearsight-demo-via-endpoint", "COMPLIANT"),
        Seeded(BUCKET_RULE, "clearsight-demo-public-site", "NON_COMPLIANT", {"AutomationAssumeRole": role}),
        Seeded(BUCKET_RULE, "clearsight-demo-public-acl", "NON_COMPLIANT", {"AutomationAssumeRole": role}),
        Seeded(ACCOUNT_RULE, account, "NON_COMPLIANT", {"AccountId": account, "AutomationAssumeRole": role}),
    ]
