"""Remediate one resource as AWS Config would, then ask the rule again.

AWS Config starts the rule's paired document with the Remediation block's parameters: static
values as written, RESOURCE_ID replaced by the non-compliant resource's id. clearsight does the
same with the local Automation engine, then re-evaluates the rule, so the user sees
before -> after for that resource.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .automation import Execution, load_document, run_document
from .catalog import Catalog, Rule
from .evaluate import Evaluation, EvaluationError, account_of, evaluate_periodic


class RemediationError(Exception):
    """The rule cannot be remediated as asked; the message says why and what to do."""


@dataclass
class Remediation:
    rule: str
    resource_id: str
    document: str
    before: Evaluation | EvaluationError | None
    execution: Execution
    after: Evaluation | EvaluationError | None

    @property
    def fixed(self) -> bool:
        return self.execution.status == "Success" and getattr(self.after, "compliance", None) == "COMPLIANT"

    def to_dict(self) -> dict:
        state = lambda value: asdict(value) if value is not None else None  # noqa: E731
        return {
            "rule": self.rule,
            "resource_id": self.resource_id,
            "document": self.document,
            "before": state(self.before),
            "execution": self.execution.to_dict(),
            "after": state(self.after),
        }


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


def resource_state(rule: Rule, session, region: str, account: str, resource_id: str):
    """What the rule says of one resource now: its Evaluation, the run's error, or None if unseen."""
    result = evaluate_periodic(rule, session, region, account)
    if result.errors:
        return result.errors[0]
    return next((e for e in result.evaluations if e.resource_id == resource_id), None)


def remediate(catalog: Catalog, rule_name: str, resource_id: str, session, region: str,
              overrides: dict | None = None, dry_run: bool = False) -> Remediation:
    rule = catalog.rule(rule_name)
    document = catalog.document_for(rule)
    if document is None:
        target = rule.document_name
        raise RemediationError(
            f"{rule_name} has no paired document in {catalog.root / 'remediation-documents'}"
            + (f" (its Remediation block names {target!r})" if target else ": add a Remediation block to its parameters.json")
        )
    account = account_of(session)
    before = resource_state(rule, session, region, account, resource_id)
    execution = run_document(
        load_document(document.path), document_parameters(rule, resource_id, overrides), session,
        region=region, dry_run=dry_run,
    )
    after = resource_state(rule, session, region, account, resource_id)
    return Remediation(rule_name, resource_id, document.name, before, execution, after)
