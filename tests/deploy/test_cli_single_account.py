"""`clearsight deploy layer|documents|rules|pack` as users run them: a subprocess against a loopback moto account."""
import json
import shutil
from pathlib import Path

import pytest
from moto.cloudformation.models import Stack

from clearsight.catalog import load_catalog
from clearsight.packs import lambda_name
from tests.deploy.placeholders import pack_rules, placeholder_arguments
from tests.test_cli_scan import clearsight

PLACEHOLDERS = placeholder_arguments()


def deploy(*args):
    done = clearsight("deploy", *args, "--format", "json")
    return done, (json.loads(done.stdout) if done.stdout.strip() else None)


def operations(report):
    return [(step["service"], step["operation"]) for step in report["steps"]]


@pytest.fixture
def copied_root(tmp_path):
    """A copy of this checkout's catalog, to change a document without touching the repository."""
    root = Path(load_catalog().root)
    for part in ("rules", "remediation-documents", "conformance-packs"):
        shutil.copytree(root / part, tmp_path / part, symlinks=True)
    return tmp_path


def test_documents_are_created_then_left_alone_then_versioned_on_change(server, copied_root):
    done, first = deploy("documents", "--region", "us-east-1")
    assert done.returncode == 0, done.stderr
    catalog = load_catalog()
    assert [d["action"] for d in first["documents"]] == ["created"] * len(catalog.documents)
    assert ("iam", "CreateRole") in operations(first)
    ssm, iam = server.session.client("ssm"), server.session.client("iam")
    pages = ssm.get_paginator("list_documents").paginate(Filters=[{"Key": "Owner", "Values": ["Self"]}])
    assert {d["Name"] for page in pages for d in page["DocumentIdentifiers"]} == set(catalog.documents)
    held = iam.get_role_policy(RoleName="clearsight-remediation", PolicyName="Clearsight-S3EnableKmsEncryption")
    assert held["PolicyDocument"] == catalog.documents["Clearsight-S3EnableKmsEncryption"].policy

    done, second = deploy("documents", "--region", "us-east-1")
    assert done.returncode == 0 and second["steps"] == []
    assert {d["action"] for d in second["documents"]} == {"unchanged"}

    document = copied_root / "remediation-documents" / "Clearsight-S3EnableKmsEncryption.yaml"
    document.write_text(document.read_text() + "# a changed document\n")
    done = clearsight("--root", str(copied_root), "deploy", "documents", "--region", "us-east-1", "--format", "json")
    assert done.returncode == 0, done.stderr
    third = json.loads(done.stdout)
    assert operations(third) == [("ssm", "UpdateDocument"), ("ssm", "UpdateDocumentDefaultVersion")]
    described = ssm.describe_document(Name="Clearsight-S3EnableKmsEncryption")["Document"]
    assert described["DefaultVersion"] == "2"


def test_rules_deploy_stacks_and_functions_then_change_nothing(server):
    deploy("documents", "--region", "us-east-1")
    done, first = deploy("rules", "--region", "us-east-1", *PLACEHOLDERS)
    assert done.returncode == 0, done.stderr
    catalog = load_catalog()
    assert {r["rule"]: r["action"] for r in first["rules"]} == {name: "created" for name in catalog.rules}
    assert operations(first)[:3] == [("lambda", "PublishLayerVersion"), ("s3", "CreateBucket"),
                                     ("s3", "PutPublicAccessBlock")]
    cfn, lam, iam = (server.session.client(s) for s in ("cloudformation", "lambda", "iam"))
    stacks = {s["StackName"]: s for s in cfn.describe_stacks()["Stacks"]}
    for name, rule in catalog.rules.items():
        stack = stacks[name.replace("_", "")]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        layers = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}["Layers"]
        assert layers.split(":")[-2] == "clearsight-rdklib"  # moto's Lambda does not show it; the stack does
        function = lam.get_function(FunctionName="RDK-Rule-Function-" + name.replace("_", ""))["Configuration"]
        role = function["Role"].split("/")[-1]
        assert iam.get_role_policy(RoleName=role, PolicyName="rule")["PolicyDocument"] == rule.policy
    assert not list(Path(catalog.root, "rules").glob("*/*.zip")), "rdk's zip must not be left in the checkout"

    done, second = deploy("rules", "--region", "us-east-1", *PLACEHOLDERS)
    assert done.returncode == 0 and second["steps"] == []
    assert {r["action"] for r in second["rules"]} == {"unchanged"}


def test_a_placeholder_is_refused_before_anything_is_sent(server):
    deploy("documents", "--region", "us-east-1")
    done, report = deploy("rules", "--region", "us-east-1")
    assert done.returncode == 2 and report is None
    assert "111122223333" in done.stderr and "--remediation-parameter" in done.stderr
    assert server.session.client("cloudformation").describe_stacks()["Stacks"] == []
    assert server.session.client("lambda").list_layers()["Layers"] == []


def test_rules_need_their_documents_deployed_first(server):
    done, _ = deploy("rules", "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "--region", "us-east-1")
    assert done.returncode == 1
    assert "deploy documents" in done.stderr


def test_a_stack_that_rolls_back_fails_the_command_with_its_reason(server, monkeypatch):
    def roll_back(stack):
        stack.status = "ROLLBACK_COMPLETE"
        stack._add_stack_event("CREATE_FAILED", resource_status_reason="Resource handler returned message: "
                               "\"The role defined for the function cannot be assumed by Lambda.\"")

    monkeypatch.setattr(Stack, "mark_creation_complete", roll_back)  # the server runs in this process
    deploy("documents", "--region", "us-east-1")
    done, report = deploy("rules", "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", "--region", "us-east-1")
    assert done.returncode == 1, done.stderr
    (outcome,) = report["rules"]
    assert outcome["action"] == "failed"
    assert "ROLLBACK_COMPLETE" in outcome["detail"] and "cannot be assumed by Lambda" in outcome["detail"]


def test_layer_is_published_once(server):
    done, first = deploy("layer", "--region", "us-east-1,eu-west-1")
    assert done.returncode == 0, done.stderr
    assert operations(first) == [("lambda", "PublishLayerVersion")] * 2
    done, second = deploy("layer", "--region", "us-east-1", "--region", "eu-west-1")
    assert second["steps"] == [] and [l["arn"] for l in second["layers"]] == [l["arn"] for l in first["layers"]]


def test_plan_sends_no_change(server):
    done = clearsight("deploy", "rules", "--region", "us-east-1", "--plan", "--without-remediation")
    assert done.returncode == 0, done.stderr
    assert "Plan: calls a deployment would make" in done.stdout and "rdk deploy" in done.stdout
    assert server.session.client("lambda").list_layers()["Layers"] == []
    assert server.session.client("s3").list_buckets()["Buckets"] == []


@pytest.mark.parametrize("args", [["rules", "NOPE", "--region", "us-east-1"], ["layer", "--region", "mars-1"],
                                  ["pack", "nope", "--region", "us-east-1"],
                                  ["organization", "root-account", "--regions", "us-east-1",
                                   "--exclude-accounts", "12"]])
def test_usage_errors_exit_2(server, args):
    done = clearsight("deploy", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""


def _functions_for(server, pack, region):
    """The rule Lambdas `deploy pack` requires, as `deploy rules` would have left them."""
    role = server.session.client("iam").create_role(RoleName="rule-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client = server.session.client("lambda", region_name=region)
    for rule in sorted(pack_rules(pack)):
        client.create_function(FunctionName=lambda_name(rule), Runtime="python3.12", Role=role, Handler="x.handler",
                               Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18})


def test_a_pack_planned_outside_its_reporting_region_warns_on_stderr_only(server):
    _functions_for(server, "root-account", "eu-west-1")
    done = clearsight("deploy", "pack", "root-account", "--region", "eu-west-1", "--plan",
                      *placeholder_arguments("root-account"))
    assert done.returncode == 0, done.stderr
    warning = " ".join(done.stderr.split())
    assert warning.startswith("Warning: clearsight-root-account-mfa-enabled, clearsight-root-account-unused report only "
                              "from ReportingRegion us-east-1, which this deployment (eu-west-1) leaves out")
    assert "PutConformancePack" in done.stdout and "ReportingRegion" not in done.stdout
