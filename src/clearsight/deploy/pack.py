"""`clearsight deploy pack PACK`: one account and region, rendered, put, and watched to the end.

The pack is rendered for the account (literal Lambda ARNs of the rules deployed there, the
account's remediation role), checked for leftover placeholders, sent inline when it fits
TemplateBody (51,200 bytes) and through S3 up to 300 KB otherwise, then watched until
CREATE_COMPLETE or CREATE_FAILED, with the reason AWS gives and the rules that were created.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import yaml
from botocore.exceptions import ClientError

from ..catalog import Catalog
from ..packs import Builder, BuildError, Options, logical_id
from .reporting_region import explain, unreported
from .steps import Deployer, DeployError, InputError

INLINE_LIMIT = 51_200
S3_LIMIT = 300 * 1024
PLACEHOLDER_ACCOUNT = "111122223333"


@dataclass(frozen=True)
class PackOutcome:
    pack: str
    region: str
    status: str  # CREATE_COMPLETE | CREATE_FAILED | planned | TIMED_OUT
    reason: str = ""
    rules_created: list = field(default_factory=list)
    rules_missing: list = field(default_factory=list)
    silent_here: str = ""  # account-level rules whose ReportingRegion is another region, and what to do

    def to_dict(self) -> dict:
        return {"pack": self.pack, "region": self.region, "status": self.status, "reason": self.reason,
                "rules_created": self.rules_created, "rules_missing": self.rules_missing,
                "silent_here": self.silent_here}


def conformance_pack_name(pack: str) -> str:
    return f"clearsight-{pack}"


def render(catalog: Catalog, manifest: dict, pack: str, lambda_account: str, region: str,
           remediation_account: str, overrides: dict | None = None) -> dict:
    """The pack's template for this account, with --remediation-parameter overrides applied."""
    try:
        text = Builder(catalog, manifest, Options(lambda_account, region, remediation_account)).build(pack)
    except BuildError as error:
        raise DeployError(str(error)) from None
    template = yaml.safe_load(text)
    for rule, values in (overrides or {}).items():
        resource = template["Resources"].get(remediation_id(rule), {})
        block = resource.get("Properties") if resource.get("Type") == "AWS::Config::RemediationConfiguration" else None
        if block is None:
            raise InputError(f"--remediation-parameter {rule}.*: pack {pack} has no remediation for {rule}")
        for name, value in values.items():
            if name not in block.get("Parameters", {}):
                raise InputError(f"--remediation-parameter {rule}.{name}: the document {block['TargetId']} takes "
                                  f"no such parameter here; it has {', '.join(block.get('Parameters', {}))}")
            block["Parameters"][name] = {"StaticValue": {"Values": [value]}}
    return template


def remediation_id(rule: str) -> str:
    """The logical id the builder gives a rule's RemediationConfiguration."""
    return logical_id(rule) + "Remediation"


def placeholders(catalog: Catalog, template: dict) -> list[str]:
    """'RULE.Parameter' for every remediation value still naming the placeholder account."""
    return [f"{rule}.{name}" for rule in sorted(catalog.rules)
            for name, spec in template["Resources"].get(remediation_id(rule), {}).get("Properties", {}).get(
                "Parameters", {}).items()
            if PLACEHOLDER_ACCOUNT in str(spec.get("StaticValue", ""))]


def template_source(deployer: Deployer, region: str, name: str, body: str, bucket: str | None) -> dict:
    """{'TemplateBody': ...} when it fits, else the body uploaded to S3 and {'TemplateS3Uri': ...}."""
    size = len(body.encode())
    if size <= INLINE_LIMIT:
        return {"TemplateBody": body}
    if size > S3_LIMIT:
        raise DeployError(f"pack {name} is {size:,} bytes: over the 300 KB a conformance pack template may be, "
                          "even from S3; split it in the manifest")
    if not bucket:
        raise InputError(f"pack {name} is {size:,} bytes, over TemplateBody's 51,200: give --template-bucket "
                          f"BUCKET (in {region}) to deploy it from S3")
    key = f"clearsight/{name}.yaml"
    deployer.change("s3", region, "PutObject", Bucket=bucket, Key=key, Body=body.encode())
    return {"TemplateS3Uri": f"s3://{bucket}/{key}"}


def wait_for_pack(deployer: Deployer, region: str, name: str, rules: list[str], timeout: float = 900,
                  interval: float = 10, sleep=time.sleep) -> PackOutcome:
    deadline = time.monotonic() + timeout
    while True:
        statuses = deployer.read("config", region, "DescribeConformancePackStatus",
                                 ConformancePackNames=[name])["ConformancePackStatusDetails"]
        status = statuses[0] if statuses else {"ConformancePackState": "CREATE_IN_PROGRESS"}
        state = status["ConformancePackState"]
        if state in ("CREATE_COMPLETE", "CREATE_FAILED") or time.monotonic() >= deadline:
            break
        sleep(interval)
    created = _rules_created(deployer, region, name)
    return PackOutcome(name, region, state if state in ("CREATE_COMPLETE", "CREATE_FAILED") else "TIMED_OUT",
                       status.get("ConformancePackStatusReason", ""), sorted(created),
                       sorted(set(rules) - set(created)))


def _rules_created(deployer: Deployer, region: str, name: str) -> list[str]:
    try:
        found, token = [], None
        while True:
            page = deployer.read("config", region, "DescribeConformancePackCompliance", ConformancePackName=name,
                                 **({"NextToken": token} if token else {}))
            found += [rule["ConfigRuleName"] for rule in page["ConformancePackRuleComplianceList"]]
            token = page.get("NextToken")
            if not token:
                return found
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchConformancePackException":
            return []
        raise


def rule_names(template: dict) -> list[str]:
    return [resource["Properties"]["ConfigRuleName"] for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Config::ConfigRule"]


def require_functions(deployer: Deployer, region: str, template: dict) -> None:
    """Config accepts a pack whose rule Lambda does not exist, then every evaluation fails: refuse it here."""
    for resource in template["Resources"].values():
        source = resource["Properties"].get("Source", {})
        if resource["Type"] != "AWS::Config::ConfigRule" or source.get("Owner") != "CUSTOM_LAMBDA":
            continue
        try:
            deployer.read("lambda", region, "GetFunction", FunctionName=source["SourceIdentifier"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            raise DeployError(f"the Lambda {source['SourceIdentifier']} of rule "
                              f"{resource['Properties']['ConfigRuleName']} does not exist; run `clearsight deploy "
                              "rules` in this account and region first") from None


def deploy_pack(deployer: Deployer, catalog: Catalog, manifest: dict, pack: str, region: str,
                overrides: dict | None = None, bucket: str | None = None, **wait) -> PackOutcome:
    template = render(catalog, manifest, pack, deployer.account, region, deployer.account, overrides)
    left = placeholders(catalog, template)
    if left:
        raise InputError(f"pack {pack}: remediation parameter(s) {', '.join(left)} still name the placeholder account "
                          f"{PLACEHOLDER_ACCOUNT}; give --remediation-parameter RULE.NAME=VALUE for each (or set "
                          "remediation: in conformance-packs/manifest/packs.yaml)")
    require_functions(deployer, region, template)
    name = conformance_pack_name(pack)
    body = yaml.safe_dump(template, sort_keys=False, width=120)
    deployer.change("config", region, "PutConformancePack", ConformancePackName=name,
                    **template_source(deployer, region, name, body, bucket))
    silent = unreported(template, [region])
    silent_here = explain(silent, [region]) if silent else ""
    if deployer.plan:
        return PackOutcome(name, region, "planned", rules_missing=[], silent_here=silent_here)
    return replace(wait_for_pack(deployer, region, name, rule_names(template), **wait), silent_here=silent_here)
