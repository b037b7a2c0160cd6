"""`clearsight remediate` as users run it: a subprocess against a loopback moto account."""
import json

import pytest

from clearsight.sandbox import remediation_parameters, seed_estate
from tests.test_cli_scan import clearsight
from tests.test_closed_loop import REMEDIABLE

RULE = "S3_BUCKET_KMS_ENCRYPTION"


def _assignments(parameters):
    return [arg for name, value in parameters.items() for arg in ("--parameter", f"{name}={value}")]


def _algorithm(session, bucket):
    rules = session.client("s3").get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    return rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]


@pytest.mark.parametrize("rule_name", REMEDIABLE)
def test_remediate_turns_each_seeded_finding_compliant(server, rule_name):
    seeded = seed_estate(server.session)
    target = next(s.resource_id for s in seeded if s.rule == rule_name and s.expected == "NON_COMPLIANT")
    parameters = remediation_parameters(seeded)[rule_name]
    for prerequisite in {rule for s in seeded if s.rule == rule_name for rule in s.after}:  # e.g. the trail before its alarms
        for finding in [s for s in seeded if s.rule == prerequisite and s.expected == "NON_COMPLIANT"]:
            first = clearsight("remediate", prerequisite, "--resource-id", finding.resource_id, *_assignments(finding.remediation_parameters))
            assert first.returncode == 0, first.stdout + first.stderr
    done = clearsight("remediate", rule_name, "--resource-id", target, *_assignments(parameters))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NON_COMPLIANT -> COMPLIANT" in done.stdout
    rescan = json.loads(clearsight("scan", "--rules", rule_name, "--format", "json").stdout)
    assert {e["resource_id"]: e["compliance"] for e in rescan["evaluations"]}[target] == "COMPLIANT"


def test_remediate_json_has_before_execution_after(server):
    parameters = remediation_parameters(seed_estate(server.session))[RULE]
    done = clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--format", "json", *_assignments(parameters))
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["before"]["compliance"] == "NON_COMPLIANT"
    assert outcome["after"]["compliance"] == "COMPLIANT"
    assert outcome["execution"]["AutomationExecutionStatus"] == "Success"
    assert outcome["execution"]["DocumentName"] == "Clearsight-S3EnableKmsEncryption"
    assert all(step["StepStatus"] == "Success" for step in outcome["execution"]["StepExecutions"])


def test_dry_run_changes_nothing(server):
    parameters = remediation_parameters(seed_estate(server.session))[RULE]
    done = clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--dry-run", *_assignments(parameters))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dry run" in done.stdout
    assert "Changes this run would make (not sent):" in done.stdout and "s3 PutBucketEncryption" in done.stdout
    assert "NON_COMPLIANT; dry run, would change: s3 PutBucketEncryption" in done.stdout
    assert "-> NON_COMPLIANT" not in done.stdout  # a dry run has no after: it never reads as "the fix fails"
    assert _algorithm(server.session, "clearsight-demo-sse-s3") == "AES256"
    as_json = json.loads(clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--dry-run",
                                    "--format", "json", *_assignments(parameters)).stdout)
    assert as_json["after"] is None and as_json["would_change"] == ["s3 PutBucketEncryption"]


def test_bad_parameter_is_a_usage_error_and_changes_nothing(server):
    seed_estate(server.session)
    done = clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--parameter", "KmsKeyArn=not-an-arn",
                      "--parameter", "AutomationAssumeRole=arn:aws:iam::123456789012:role/clearsight-remediation")
    assert done.returncode == 2
    assert "KmsKeyArn" in done.stderr
    assert _algorithm(server.session, "clearsight-demo-sse-s3") == "AES256"


def test_embedded_account_remediation():
    done = clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--embedded")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NON_COMPLIANT -> COMPLIANT" in done.stdout


def test_unknown_rule_and_missing_resource_id_are_usage_errors():
    assert clearsight("remediate", "NO_SUCH_RULE", "--resource-id", "x").returncode == 2
    assert clearsight("remediate", RULE).returncode == 2


def test_shipped_placeholder_parameters_are_named_before_anything_is_called():
    """No account behind it at all: the placeholder is caught before any call."""
    done = clearsight("remediate", RULE, "--resource-id", "b", "--region", "us-east-1")
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "AutomationAssumeRole, KmsKeyArn" in message and "placeholder account 111122223333" in message
    assert "--parameter AutomationAssumeRole=... --parameter KmsKeyArn=..." in message


def _west_bucket_and_keys(session):
    session.client("s3", region_name="us-west-2").create_bucket(
        Bucket="west-data", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    return {region: session.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]
            for region in ("us-east-1", "us-west-2")}


def test_remediate_runs_in_the_buckets_region_and_refuses_a_key_from_another(server):
    keys = _west_bucket_and_keys(server.session)
    role = "AutomationAssumeRole=arn:aws:iam::123456789012:role/clearsight-remediation"
    refused = clearsight("remediate", RULE, "--resource-id", "west-data", "--parameter", role,
                         "--parameter", f"KmsKeyArn={keys['us-east-1']}", "--format", "json")
    assert refused.returncode == 1
    outcome = json.loads(refused.stdout)
    assert outcome["region"] == "us-west-2" and outcome["before"]["compliance"] == "NON_COMPLIANT"
    assert "bucket west-data is in us-west-2" in outcome["execution"]["FailureMessage"]
    assert outcome["after"]["compliance"] == "NON_COMPLIANT"
    fixed = clearsight("remediate", RULE, "--resource-id", "west-data", "--parameter", role,
                       "--parameter", f"KmsKeyArn={keys['us-west-2']}")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "west-data: NON_COMPLIANT -> COMPLIANT" in fixed.stdout


def test_not_reported_says_why(server):
    keys = _west_bucket_and_keys(server.session)
    done = clearsight("remediate", RULE, "--resource-id", "west-data", "--region", "eu-west-1", "--dry-run",
                      "--parameter", "AutomationAssumeRole=arn:aws:iam::123456789012:role/clearsight-remediation",
                      "--parameter", f"KmsKeyArn={keys['us-west-2']}", columns=80)
    assert "west-data: not reported (the rule's sweep of eu-west-1 has no west-data" in " ".join(done.stdout.split())
