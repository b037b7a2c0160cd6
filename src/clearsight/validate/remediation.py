"""Checks of remediation configurations (CS-M*), in a rule's parameters.json or in a pack.

The Config API's limits and enums (config-ssm-formats.md §2, §4): cfn-lint types these
fields as bare strings and integers, so a typo only fails when Config runs the remediation.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import reference
from .registry import Problem, check, strict

PROPERTIES = (
    "ConfigRuleName", "TargetType", "TargetId", "TargetVersion", "Parameters", "ResourceType", "Automatic",
    "ExecutionControls", "MaximumAutomaticAttempts", "RetryAttemptSeconds",
)


@dataclass(frozen=True)
class Site:
    """One remediation configuration and what it must agree with."""

    properties: dict
    prefix: str  # key path of the properties in their file
    rule_names: tuple[str, ...]  # the rule(s) it may name
    catalog: object

    def at(self, *keys) -> str:
        return ".".join((self.prefix,) + keys)

    @property
    def parameters(self) -> dict:
        value = self.properties.get("Parameters")
        return value if isinstance(value, dict) else {}

    def document_parameters(self) -> dict[str, bool] | None:
        """{parameter: required} of the target document, or None when it is unknown."""
        name = self.properties.get("TargetId")
        document = self.catalog.documents.get(name) if isinstance(name, str) else None
        if document is None:
            return reference.AWS_DOCUMENTS.get(name) if isinstance(name, str) else None
        declared = document.content.get("parameters")
        if not isinstance(declared, dict):
            return {}
        return {key: not (isinstance(spec, dict) and "default" in spec) for key, spec in declared.items()}


@check("CS-M001", "remediation", "ConfigRuleName does not name its rule")
def rule_name(site):
    name = site.properties.get("ConfigRuleName")
    if name not in site.rule_names:
        expected = " or ".join(site.rule_names) if site.rule_names else "a rule in the same template"
        yield Problem(site.at("ConfigRuleName"), f"is {name!r}; it must be {expected}, the rule this remediation fixes")


@check("CS-M002", "remediation", "TargetType is not SSM_DOCUMENT")
def target_type(site):
    if site.properties.get("TargetType") != "SSM_DOCUMENT":
        yield Problem(site.at("TargetType"), f"is {site.properties.get('TargetType')!r}; the only value Config accepts is SSM_DOCUMENT")


@check("CS-M003", "remediation", "TargetId names no known document")
def target_id(site):
    if site.document_parameters() is None:
        name = site.properties.get("TargetId")
        yield Problem(site.at("TargetId"), f"{name!r} is neither in remediation-documents/ nor a known AWS-owned runbook; "
                      "fix the name or add the document", severity=None if strict() else "warning")


@check("CS-M004", "remediation", "a required document parameter is not supplied")
def required_supplied(site):
    for name, required in sorted((site.document_parameters() or {}).items()):
        if required and name not in site.parameters:
            yield Problem(site.at("Parameters"), f"document {site.properties.get('TargetId')} needs {name} (it has no "
                          "default); supply it as a StaticValue or ResourceValue")


@check("CS-M005", "remediation", "a supplied parameter does not exist in the document")
def supplied_known(site):
    declared = site.document_parameters()
    if declared is None:
        return
    for name in sorted(site.parameters):
        if name not in declared:
            yield Problem(site.at("Parameters", name), f"document {site.properties.get('TargetId')} has no parameter "
                          f"{name!r}; it takes: {', '.join(sorted(declared)) or 'none'}")


@check("CS-M006", "remediation", "RESOURCE_ID not used exactly once, or a parameter value malformed")
def resource_id(site):
    uses = 0
    for name, value in sorted(site.parameters.items()):
        kinds = set(value) & {"ResourceValue", "StaticValue"} if isinstance(value, dict) else set()
        if len(kinds) != 1 or len(value) != 1:
            yield Problem(site.at("Parameters", name), "must hold exactly one of ResourceValue or StaticValue")
        elif "ResourceValue" in kinds:
            resource = value["ResourceValue"]
            if not isinstance(resource, dict) or resource.get("Value") != "RESOURCE_ID":
                yield Problem(site.at("Parameters", name, "ResourceValue", "Value"), "must be RESOURCE_ID, the only value Config fills in")
            uses += 1
    if uses != 1:
        yield Problem(site.at("Parameters"), f"RESOURCE_ID is used {uses} times; pass it exactly once, to the document "
                      "parameter that takes the non-compliant resource's id", severity=None if strict() else "warning")


@check("CS-M007", "remediation", "too many parameters or static values, or a value empty or too long")
def static_limits(site):
    if len(site.parameters) > reference.REMEDIATION_PARAMETERS:
        yield Problem(site.at("Parameters"), f"{len(site.parameters)} parameters; Config accepts at most {reference.REMEDIATION_PARAMETERS}")
    for name, value in sorted(site.parameters.items()):
        if not isinstance(value, dict) or "StaticValue" not in value:
            continue
        static = value["StaticValue"]
        values = static.get("Values") if isinstance(static, dict) else None
        if not isinstance(values, list):
            yield Problem(site.at("Parameters", name, "StaticValue"), "needs Values: a list of strings")
            continue
        if len(values) > reference.STATIC_VALUES:
            yield Problem(site.at("Parameters", name, "StaticValue", "Values"), f"{len(values)} entries; at most {reference.STATIC_VALUES}")
        for index, item in enumerate(values):
            if reference.is_intrinsic(item):
                continue  # Ref to a pack parameter: resolved when the pack deploys
            if not isinstance(item, str) or len(item) > reference.STATIC_VALUE_CHARS:
                yield Problem(site.at("Parameters", name, "StaticValue", "Values", str(index)),
                              f"must be a string of at most {reference.STATIC_VALUE_CHARS} characters")
            elif not item:
                yield Problem(site.at("Parameters", name, "StaticValue", "Values", str(index)),
                              "is empty, and Config refuses an empty value (1 to 256 characters); leave the "
                              f"parameter {name} out so the document's default applies")


def _out_of_range(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return True
    fraction = isinstance(value, float) and not value.is_integer()
    return isinstance(value, bool) or fraction or not low <= number <= high


@check("CS-M008", "remediation", "MaximumAutomaticAttempts or RetryAttemptSeconds out of range")
def retry_ranges(site):
    for key in ("MaximumAutomaticAttempts", "RetryAttemptSeconds"):
        if key in site.properties and _out_of_range(site.properties[key], *reference.RANGES[key]):
            low, high = reference.RANGES[key]
            yield Problem(site.at(key), f"is {site.properties[key]!r}; Config accepts an integer from {low} to {high}")


@check("CS-M009", "remediation", "ExecutionControls percentages out of range")
def execution_controls(site):
    controls = site.properties.get("ExecutionControls")
    if controls is None:
        return
    ssm = controls.get("SsmControls") if isinstance(controls, dict) else None
    if not isinstance(ssm, dict):
        yield Problem(site.at("ExecutionControls"), "must be {SsmControls: {ConcurrentExecutionRatePercentage, ErrorPercentage}}")
        return
    for key, value in ssm.items():
        if key not in ("ConcurrentExecutionRatePercentage", "ErrorPercentage"):
            yield Problem(site.at("ExecutionControls", "SsmControls", key), "unknown; use ConcurrentExecutionRatePercentage or ErrorPercentage")
        elif _out_of_range(value, *reference.RANGES[key]):
            yield Problem(site.at("ExecutionControls", "SsmControls", key), f"is {value!r}; use an integer from 1 to 100")


@check("CS-M010", "remediation", "automatic remediation without AutomationAssumeRole")
def automatic_role(site):
    automatic = site.properties.get("Automatic")
    if (automatic is True or str(automatic).lower() == "true") and reference.ASSUME_ROLE not in site.parameters:
        yield Problem(site.at("Parameters"), "Automatic is true, which works only with a document parameter named "
                      "AutomationAssumeRole: pass it as a StaticValue role ARN")


@check("CS-M012", "remediation", "Automatic is not a boolean")
def automatic_boolean(site):
    if "Automatic" in site.properties and str(site.properties["Automatic"]).lower() not in ("true", "false"):
        yield Problem(site.at("Automatic"), f"is {site.properties['Automatic']!r}; write true or false (anything else "
                      "is not a boolean to Config)")


@check("CS-M011", "remediation", "unknown remediation property")
def known_properties(site):
    for key in site.properties:
        if key not in PROPERTIES:
            yield Problem(site.at(key), f"{key!r} is not a RemediationConfiguration property; known: {', '.join(PROPERTIES)}")
