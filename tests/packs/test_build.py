"""Conformance packs from one source: the committed packs are the build, and the build is deployable."""
import shutil

import pytest
import yaml

from clearsight.catalog import default_root, load_catalog
from clearsight.packs import MANIFEST, BuildError, Options, build_all, load_manifest, write
from clearsight.validate import validate

from ..validate.edits import GOOD

REPO = default_root()
GOOD_MANIFEST = {
    "remediation_role": "clearsight-remediation",
    "packs": {
        "good": {
            "description": "Buckets are encrypted.",
            "rules": [
                {"rule": "GOOD_RULE", "replaces": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "why": "always compliant",
                 "parameters": {"Mode": "lenient"}},
                {"managed": "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "parameters": {"MinRetentionTime": 365}},
            ],
        },
        "all": {"description": "Everything.", "include": ["good"]},
    },
}


@pytest.fixture
def packed_catalog(tmp_path):
    """The good fixture catalog with a manifest, built."""
    root = tmp_path / "catalog"
    shutil.copytree(GOOD, root, symlinks=True)
    (root / "conformance-packs/good.yaml").unlink()
    write_manifest(root, GOOD_MANIFEST)
    catalog = load_catalog(root)
    write(build_all(catalog, load_manifest(root)))
    return root


def write_manifest(root, manifest):
    (root / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (root / MANIFEST).write_text(yaml.safe_dump(manifest, sort_keys=False))


def built(root, options=Options(), manifest=None):
    catalog = load_catalog(root)
    return {path.stem: text for path, text in build_all(catalog, manifest or load_manifest(root), options).items()}


def test_committed_packs_match_a_fresh_build():
    for path, text in build_all(load_catalog(REPO), load_manifest(REPO)).items():
        assert path.exists(), f"{path} missing: run `clearsight build`"
        assert path.read_text() == text, f"{path} differs from a fresh build: run `clearsight build` and commit"


def test_the_areas_ship_as_packs():
    names = set(load_manifest(REPO)["packs"])
    assert {"encryption", "public-access", "trail-status", "flow-logs", "root-account", "security-visibility"} <= names


def test_built_packs_pass_cfn_lint_and_the_pack_checks():
    findings = validate([REPO / "conformance-packs"])
    assert [str(f) for f in findings if f.check.startswith(("CS-P", "E", "W"))] == []


def test_build_is_deterministic(packed_catalog):
    assert built(packed_catalog) == built(packed_catalog)


def test_fresh_build_validates_clean(packed_catalog):
    assert [str(f) for f in validate(root=packed_catalog)] == []


def test_custom_rule_takes_its_lambda_from_a_pack_parameter(packed_catalog):
    template = yaml.safe_load(built(packed_catalog)["good"])
    assert template["Resources"]["GoodRule"]["Properties"]["Source"]["SourceIdentifier"] == {"Ref": "GoodRuleLambdaArn"}
    assert template["Parameters"]["GoodRuleLambdaArn"]["Type"] == "String"


def test_lambda_account_and_region_fill_in_rdk_function_arns(packed_catalog):
    text = built(packed_catalog, Options(lambda_account="444455556666", region="eu-west-1"))["good"]
    template = yaml.safe_load(text)
    source = template["Resources"]["GoodRule"]["Properties"]["Source"]["SourceIdentifier"]
    assert source == "arn:aws:lambda:eu-west-1:444455556666:function:RDK-Rule-Function-GOODRULE"
    assert "GoodRuleLambdaArn" not in template["Parameters"]


def test_change_and_periodic_triggers_follow_parameters_json(packed_catalog):
    properties = yaml.safe_load(built(packed_catalog)["good"])["Resources"]["GoodRule"]["Properties"]
    assert properties["Scope"] == {"ComplianceResourceTypes": ["AWS::S3::Bucket"]}
    assert [d["MessageType"] for d in properties["Source"]["SourceDetails"]] == [
        "ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification", "ScheduledNotification"]
    assert properties["Source"]["SourceDetails"][2]["MaximumExecutionFrequency"] == "TwentyFour_Hours"


def test_optional_parameters_use_the_no_value_pattern_and_rdklib_keys_stay_literal(packed_catalog):
    template = yaml.safe_load(built(packed_catalog)["good"])
    inputs = template["Resources"]["GoodRule"]["Properties"]["InputParameters"]
    assert inputs["AssumeRoleMode"] == "false"
    assert inputs["Mode"] == {"Fn::If": ["goodRuleParamMode", {"Ref": "GoodRuleParamMode"}, {"Ref": "AWS::NoValue"}]}
    assert template["Conditions"]["goodRuleParamMode"] == {"Fn::Not": [{"Fn::Equals": ["", {"Ref": "GoodRuleParamMode"}]}]}
    assert template["Parameters"]["GoodRuleParamMode"] == {"Type": "String", "Default": "lenient"}


def test_remediation_role_is_a_literal_arn_from_the_placeholder_or_the_option(packed_catalog):
    def role(options):
        template = yaml.safe_load(built(packed_catalog, options)["good"])
        properties = template["Resources"]["GoodRuleRemediation"]["Properties"]
        assert properties["ConfigRuleName"] == "clearsight-good-rule"
        return properties["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"]

    assert role(Options()) == ["arn:aws:iam::111122223333:role/clearsight-remediation"]
    assert role(Options(remediation_account="777788889999")) == ["arn:aws:iam::777788889999:role/clearsight-remediation"]


def test_included_packs_come_first_and_the_header_says_what_replaces_what(packed_catalog):
    texts = built(packed_catalog)
    assert yaml.safe_load(texts["all"])["Resources"] == yaml.safe_load(texts["good"])["Resources"]
    assert "# GOOD_RULE replaces S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: always compliant" in texts["good"]
    assert "# AWS managed rules kept (right as they are): CW_LOGGROUP_RETENTION_PERIOD_CHECK." in texts["good"]
    assert "!" not in texts["good"].split("\nParameters:")[1]  # no short-form tags


def test_unknown_rule_in_the_manifest_fails_clearly(packed_catalog):
    manifest = {"packs": {"good": {"rules": [{"rule": "NOT_A_RULE"}]}}}
    with pytest.raises(BuildError, match=r"packs\.good\.rules\[0\]: no rule 'NOT_A_RULE' in rules/"):
        built(packed_catalog, manifest=manifest)


def test_unknown_managed_rule_or_parameter_fails_clearly(packed_catalog):
    with pytest.raises(BuildError, match="'CW_LOGGROUP_RETENTION_PERIOD_CHEK' is not an AWS managed rule"):
        built(packed_catalog, manifest={"packs": {"p": {"rules": [{"managed": "CW_LOGGROUP_RETENTION_PERIOD_CHEK"}]}}})
    with pytest.raises(BuildError, match="takes no minRetentionTime"):
        built(packed_catalog, manifest={"packs": {"p": {"rules": [
            {"managed": "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "parameters": {"minRetentionTime": 1}}]}}})


def test_builder_refuses_a_pack_over_the_rule_limit(packed_catalog):
    from clearsight.validate.reference import managed_rules

    needs_nothing = [identifier for identifier, spec in sorted(managed_rules().items())
                     if all(p.get("Optional") or "Default" in p for p in spec.get("Parameters", []))]
    entries = [{"managed": identifier} for identifier in needs_nothing[:131]]
    with pytest.raises(BuildError, match=r"pack big would break a service limit, not written:\n  CS-P009"):
        built(packed_catalog, manifest={"packs": {"big": {"rules": entries}}})


def test_lambda_options_are_checked():
    with pytest.raises(BuildError, match="go together"):
        Options(lambda_account="444455556666")
    with pytest.raises(BuildError, match="12-digit"):
        Options(remediation_account="1234")


def test_validate_reports_a_stale_committed_pack(packed_catalog):
    path = packed_catalog / "conformance-packs/good.yaml"
    path.write_text(path.read_text().replace("Default: lenient", "Default: strict"))
    [finding] = validate(root=packed_catalog)
    assert (finding.check, finding.file, finding.message) == (
        "CS-B002", path, "out of date: run `clearsight build` and commit the result")


def test_validate_reports_a_manifest_that_does_not_build(packed_catalog):
    write_manifest(packed_catalog, {"packs": {"good": {"rules": [{"rule": "NOT_A_RULE"}]}}})
    findings = validate(root=packed_catalog)
    assert [f.check for f in findings] == ["CS-B001"]
    assert "no rule 'NOT_A_RULE'" in findings[0].message and findings[0].file == packed_catalog / MANIFEST
