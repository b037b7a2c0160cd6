"""Malformed artifacts are findings, never a crash: validate names the file, the place and the fix.

One wrongly typed value (a string where a map belongs, a list where a name belongs) used to
raise out of a check and take the whole `clearsight validate` run down with a traceback.
"""
import shutil
import subprocess

import pytest

from clearsight.validate import validate

from .edits import DOCUMENT, GOOD, PACK, RULE, document, pack, remediation, rule
from .test_cli import CLEARSIGHT

REMEDIATION = ("Resources", "GoodRuleRemediation", "Properties")

# (case id, edit, path validated, check id, file name, location fragment, message fragment)
CASES = [
    ("resource-value-not-a-map", remediation("Parameters", "BucketName", value={"ResourceValue": "RESOURCE_ID"}),
     RULE, "CS-M006", "parameters.json", "Parameters.Remediation.Parameters.BucketName.ResourceValue", "RESOURCE_ID"),
    ("static-value-not-a-map", remediation("Parameters", "AutomationAssumeRole", value={"StaticValue": "arn"}),
     RULE, "CS-M007", "parameters.json", "Parameters.Remediation.Parameters.AutomationAssumeRole.StaticValue",
     "list of strings"),
    ("static-values-a-string", remediation("Parameters", "AutomationAssumeRole", value={"StaticValue": {
        "Values": "arn:aws:iam::111122223333:role/clearsight-remediation"}}), RULE, "CS-M007", "parameters.json",
     "Parameters.Remediation.Parameters.AutomationAssumeRole.StaticValue", "list of strings"),
    ("source-events-a-list", rule("SourceEvents", ["AWS::S3::Bucket"]), RULE, "CS-R008", "parameters.json",
     "Parameters.SourceEvents", "comma-separated"),
    ("document-outputs-a-map", document("outputs", value={"ReadEncryption.Compliant": 1}), DOCUMENT, "CS-D018",
     "Clearsight-GoodFix.yaml", "outputs", "Step.OutputName"),
    ("next-step-a-list", document("mainSteps", 2, "nextStep", value=["VerifyEncryption"]), DOCUMENT, "CS-D015",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).nextStep", "not a step"),
    ("allowed-values-a-number", document("parameters", "KmsKeyArn", "allowedValues", value=5), DOCUMENT, "CS-D022",
     "Clearsight-GoodFix.yaml", "parameters.KmsKeyArn.allowedValues", "must be a list"),
    ("allowed-values-a-string", document("parameters", "KmsKeyArn", "allowedValues",
     value="arn:aws:kms:us-east-1:111122223333:alias/data-and-more"), DOCUMENT, "CS-D022", "Clearsight-GoodFix.yaml",
     "parameters.KmsKeyArn.allowedValues", "must be a list"),
    ("step-outputs-a-map", document("mainSteps", 0, "outputs", value={"Name": "Compliant"}), DOCUMENT, "CS-D025",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).outputs", "must be a list"),
    ("service-a-number", document("mainSteps", 2, "inputs", "Service", value=5), DOCUMENT, "CS-D011",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).inputs.Service", "boto3 service name"),
    ("pack-remediation-parameters-a-list", pack(*REMEDIATION, "Parameters", value=["BucketName"]), PACK, "CS-M006",
     "good.yaml", "Resources.GoodRuleRemediation.Properties.Parameters", "RESOURCE_ID"),
    ("pack-message-type-a-list", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", 0,
     "MessageType", value=["ConfigurationItemChangeNotification"]), PACK, "CS-P003", "good.yaml",
     "Resources.GoodRule.Properties.Source.SourceDetails[0].MessageType", "is not valid"),
]


@pytest.fixture
def catalog(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(GOOD, root, symlinks=True)
    return root


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_wrongly_typed_value_is_a_finding_not_a_crash(catalog, case):
    _, mistake, target, check_id, file_name, location, message = case
    mistake(catalog)
    findings = validate([catalog / target])
    hits = [f for f in findings if f.check == check_id]
    assert any(f.file.name == file_name and location in f.location and message in f.message for f in hits), \
        [str(f) for f in findings]


def test_cli_reports_a_malformed_rule_of_a_packed_catalog_without_a_traceback(tmp_path):
    """The manifest check builds every pack from the rules: a rule that does not parse is a finding there too."""
    from clearsight.catalog import default_root

    root = tmp_path / "repo"
    for folder in ("rules", "remediation-documents", "conformance-packs"):
        shutil.copytree(default_root() / folder, root / folder, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "rules/S3_BUCKET_KMS_ENCRYPTION/parameters.json"
    path.write_text(path.read_text().replace('"InputParameters": "{\\"AssumeRoleMode\\": \\"false\\"}"',
                                             '"InputParameters": "{AssumeRoleMode: false}"'))
    result = subprocess.run([CLEARSIGHT, "validate", str(root)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{path}:Parameters.InputParameters: error CS-R006 is not valid JSON" in "\n".join(lines)
    assert any(":-: error CS-B001 " in line and "parameters.json" in line and "Parameters.InputParameters" in line
               for line in lines), lines
