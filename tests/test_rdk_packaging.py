"""The rule directories are what rdk deploys: rdk reads them, and each Lambda zip stands alone.

rdk deploy zips the whole rule directory with shutil.make_archive, following file symlinks
(rdk-and-rdklib.md section 5.1); the zip must import with nothing but rdklib and boto3 beside it.
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clearsight.catalog import load_catalog

CATALOG = load_catalog()
RULES = sorted(CATALOG.rules)
RDK = str(Path(sys.executable).with_name("rdk"))


def test_rdk_reads_every_rule_and_its_remediation(tmp_path):
    out = tmp_path / "template.json"
    done = subprocess.run([RDK, "create-rule-template", "--rules-only", "--all", "-o", str(out)],
                          cwd=CATALOG.root / "rules", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    resources = json.loads(out.read_text())["Resources"]
    for name, rule in CATALOG.rules.items():
        stack = name.replace("_", "")
        properties = resources[f"{stack}ConfigRule"]["Properties"]
        assert properties["ConfigRuleName"] == name
        assert tuple(properties.get("Scope", {}).get("ComplianceResourceTypes", ())) == rule.resource_types
        if rule.remediation:
            assert resources[f"{stack}Remediation"]["Properties"]["TargetId"] == rule.document_name


@pytest.mark.parametrize("rule_name", RULES)
def test_lambda_zip_holds_only_deployable_files_and_imports_alone(rule_name, tmp_path):
    rule = CATALOG.rule(rule_name)
    archive = shutil.make_archive(str(tmp_path / rule_name), "zip", rule.directory)  # what rdk deploy does
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        zipped.extractall(tmp_path / "lambda")
    assert {f"{rule_name}.py", "parameters.json", "policy.json"} <= names
    assert not [n for n in names if "test" in n.lower() or "__pycache__" in n or n.endswith(".zip")]
    lambda_dir = tmp_path / "lambda"
    assert not any(path.is_symlink() for path in lambda_dir.iterdir())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = f"import {rule_name} as m; assert callable(m.lambda_handler); print(m.__file__)"
    done = subprocess.run([sys.executable, "-B", "-c", probe], cwd=lambda_dir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).parent == lambda_dir
