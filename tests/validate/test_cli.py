"""`clearsight validate` and `clearsight build` as users run them: exit codes and what they print."""
import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from clearsight.catalog import default_root
from clearsight.cli import main

from .edits import RULE, rule

CLEARSIGHT = str(Path(sys.executable).parent / "clearsight")
REPO = default_root()


def run(*args):
    return subprocess.run([CLEARSIGHT, *args], capture_output=True, text=True, timeout=120)


def test_repository_validates_clean():
    result = run("validate")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_a_mistake_exits_1_naming_file_place_and_fix(good_catalog):
    rule("SourcePeriodic", "Every_Hour")(good_catalog)
    result = run("validate", str(good_catalog))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{good_catalog / RULE}:Parameters.SourcePeriodic: error CS-R009 'Every_Hour' is not a frequency; use one of "
        "One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours"
    ]


def test_bad_option_exits_2():
    assert run("validate", "--format", "xml").returncode == 2


def test_directory_with_nothing_to_check_is_not_clean(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1 and "CS-F001" in result.stdout and "nothing was checked" in result.stdout


def test_root_without_a_catalog_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "validate"])
    assert result.exit_code == 2 and "rules/" in result.output and "--root" in result.output


def test_json_format_lists_findings(good_catalog):
    rule("SourceRuntime", "python3.11-lib")(good_catalog)
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(good_catalog / "rules")])
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert (finding["check"], finding["location"], finding["severity"]) == ("CS-R018", "Parameters.SourceRuntime", "error")


def test_build_check_passes_on_the_repository():
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 0, result.output


def test_account_specific_build_needs_an_output_directory():
    result = CliRunner().invoke(main, ["build", "--lambda-account", "444455556666", "--region", "eu-west-1"])
    assert result.exit_code == 2 and "--out DIR" in result.output


def test_account_specific_build_writes_literal_arns_elsewhere(tmp_path):
    result = CliRunner().invoke(main, ["build", "--lambda-account", "444455556666", "--region", "eu-west-1",
                                       "--remediation-account", "777788889999", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    template = yaml.safe_load((tmp_path / "encryption.yaml").read_text())
    rule_properties = template["Resources"]["S3BucketKmsEncryption"]["Properties"]
    assert rule_properties["Source"]["SourceIdentifier"] == (
        "arn:aws:lambda:eu-west-1:444455556666:function:RDK-Rule-Function-S3BUCKETKMSENCRYPTION")
    role = template["Resources"]["S3BucketKmsEncryptionRemediation"]["Properties"]["Parameters"]["AutomationAssumeRole"]
    assert role == {"StaticValue": {"Values": ["arn:aws:iam::777788889999:role/clearsight-remediation"]}}
    assert (REPO / "conformance-packs/encryption.yaml").read_text() != (tmp_path / "encryption.yaml").read_text()
