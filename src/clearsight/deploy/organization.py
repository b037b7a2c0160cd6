"""`clearsight deploy organization PACK --regions ...`: one pack across an AWS Organization.

Run from the management account or a delegated administrator, which also serves as the
tooling account that holds the rule Lambdas:

1. the organization's accounts (ACTIVE, minus --exclude-accounts and the caller);
2. per region, in the tooling account: the layer, the rule stacks (rdk), each function's
   resource policy letting AWS Config in every member account invoke it, and the documents,
   shared with every member account (Config runs a shared document by its ARN);
3. one service-managed StackSet (auto-deployed to new accounts) creating, in every member,
   the rule execution role that the central Lambdas assume (rdklib's ExecutionRoleName) and
   the remediation role the documents assume;
4. per region, the pack itself, with the custom rules switched to ExecutionRoleName:
   - without remediation: PutOrganizationConformancePack with ExcludedAccounts, then each
     account's status from GetOrganizationConformancePackDetailedStatus;
   - with remediation: AWS Config accepts only a literal AutomationAssumeRole ARN in a pack,
     and every member of an organization pack gets the same template, so one organization
     pack cannot name each member's own role. The remediation is kept by deploying the pack
     per account with a second service-managed StackSet whose template holds one
     AWS::Config::ConformancePack; CloudFormation resolves ${AWS::AccountId} inside the pack
     body, so Config receives, in each account, a literal ARN of that account's role.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import yaml
from botocore.exceptions import ClientError

from ..catalog import Catalog
from ..packs import lambda_name, partition
from .documents import deploy_documents, remediation_role_policies, remediation_trust
from .pack import INLINE_LIMIT, PLACEHOLDER_ACCOUNT, conformance_pack_name, placeholders, render
from .reporting_region import explain, unreported
from .rules import RuleOptions, deploy_rules, role_name
from .steps import Deployer, DeployError, InputError, absent

EXECUTION_ROLE = "clearsight-rule-execution"
ROLES_STACKSET = "clearsight-member-roles"
SHARE_BATCH = 20  # ModifyDocumentPermission takes at most 20 accounts a call
ACCOUNT_MARK = "000000000000"  # stands for ${AWS::AccountId} while the pack is rendered


@dataclass(frozen=True)
class Organization:
    management: str
    root: str
    members: list[str]


@dataclass
class OrgOutcome:
    organization: Organization
    rules: list = field(default_factory=list)
    packs: list = field(default_factory=list)  # {"region", "mechanism", "name", "accounts": [{account, status, reason}]}


def read_organization(deployer: Deployer, region: str, excluded: set[str]) -> Organization:
    try:
        organization = deployer.read("organizations", region, "DescribeOrganization")["Organization"]
    except ClientError as error:
        raise DeployError(f"cannot read the organization from account {deployer.account}: {error}; run from the "
                          "management account or a delegated administrator") from None
    if organization.get("FeatureSet") != "ALL":
        raise DeployError("the organization must have all features enabled for organization conformance packs "
                          "and service-managed StackSets")
    accounts = [account["Id"] for page in deployer.client("organizations", region).get_paginator(
        "list_accounts").paginate() for account in page["Accounts"] if account["Status"] == "ACTIVE"]
    unknown = sorted(excluded - set(accounts))
    if unknown:
        raise InputError(f"--exclude-accounts {', '.join(unknown)}: not ACTIVE accounts of this organization")
    root = deployer.read("organizations", region, "ListRoots")["Roots"][0]["Id"]
    members = sorted(set(accounts) - excluded - {deployer.account})
    return Organization(organization["MasterAccountId"], root, members)


def allow_config_invoke(deployer: Deployer, region: str, function: str, members: list[str]) -> None:
    """Config in each member account may invoke the central function (one statement per account)."""
    try:
        policy = json.loads(deployer.read("lambda", region, "GetPolicy", FunctionName=function)["Policy"])
        present = {statement.get("Sid") for statement in policy.get("Statement", [])}
    except ClientError as error:
        if not absent(error, "ResourceNotFoundException"):
            raise
        present = set()
    for account in members:
        sid = f"clearsight-config-{account}"
        if sid not in present:
            deployer.change("lambda", region, "AddPermission", FunctionName=function, StatementId=sid,
                            Action="lambda:InvokeFunction", Principal="config.amazonaws.com", SourceAccount=account)


def share_documents(deployer: Deployer, region: str, names: list[str], members: list[str]) -> None:
    for name in names:
        try:
            held = deployer.read("ssm", region, "DescribeDocumentPermission", Name=name, PermissionType="Share")
            shared = set(held.get("AccountIds", []))
        except ClientError as error:
            if not absent(error, "InvalidDocument"):
                raise
            shared = set()
        missing = [account for account in members if account not in shared]
        for start in range(0, len(missing), SHARE_BATCH):
            deployer.change("ssm", region, "ModifyDocumentPermission", Name=name, PermissionType="Share",
                            AccountIdsToAdd=missing[start:start + SHARE_BATCH])


def member_roles_template(catalog: Catalog, rules, tooling: str, region: str, remediation_role: str) -> dict:
    lambda_roles = [f"arn:{partition(region)}:iam::{tooling}:role/{role_name(rule.name)}" for rule in rules]
    statements = [dict(statement, Sid=f"{rule.name.replace('_', '')}{index}")
                  for rule in rules for index, statement in enumerate((rule.policy or {}).get("Statement", []))]
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "clearsight: the rule execution role (assumed by the central rule Lambdas) and the "
                       "remediation role (assumed by SSM Automation) in every member account",
        "Resources": {
            "RuleExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": EXECUTION_ROLE,
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": lambda_roles}, "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "rules", "PolicyDocument": {"Version": "2012-10-17",
                                                                         "Statement": statements}}]}},
            "RemediationRole": {"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": remediation_role,
                "AssumeRolePolicyDocument": {"Fn::Sub": json.dumps(remediation_trust("${AWS::AccountId}"))},
                "Policies": [{"PolicyName": name, "PolicyDocument": document}
                             for name, document in remediation_role_policies(catalog).items()]}},
        },
    }


def ensure_stackset(deployer: Deployer, region: str, name: str, template: dict, root: str, regions: list[str],
                    excluded: list[str]) -> None:
    """A service-managed StackSet with auto-deployment, its instances in every account under the root."""
    body = json.dumps(template, indent=1, sort_keys=True)
    if len(body.encode()) > INLINE_LIMIT:
        raise DeployError(f"StackSet {name}'s template is {len(body.encode()):,} bytes, over CloudFormation's 51,200 "
                          "inline limit; deploy fewer rules in this pack")
    try:
        held = deployer.read("cloudformation", region, "DescribeStackSet", StackSetName=name)["StackSet"]
    except ClientError as error:
        if not absent(error, "StackSetNotFoundException"):
            raise
        held = None
    if held is None:
        deployer.change("cloudformation", region, "CreateStackSet", StackSetName=name, TemplateBody=body,
                        Capabilities=["CAPABILITY_NAMED_IAM"], PermissionModel="SERVICE_MANAGED",
                        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
    elif json.loads(held.get("TemplateBody", "{}")) != template:
        deployer.change("cloudformation", region, "UpdateStackSet", StackSetName=name, TemplateBody=body,
                        Capabilities=["CAPABILITY_NAMED_IAM"], PermissionModel="SERVICE_MANAGED",
                        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
    targets = {"OrganizationalUnitIds": [root]}
    if excluded:
        targets.update(Accounts=sorted(excluded), AccountFilterType="DIFFERENCE")
    present = set()
    if held is not None:
        for page in deployer.client("cloudformation", region).get_paginator("list_stack_instances").paginate(
                StackSetName=name):
            present |= {summary["Region"] for summary in page["Summaries"]}
    missing = [r for r in regions if r not in present]
    if missing:
        started = deployer.change("cloudformation", region, "CreateStackInstances", StackSetName=name,
                                  DeploymentTargets=targets, Regions=missing,
                                  OperationPreferences={"FailureTolerancePercentage": 10, "MaxConcurrentPercentage": 25})
        if started:
            wait_for_operation(deployer, region, name, started["OperationId"])


def wait_for_operation(deployer: Deployer, region: str, name: str, operation: str, timeout: float = 3600,
                       interval: float = 15, sleep=time.sleep) -> str:
    """The StackSet operation's final status (its instances then say, per account, what failed)."""
    deadline = time.monotonic() + timeout
    while True:
        status = deployer.read("cloudformation", region, "DescribeStackSetOperation", StackSetName=name,
                               OperationId=operation)["StackSetOperation"]["Status"]
        if status not in ("RUNNING", "QUEUED", "STOPPING") or time.monotonic() >= deadline:
            return status
        sleep(interval)


def org_template(catalog: Catalog, manifest: dict, pack: str, tooling: str, region: str, documents: dict[str, str],
                 options: RuleOptions) -> dict:
    """The pack with central Lambda ARNs, rules assuming EXECUTION_ROLE, documents by their shared ARN."""
    template = render(catalog, manifest, pack, tooling, region, ACCOUNT_MARK, options.remediation_overrides)
    left = placeholders(catalog, template)
    if left:
        raise InputError(f"pack {pack}: remediation parameter(s) {', '.join(left)} still name the placeholder account "
                          f"{PLACEHOLDER_ACCOUNT}; give --remediation-parameter RULE.NAME=VALUE for each")
    for resource in template["Resources"].values():
        properties = resource["Properties"]
        if resource["Type"] == "AWS::Config::ConfigRule" and properties["Source"]["Owner"] == "CUSTOM_LAMBDA":
            parameters = properties.setdefault("InputParameters", {})
            parameters.update(AssumeRoleMode="true", ExecutionRoleName=EXECUTION_ROLE)
        if resource["Type"] == "AWS::Config::RemediationConfiguration":
            properties["TargetId"] = documents.get(properties["TargetId"], properties["TargetId"])
            properties["Parameters"]["AutomationAssumeRole"] = {"StaticValue": {"Values": [
                f"arn:{partition(region)}:iam::{ACCOUNT_MARK}:role/{options.remediation_role}"]}}
    return template


def has_remediation(template: dict) -> bool:
    return any(r["Type"] == "AWS::Config::RemediationConfiguration" for r in template["Resources"].values())


def per_account_pack_template(pack: str, body: str) -> dict:
    escaped = body.replace("${", "${!").replace(ACCOUNT_MARK, "${AWS::AccountId}")
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Description": f"clearsight: conformance pack {pack} in this account, with its remediation role",
            "Resources": {"Pack": {"Type": "AWS::Config::ConformancePack", "Properties": {
                "ConformancePackName": conformance_pack_name(pack), "TemplateBody": {"Fn::Sub": escaped}}}}}


def deploy_organization(deployer: Deployer, catalog: Catalog, manifest: dict, pack: str, regions: list[str],
                        excluded: set[str], options: RuleOptions, wait=None) -> OrgOutcome:
    home = regions[0]
    silent = unreported(render(catalog, manifest, pack, deployer.account, home, ACCOUNT_MARK,
                               options.remediation_overrides), regions)
    if silent:  # no region of the rollout would ever report these rules: refuse before any change
        raise InputError(f"pack {pack}: " + explain(silent, regions) + " (or add that region to --regions)")
    organization = read_organization(deployer, home, excluded)
    outcome = OrgOutcome(organization)
    if not organization.members:
        raise DeployError("no member account to deploy to (every account is excluded or is the caller)")
    custom = [catalog.rules[name] for name in _custom_rules(catalog, manifest, pack)]
    central = RuleOptions(options.layer_arn, options.remediation_role, with_remediation=False, profile=options.profile)
    for region in regions:
        outcome.rules += deploy_rules(deployer, catalog, custom, region, central)
        for rule in custom:
            allow_config_invoke(deployer, region, lambda_name(rule.name), organization.members)
        deploy_documents(deployer, catalog, region, options.remediation_role)
        share_documents(deployer, region, sorted(catalog.documents), organization.members)
    skipped = sorted(excluded | {deployer.account})  # the caller has its own roles (deploy documents, rules)
    ensure_stackset(deployer, home, ROLES_STACKSET,
                    member_roles_template(catalog, custom, deployer.account, home, options.remediation_role),
                    organization.root, [home], skipped)
    for region in regions:
        documents = {name: f"arn:{partition(region)}:ssm:{region}:{deployer.account}:document/{name}"
                     for name in catalog.documents}
        template = org_template(catalog, manifest, pack, deployer.account, region, documents, options)
        body = yaml.safe_dump(template, sort_keys=False, width=120)
        if has_remediation(template):
            ensure_stackset(deployer, region, f"clearsight-pack-{pack}-{region}",
                            per_account_pack_template(pack, body), organization.root, [region], skipped)
            outcome.packs.append({"region": region, "mechanism": "stackset", "name": f"clearsight-pack-{pack}-{region}",
                                  "accounts": _stack_instances(deployer, region, f"clearsight-pack-{pack}-{region}")})
        else:
            name = conformance_pack_name(pack)
            deployer.change("config", region, "PutOrganizationConformancePack", OrganizationConformancePackName=name,
                            TemplateBody=body, ExcludedAccounts=sorted(excluded | {deployer.account}))
            outcome.packs.append({"region": region, "mechanism": "organization-conformance-pack", "name": name,
                                  "accounts": [] if deployer.plan else wait_for_org_pack(deployer, region, name,
                                                                                         **(wait or {}))})
    return outcome


SUCCEEDED = ("CREATE_SUCCESSFUL", "UPDATE_SUCCESSFUL", "CURRENT")


def member_failed(entry: dict) -> bool:
    """An account whose pack (organization pack status, or StackSet instance status) did not succeed."""
    return entry["status"] not in SUCCEEDED


def _custom_rules(catalog: Catalog, manifest: dict, pack: str) -> list[str]:
    from ..packs import Builder

    return [entry["rule"] for _, entry in Builder(catalog, manifest).entries(pack) if "rule" in entry]


def _stack_instances(deployer: Deployer, region: str, name: str) -> list[dict]:
    if deployer.plan:
        return []
    return [{"account": s["Account"], "status": s["Status"], "reason": s.get("StatusReason", "")}
            for page in deployer.client("cloudformation", region).get_paginator("list_stack_instances").paginate(
                StackSetName=name) for s in page["Summaries"]]


def wait_for_org_pack(deployer: Deployer, region: str, name: str, timeout: float = 1800, interval: float = 15,
                      sleep=time.sleep) -> list[dict]:
    """Each member account's status, once none is in progress (or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        statuses, token = [], None
        while True:
            page = deployer.read("config", region, "GetOrganizationConformancePackDetailedStatus",
                                 OrganizationConformancePackName=name, **({"NextToken": token} if token else {}))
            statuses += page["OrganizationConformancePackDetailedStatuses"]
            token = page.get("NextToken")
            if not token:
                break
        pending = [s for s in statuses if s["Status"].endswith("IN_PROGRESS")]
        if (statuses and not pending) or time.monotonic() >= deadline:
            return [{"account": s["AccountId"], "status": s["Status"],
                     "reason": " ".join(filter(None, (s.get("ErrorCode"), s.get("ErrorMessage"))))} for s in statuses]
        sleep(interval)
