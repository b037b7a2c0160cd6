"""The CLI tells the truth: stdout is the report, bad input is a usage error (exit 2), --region is used.

Each test drives `clearsight` as a subprocess, as a user or a CI job runs it.
"""
import json
import shutil

import pytest

from clearsight.catalog import FOLDERS, default_root
from tests.test_cli_scan import clearsight

RULE = "S3_BUCKET_KMS_ENCRYPTION"


@pytest.fixture
def erroring_catalog(tmp_path):
    """A copy of the catalog whose S3_BUCKET_KMS_ENCRYPTION parameters.json holds a bad key ARN."""
    for folder in FOLDERS:
        shutil.copytree(default_root() / folder, tmp_path / folder, symlinks=True)
    path = tmp_path / "rules" / RULE / "parameters.json"
    document = json.loads(path.read_text())
    document["Parameters"]["OptionalParameters"] = json.dumps({"KmsKeyArns": "notanarn", "RequireBucketKey": "false"})
    path.write_text(json.dumps(document))
    return tmp_path


def test_scan_json_is_json_when_a_rule_errors(server, erroring_catalog):
    server.session.client("s3").create_bucket(Bucket="json-plain")
    done = clearsight("--root", str(erroring_catalog), "scan", "--format", "json")
    assert done.returncode == 1, done.stderr  # the evidence is incomplete: a gate must not pass it
    report = json.loads(done.stdout)  # rdklib prints its error response: not here
    assert [(e["rule"], "notanarn" in e["message"]) for e in report["errors"]] == [(RULE, True)]
    assert f"{RULE} (us-east-1): " in done.stderr and "InvalidParameterValueException" in done.stderr
    assert {e["rule"] for e in report["evaluations"]} >= {"S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"}


def test_remediate_json_is_json_when_the_rule_errors(server, erroring_catalog):
    server.session.client("s3").create_bucket(Bucket="json-plain")
    key = server.session.client("kms").create_key()["KeyMetadata"]["Arn"]
    done = clearsight("remediate", RULE, "--root", str(erroring_catalog), "--resource-id", "json-plain",
                      "--parameter", f"KmsKeyArn={key}", "--format", "json",
                      "--parameter", "AutomationAssumeRole=arn:aws:iam::123456789012:role/clearsight-remediation")
    outcome = json.loads(done.stdout)
    assert "notanarn" in outcome["before"]["message"] and "notanarn" in outcome["after"]["message"]
    assert outcome["execution"]["AutomationExecutionStatus"] == "Success"
    assert done.returncode == 1  # the rule cannot say COMPLIANT


def test_validate_json_is_json(erroring_catalog):
    done = clearsight("validate", "--root", str(erroring_catalog), "--format", "json")
    assert isinstance(json.loads(done.stdout), list)


def test_region_given_is_used_for_the_account_lookup(server, monkeypatch):
    """No default region at all, as on a fresh machine: --region is the one used, STS included."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    server.session.client("s3").create_bucket(Bucket="regionless-plain")
    done = clearsight("scan", "--rules", RULE, "--region", "us-east-1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [e["resource_id"] for e in json.loads(done.stdout)["evaluations"]] == ["regionless-plain"]


@pytest.mark.parametrize("region", ["us-east-42", "notaregion", ""])
def test_unknown_region_is_a_usage_error(region):
    for command in (["scan"], ["remediate", RULE, "--resource-id", "b"], ["build", "--lambda-account", "123456789012", "--out", "x"]):
        done = clearsight(*command, "--region", region)
        assert done.returncode == 2, (command, done.stderr)
        assert "--region" in done.stderr and (region or "empty") in done.stderr


def test_repeated_region_is_scanned_once(server):
    server.session.client("s3").create_bucket(Bucket="once-plain")
    done = clearsight("scan", "--rules", RULE, "--region", "us-east-1", "--region", "us-east-1", "--format", "json")
    assert [e["resource_id"] for e in json.loads(done.stdout)["evaluations"]] == ["once-plain"]


@pytest.mark.parametrize("assignment, says", [
    ("KmsKeyArns=notanarn", "'notanarn' is not a KMS key ARN"),
    ("KmsKeyArn=arn:aws:kms:us-east-1:123456789012:key/k", "Unknown parameter(s) KmsKeyArn"),
    ("RequireBucketKey=maybe", "RequireBucketKey must be 'true' or 'false'"),
])
def test_bad_rule_parameter_on_the_command_line_is_a_usage_error(assignment, says):
    """Judged by the rule's own evaluate_parameters before anything runs: no account is even needed."""
    done = clearsight("scan", "--rule-parameter", f"{RULE}.{assignment}", "--format", "json")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert says in done.stderr.replace("\n", " ") and "--rule-parameter" in done.stderr


@pytest.mark.parametrize("command", [["validate"], ["scan"], ["build", "--check"], ["demo"],
                                     ["remediate", RULE, "--resource-id", "b"]])
def test_root_without_a_catalog_is_a_usage_error(tmp_path, command):
    for args in (["--root", str(tmp_path), *command], [*command, "--root", str(tmp_path)]):
        done = clearsight(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "holds no clearsight catalog" in done.stderr and "rules/" in done.stderr


def test_root_after_the_subcommand_is_used(erroring_catalog):
    done = clearsight("validate", "--root", str(erroring_catalog), "--format", "json")
    assert any(finding["file"].startswith(str(erroring_catalog)) for finding in json.loads(done.stdout))


def test_help_version_and_exit_codes():
    assert clearsight("--version").stdout.startswith("clearsight, version ")
    assert "Commands:" in clearsight("-h").stdout
    for command in ("scan", "remediate", "validate", "build", "demo"):
        shown = " ".join(clearsight(command, "-h").stdout.split())
        assert "Exit status: 0" in shown and "130 interrupted" in shown, command
    assert "seeds" in clearsight("demo", "--help").stdout.lower()


def test_unknown_rule_to_remediate_names_rule():
    done = clearsight("remediate", "NOPE_RULE", "--resource-id", "x")
    assert done.returncode == 2 and "Invalid value for RULE" in done.stderr and "--rules" not in done.stderr


BINARY = bytes(range(256)) * 4


@pytest.mark.parametrize("relative", ["remediation-documents/Clearsight-S3EnableKmsEncryption.yaml",
                                      "conformance-packs/encryption.yaml",
                                      f"rules/{RULE}/parameters.json",
                                      f"rules/{RULE}/policy.json",
                                      "conformance-packs/manifest/packs.yaml"])
def test_binary_file_in_the_catalog_is_named_not_a_crash(erroring_catalog, relative):
    (erroring_catalog / relative).write_bytes(BINARY)
    validated = clearsight("validate", "--root", str(erroring_catalog))
    assert validated.returncode == 1 and "Traceback" not in validated.stderr
    assert any(relative in line and "UTF-8" in line for line in validated.stdout.splitlines()), validated.stdout
    for command in (["build", "--check"], ["scan", "--rules", "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED", "--format", "json"]):
        done = clearsight("--root", str(erroring_catalog), *command)
        assert "Traceback" not in done.stderr, (command, done.stderr)
        if relative.endswith("policy.json") or (command[0] == "scan" and relative.endswith("packs.yaml")):
            continue  # build and scan do not read it
        assert done.returncode == 1 and relative in done.stderr and "UTF-8" in done.stderr, (command, done.stderr)


def _seed_for_layout(session):
    s3 = session.client("s3")
    for n in range(3):
        s3.create_bucket(Bucket=f"layout-plain-bucket-with-a-long-name-{n}")
    annotation = "Bucket has no default encryption. Set default encryption to SSE-KMS with an approved key"
    return annotation


def test_table_reads_at_80_columns(server):
    annotation = _seed_for_layout(server.session)
    done = clearsight("scan", "--rules", RULE, columns=80)
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for n in range(3):  # each resource whole on one line, its annotation readable as text below it
        (line,) = [line for line in lines if f"layout-plain-bucket-with-a-long-name-{n}" in line]
        assert line.startswith("NON_COMPLIANT")
    assert " ".join(done.stdout.split()).count(annotation) == 3
    assert len(lines) < 20


def test_table_is_kept_on_wide_terminals(server):
    annotation = _seed_for_layout(server.session)
    lines = clearsight("scan", "--rules", RULE, columns=200).stdout.splitlines()
    assert any("Annotation" in line and "Compliance" in line for line in lines)  # the table header
    rows = [line for line in lines if "layout-plain-bucket-with-a-long-name" in line]
    assert len(rows) == 3 and all(RULE in row and annotation in row for row in rows)
