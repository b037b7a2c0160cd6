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
    assert "NON_COMPLIANT -> NON_COMPLIANT" in done.stdout
    assert _algorithm(server.session, "clearsight-demo-sse-s3") == "AES256"


def test_bad_parameter_is_a_usage_error_and_changes_nothing(server):
    seed_estate(server.session)
    done = clearsight("remediate", RULE, "--resource-id", "clearsight-demo-sse-s3", "--parameter", "KmsKeyArn=not-an-arn")
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
