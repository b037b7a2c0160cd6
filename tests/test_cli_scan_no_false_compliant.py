"""Issue 17's false COMPLIANTs, judged by `clearsight scan` against a loopback moto server.

Keys S3 and CloudWatch Logs cannot use (item 2), the anonymous user id (item 3) and Deny
coverage as IAM matches it (item 4): each resource is NON_COMPLIANT, beside a control that is
COMPLIANT, so a scan that said COMPLIANT to everything would fail too.
"""
import json

from tests.test_cli_scan import clearsight


def policy(bucket, *extra, **allow):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*", **allow}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement, *extra]})


def deny(resource):
    return {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": resource,
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}


def test_scan_judges_unusable_keys_anonymous_callers_and_deny_coverage(server):
    session = server.session
    s3, kms, logs = session.client("s3"), session.client("kms"), session.client("logs")
    good = kms.create_key()["KeyMetadata"]["Arn"]
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]
    for bucket, key in [("key-good", good), ("key-rsa", rsa), ("key-hmac", hmac)]:
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    logs.create_log_group(logGroupName="/scan/good", kmsKeyId=good)
    logs.create_log_group(logGroupName="/scan/rsa", kmsKeyId=rsa)
    policies = {
        "anon-pinned": policy("anon-pinned", Condition={"StringEquals": {"aws:userid": "anonymous"}}),
        "deny-other-case": policy("deny-other-case", deny("arn:aws:s3:::deny-other-case/*".replace("case/", "CASE/"))),
        "deny-one-char": policy("deny-one-char", deny("arn:aws:s3:::deny-one-char/?")),
        "deny-covers": policy("deny-covers", deny("arn:aws:s3:::deny-covers/*")),
    }
    for bucket, text in policies.items():
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=text)
    done = clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION,CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION,S3_BUCKET_PUBLIC_ACCESS_PROHIBITED",
                      "--region", "us-east-1", "--format", "json")
    report = json.loads(done.stdout)
    assert report["errors"] == [], report["errors"]
    assert done.returncode == 0, done.stderr
    verdicts = {(e["rule"], e["resource_id"]): e["compliance"] for e in report["evaluations"]}
    expected = {
        ("S3_BUCKET_KMS_ENCRYPTION", "key-good"): "COMPLIANT",
        ("S3_BUCKET_KMS_ENCRYPTION", "key-rsa"): "NON_COMPLIANT",
        ("S3_BUCKET_KMS_ENCRYPTION", "key-hmac"): "NON_COMPLIANT",
        ("CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION", "/scan/good"): "COMPLIANT",
        ("CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION", "/scan/rsa"): "NON_COMPLIANT",
        ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "anon-pinned"): "NON_COMPLIANT",
        ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "deny-other-case"): "NON_COMPLIANT",
        ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "deny-one-char"): "NON_COMPLIANT",
        ("S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "deny-covers"): "COMPLIANT",
    }
    assert {k: verdicts.get(k) for k in expected} == expected
