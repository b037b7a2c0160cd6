"""`deploy pack`: PutConformancePack and its status, which moto lacks, through botocore's Stubber."""
import boto3
import pytest
import yaml
from botocore.stub import ANY, Stubber

from clearsight.catalog import load_catalog
from clearsight.deploy import Deployer, InputError
from clearsight.deploy.pack import INLINE_LIMIT, deploy_pack, template_source
from clearsight.packs import load_manifest
from tests.deploy.placeholders import MANAGED_ONLY, pack_rules, placeholder_values

ACCOUNT = "123456789012"
REGION = "eu-west-1"


@pytest.fixture
def catalog():
    return load_catalog()


def stubbed(service, plan=False):
    session = boto3.Session(region_name=REGION)
    deployer = Deployer(session, ACCOUNT, plan)
    client = deployer.client(service, REGION)
    return deployer, Stubber(client)


def status(state, reason=None):
    detail = {"ConformancePackName": "clearsight-managed-only", "ConformancePackId": "id",
              "ConformancePackArn": f"arn:aws:config:{REGION}:{ACCOUNT}:conformance-pack/clearsight-managed-only/id",
              "ConformancePackState": state, "StackArn": "arn:aws:cloudformation:eu-west-1:123456789012:stack/x/y",
              "LastUpdateRequestedTime": "2026-11-29T00:00:00Z"}
    if reason:
        detail["ConformancePackStatusReason"] = reason
    return {"ConformancePackStatusDetails": [detail]}


def compliance(*rules):
    return {"ConformancePackName": "clearsight-managed-only",
            "ConformancePackRuleComplianceList": [{"ConfigRuleName": r, "ComplianceType": "COMPLIANT"} for r in rules]}


def managed_only(catalog):
    return dict(load_manifest(catalog.root), packs={"managed-only": MANAGED_ONLY})


def test_pack_is_put_and_watched_until_complete(catalog):
    deployer, stub = stubbed("config")
    stub.add_response("put_conformance_pack", {"ConformancePackArn": "arn"},
                      {"ConformancePackName": "clearsight-managed-only", "TemplateBody": ANY})
    stub.add_response("describe_conformance_pack_status", status("CREATE_IN_PROGRESS"),
                      {"ConformancePackNames": ["clearsight-managed-only"]})
    stub.add_response("describe_conformance_pack_status", status("CREATE_COMPLETE"),
                      {"ConformancePackNames": ["clearsight-managed-only"]})
    stub.add_response("describe_conformance_pack_compliance",
                      compliance("root-account-hardware-mfa-enabled", "iam-root-access-key-check"),
                      {"ConformancePackName": "clearsight-managed-only"})
    sleeps = []
    with stub:
        outcome = deploy_pack(deployer, catalog, managed_only(catalog), "managed-only", REGION, sleep=sleeps.append)
    stub.assert_no_pending_responses()
    assert outcome.status == "CREATE_COMPLETE" and outcome.rules_missing == [] and len(sleeps) == 1
    body = yaml.safe_load(deployer.steps[0].parameters["TemplateBody"])
    assert {r["Type"] for r in body["Resources"].values()} == {"AWS::Config::ConfigRule"}


def test_a_failed_pack_reports_the_reason_and_the_rules_not_created(catalog):
    deployer, stub = stubbed("config")
    stub.add_response("put_conformance_pack", {"ConformancePackArn": "arn"}, None)
    stub.add_response("describe_conformance_pack_status", status(
        "CREATE_FAILED", "Failure in config rule 'iam-root-access-key-check' with error: Insufficient permissions"),
        None)
    stub.add_response("describe_conformance_pack_compliance", compliance("root-account-hardware-mfa-enabled"), None)
    with stub:
        outcome = deploy_pack(deployer, catalog, managed_only(catalog), "managed-only", REGION, sleep=None)
    assert outcome.status == "CREATE_FAILED"
    assert "iam-root-access-key-check" in outcome.reason
    assert outcome.rules_missing == ["iam-root-access-key-check"]


def test_placeholders_are_refused_before_any_call(catalog):
    deployer, stub = stubbed("config")
    with stub, pytest.raises(InputError, match="KmsKeyArn.*--remediation-parameter"):
        deploy_pack(deployer, catalog, load_manifest(catalog.root), "encryption", REGION)
    assert deployer.steps == []


def test_overrides_fill_the_placeholders_and_name_unknown_parameters(catalog):
    deployer, stub = stubbed("lambda", plan=True)
    for _ in pack_rules("encryption"):  # the pack's custom rules: their functions exist
        stub.add_response("get_function", {"Configuration": {"FunctionName": "f"}}, None)
    overrides = placeholder_values("encryption")
    with stub:
        outcome = deploy_pack(deployer, catalog, load_manifest(catalog.root), "encryption", REGION, overrides)
    assert outcome.status == "planned"
    body = deployer.steps[0].parameters["TemplateBody"]
    assert "111122223333" not in body and f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation" in body
    with pytest.raises(InputError, match="NoSuchParameter"):
        deploy_pack(deployer, catalog, load_manifest(catalog.root), "encryption", REGION,
                    {"S3_BUCKET_KMS_ENCRYPTION": {"NoSuchParameter": "x"}})


def test_a_large_template_goes_through_s3_and_a_huge_one_is_refused():
    deployer, stub = stubbed("s3")
    body = "#" * (INLINE_LIMIT + 1)
    stub.add_response("put_object", {}, {"Bucket": "packs", "Key": "clearsight/clearsight-x.yaml", "Body": ANY})
    with stub:
        assert template_source(deployer, REGION, "clearsight-x", body, "packs") == {
            "TemplateS3Uri": "s3://packs/clearsight/clearsight-x.yaml"}
    with pytest.raises(InputError, match="--template-bucket"):
        template_source(deployer, REGION, "clearsight-x", body, None)
    with pytest.raises(Exception, match="300 KB"):
        template_source(deployer, REGION, "clearsight-x", "#" * 400_000, "packs")


def test_a_pack_whose_rule_lambdas_are_missing_is_refused(catalog):
    deployer, stub = stubbed("lambda")
    stub.add_client_error("get_function", "ResourceNotFoundException", http_status_code=404)
    overrides = placeholder_values("encryption")
    with stub, pytest.raises(Exception, match="RDK-Rule-Function-S3BUCKETKMSENCRYPTION.*deploy rules"):
        deploy_pack(deployer, catalog, load_manifest(catalog.root), "encryption", REGION, overrides)
    assert deployer.steps == []


def _planned(catalog, manifest, pack, region):
    """deploy_pack --plan in region, each custom rule's Lambda found."""
    deployer, stub = stubbed("lambda", plan=True)
    for _ in pack_rules(pack):
        stub.add_response("get_function", {})
    with stub:
        return deploy_pack(deployer, catalog, manifest, pack, region, placeholder_values(pack))


def test_a_pack_deployed_outside_its_reporting_region_says_which_rules_stay_silent(catalog):
    outcome = _planned(catalog, load_manifest(catalog.root), "root-account", REGION)
    assert outcome.status == "planned"
    said = outcome.silent_here
    assert "clearsight-root-account-mfa-enabled, clearsight-root-account-unused report only from ReportingRegion " \
           f"us-east-1, which this deployment ({REGION}) leaves out" in said
    assert "deploy the pack in us-east-1 too" in said and "ReportingRegion" in said


def test_a_pack_whose_reporting_region_is_here_is_not_silent(catalog):
    manifest = load_manifest(catalog.root)
    for entry in manifest["packs"]["root-account"]["rules"]:
        entry.setdefault("parameters", {})["ReportingRegion"] = REGION
    assert _planned(catalog, manifest, "root-account", REGION).silent_here == ""
