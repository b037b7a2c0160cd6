"""`clearsight deploy rules`: each rule through `rdk deploy` (rdk's own code), then checked.

Around rdk, clearsight does what rdk leaves to chance:
- the rule's Lambda gets a role with exactly the rule's `policy.json` (rdk's default role has
  ReadOnlyAccess and `sts:AssumeRole *`), and our pinned rdklib layer;
- the Remediation block is rendered for this account (the role ARN, the document's default
  version); a placeholder left in another static value is refused before anything is sent;
- the stack is checked after rdk returns, because rdk exits 0 on a rollback: a status other
  than CREATE_COMPLETE/UPDATE_COMPLETE fails the rule with the stack events that explain it;
- a digest of what was deployed is tagged on the function, so an unchanged rule is skipped.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from ..catalog import Catalog, Rule
from ..packs import lambda_name, partition
from .layer import ensure_layer
from .roles import ensure_role, trust_policy
from .steps import Deployer, DeployError, InputError, absent

PLACEHOLDER_ACCOUNT = "111122223333"
DIGEST_TAG = "clearsight:content-sha256"
GOOD_STATUSES = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
OPERATION_STARTS = ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS")
LOGS_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "WriteOwnLogs", "Effect": "Allow",
    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "arn:*:logs:*:*:log-group:/aws/lambda/RDK-Rule-Function-*"}]}


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    region: str
    action: str  # created | updated | unchanged | planned | failed
    stack: str
    detail: str = ""

    def to_dict(self) -> dict:
        return {"rule": self.rule, "region": self.region, "action": self.action, "stack": self.stack,
                "detail": self.detail}


@dataclass(frozen=True)
class RuleOptions:
    layer_arn: str | None = None
    remediation_role: str = "clearsight-remediation"
    remediation_overrides: dict | None = None  # {rule: {parameter: value}}
    with_remediation: bool = True
    profile: str | None = None


def stack_name(rule_name: str) -> str:
    return rule_name.replace("_", "")


def role_name(rule_name: str) -> str:
    return f"clearsight-rule-{stack_name(rule_name)}"[:64]


def code_bucket(account: str, region: str) -> str:
    return f"config-rule-code-bucket-{account}-{region}"  # rdk's name for it


def render_parameters(rule: Rule, role_arn: str, document_version: str | None, options: RuleOptions) -> dict:
    """parameters.json as deployed to this account; refuses placeholders nobody replaced."""
    rendered = copy.deepcopy(rule.parameters)
    block = rendered.get("Remediation")
    if block is None:
        return rendered
    if not options.with_remediation:
        del rendered["Remediation"]
        return rendered
    overrides = (options.remediation_overrides or {}).get(rule.name, {})
    parameters = block.setdefault("Parameters", {})
    parameters["AutomationAssumeRole"] = {"StaticValue": {"Values": [role_arn]}}
    for name, value in overrides.items():
        if name not in parameters:
            raise InputError(f"--remediation-parameter {rule.name}.{name}: the document {block.get('TargetId')} "
                              f"takes no such parameter in the Remediation block; it has {', '.join(parameters)}")
        parameters[name] = {"StaticValue": {"Values": [value]}}
    placeholders = [name for name, spec in parameters.items()
                    if PLACEHOLDER_ACCOUNT in json.dumps(spec.get("StaticValue", {}))]
    if placeholders:
        raise InputError(
            f"{rule.parameters_path}: Remediation parameter(s) {', '.join(placeholders)} still name the placeholder "
            f"account {PLACEHOLDER_ACCOUNT}; give --remediation-parameter {rule.name}.{placeholders[0]}=VALUE, "
            "or --without-remediation")
    if document_version:
        block["TargetVersion"] = document_version
    return rendered


def _copy_rule(rule: Rule, parameters: dict, into: Path) -> Path:
    """The rule directory as rdk zips it (symlinks followed), with the rendered parameters.json."""
    target = into / rule.name
    shutil.copytree(rule.directory, target, symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.zip"))
    document = json.loads(rule.parameters_path.read_text())
    document["Parameters"] = parameters
    (target / "parameters.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return target


def digest(directory: Path, *extra: str) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        sha.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for item in extra:
        sha.update(item.encode() + b"\0")
    return sha.hexdigest()


def _document_version(deployer: Deployer, region: str, rule: Rule, options: RuleOptions) -> str | None:
    if not rule.document_name or not options.with_remediation:
        return None
    try:
        return deployer.read("ssm", region, "DescribeDocument", Name=rule.document_name)["Document"]["DefaultVersion"]
    except ClientError as error:
        if absent(error, "InvalidDocument"):
            raise DeployError(f"{rule.name}: its remediation document {rule.document_name} is not in {region}; run "
                              "`clearsight deploy documents` first, or give --without-remediation") from None
        raise


def _deployed(deployer: Deployer, region: str, rule: Rule) -> tuple[bool, str | None]:
    """(whether the rule's stack exists, the digest tagged on its function when the stack is good)."""
    try:
        stack = deployer.read("cloudformation", region, "DescribeStacks", StackName=stack_name(rule.name))["Stacks"][0]
    except ClientError as error:
        if absent(error, "ValidationError"):
            return False, None
        raise
    try:
        function = deployer.read("lambda", region, "GetFunction", FunctionName=lambda_name(rule.name))
    except ClientError as error:
        if absent(error, "ResourceNotFoundException"):
            return True, None
        raise
    good = stack["StackStatus"] in GOOD_STATUSES
    return True, (function.get("Tags") or {}).get(DIGEST_TAG) if good else None


def ensure_code_bucket(deployer: Deployer, region: str) -> str:
    name = code_bucket(deployer.account, region)
    try:
        deployer.read("s3", region, "HeadBucket", Bucket=name)
        return name
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    deployer.change("s3", region, "CreateBucket", Bucket=name, **location)
    deployer.change("s3", region, "PutPublicAccessBlock", Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    return name


def stack_failure(deployer: Deployer, region: str, stack: str) -> str | None:
    """None when the stack is deployed; else its status and the reasons of its last operation's failures."""
    described = deployer.read("cloudformation", region, "DescribeStacks", StackName=stack)["Stacks"][0]
    status = described["StackStatus"]
    if status in GOOD_STATUSES:
        return None
    reasons = []
    for event in deployer.read("cloudformation", region, "DescribeStackEvents", StackName=stack)["StackEvents"]:
        if event["LogicalResourceId"] == stack and event["ResourceStatus"] in OPERATION_STARTS:
            break  # newest first: this is where the last operation began
        if event.get("ResourceStatusReason") and "FAILED" in event["ResourceStatus"]:
            reasons.append(f"{event['LogicalResourceId']} {event['ResourceStatus']}: {event['ResourceStatusReason']}")
    reason = described.get("StackStatusReason")
    return f"stack {stack} is {status}" + (f" ({reason})" if reason else "") + (
        "; " + "; ".join(reversed(reasons)) if reasons else "")


def run_rdk(rule_dir: Path, rule_name: str, region: str, layer_arn: str, role_arn: str, profile: str | None) -> int:
    """`rdk deploy RULE` in-process; what rdk prints goes to stderr (stdout is the report)."""
    from rdk import rdk

    arguments = (["-p", profile] if profile else []) + ["-r", region, "deploy", rule_name,
                                                         "--rdklib-layer-arn", layer_arn, "--lambda-role-arn", role_arn]
    parsed = rdk.get_command_parser().parse_args(arguments)
    here = os.getcwd()
    os.chdir(rule_dir.parent)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            code = rdk.rdk(parsed).process_command()
    except SystemExit as stop:
        code = stop.code
    finally:
        os.chdir(here)
    return int(code or 0)


def deploy_rule(deployer: Deployer, rule: Rule, parameters: dict, region: str, layer_arn: str,
                options: RuleOptions) -> RuleOutcome:
    stack = stack_name(rule.name)
    role_arn = ensure_role(deployer, region, role_name(rule.name), trust_policy({"Service": "lambda.amazonaws.com"}),
                           {"rule": rule.policy, "logs": LOGS_POLICY}, f"clearsight rule {rule.name} (Lambda)")
    with tempfile.TemporaryDirectory(prefix="clearsight-deploy-") as scratch:
        rule_dir = _copy_rule(rule, parameters, Path(scratch))
        wanted = digest(rule_dir, layer_arn, role_arn, region)
        exists, held = _deployed(deployer, region, rule)
        if held == wanted:
            return RuleOutcome(rule.name, region, "unchanged", stack)
        deployer.note(region, "rdk", "deploy", Rule=rule.name, StackName=stack, FunctionName=lambda_name(rule.name),
                      RdklibLayerArn=layer_arn, LambdaRoleArn=role_arn, Digest=wanted)
        if deployer.plan:
            return RuleOutcome(rule.name, region, "planned", stack)
        code = run_rdk(rule_dir, rule.name, region, layer_arn, role_arn, options.profile)
    failure = stack_failure(deployer, region, stack)
    if failure or code:
        return RuleOutcome(rule.name, region, "failed", stack, failure or f"rdk deploy exited {code}")
    function_arn = deployer.read("lambda", region, "GetFunction", FunctionName=lambda_name(rule.name))[
        "Configuration"]["FunctionArn"]
    deployer.change("lambda", region, "TagResource", Resource=function_arn, Tags={DIGEST_TAG: wanted})
    return RuleOutcome(rule.name, region, "updated" if exists else "created", stack)


def deploy_rules(deployer: Deployer, catalog: Catalog, rules: list[Rule], region: str,
                 options: RuleOptions) -> list[RuleOutcome]:
    """Every rule's parameters are rendered (and refused) before the first change is sent."""
    missing = [str(rule.policy_path) for rule in rules if rule.policy is None]
    if missing:
        raise InputError(f"no least-privilege policy for the rule Lambda: {', '.join(missing)}")
    remediation_role = f"arn:{partition(region)}:iam::{deployer.account}:role/{options.remediation_role}"
    rendered = [(rule, render_parameters(rule, remediation_role, _document_version(deployer, region, rule, options),
                                         options)) for rule in rules]
    layer_arn = options.layer_arn or ensure_layer(deployer, region)
    ensure_code_bucket(deployer, region)
    return [deploy_rule(deployer, rule, parameters, region, layer_arn, options) for rule, parameters in rendered]
