"""Validate on artifacts nobody here wrote: AWS's sample packs, ASR's runbooks, aws-config-rules rules.

tests/corpus/corpus.yaml names each file's source and counts the findings expected on it, all
true ones: a new false alarm, or a lost true finding, fails here. "Clean" must mean checked.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clearsight.validate import files, validate

from .edits import DOCUMENT, PACK

INDEX = Path(__file__).parents[1] / "corpus" / "corpus.yaml"
CORPUS = Path(os.environ.get("CLEARSIGHT_CORPUS") or INDEX.parent)
ENTRIES = yaml.safe_load(INDEX.read_text())["files"]
MISSING = [e["path"] for e in ENTRIES if not (CORPUS / e["path"]).exists()]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=(
    f"{len(MISSING)} corpus file(s) absent from {CORPUS}: third-party code stays out of this repository; "
    "put the files tests/corpus/corpus.yaml names (repo, commit, path) there, or point CLEARSIGHT_CORPUS at them"))
CLEARSIGHT = str(Path(sys.executable).parent / "clearsight")
CYBER = CORPUS / "aws-config-rules/packs/Cyber-Resilience-Best-Practices-for-S3-EBS-DynamoDB.yml"
ASR_SSL = CORPUS / "asr/runbooks/SetSSLBucketPolicy.yaml"


def counts(findings):
    return dict(collections.Counter(f"{f.check} {f.severity}" for f in findings))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["path"] for e in ENTRIES])
def test_each_corpus_file_gets_exactly_its_true_findings(entry):
    assert entry["source"]["repo"] and entry["source"]["path"] and len(entry["source"]["commit"]) == 40
    assert counts(validate([CORPUS / entry["path"]])) == entry["findings"]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if not e["findings"]], ids=lambda e: e["path"])
def test_a_clean_corpus_file_was_recognised_and_checked(entry):
    loaded = files.load(CORPUS / entry["path"], named=True)
    assert not isinstance(loaded, files.Unclassified), loaded


def test_the_true_findings_are_kept():
    found = {(f.file.name, f.check) for f in validate([CORPUS])}
    assert ("EncryptRDSSnapshot.yaml", "CS-D012") in found  # DeleteDBClusterSnapshot given DBSnapshotIdentifier
    assert ("SetSSLBucketPolicy.yaml", "CS-D026") in found  # the raw runbook's %%SCRIPT=...%% does not compile
    assert ("Operational-Best-Practices-for-ABS-CCIGv2-Material.yaml", "CS-P008") in found  # over 51,200 bytes
    assert ("Operational-Best-Practices-for-Amazon-S3-with-Remediation.yaml", "CS-P011") in found  # <Account-Id>
    assert ("ec2_tag_volumes_ssm_document_executeScript.yaml", "CS-D013") in found  # python3.7


def test_short_form_tags_read_as_intrinsics_so_every_other_check_still_runs(tmp_path):
    broken = tmp_path / CYBER.name
    broken.write_text(CYBER.read_text().replace("SourceIdentifier: ENCRYPTED_VOLUMES", "SourceIdentifier: ENCRYPTED_VOLUMS"))
    [finding] = validate([broken])
    assert (finding.check, finding.severity) == ("CS-P002", "error") and "ENCRYPTED_VOLUMES" in finding.message


def test_conventions_apply_outside_a_catalog_only_with_strict():
    loose = {f.check for f in validate([ASR_SSL])}
    strict = {f.check for f in validate([ASR_SSL], strict=True)}
    assert loose == set()
    assert "CS-D020" in strict  # this project's policy file per document
    assert "CS-D005" not in strict  # (?=^.{3,63}$)...$ is anchored at both ends, whatever its first character


@pytest.mark.parametrize("name", ["AFSBP_S3.1.yaml", "Operational-Best-Practices-for-CIS-AWS-v1.4-Level1.yaml"])
def test_a_dotted_file_name_in_a_catalog_is_checked(good_catalog, name):
    dotted = good_catalog / "conformance-packs" / name
    dotted.write_text((good_catalog / PACK).read_text().replace("CW_LOGGROUP_RETENTION_PERIOD_CHECK", "CW_NOPE"))
    assert "CS-P002" in {f.check for f in validate([dotted])}


@pytest.mark.parametrize("suffix", [".yml", ".json"])
def test_a_catalog_file_the_catalog_does_not_read_is_a_finding(good_catalog, suffix):
    other = good_catalog / "remediation-documents" / f"Clearsight-Other{suffix}"
    shutil.copy(good_catalog / DOCUMENT, other)
    for findings in (validate([other]), validate(root=good_catalog)):
        assert [(f.file, f.check, f.severity) for f in findings] == [(other, "CS-F002", "error")]


def test_cli_on_the_whole_corpus_prints_json_only_and_exits_1_on_errors():
    done = subprocess.run([CLEARSIGHT, "validate", "--format", "json", str(CORPUS)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    expected = collections.Counter()
    for entry in ENTRIES:
        expected.update(entry["findings"])
    expected = collections.Counter({key: n for key, n in expected.items() if key != "CS-F001 error"})
    expected["CS-F001 warning"] = 2  # met while walking, so warnings: the Command document, and corpus.yaml itself
    assert collections.Counter(f"{f['check']} {f['severity']}" for f in report) == expected


def test_warnings_alone_exit_0(tmp_path):
    shutil.copy(CORPUS / "aws-config-rules/packs/Operational-Best-Practices-for-ABS-CCIGv2-Material.yaml", tmp_path)
    done = subprocess.run([CLEARSIGHT, "validate", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and ": warning CS-P008 " in done.stdout and "0 error(s), 1 warning(s)" in done.stderr


def test_engine_and_validate_read_the_same_files(tmp_path):
    """aws-systems-manager writes JSON documents indented with tabs: JSON, not YAML, reads them."""
    from clearsight.automation import load_document

    source = CORPUS / "aws-systems-manager/aws-StopEC2Instance.json"
    tabbed = tmp_path / source.name
    tabbed.write_text(json.dumps(json.loads(source.read_text()), indent="\t"))
    assert load_document(tabbed).name == "aws-StopEC2Instance"
    assert validate([tabbed]) == []
