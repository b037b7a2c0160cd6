"""`clearsight scan` as users run it: a subprocess against an account behind AWS_ENDPOINT_URL."""
import json
import os
import subprocess
import sys

from clearsight.sandbox import seed_estate

CLI = [sys.executable, "-m", "clearsight"]


def clearsight(*args, columns=200):
    env = dict(os.environ, COLUMNS=str(columns))  # default: a wide terminal, so table cells are not folded
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=env, timeout=120)


def test_scan_json_reports_every_seeded_resource_correctly(server):
    seeded = seed_estate(server.session)
    done = clearsight("scan", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"evaluations", "errors"}
    assert report["errors"] == []
    found = {(e["rule"], e["resource_id"]): e for e in report["evaluations"]}
    for entry in seeded:
        evaluation = found[(entry.rule, entry.resource_id)]
        assert evaluation["compliance"] == entry.expected, evaluation
    first = report["evaluations"][0]
    assert set(first) == {"rule", "resource_type", "resource_id", "compliance", "annotation", "account", "region"}
    assert first["account"] == "123456789012" and first["region"] == "us-east-1"


def test_scan_selected_rule_and_region(server):
    s3 = server.session.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="west-plain", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    done = clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION", "--region", "eu-west-1", "--format", "json")
    assert done.returncode == 0, done.stderr
    evaluations = json.loads(done.stdout)["evaluations"]
    assert [(e["resource_id"], e["compliance"], e["region"]) for e in evaluations] == [
        ("west-plain", "NON_COMPLIANT", "eu-west-1")
    ]


def test_scan_table_prints_results(server):
    server.session.client("s3").create_bucket(Bucket="table-plain")
    done = clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION")
    assert done.returncode == 0, done.stderr
    assert "table-plain" in done.stdout and "NON_COMPLIANT" in done.stdout


def test_unknown_rule_is_a_usage_error():
    done = clearsight("scan", "--rules", "NO_SUCH_RULE")
    assert done.returncode == 2
    assert "NO_SUCH_RULE" in done.stderr and "S3_BUCKET_KMS_ENCRYPTION" in done.stderr


def test_bad_format_is_a_usage_error():
    assert clearsight("scan", "--format", "xml").returncode == 2


def test_unreachable_account_is_reported_not_crashed(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    done = clearsight("scan", "--format", "json")
    assert done.returncode == 1
    assert "cannot reach the account" in done.stderr


def test_rule_parameter_overrides_parameters_json(server):
    s3 = server.session.client("s3")
    kms = server.session.client("kms")
    approved, other = (kms.create_key()["KeyMetadata"]["Arn"] for _ in range(2))
    for bucket, key in (("approved-key", approved), ("other-key", other)):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    args = ["scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION", "--format", "json"]
    without = json.loads(clearsight(*args).stdout)["evaluations"]
    assert {e["resource_id"]: e["compliance"] for e in without} == {"approved-key": "COMPLIANT", "other-key": "COMPLIANT"}
    done = clearsight(*args, "--rule-parameter", f"S3_BUCKET_KMS_ENCRYPTION.KmsKeyArns={approved}")
    assert done.returncode == 0, done.stderr
    evaluations = json.loads(done.stdout)["evaluations"]
    assert {e["resource_id"]: e["compliance"] for e in evaluations} == {"approved-key": "COMPLIANT", "other-key": "NON_COMPLIANT"}


def test_rule_parameter_for_a_rule_not_scanned_is_a_usage_error():
    done = clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION", "--rule-parameter", "CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION.KmsKeyArns=x")
    assert done.returncode == 2 and "--rule-parameter" in done.stderr
