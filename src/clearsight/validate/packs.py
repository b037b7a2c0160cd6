"""Checks of conformance pack templates (CS-P*), plus cfn-lint relayed under its own rule ids."""
from __future__ import annotations

import re
from functools import cache

from . import reference
from .registry import Problem, check, run_checks, strict
from .remediation import Site

ROLE_ARN = re.compile(reference.ROLE_ARN_PATTERN)
CHANGE_TYPES = {"ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"}


def _resources(pack):
    resources = pack.template.get("Resources")
    return {k: v for k, v in resources.items() if isinstance(v, dict)} if isinstance(resources, dict) else {}


def _of_type(pack, resource_type):
    for logical_id, resource in _resources(pack).items():
        if resource.get("Type") == resource_type:
            properties = resource.get("Properties")
            yield logical_id, properties if isinstance(properties, dict) else {}


def _rules(pack):
    return _of_type(pack, "AWS::Config::ConfigRule")


def _source(properties):
    source = properties.get("Source")
    return source if isinstance(source, dict) else {}


def _details(properties):
    details = _source(properties).get("SourceDetails")
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


@check("CS-P001", "pack", "resource type a pack may not hold")
def resource_types(pack, catalog):
    for logical_id, resource in _resources(pack).items():
        if resource.get("Type") not in reference.PACK_RESOURCE_TYPES:
            yield Problem(f"Resources.{logical_id}.Type", f"{resource.get('Type')!r} is not allowed in a conformance pack; "
                          "only AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration: deploy it separately")


@check("CS-P002", "pack", "managed rule identifier does not exist")
def managed_identifier(pack, catalog):
    for logical_id, properties in _rules(pack):
        source = _source(properties)
        identifier = source.get("SourceIdentifier")
        if source.get("Owner") == "AWS" and not reference.is_source_identifier(identifier):
            hint = reference.suggest(identifier, reference.managed_rules())
            yield Problem(f"Resources.{logical_id}.Properties.Source.SourceIdentifier", f"{identifier!r} is not an AWS "
                          f"managed rule identifier{hint}: check the spelling (upper snake case, e.g. CLOUD_TRAIL_ENABLED)")


@check("CS-P003", "pack", "MessageType outside its enum")
def message_types(pack, catalog):
    for logical_id, properties in _rules(pack):
        for index, detail in enumerate(_details(properties)):
            if detail.get("MessageType") not in reference.MESSAGE_TYPES:
                yield Problem(f"Resources.{logical_id}.Properties.Source.SourceDetails[{index}].MessageType",
                              f"{detail.get('MessageType')!r} is not valid; use one of {', '.join(reference.MESSAGE_TYPES)}")


@check("CS-P004", "pack", "MaximumExecutionFrequency outside its enum")
def frequencies(pack, catalog):
    for logical_id, properties in _rules(pack):
        places = [(f"Resources.{logical_id}.Properties", properties)]
        places += [(f"Resources.{logical_id}.Properties.Source.SourceDetails[{i}]", d) for i, d in enumerate(_details(properties))]
        for where, holder in places:
            value = holder.get("MaximumExecutionFrequency")
            if value is not None and value not in reference.FREQUENCIES:
                yield Problem(f"{where}.MaximumExecutionFrequency", f"{value!r} is not valid; use one of "
                              f"{', '.join(reference.FREQUENCIES)}")


@check("CS-P005", "pack", "Source.Owner outside its enum")
def owners(pack, catalog):
    for logical_id, properties in _rules(pack):
        if _source(properties).get("Owner") not in reference.OWNERS:
            yield Problem(f"Resources.{logical_id}.Properties.Source.Owner", f"{_source(properties).get('Owner')!r} is not "
                          f"valid; use one of {', '.join(reference.OWNERS)}")


@check("CS-P006", "pack", "EventSource outside its enum")
def event_sources(pack, catalog):
    for logical_id, properties in _rules(pack):
        for index, detail in enumerate(_details(properties)):
            if detail.get("EventSource") not in reference.EVENT_SOURCES:
                yield Problem(f"Resources.{logical_id}.Properties.Source.SourceDetails[{index}].EventSource",
                              f"{detail.get('EventSource')!r} is not valid; the only event source is aws.config")


def _parameters(pack):
    parameters = pack.template.get("Parameters")
    return parameters if isinstance(parameters, dict) else {}


@check("CS-P007", "pack", "parameter Type a pack does not support")
def parameter_types(pack, catalog):
    for name, spec in _parameters(pack).items():
        kind = spec.get("Type") if isinstance(spec, dict) else None
        if kind not in reference.PACK_PARAMETER_TYPES:
            yield Problem(f"Parameters.{name}.Type", f"{kind!r} is not a conformance pack parameter type; use one of "
                          f"{', '.join(reference.PACK_PARAMETER_TYPES)}")


@check("CS-P008", "pack", "template body larger than 51,200 bytes (300 KB from S3)")
def body_size(pack, catalog):
    size = len(pack.text.encode())
    if size > reference.PACK_S3_BYTES:
        yield Problem("", f"{size} bytes; PutConformancePack accepts at most {reference.PACK_S3_BYTES} even from S3 "
                      "(TemplateS3Uri): split the pack")
    elif size > reference.PACK_BODY_BYTES:
        yield Problem("", f"{size} bytes; PutConformancePack accepts at most {reference.PACK_BODY_BYTES} in TemplateBody: "
                      f"deploy it from S3 (TemplateS3Uri, up to {reference.PACK_S3_BYTES}), or split the pack or shorten "
                      "comments and descriptions", severity="error" if strict() else "warning")


@check("CS-P009", "pack", "more than 130 rules")
def rule_count(pack, catalog):
    count = len(list(_rules(pack)))
    if count > reference.PACK_RULES:
        yield Problem("Resources", f"{count} rules; a pack holds at most {reference.PACK_RULES} (not adjustable): split it")


@check("CS-P010", "pack", "more than 60 parameters")
def parameter_count(pack, catalog):
    if len(_parameters(pack)) > reference.PACK_PARAMETERS:
        yield Problem("Parameters", f"{len(_parameters(pack))} parameters; a pack accepts at most "
                      f"{reference.PACK_PARAMETERS} input parameters: hard-code some values")


@check("CS-P017", "pack", "more than 25 SourceDetails on a rule")
def source_detail_count(pack, catalog):
    for logical_id, properties in _rules(pack):
        details = _source(properties).get("SourceDetails")
        if isinstance(details, list) and len(details) > reference.SOURCE_DETAILS:
            yield Problem(f"Resources.{logical_id}.Properties.Source.SourceDetails", f"{len(details)} entries; Config "
                          f"accepts at most {reference.SOURCE_DETAILS} a rule: drop duplicate triggers")


@check("CS-P018", "pack", "pack holds no rules")
def has_rules(pack, catalog):
    if not any(True for _ in _rules(pack)):
        yield Problem("Resources", "the pack holds no rules (no AWS::Config::ConfigRule under Resources): "
                      "a template needs at least one resource and an empty pack checks nothing; add its rules or delete "
                      "the file")


def _remediations(pack):
    return _of_type(pack, "AWS::Config::RemediationConfiguration")


def _role_values(pack):
    """(logical id, the AutomationAssumeRole StaticValue.Values) of every remediation that passes one."""
    for logical_id, properties in _remediations(pack):
        parameters = properties.get("Parameters")
        value = parameters.get(reference.ASSUME_ROLE) if isinstance(parameters, dict) else None
        if value is not None:
            yield logical_id, ((value.get("StaticValue") or {}).get("Values") if isinstance(value, dict) else None) or [None]


@check("CS-P011", "pack", "AutomationAssumeRole is neither a role ARN nor a reference to one")
def role_arn(pack, catalog):
    for logical_id, values in _role_values(pack):
        for value in values:
            if isinstance(value, dict) and reference.is_intrinsic(value):
                continue  # the pack's parameters or Fn::Sub fill it in at deploy time
            if not (isinstance(value, str) and ROLE_ARN.match(value)):
                placeholder = " (a placeholder: fill in the account id)" if "<" in str(value) else ""
                yield Problem(f"Resources.{logical_id}.Properties.Parameters.{reference.ASSUME_ROLE}", f"{value!r} is "
                              f"not an IAM role ARN{placeholder}; Automation cannot assume it, so every remediation "
                              "fails: pass arn:aws:iam::ACCOUNT:role/NAME or Ref a pack parameter holding one")


@check("CS-P019", "pack", "AutomationAssumeRole is not a literal role ARN", convention=True)
def literal_role(pack, catalog):
    for logical_id, values in _role_values(pack):
        if any(isinstance(v, dict) for v in values):
            yield Problem(f"Resources.{logical_id}.Properties.Parameters.{reference.ASSUME_ROLE}", "this catalog's packs "
                          "carry the role as a literal ARN, so they deploy without parameters: build with "
                          "--remediation-account")


@check("CS-P012", "pack", "managed rule given parameters it does not take")
def managed_parameters(pack, catalog):
    for logical_id, properties in _rules(pack):
        source = _source(properties)
        identifier = source.get("SourceIdentifier") if source.get("Owner") == "AWS" else None
        known = reference.managed_rules().get(identifier) if isinstance(identifier, str) else None
        given = properties.get("InputParameters")
        if known is None or not isinstance(given, dict) or reference.is_intrinsic(given):
            continue
        names = [p["Name"] for p in known.get("Parameters", [])]
        for name in given:
            if name not in names:
                yield Problem(f"Resources.{logical_id}.Properties.InputParameters.{name}", f"{source['SourceIdentifier']} "
                              f"takes no parameter {name!r} (names are case-sensitive); it takes: {', '.join(names) or 'none'}")


@check("CS-P013", "pack", "change-triggered custom rule without both change notifications", convention=True)
def both_change_types(pack, catalog):
    for logical_id, properties in _rules(pack):
        kinds = {d.get("MessageType") for d in _details(properties) if isinstance(d.get("MessageType"), str)}
        if _source(properties).get("Owner") == "CUSTOM_LAMBDA" and kinds & CHANGE_TYPES and not CHANGE_TYPES <= kinds:
            yield Problem(f"Resources.{logical_id}.Properties.Source.SourceDetails", "a change-triggered custom rule needs "
                          "both ConfigurationItemChangeNotification and OversizedConfigurationItemChangeNotification")


@check("CS-P016", "pack", "remediation does not depend on its rule")
def depends_on_rule(pack, catalog):
    rule_ids = {p.get("ConfigRuleName"): logical_id for logical_id, p in _rules(pack) if isinstance(p.get("ConfigRuleName"), str)}
    for logical_id, properties in _remediations(pack):
        name = properties.get("ConfigRuleName")
        rule_id = rule_ids.get(name) if isinstance(name, str) else None
        if rule_id is None:
            continue  # CS-M001 reports a remediation naming no rule of the pack
        depends = _resources(pack)[logical_id].get("DependsOn")
        if rule_id not in ([depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []):
            yield Problem(f"Resources.{logical_id}.DependsOn", f"must name the rule it remediates (DependsOn: {rule_id}): "
                          "Config refuses a remediation for a rule that does not exist yet")


@check("CS-P014", "pack", "remediation configuration problems (reported under CS-M ids)")
def remediations(pack, catalog):
    names = tuple(p.get("ConfigRuleName") for _, p in _rules(pack) if isinstance(p.get("ConfigRuleName"), str))
    for logical_id, properties in _remediations(pack):
        site = Site(properties, f"Resources.{logical_id}.Properties", names, catalog)
        for finding in run_checks("remediation", pack.path, site):
            yield Problem(finding.location, finding.message, check=finding.check, severity=finding.severity)


@cache
def _cfn_lint():
    """One cfn-lint runner for the process: building its rule set costs more than linting a pack."""
    from cfnlint.api import ConfigMixIn, Runner, decode_str  # slow import: only when a pack is checked

    runner = Runner(ConfigMixIn(regions=["us-east-1"]))

    def lint(text):
        template, errors = decode_str(text)
        return errors or (list(runner.validate_template(template)) if template else [])

    return lint


@check("CS-P015", "pack", "cfn-lint findings (reported under cfn-lint's ids)")
def cfn_lint(pack, catalog):
    for match in _cfn_lint()(pack.text):
        if match.rule.id[0] in "EW":
            yield Problem(f"line {match.linenumber}", f"{match.message} (cfn-lint)", check=match.rule.id,
                          severity="error" if match.rule.id[0] == "E" else "warning")
