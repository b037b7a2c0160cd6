"""A manifest or rule the builder cannot honour is a BuildError naming the file, the place and the fix:
never a traceback, never a key silently ignored, never a pack AWS would refuse."""
import copy
import subprocess

import pytest
import yaml

from clearsight.packs import BuildError, Options

from ..validate.edits import remediation, rule
from ..validate.test_cli import CLEARSIGHT
from .test_build import GOOD_MANIFEST, built, packed_catalog, write_manifest  # noqa: F401  (fixture)


def manifest_with(change):
    manifest = copy.deepcopy(GOOD_MANIFEST)
    change(manifest)
    return manifest


def custom(manifest):
    return manifest["packs"]["good"]["rules"][0]


def managed(manifest):
    return manifest["packs"]["good"]["rules"][1]


MANIFEST_CASES = [
    ("parameters-a-list", lambda m: custom(m).update(parameters=["Mode"]),
     r"packs\.good\.rules\[0\]\.parameters: must be a mapping"),
    ("remediation-a-list", lambda m: custom(m).update(remediation=["KmsKeyArn"]),
     r"packs\.good\.rules\[0\]\.remediation: must be a mapping"),
    ("misspelt-entry-key", lambda m: custom(m).update(paramters={"Mode": "strict"}),
     r"packs\.good\.rules\[0\]: unknown key paramters"),
    ("frequency-on-a-custom-rule", lambda m: custom(m).update(frequency="One_Hour"),
     r"packs\.good\.rules\[0\]: unknown key frequency"),
    ("replaces-on-a-managed-rule", lambda m: managed(m).update(replaces="CLOUDWATCH_LOG_GROUP_ENCRYPTED", why="x"),
     r"packs\.good\.rules\[1\]: unknown key replaces, why"),
    ("replaces-without-why", lambda m: custom(m).pop("why"), r"packs\.good\.rules\[0\]: give replaces and why together"),
    ("replaces-misspelt", lambda m: custom(m).update(replaces="S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLD"),
     r"packs\.good\.rules\[0\]\.replaces: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLD' is not an AWS managed rule"),
    ("misspelt-pack-key", lambda m: m["packs"]["good"].update(rule=[]), r"packs\.good: unknown key rule"),
    ("include-a-string", lambda m: m["packs"]["all"].update(include="good"), r"packs\.all\.include: must be a list"),
    ("pack-name-with-a-space", lambda m: m["packs"].update({"good pack": m["packs"]["good"]}),
     r"packs\.good pack: .*\[A-Za-z0-9\]"),
    ("pack-without-rules", lambda m: m["packs"].update(empty={"description": "nothing"}),
     r"packs\.empty: no rules"),
    ("misspelt-top-level-key", lambda m: m.update(remediation_rol="x"), r"unknown key remediation_rol"),
    ("remediation-role-not-a-role-name", lambda m: m.update(remediation_role="bad role!"),
     r"remediation_role: 'bad role!' is not an IAM role name"),
    ("managed-required-parameter-missing", lambda m: m["packs"]["good"]["rules"].append({"managed": "APPROVED_AMIS_BY_ID"}),
     r"packs\.good\.rules\[2\]\.parameters: APPROVED_AMIS_BY_ID requires amiIds"),
    ("parameter-value-a-list", lambda m: custom(m).update(parameters={"Mode": ["strict"]}),
     r"packs\.good\.rules\[0\]\.parameters\.Mode: \['strict'\] is not a single value"),
]


@pytest.mark.parametrize("case", MANIFEST_CASES, ids=[c[0] for c in MANIFEST_CASES])
def test_manifest_mistake_is_a_clear_build_error(packed_catalog, case):  # noqa: F811
    _, change, message = case
    write_manifest(packed_catalog, manifest_with(change))
    with pytest.raises(BuildError, match=message):
        built(packed_catalog)


RULE_CASES = [
    ("input-parameters-not-json", rule("InputParameters", "{AssumeRoleMode: false}"),
     r"parameters\.json: Parameters\.InputParameters: is not valid JSON"),
    ("source-events-a-list", rule("SourceEvents", ["AWS::S3::Bucket"]),
     r"parameters\.json: Parameters\.SourceEvents: must be a comma-separated string"),
    ("source-periodic-misspelt", rule("SourcePeriodic", "Every_Hour"),
     r"parameters\.json: Parameters\.SourcePeriodic: 'Every_Hour' is not a frequency"),
    ("remediation-a-string", rule("Remediation", "Clearsight-GoodFix"),
     r"parameters\.json: Parameters\.Remediation: must be an object"),
    ("attempts-not-a-number", remediation("MaximumAutomaticAttempts", value="three"),
     r"parameters\.json: Parameters\.Remediation\.MaximumAutomaticAttempts: 'three' is not an integer"),
    ("execution-controls-a-string", remediation("ExecutionControls", value="fast"),
     r"parameters\.json: Parameters\.Remediation\.ExecutionControls: must be"),
    ("remediation-parameters-a-list", remediation("Parameters", value=["BucketName"]),
     r"parameters\.json: Parameters\.Remediation\.Parameters: must be"),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_malformed_rule_is_a_clear_build_error(packed_catalog, case):  # noqa: F811
    _, mistake, message = case
    mistake(packed_catalog)
    with pytest.raises(BuildError, match=message):
        built(packed_catalog)


def test_cli_build_of_a_malformed_rule_exits_1_without_a_traceback(packed_catalog):  # noqa: F811
    remediation("MaximumAutomaticAttempts", value="three")(packed_catalog)
    result = subprocess.run([CLEARSIGHT, "--root", str(packed_catalog), "build", "--check"], capture_output=True,
                            text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "Parameters.Remediation.MaximumAutomaticAttempts: 'three' is not an integer" in result.stderr


def test_yaml_booleans_and_empty_values_become_the_strings_rules_expect(packed_catalog):  # noqa: F811
    def change(manifest):
        custom(manifest)["parameters"] = {"Mode": None}
        managed(manifest)["parameters"] = {"MinRetentionTime": 365}
        manifest["packs"]["good"]["rules"].append({"managed": "MULTI_REGION_CLOUD_TRAIL_ENABLED",
                                                   "parameters": {"includeManagementEvents": True}})

    parameters = yaml.safe_load(built(packed_catalog, manifest=manifest_with(change))["good"])["Parameters"]
    assert parameters["GoodRuleParamMode"]["Default"] == ""
    assert parameters["MultiRegionCloudTrailEnabledParamIncludeManagementEvents"]["Default"] == "true"


@pytest.mark.parametrize("region, partition", [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
                                               ("eu-west-1", "aws")])
def test_literal_lambda_arns_carry_the_region_partition(packed_catalog, region, partition):  # noqa: F811
    template = yaml.safe_load(built(packed_catalog, Options(lambda_account="444455556666", region=region))["good"])
    assert template["Resources"]["GoodRule"]["Properties"]["Source"]["SourceIdentifier"] == (
        f"arn:{partition}:lambda:{region}:444455556666:function:RDK-Rule-Function-GOODRULE")
