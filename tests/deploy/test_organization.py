"""`deploy organization`: the plan against a three-account moto organization, the remediation
kept per account, and member statuses (which moto lacks) through botocore's Stubber."""
import json
import re

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from clearsight.catalog import load_catalog
from clearsight.deploy import Deployer
from clearsight.deploy.organization import (EXECUTION_ROLE, org_template, per_account_pack_template,
                                            wait_for_org_pack)
from clearsight.deploy.rules import RuleOptions
from clearsight.packs import load_manifest
from tests.deploy.placeholders import placeholder_arguments, placeholder_values, with_managed_only_pack
from tests.deploy.test_cli_single_account import copied_root  # noqa: F401  (fixture)
from tests.test_cli_scan import clearsight

OVERRIDES = placeholder_arguments("security-visibility")


@pytest.fixture
def organization(server):
    org = server.session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(Email=f"{n}@example.com", AccountName=n)["CreateAccountStatus"]["AccountId"]
               for n in ("audit", "workload")]
    return sorted(members)


def inventory(session):
    """Everything a deployment could create, as the server holds it."""
    return {
        "stacks": session.client("cloudformation").describe_stacks()["Stacks"],
        "stacksets": session.client("cloudformation").list_stack_sets()["Summaries"],
        "functions": session.client("lambda").list_functions()["Functions"],
        "layers": session.client("lambda").list_layers()["Layers"],
        "documents": [d for page in session.client("ssm").get_paginator("list_documents").paginate(
            Filters=[{"Key": "Owner", "Values": ["Self"]}]) for d in page["DocumentIdentifiers"]],
        "roles": [r["RoleName"] for r in session.client("iam").list_roles()["Roles"]],
        "buckets": session.client("s3").list_buckets()["Buckets"],
    }


def test_plan_is_complete_ordered_and_changes_nothing(server, organization):
    before = inventory(server.session)
    done = clearsight("deploy", "organization", "security-visibility", "--regions", "us-east-1,eu-west-1",
                      "--plan", "--format", "json", *OVERRIDES)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["plan"] is True
    steps = report["steps"]
    assert all(set(step) == {"account", "region", "service", "operation", "parameters"} for step in steps)
    assert inventory(server.session) == before, "a plan must send no change"

    custom = [entry["rule"] for entry in _pack_rules("security-visibility")]
    calls = [(s["region"], s["service"], s["operation"]) for s in steps]
    for region in ("us-east-1", "eu-west-1"):
        assert (region, "lambda", "PublishLayerVersion") in calls
        assert (region, "s3", "CreateBucket") in calls
        deploys = [s["parameters"]["Rule"] for s in steps if s["region"] == region and s["operation"] == "deploy"]
        assert sorted(deploys) == sorted(custom)
        grants = {(s["parameters"]["FunctionName"], s["parameters"]["SourceAccount"])
                  for s in steps if s["region"] == region and s["operation"] == "AddPermission"}
        assert len(grants) == len(custom) * len(organization)
        shared = [s for s in steps if s["region"] == region and s["operation"] == "ModifyDocumentPermission"]
        assert len(shared) == len(load_catalog().documents)
        assert all(sorted(s["parameters"]["AccountIdsToAdd"]) == organization for s in shared)
    stacksets = [s["parameters"]["StackSetName"] for s in steps if s["operation"] == "CreateStackSet"]
    assert stacksets == ["clearsight-member-roles", "clearsight-pack-security-visibility-us-east-1",
                         "clearsight-pack-security-visibility-eu-west-1"]
    order = [s["operation"] for s in steps]
    assert order.index("CreateStackSet") > max(i for i, op in enumerate(order) if op == "deploy")
    assert all(o != "PutOrganizationConformancePack" for o in order)  # this pack has remediation


def test_a_pack_without_remediation_is_an_organization_conformance_pack(server, organization, copied_root):
    with_managed_only_pack(copied_root)
    done = clearsight("--root", str(copied_root), "deploy", "organization", "managed-only", "--regions", "us-east-1,eu-west-1",
                      "--exclude-accounts", organization[0], "--plan", "--format", "json")
    assert done.returncode == 0, done.stderr
    puts = [s for s in json.loads(done.stdout)["steps"] if s["operation"] == "PutOrganizationConformancePack"]
    assert [s["region"] for s in puts] == ["us-east-1", "eu-west-1"]
    assert all(s["parameters"]["ExcludedAccounts"] == sorted([organization[0], "123456789012"]) for s in puts)


def test_an_account_outside_the_organization_cannot_be_excluded(server, organization):
    done = clearsight("deploy", "organization", "root-account", "--regions", "us-east-1",
                      "--exclude-accounts", "999999999999", "--plan")
    assert done.returncode == 2 and "999999999999" in done.stderr


def test_remediation_is_kept_with_each_accounts_own_role():
    catalog = load_catalog()
    options = RuleOptions(remediation_overrides=placeholder_values("security-visibility"))
    documents = {name: f"arn:aws:ssm:us-east-1:123456789012:document/{name}" for name in catalog.documents}
    template = org_template(catalog, load_manifest(catalog.root), "security-visibility", "123456789012", "us-east-1",
                            documents, options)
    outer = per_account_pack_template("security-visibility", yaml.safe_dump(template, sort_keys=False))
    body = outer["Resources"]["Pack"]["Properties"]["TemplateBody"]["Fn::Sub"]
    # CloudFormation resolves ${AWS::AccountId} per account; Config then reads a literal ARN
    resolved = yaml.safe_load(re.sub(r"\$\{AWS::AccountId\}", "210987654321", body).replace("${!", "${"))
    remediations = [r["Properties"] for r in resolved["Resources"].values()
                    if r["Type"] == "AWS::Config::RemediationConfiguration"]
    assert remediations, "the remediation blocks stay in the pack"
    for block in remediations:
        assert block["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"] == [
            "arn:aws:iam::210987654321:role/clearsight-remediation"]
        assert block["TargetId"].startswith("arn:aws:ssm:us-east-1:123456789012:document/Clearsight-")
    custom = [r["Properties"] for r in resolved["Resources"].values()
              if r["Type"] == "AWS::Config::ConfigRule" and r["Properties"]["Source"]["Owner"] == "CUSTOM_LAMBDA"]
    assert custom and all(rule["InputParameters"]["ExecutionRoleName"] == EXECUTION_ROLE
                          and rule["InputParameters"]["AssumeRoleMode"] == "true" for rule in custom)
    assert all(":123456789012:function:RDK-Rule-Function-" in rule["Source"]["SourceIdentifier"] for rule in custom)


def test_member_statuses_are_read_across_pages():
    deployer = Deployer(boto3.Session(region_name="us-east-1"), "123456789012")
    stub = Stubber(deployer.client("config", "us-east-1"))

    def page(statuses, token=None):
        response = {"OrganizationConformancePackDetailedStatuses": [
            {"AccountId": account, "ConformancePackName": "clearsight-root-account", "Status": status,
             **({"ErrorCode": "AccessDenied", "ErrorMessage": "recorder missing"} if status == "CREATE_FAILED" else {})}
            for account, status in statuses]}
        return dict(response, NextToken=token) if token else response

    stub.add_response("get_organization_conformance_pack_detailed_status",
                      page([("111111111111", "CREATE_IN_PROGRESS")], "t"), None)
    stub.add_response("get_organization_conformance_pack_detailed_status",
                      page([("222222222222", "CREATE_SUCCESSFUL")]), None)
    stub.add_response("get_organization_conformance_pack_detailed_status",
                      page([("111111111111", "CREATE_FAILED")], "t"), None)
    stub.add_response("get_organization_conformance_pack_detailed_status",
                      page([("222222222222", "CREATE_SUCCESSFUL")]), None)
    sleeps = []
    with stub:
        statuses = wait_for_org_pack(deployer, "us-east-1", "clearsight-root-account", sleep=sleeps.append)
    assert len(sleeps) == 1
    assert statuses == [{"account": "111111111111", "status": "CREATE_FAILED", "reason": "AccessDenied recorder missing"},
                        {"account": "222222222222", "status": "CREATE_SUCCESSFUL", "reason": ""}]


def _pack_rules(pack):
    from clearsight.packs import Builder

    catalog = load_catalog()
    return [entry for _, entry in Builder(catalog, load_manifest(catalog.root)).entries(pack) if "rule" in entry]


def test_a_rollout_that_leaves_out_the_reporting_region_is_refused_before_any_call(server, organization):
    before = inventory(server.session)
    done = clearsight("deploy", "organization", "root-account", "--regions", "eu-west-1,eu-central-1",
                      *placeholder_arguments("root-account"))
    assert done.returncode == 2 and done.stdout == ""
    message = " ".join(done.stderr.split())
    assert "clearsight-root-account-mfa-enabled, clearsight-root-account-unused report only from ReportingRegion " \
           "us-east-1, which this deployment (eu-west-1, eu-central-1) leaves out" in message
    assert "add that region to --regions" in message
    assert inventory(server.session) == before
