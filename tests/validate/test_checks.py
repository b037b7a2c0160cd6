"""Every check catches its mistake: one edit to a good catalog, the right id, file, place and fix."""
import json
import shutil

import pytest

from clearsight.validate import CHECKS, validate

from .edits import (DOCUMENT, PACK, RULE, both, document, edit, pack, remediation, rename_rule, replace, rule,
                       symlink, write)

RULE_DIR = "rules/GOOD_RULE"
POLICY = "remediation-documents/Clearsight-GoodFix.policy.json"
REMEDIATION = ("Resources", "GoodRuleRemediation", "Properties")


def _many_rules(count):
    def apply(root):
        import yaml

        path = root / PACK
        template = yaml.safe_load(path.read_text())
        for index in range(count):
            template["Resources"][f"Extra{index}"] = {"Type": "AWS::Config::ConfigRule", "Properties": {
                "ConfigRuleName": f"extra-{index}", "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_ACL_PROHIBITED"}}}
        path.write_text(yaml.safe_dump(template, sort_keys=False))

    return apply


def _many_parameters(count):
    return pack("Parameters", value={f"P{i}": {"Type": "String", "Default": "x"} for i in range(count)})


# (case id, edit, path validated, check id, file name, location fragment, message fragment)
CASES = [
    # rule directories
    ("rule-unreadable-json", write(RULE, "{"), "rules", "CS-R000", "parameters.json", "line 1", "invalid JSON"),
    ("name-not-identifier", rename_rule("good-rule"), "rules", "CS-R001", "parameters.json", "directory", "^[A-Z][A-Z0-9_]*$"),
    ("name-too-long", rename_rule("G" + "_ABCDEFGHIJ" * 5), "rules", "CS-R002", "parameters.json", "directory", "shorten"),
    ("name-collides", rename_rule("GOODRULE", keep_old=True), "rules", "CS-R003", "parameters.json", "directory", "rename one"),
    ("no-lambda-handler", replace(f"{RULE_DIR}/GOOD_RULE.py", "def lambda_handler", "def handler"), RULE_DIR,
     "CS-R004", "GOOD_RULE.py", "-", "lambda_handler"),
    ("no-rule-class", replace(f"{RULE_DIR}/GOOD_RULE.py", "class GOOD_RULE", "class GoodRule"), RULE_DIR,
     "CS-R004", "GOOD_RULE.py", "-", "class GOOD_RULE"),
    ("module-does-not-import", write(f"{RULE_DIR}/GOOD_RULE.py", "import nothing_here\n"), RULE_DIR,
     "CS-R004", "GOOD_RULE.py", "-", "cannot import"),
    ("unknown-parameters-key", rule("SourceRuntme", "python3.12-lib"), RULE_DIR, "CS-R005", "parameters.json",
     "Parameters.SourceRuntme", "misspelt"),
    ("unknown-top-level-key", edit(RULE, "Extra", value=1), RULE_DIR, "CS-R005", "parameters.json", "Extra", "keep only"),
    ("parameters-not-strings", rule("OptionalParameters", '{"Mode": 1}'), RULE_DIR, "CS-R006", "parameters.json",
     "Parameters.OptionalParameters", "string values"),
    ("parameters-bad-json", rule("InputParameters", "{AssumeRoleMode: false}"), RULE_DIR, "CS-R006", "parameters.json",
     "Parameters.InputParameters", "not valid JSON"),
    ("old-runtime", rule("SourceRuntime", "python3.11-lib"), RULE_DIR, "CS-R018", "parameters.json",
     "Parameters.SourceRuntime", "set it to python3.12-lib"),
    ("deprecated-lambda-runtime", rule("SourceRuntime", "python3.8-lib"), RULE_DIR, "CS-R007", "parameters.json",
     "Parameters.SourceRuntime", "deprecated Lambda runtime"),
    ("runtime-unknown-to-rdk", rule("SourceRuntime", "python3.99-lib"), RULE_DIR, "CS-R007", "parameters.json",
     "Parameters.SourceRuntime", "python3.14-lib"),
    ("no-runtime", rule("SourceRuntime", None), RULE_DIR, "CS-R007", "parameters.json", "Parameters.SourceRuntime", "missing"),
    ("unknown-resource-type", rule("SourceEvents", "AWS::S3::Bucketz"), RULE_DIR, "CS-R008", "parameters.json",
     "Parameters.SourceEvents", "AWS::S3::Bucketz"),
    ("resource-type-all", rule("SourceEvents", "ALL"), RULE_DIR, "CS-R008", "parameters.json", "Parameters.SourceEvents",
     "NOT_APPLICABLE"),
    ("bad-frequency", rule("SourcePeriodic", "Every_Hour"), RULE_DIR, "CS-R009", "parameters.json",
     "Parameters.SourcePeriodic", "One_Hour"),
    ("bad-evaluation-mode", rule("EvaluationMode", "DETECT"), RULE_DIR, "CS-R009", "parameters.json",
     "Parameters.EvaluationMode", "DETECTIVE"),
    ("no-trigger", both(rule("SourcePeriodic", None), rule("SourceEvents", None)), RULE_DIR, "CS-R010",
     "parameters.json", "Parameters", "never run"),
    ("tags-as-map", edit(RULE, "Tags", value='{"narwhal": "bacon"}'), RULE_DIR, "CS-R011", "parameters.json", "Tags",
     '"Key"'),
    ("parameter-rejected", rule("OptionalParameters", '{"Mode": "loose"}'), RULE_DIR, "CS-R012", "parameters.json",
     "Parameters.InputParameters", "must be one of strict, lenient"),
    ("parameter-error-not-invalid-parameters-error", both(
        replace("rules/_shared/good_parameters.py", "raise InvalidParametersError", "raise ValueError"),
        rule("OptionalParameters", '{"Mode": "loose"}')), RULE_DIR, "CS-R012", "parameters.json",
     "Parameters.InputParameters", "must raise InvalidParametersError"),
    ("test-file-in-rule", write(f"{RULE_DIR}/test_helpers.py", "def test(): pass\n"), RULE_DIR, "CS-R013",
     "test_helpers.py", "test_helpers.py", "tests/rules/"),
    ("pycache-in-rule", lambda root: (root / RULE_DIR / "__pycache__").mkdir(), RULE_DIR, "CS-R013", "__pycache__",
     "__pycache__", "delete it"),
    ("plain-helper-in-rule", write(f"{RULE_DIR}/helper.py", "X = 1\n"), RULE_DIR, "CS-R013", "helper.py", "helper.py",
     "rules/_shared/"),
    ("directory-symlink", symlink(f"{RULE_DIR}/shared", "../_shared", directory=True), RULE_DIR, "CS-R014", "shared",
     "shared", "link each file"),
    ("broken-symlink", symlink(f"{RULE_DIR}/gone.py", "../_shared/gone.py"), RULE_DIR, "CS-R014", "gone.py", "gone.py",
     "broken symlink"),
    ("symlink-outside-shared", both(write("outside.py", "X = 1\n"), symlink(f"{RULE_DIR}/outside.py", "../../outside.py")),
     RULE_DIR, "CS-R014", "outside.py", "outside.py", "outside rules/_shared/"),
    ("rdk-zip-left", write(f"{RULE_DIR}/GOOD_RULE.zip", "PK"), RULE_DIR, "CS-R015", "GOOD_RULE.zip", "GOOD_RULE.zip",
     "git-ignore"),
    ("rule-policy-missing", lambda root: (root / RULE_DIR / "policy.json").unlink(), RULE_DIR, "CS-R016", "policy.json",
     "-", "least-privilege"),
    ("description-too-long", rule("Description", "x" * 257), RULE_DIR, "CS-R017", "parameters.json",
     "Parameters.Description", "at most 256"),
    ("input-parameters-too-long", rule("OptionalParameters", json.dumps({"Mode": "strict", "Pad": "x" * 1000})), RULE_DIR,
     "CS-R017", "parameters.json", "Parameters.InputParameters", "at most 1024"),
    ("rule-policy-no-version", edit(f"{RULE_DIR}/policy.json", "Version", value=None), RULE_DIR, "CS-R016", "policy.json",
     "Version", "2012-10-17"),
    # remediation blocks (parameters.json)
    ("remediation-not-object", rule("Remediation", "Clearsight-GoodFix"), RULE_DIR, "CS-M000", "parameters.json",
     "Parameters.Remediation", "RemediationConfiguration"),
    ("remediation-wrong-rule", remediation("ConfigRuleName", value="OTHER_RULE"), RULE_DIR, "CS-M001", "parameters.json",
     "Parameters.Remediation.ConfigRuleName", "GOOD_RULE"),
    ("remediation-target-type", remediation("TargetType", value="SSM_DOC"), RULE_DIR, "CS-M002", "parameters.json",
     "Parameters.Remediation.TargetType", "SSM_DOCUMENT"),
    ("remediation-unknown-document", remediation("TargetId", value="Clearsight-Nope"), RULE_DIR, "CS-M003",
     "parameters.json", "Parameters.Remediation.TargetId", "Clearsight-Nope"),
    ("remediation-required-missing", remediation("Parameters", "AutomationAssumeRole", value=None), RULE_DIR, "CS-M004",
     "parameters.json", "Parameters.Remediation.Parameters", "needs AutomationAssumeRole"),
    ("remediation-unknown-parameter", remediation("Parameters", "Bogus", value={"StaticValue": {"Values": ["x"]}}),
     RULE_DIR, "CS-M005", "parameters.json", "Parameters.Remediation.Parameters.Bogus", "BucketName"),
    ("remediation-resource-name", remediation("Parameters", "BucketName", value={"ResourceValue": {"Value": "RESOURCE_NAME"}}),
     RULE_DIR, "CS-M006", "parameters.json", "Parameters.Remediation.Parameters.BucketName.ResourceValue.Value", "RESOURCE_ID"),
    ("remediation-resource-id-twice", remediation("Parameters", "KmsKeyArn", value={"ResourceValue": {"Value": "RESOURCE_ID"}}),
     RULE_DIR, "CS-M006", "parameters.json", "Parameters.Remediation.Parameters", "exactly once"),
    ("remediation-too-many-values", remediation("Parameters", "KmsKeyArn", value={"StaticValue": {"Values": ["a"] * 26}}),
     RULE_DIR, "CS-M007", "parameters.json", "Parameters.Remediation.Parameters.KmsKeyArn.StaticValue.Values", "at most 25"),
    ("remediation-value-too-long", remediation("Parameters", "KmsKeyArn", value={"StaticValue": {"Values": ["a" * 257]}}),
     RULE_DIR, "CS-M007", "parameters.json", "Parameters.Remediation.Parameters.KmsKeyArn.StaticValue.Values.0", "256"),
    ("remediation-value-empty", remediation("Parameters", "KmsKeyArn", value={"StaticValue": {"Values": [""]}}),
     RULE_DIR, "CS-M007", "parameters.json", "Parameters.Remediation.Parameters.KmsKeyArn.StaticValue.Values.0",
     "leave the parameter KmsKeyArn out"),
    ("remediation-attempts-99", remediation("MaximumAutomaticAttempts", value="99"), RULE_DIR, "CS-M008",
     "parameters.json", "Parameters.Remediation.MaximumAutomaticAttempts", "from 1 to 25"),
    ("remediation-retry-zero", remediation("RetryAttemptSeconds", value=0), RULE_DIR, "CS-M008", "parameters.json",
     "Parameters.Remediation.RetryAttemptSeconds", "from 1 to 2678000"),
    ("remediation-attempts-fraction", remediation("MaximumAutomaticAttempts", value=2.5), RULE_DIR, "CS-M008",
     "parameters.json", "Parameters.Remediation.MaximumAutomaticAttempts", "from 1 to 25"),
    ("remediation-rate-500", remediation("ExecutionControls", "SsmControls", "ConcurrentExecutionRatePercentage", value="500"),
     RULE_DIR, "CS-M009", "parameters.json",
     "Parameters.Remediation.ExecutionControls.SsmControls.ConcurrentExecutionRatePercentage", "from 1 to 100"),
    ("remediation-automatic-no-role", both(remediation("Automatic", value=True),
     remediation("Parameters", "AutomationAssumeRole", value=None)), RULE_DIR, "CS-M010", "parameters.json",
     "Parameters.Remediation.Parameters", "AutomationAssumeRole"),
    ("remediation-automatic-yes", remediation("Automatic", value="yes"), RULE_DIR, "CS-M012", "parameters.json",
     "Parameters.Remediation.Automatic", "true or false"),
    ("remediation-unknown-property", remediation("Automatik", value=True), RULE_DIR, "CS-M011", "parameters.json",
     "Parameters.Remediation.Automatik", "not a RemediationConfiguration property"),
    # documents
    ("document-yaml-error", write(DOCUMENT, "schemaVersion: '0.3'\nmainSteps: [\n"), DOCUMENT, "CS-D000",
     "Clearsight-GoodFix.yaml", "line 3", "fix the syntax"),
    ("schema-version", document("schemaVersion", value="2.2"), DOCUMENT, "CS-D001", "Clearsight-GoodFix.yaml",
     "schemaVersion", "'0.3'"),
    ("assume-role", document("assumeRole", value="{{ Role }}"), DOCUMENT, "CS-D002", "Clearsight-GoodFix.yaml",
     "assumeRole", "{{ AutomationAssumeRole }}"),
    ("role-pattern-loose", document("parameters", "AutomationAssumeRole", "allowedPattern", value=".*"), DOCUMENT,
     "CS-D003", "Clearsight-GoodFix.yaml", "parameters.AutomationAssumeRole", "role ARNs"),
    ("role-pattern-any-arn", document("parameters", "AutomationAssumeRole", "allowedPattern", value="^arn:.*$"), DOCUMENT,
     "CS-D003", "Clearsight-GoodFix.yaml", "parameters.AutomationAssumeRole", "role ARNs"),
    ("role-parameter-integer", document("parameters", "AutomationAssumeRole", "type", value="Integer"), DOCUMENT,
     "CS-D003", "Clearsight-GoodFix.yaml", "parameters.AutomationAssumeRole", "type String"),
    ("parameter-type", document("parameters", "BucketName", "type", value="Strin"), DOCUMENT, "CS-D004",
     "Clearsight-GoodFix.yaml", "parameters.BucketName.type", "StringList"),
    ("parameter-no-pattern", document("parameters", "BucketName", "allowedPattern", value=None), DOCUMENT, "CS-D005",
     "Clearsight-GoodFix.yaml", "parameters.BucketName.allowedPattern", "anchored"),
    ("parameter-unanchored-pattern", document("parameters", "BucketName", "allowedPattern", value="[a-z]+"), DOCUMENT,
     "CS-D005", "Clearsight-GoodFix.yaml", "parameters.BucketName.allowedPattern", "'^...$'"),
    ("parameter-pattern-not-a-regex", document("parameters", "BucketName", "allowedPattern", value="^([a-z]+$"), DOCUMENT,
     "CS-D027", "Clearsight-GoodFix.yaml", "parameters.BucketName.allowedPattern", "not a valid regular expression"),
    ("default-breaks-pattern", document("parameters", "KmsKeyArn", "default", value="nope"), DOCUMENT, "CS-D006",
     "Clearsight-GoodFix.yaml", "parameters.KmsKeyArn.default", "does not match"),
    ("default-breaks-max-chars", document("parameters", "KmsKeyArn", "maxChars", value=20), DOCUMENT, "CS-D006",
     "Clearsight-GoodFix.yaml", "parameters.KmsKeyArn.default", "maxChars is 20"),
    ("default-breaks-min-items", document("parameters", "Names", value={"type": "StringList", "default": [],
     "minItems": 1}), DOCUMENT, "CS-D006", "Clearsight-GoodFix.yaml", "parameters.Names.default", "0 items; minItems is 1"),
    ("limit-negative", document("parameters", "BucketName", "minChars", value=-1), DOCUMENT, "CS-D022",
     "Clearsight-GoodFix.yaml", "parameters.BucketName", "minChars must be a non-negative integer"),
    ("limit-not-a-number", document("parameters", "BucketName", "maxChars", value="63"), DOCUMENT, "CS-D022",
     "Clearsight-GoodFix.yaml", "parameters.BucketName", "maxChars must be a non-negative integer, got '63'"),
    ("limit-min-above-max", document("parameters", "BucketName", value={
        "type": "String", "allowedPattern": "^[a-z0-9.-]+$", "minItems": 3, "maxItems": 2}), DOCUMENT, "CS-D022",
     "Clearsight-GoodFix.yaml", "parameters.BucketName", "minItems 3 is greater than maxItems 2"),
    ("no-steps", document("mainSteps", value=[]), DOCUMENT, "CS-D007", "Clearsight-GoodFix.yaml", "mainSteps", "non-empty"),
    ("step-name-invalid", document("mainSteps", 4, "name", value="bad name!"), DOCUMENT, "CS-D008",
     "Clearsight-GoodFix.yaml", "mainSteps[4]", "[a-zA-Z0-9_]+"),
    ("step-name-duplicate", document("mainSteps", 3, "name", value="EnableEncryption"), DOCUMENT, "CS-D008",
     "Clearsight-GoodFix.yaml", "mainSteps[3]", "used twice"),
    ("action-misspelt", document("mainSteps", 0, "action", value="aws:executeScrpt"), DOCUMENT, "CS-D009",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).action", "did you mean aws:executeScript?"),
    ("input-missing", document("mainSteps", 3, "inputs", "DesiredValues", value=None), DOCUMENT, "CS-D010",
     "Clearsight-GoodFix.yaml", "mainSteps[3](VerifyEncryption).inputs", "DesiredValues"),
    ("unknown-service", document("mainSteps", 2, "inputs", "Service", value="s4"), DOCUMENT, "CS-D011",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).inputs.Service", "boto3 service name"),
    ("api-snake-case", document("mainSteps", 2, "inputs", "Api", value="put_bucket_encryption"), DOCUMENT, "CS-D011",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).inputs.Api", "PascalCase name PutBucketEncryption"),
    ("api-parameter-unknown", document("mainSteps", 2, "inputs", "Bukket", value="x"), DOCUMENT, "CS-D012",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).inputs.Bukket", "no parameter 'Bukket'"),
    ("api-parameter-missing", document("mainSteps", 2, "inputs", "Bucket", value=None), DOCUMENT, "CS-D012",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).inputs", "requires parameter Bucket"),
    ("runtime-python9-9", document("mainSteps", 0, "inputs", "Runtime", value="python9.9"), DOCUMENT, "CS-D013",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).inputs.Runtime", "python3.11"),
    ("runtime-python3-8", document("mainSteps", 0, "inputs", "Runtime", value="python3.8"), DOCUMENT, "CS-D013",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).inputs.Runtime", "2025-02-18"),
    ("reference-missing", document("mainSteps", 2, "inputs", "Bucket", value="{{ Missing }}"), DOCUMENT, "CS-D014",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "{{ Missing }}"),
    ("reference-later-step", document("mainSteps", 1, "inputs", "Choices", 0, "Variable", value="{{ Done.Nothing }}"),
     DOCUMENT, "CS-D014", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant)", "earlier step's output"),
    ("reference-ssm-in-step", document("mainSteps", 2, "inputs", "Bucket", value="{{ssm:/bucket}}"), DOCUMENT, "CS-D014",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "parameter defaults"),
    ("next-step-missing", document("mainSteps", 2, "nextStep", value="Nowhere"), DOCUMENT, "CS-D015",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).nextStep", "'Nowhere'"),
    ("on-failure-step-missing", document("mainSteps", 2, "onFailure", value="step:Nowhere"), DOCUMENT, "CS-D015",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).onFailure", "'Nowhere'"),
    ("branch-target-missing", document("mainSteps", 1, "inputs", "Default", value="Nowhere"), DOCUMENT, "CS-D015",
     "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Default", "not a step"),
    ("on-failure-explode", document("mainSteps", 2, "onFailure", value="Explode"), DOCUMENT, "CS-D016",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).onFailure", "Abort, Continue or step:<name>"),
    ("on-cancel-continue", document("mainSteps", 2, "onCancel", value="Continue"), DOCUMENT, "CS-D016",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).onCancel", "Abort or step:<name>"),
    ("step-unreachable", document("mainSteps", 1, "inputs", "Default", value="VerifyEncryption"), DOCUMENT, "CS-D017",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "wire it in"),
    ("output-unknown", document("outputs", value=["ReadEncryption.Nope"]), DOCUMENT, "CS-D018", "Clearsight-GoodFix.yaml",
     "outputs[0]", "Step.OutputName"),
    ("max-attempts-zero", document("mainSteps", 2, "maxAttempts", value=0), DOCUMENT, "CS-D023",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).maxAttempts", "positive integer"),
    ("timeout-a-string", document("mainSteps", 2, "timeoutSeconds", value="60"), DOCUMENT, "CS-D023",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).timeoutSeconds", "positive integer (unquoted), got '60'"),
    ("is-end-yes", document("mainSteps", 4, "isEnd", value="yes"), DOCUMENT, "CS-D023",
     "Clearsight-GoodFix.yaml", "mainSteps[4](Done).isEnd", "true or false"),
    ("is-critical-one", document("mainSteps", 2, "isCritical", value=1), DOCUMENT, "CS-D023",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).isCritical", "true or false"),
    ("next-step-not-a-string", document("mainSteps", 2, "nextStep", value=["VerifyEncryption"]), DOCUMENT, "CS-D023",
     "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption).nextStep", "a step name"),
    ("branch-operator-misspelt", both(document("mainSteps", 1, "inputs", "Choices", 0, "BooleanEquals", value=None),
     document("mainSteps", 1, "inputs", "Choices", 0, "StringEqual", value="true")), DOCUMENT, "CS-D024",
     "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0]", "did you mean StringEquals?"),
    ("branch-two-operators", document("mainSteps", 1, "inputs", "Choices", 0, "StringEquals", value="true"), DOCUMENT,
     "CS-D024", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0]", "exactly one operator"),
    ("branch-no-variable", document("mainSteps", 1, "inputs", "Choices", 0, "Variable", value=None), DOCUMENT,
     "CS-D024", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0]", "Variable"),
    ("branch-no-next-step", document("mainSteps", 1, "inputs", "Choices", 0, "NextStep", value=None), DOCUMENT,
     "CS-D024", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0].NextStep", "NextStep"),
    ("branch-choices-empty", document("mainSteps", 1, "inputs", "Choices", value=[]), DOCUMENT, "CS-D024",
     "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices", "non-empty list"),
    ("branch-and-empty", document("mainSteps", 1, "inputs", "Choices", 0, value={"NextStep": "Done", "And": []}),
     DOCUMENT, "CS-D024", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0].And",
     "non-empty list"),
    ("branch-nested-misspelt", document("mainSteps", 1, "inputs", "Choices", 0, value={"NextStep": "Done", "Not": {
        "Variable": "{{ ReadEncryption.Compliant }}", "BooleanEqual": False}}), DOCUMENT, "CS-D024",
     "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Choices[0].Not", "did you mean BooleanEquals?"),
    ("branch-default-a-list", document("mainSteps", 1, "inputs", "Default", value=["EnableEncryption"]), DOCUMENT,
     "CS-D024", "Clearsight-GoodFix.yaml", "mainSteps[1](AlreadyCompliant).inputs.Default", "a step name"),
    ("output-type-unknown", document("mainSteps", 0, "outputs", 0, "Type", value="List"), DOCUMENT, "CS-D025",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).outputs[0].Type", "'List' is not one of"),
    ("output-selector-broken", document("mainSteps", 0, "outputs", 0, "Selector", value="$.Payload[compliant"), DOCUMENT,
     "CS-D025", "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).outputs[0].Selector", "JSONPath"),
    ("output-without-name", document("mainSteps", 0, "outputs", 0, "Name", value=None), DOCUMENT, "CS-D025",
     "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).outputs[0]", "Name, Selector and Type"),
    ("document-too-big", document("description", value="x" * 70_000), DOCUMENT, "CS-D019", "Clearsight-GoodFix.yaml",
     "-", "at most 65536"),
    ("document-name-ssm-refuses", lambda root: shutil.copy(root / DOCUMENT, root / "remediation-documents/Fix!.yaml"),
     "remediation-documents/Fix!.yaml", "CS-D028", "Fix!.yaml", "-", "rename the file"),
    ("script-placeholder-unexpanded", document("mainSteps", 0, "inputs", "Script", value="%%SCRIPT=Fix.py%%"), DOCUMENT,
     "CS-D026", "Clearsight-GoodFix.yaml", "mainSteps[0](ReadEncryption).inputs.Script", "%%SCRIPT"),
    ("policy-missing", lambda root: (root / POLICY).unlink(), DOCUMENT, "CS-D020", "Clearsight-GoodFix.policy.json", "-",
     "least-privilege"),
    ("policy-bad-json", write(POLICY, '{"Version": '), DOCUMENT, "CS-D020", "Clearsight-GoodFix.policy.json", "line 1",
     "invalid JSON"),
    ("policy-no-statement", edit(POLICY, "Statement", value=[]), DOCUMENT, "CS-D020", "Clearsight-GoodFix.policy.json",
     "Statement", "non-empty list"),
    ("policy-misses-api", edit(POLICY, "Statement", 0, "Action", value=["s3:GetEncryptionConfiguration"]), DOCUMENT,
     "CS-D021", "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "s3:PutEncryptionConfiguration"),
    ("policy-denies-api", edit(POLICY, "Statement", value=[
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:PutEncryptionConfiguration", "Resource": "*"}]), DOCUMENT,
     "CS-D021", "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "s3:PutEncryptionConfiguration"),
    ("policy-not-action-leaves-api-out", edit(POLICY, "Statement", value=[
        {"Effect": "Allow", "NotAction": "s3:Put*", "Resource": "*"}]), DOCUMENT,
     "CS-D021", "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "s3:PutEncryptionConfiguration"),
    ("policy-bracket-is-no-wildcard", edit(POLICY, "Statement", 0, "Action", value=[
        "s3:GetEncryptionConfiguration", "s3:[P]utEncryptionConfiguration"]), DOCUMENT,
     "CS-D021", "Clearsight-GoodFix.yaml", "mainSteps[2](EnableEncryption)", "s3:PutEncryptionConfiguration"),
    # packs
    ("pack-yaml-error", write(PACK, "Resources: [\n"), PACK, "CS-P000", "good.yaml", "line 2", "fix the syntax"),
    ("pack-short-form-tag", replace(PACK, "SourceIdentifier:\n          Ref: GoodRuleLambdaArn",
     "SourceIdentifier: !Ref GoodRuleLambdaArn"), PACK, "CS-P000", "good.yaml", "line", "Ref: X"),
    ("pack-bucket-resource", pack("Resources", "Bucket", value={"Type": "AWS::S3::Bucket"}), PACK, "CS-P001", "good.yaml",
     "Resources.Bucket.Type", "only AWS::Config::ConfigRule"),
    ("managed-identifier-misspelt", pack("Resources", "CwLoggroupRetentionPeriodCheck", "Properties", "Source",
     "SourceIdentifier", value="CW_LOGGROUP_RETENTION_PERIOD_CHEK"), PACK, "CS-P002", "good.yaml",
     "Resources.CwLoggroupRetentionPeriodCheck.Properties.Source.SourceIdentifier",
     "did you mean CW_LOGGROUP_RETENTION_PERIOD_CHECK?"),
    ("message-type-misspelt", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", 0, "MessageType",
     value="ConfigurationItemChangeNotificatio"), PACK, "CS-P003", "good.yaml",
     "Resources.GoodRule.Properties.Source.SourceDetails[0].MessageType", "ScheduledNotification"),
    ("frequency-every-hour", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", 2,
     "MaximumExecutionFrequency", value="Every_Hour"), PACK, "CS-P004", "good.yaml",
     "Resources.GoodRule.Properties.Source.SourceDetails[2].MaximumExecutionFrequency", "One_Hour"),
    ("owner-misspelt", pack("Resources", "GoodRule", "Properties", "Source", "Owner", value="CUSTOM_LAMDA"), PACK,
     "CS-P005", "good.yaml", "Resources.GoodRule.Properties.Source.Owner", "CUSTOM_LAMBDA"),
    ("event-source-misspelt", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", 0, "EventSource",
     value="aws.confi"), PACK, "CS-P006", "good.yaml", "Resources.GoodRule.Properties.Source.SourceDetails[0].EventSource",
     "aws.config"),
    ("pack-parameter-type", pack("Parameters", "GoodRuleLambdaArn", "Type", value="Number"), PACK, "CS-P007", "good.yaml",
     "Parameters.GoodRuleLambdaArn.Type", "StringMap"),
    ("pack-too-big", lambda root: (root / PACK).write_text((root / PACK).read_text() + "#" + "x" * 52_000 + "\n"), PACK,
     "CS-P008", "good.yaml", "-", "51200"),
    ("pack-131-rules", _many_rules(129), PACK, "CS-P009", "good.yaml", "Resources", "at most 130"),
    ("pack-61-parameters", _many_parameters(61), PACK, "CS-P010", "good.yaml", "Parameters", "at most 60"),
    ("role-intrinsic", pack(*REMEDIATION, "Parameters", "AutomationAssumeRole", "StaticValue", "Values",
     value=[{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/r"}]), PACK, "CS-P019", "good.yaml",
     "Resources.GoodRuleRemediation.Properties.Parameters.AutomationAssumeRole", "literal"),
    ("role-placeholder", pack(*REMEDIATION, "Parameters", "AutomationAssumeRole", "StaticValue", "Values",
     value=["arn:aws:iam::<Account-Id>:role/r"]), PACK, "CS-P011", "good.yaml",
     "Resources.GoodRuleRemediation.Properties.Parameters.AutomationAssumeRole", "placeholder"),
    ("managed-parameter-unknown", pack("Resources", "CwLoggroupRetentionPeriodCheck", "Properties", "InputParameters",
     "minRetentionTime", value="365"), PACK, "CS-P012", "good.yaml",
     "Resources.CwLoggroupRetentionPeriodCheck.Properties.InputParameters.minRetentionTime", "MinRetentionTime"),
    ("change-without-oversized", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", 1, value=None),
     PACK, "CS-P013", "good.yaml", "Resources.GoodRule.Properties.Source.SourceDetails", "OversizedConfiguration"),
    ("pack-26-source-details", pack("Resources", "GoodRule", "Properties", "Source", "SourceDetails", value=[
        {"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": f}
        for f in ["One_Hour", "Three_Hours"] * 13]), PACK, "CS-P017", "good.yaml",
     "Resources.GoodRule.Properties.Source.SourceDetails", "at most 25"),
    ("pack-empty", write(PACK, "{}\n"), PACK, "CS-P018", "good.yaml", "Resources", "no rules"),
    ("pack-without-resources", write(PACK, "Parameters:\n  X: {Type: String}\n"), PACK, "CS-P018", "good.yaml",
     "Resources", "no rules"),
    ("remediation-without-depends-on", pack("Resources", "GoodRuleRemediation", "DependsOn", value=None), PACK,
     "CS-P016", "good.yaml", "Resources.GoodRuleRemediation.DependsOn", "GoodRule"),
    ("remediation-depends-on-another-rule", pack("Resources", "GoodRuleRemediation", "DependsOn",
     value="CwLoggroupRetentionPeriodCheck"), PACK, "CS-P016", "good.yaml", "Resources.GoodRuleRemediation.DependsOn",
     "DependsOn: GoodRule"),
    ("pack-remediation-attempts-99", pack(*REMEDIATION, "MaximumAutomaticAttempts", value=99), PACK, "CS-M008",
     "good.yaml", "Resources.GoodRuleRemediation.Properties.MaximumAutomaticAttempts", "from 1 to 25"),
    ("pack-remediation-rule-not-in-pack", pack(*REMEDIATION, "ConfigRuleName", value="other"), PACK, "CS-M001",
     "good.yaml", "Resources.GoodRuleRemediation.Properties.ConfigRuleName", "clearsight-good-rule"),
    ("pack-cfn-lint", pack("Resources", "GoodRule", "Properties", "Foo", value=1), PACK, "E3002", "good.yaml", "line",
     "'Foo' was unexpected"),
]


def test_good_catalog_is_clean(good_catalog):
    assert validate(root=good_catalog) == []


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_is_caught_with_file_place_and_fix(good_catalog, case):
    _, mistake, target, check_id, file_name, location, message = case
    mistake(good_catalog)
    findings = validate([good_catalog / target])
    hits = [f for f in findings if f.check == check_id]
    assert hits, f"{check_id} not reported; got {[str(f) for f in findings]}"
    assert any(f.file.name == file_name and location in f.location and message in f.message for f in hits), \
        [str(f) for f in hits]


def test_java_character_class_in_allowed_pattern_is_not_a_finding(good_catalog):
    """allowedPattern is a Java regex: `[\\w-\\/]` is valid there (AWS runbooks use it) and the engine runs it."""
    document("parameters", "BucketName", "allowedPattern", value=r"^[\w-\/.]{3,63}$")(good_catalog)
    document("parameters", "KmsKeyArn", "allowedPattern", value=r"^arn:aws[\w-]*:kms:[\w-\/:]+$")(good_catalog)
    assert validate([good_catalog / DOCUMENT]) == []


def test_every_check_has_a_case():
    covered = {case[3] for case in CASES}
    relayed = {"CS-P014", "CS-P015", "CS-B001", "CS-B002"}  # under CS-M / cfn-lint ids; manifest: tests/packs
    assert set(CHECKS) - covered - relayed == set()


def test_findings_serialise_for_json_output(good_catalog):
    rule("SourcePeriodic", "Every_Hour")(good_catalog)
    [finding] = validate([good_catalog / RULE_DIR])
    assert json.loads(json.dumps(finding.to_dict())) == {
        "file": str(good_catalog / RULE), "location": "Parameters.SourcePeriodic", "check": "CS-R009",
        "severity": "error", "message": finding.message,
    }


ASR_BUCKET_PATTERN = r"(?=^.{3,63}$)(?!^(\d+\.)+\d+$)(^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$)"


@pytest.mark.parametrize("mistake", [
    document("parameters", "BucketName", "allowedPattern", value=ASR_BUCKET_PATTERN),  # anchored by lookahead
    document("parameters", "KmsKeyArn", "default", value="{{ssm:/org/remediation-key}}"),  # read when the run starts
    document("parameters", "Names", value={"type": "StringList", "default": ["a", "b"], "allowedValues": ["a", "b", "c"]}),
    document("mainSteps", 2, "inputs", "Service", value="S3"),  # AWS matches Service case-insensitively
    pack("Resources", "CwLoggroupRetentionPeriodCheck", "Properties", "Source", "SourceIdentifier",
         value="AWS_CONFIG_PROCESS_CHECK"),  # a process check: documented, in no managed-rule list
    pack("Resources", "CwLoggroupRetentionPeriodCheck", "Properties", "InputParameters",
         value={"Fn::If": ["cwLoggroupRetentionPeriodCheckParamMinRetentionTime", {"MinRetentionTime": "1"},
                           {"Ref": "AWS::NoValue"}]}),
], ids=["lookahead-anchors", "ssm-default", "string-list-default", "service-case", "process-check", "input-parameters-if"])
def test_what_aws_accepts_is_not_a_finding(good_catalog, mistake):
    mistake(good_catalog)
    assert [str(f) for f in validate(root=good_catalog)] == []


def test_a_string_list_default_is_checked_item_by_item(good_catalog):
    document("parameters", "Names", value={"type": "StringList", "default": ["a", "z"], "allowedValues": ["a", "b"]})(
        good_catalog)
    [finding] = validate([good_catalog / DOCUMENT])
    assert finding.check == "CS-D006" and "allowedValues" in finding.message


def test_every_documented_action_is_known_and_its_inputs_checked(good_catalog):
    document("mainSteps", 3, value={"name": "Stack", "action": "aws:createStack", "isEnd": True,
                                    "inputs": {"StackName": "s", "TemplateURL": "https://example.com/t", "Tags": []}})(
        good_catalog)
    assert [f for f in validate([good_catalog / DOCUMENT]) if f.check in ("CS-D009", "CS-D010")] == []
    document("mainSteps", 3, "inputs", "TemplateBody", value="{}")(good_catalog)
    document("mainSteps", 3, "inputs", "Stackname", value="s")(good_catalog)
    messages = [f.message for f in validate([good_catalog / DOCUMENT]) if f.check == "CS-D010"]
    assert any("exactly one of TemplateBody or TemplateURL" in m for m in messages)
    assert any("takes no input 'Stackname' (did you mean StackName?)" in m for m in messages)
