"""Remediate one resource as AWS Config would, then ask the rule again.

AWS Config starts the rule's paired document with the Remediation block's parameters: static
values as written, RESOURCE_ID replaced by the non-compliant resource's id. clearsight does the
same with the local Automation engine, then re-evaluates the rule, so the user sees
before -> after for that resource. Both evaluations run in the resource's region (for a
bucket, S3 says where it is), since a rule only sweeps its own region. A dry run changes
nothing, so it has no "after": it says which calls a real run would make.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from botocore.exceptions import ClientError

from .automation import Execution, load_document, run_document
from .automation.awsapi import is_read_only
from .catalog import Catalog, Rule
from .evaluate import Evaluation, EvaluationError, account_of, evaluate_periodic


PLACEHOLDER_ACCOUNT = "111122223333"  # the account the shipped Remediation blocks' ARNs name
BUCKET = "AWS::S3::Bucket"


class RemediationError(Exception):
    """The rule cannot be remediated as asked; the message says why and what to do."""


def would_change(execution: Execution) -> list[tuple[str, str, dict]]:
    """The changing calls of a run: for a dry run, what was resolved and not sent."""
    return [(service, operation, params) for service, operation, params in execution.api_calls if not is_read_only(operation)]


@dataclass
class Remediation:
    rule: str
    resource_id: str
    document: str
    region: str
    before: Evaluation | EvaluationError | None
    execution: Execution
    after: Evaluation | EvaluationError | None  # None for a dry or cancelled run, or when the rule did not report it

    @property
    def fixed(self) -> bool:
        return self.execution.status == "Success" and getattr(self.after, "compliance", None) == "COMPLIANT"

    @property
    def unreported_reason(self) -> str:
        """Why a state is 'not reported': the rule's sweep of this region did not include the resource."""
        return (f"the rule's sweep of {self.region} has no {self.resource_id}: check the id, "
                "or give --region where the resource is")

    def to_dict(self) -> dict:
        state = lambda value: asdict(value) if value is not None else None  # noqa: E731
        record = {
            "rule": self.rule,
            "resource_id": self.resource_id,
            "document": self.document,
            "region": self.region,
            "before": state(self.before),
            "execution": self.execution.to_dict(),
            "after": state(self.after),
        }
        if self.execution.dry_run:
            record["would_change"] = [f"{service} {operation}" for service, operation, _ in would_change(self.execution)]
        return record


def document_parameters(rule: Rule, resource_id: str, overrides: dict | None = None) -> dict:
    """The parameters Config would pass: StaticValue.Values lists, RESOURCE_ID substituted, then overrides."""
    parameters = {}
    for name, source in ((rule.remediation or {}).get("Parameters") or {}).items():
        if "ResourceValue" in source:
            parameters[name] = [resource_id]
        else:
            parameters[name] = list(source.get("StaticValue", {}).get("Values", []))
    parameters.update(overrides or {})
    return parameters


def _placeholders(rule: Rule, overrides: dict) -> list[str]:
    """Remediation-block parameters still naming the shipped placeholder account and not overridden."""
    return [name for name, source in ((rule.remediation or {}).get("Parameters") or {}).items()
            if name not in overrides and PLACEHOLDER_ACCOUNT in str(source.get("StaticValue", ""))]


def resource_region(rule: Rule, session, resource_id: str, fallback: str) -> str:
    """Where the resource lives: S3's answer for a bucket; otherwise fallback (the session's region)."""
    if BUCKET not in rule.resource_types:
        return fallback
    try:
        location = session.client("s3", region_name=fallback).get_bucket_location(Bucket=resource_id)["LocationConstraint"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchBucket":
            raise
        raise RemediationError(f"no bucket {resource_id!r} in this account: give --resource-id as the rule reports it") from None
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def resource_state(rule: Rule, session, region: str, account: str, resource_id: str):
    """What the rule says of one resource now: its Evaluation, the run's error, or None if unseen."""
    result = evaluate_periodic(rule, session, region, account)
    if result.errors:
        return result.errors[0]
    return next((e for e in result.evaluations if e.resource_id == resource_id), None)


def remediate(catalog: Catalog, rule_name: str, resource_id: str, session, region: str | None,
              overrides: dict | None = None, dry_run: bool = False) -> Remediation:
    """region None: the resource's own (see resource_region), else the session's, else us-east-1."""
    rule = catalog.rule(rule_name)
    document = catalog.document_for(rule)
    if document is None:
        target = rule.document_name
        raise RemediationError(
            f"{rule_name} has no paired document in {catalog.root / 'remediation-documents'}"
            + (f" (its Remediation block names {target!r})" if target else ": add a Remediation block to its parameters.json")
        )
    placeholders = _placeholders(rule, overrides or {})
    if placeholders:
        raise RemediationError(
            f"{', '.join(placeholders)} in {rule.parameters_path}'s Remediation block still name the placeholder account "
            f"{PLACEHOLDER_ACCOUNT}: give " + " ".join(f"--parameter {name}=..." for name in placeholders)
            + " with this account's values")
    region = region or resource_region(rule, session, resource_id, session.region_name or "us-east-1")
    account = account_of(session, region)
    before = resource_state(rule, session, region, account, resource_id)
    execution = run_document(
        load_document(document.path), document_parameters(rule, resource_id, overrides), session,
        region=region, dry_run=dry_run,
    )
    stopped = dry_run or execution.status == "Cancelled"  # Ctrl-C during a step: stop there, evaluate nothing more
    after = None if stopped else resource_state(rule, session, region, account, resource_id)
    return Remediation(rule_name, resource_id, document.name, region, before, execution, after)
