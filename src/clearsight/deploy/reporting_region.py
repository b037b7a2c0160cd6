"""Account-level rules evaluate only in their ReportingRegion: a deployment that leaves it out is silent.

S3 Block Public Access, the root user, the recorders: one account-wide resource each, so the rule
reports it once, from ReportingRegion (rules/_shared/reporting_region.py), and evaluates nothing
in every other region. A pack deployed only elsewhere shows no finding and no error: the gap
this module names before anything is deployed.
"""
from __future__ import annotations

RULE_DEFAULT = "us-east-1"  # what the rules use when ReportingRegion is empty (rules/_shared/reporting_region.py)
FIX = ("deploy the pack in {region} too, or set `parameters: {{ReportingRegion: ...}}` for the rule in "
       "conformance-packs/manifest/packs.yaml to a region it is deployed in and run `clearsight build`")


def _resolve(value, parameters: dict) -> str:
    """The text a pack's InputParameters value takes with the template's defaults ('' for none)."""
    if isinstance(value, dict) and "Fn::If" in value:
        return _resolve(value["Fn::If"][1], parameters)  # the condition is "the parameter is not empty"
    if isinstance(value, dict) and "Ref" in value:
        return "" if value["Ref"] == "AWS::NoValue" else str(parameters.get(value["Ref"], {}).get("Default", ""))
    return str(value)


def reporting_regions(template: dict) -> dict[str, str]:
    """ConfigRuleName -> the region it reports from, for every rule of the pack that has a ReportingRegion."""
    parameters = template.get("Parameters", {})
    found = {}
    for resource in template["Resources"].values():
        inputs = resource["Properties"].get("InputParameters", {}) if resource["Type"] == "AWS::Config::ConfigRule" else {}
        if "ReportingRegion" in inputs:
            found[resource["Properties"]["ConfigRuleName"]] = (
                _resolve(inputs["ReportingRegion"], parameters).strip() or RULE_DEFAULT)
    return found


def unreported(template: dict, regions: list[str]) -> dict[str, str]:
    """The rules (name -> ReportingRegion) that no region of this deployment lets report."""
    return {rule: region for rule, region in reporting_regions(template).items() if region not in regions}


def explain(rules: dict[str, str], deployed: list[str]) -> str:
    """One sentence per ReportingRegion: which rules stay silent here, and what fixes it."""
    by_region = {}
    for rule, region in sorted(rules.items()):
        by_region.setdefault(region, []).append(rule)
    return "; ".join(f"{', '.join(names)} report only from ReportingRegion {region}, which this deployment "
                     f"({', '.join(deployed)}) leaves out, so they would evaluate nothing: " + FIX.format(region=region)
                     for region, names in by_region.items())
