"""Deployed mode: the report from AWS Config's own compliance, for one account or an aggregator.

Where the rules run in AWS Config (rdk deploy, conformance packs), Config holds the results:
per rule (DescribeComplianceByConfigRule, or the aggregate call) and per resource
(GetComplianceDetailsByConfigRule, or the aggregate call), every page of each. A rule Config
has no result for (INSUFFICIENT_DATA) is an error in the report, never a pass.
"""
from __future__ import annotations

from datetime import datetime, timezone

from .. import __version__
from ..evaluate import Evaluation, EvaluationError
from ..results import Run
from .model import COMPLIANCE, build_report

NO_DATA = ("AWS Config has no result for this rule (INSUFFICIENT_DATA): it has not run yet, failed, or found nothing "
           "in scope; check the rule's Lambda logs and its scope")


def _pages(client, operation: str, key: str, **params):
    """Every item of every page (read rules to the end before asking for their results)."""
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _evaluation(rule: str, result: dict, account: str, region: str) -> Evaluation:
    qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    return Evaluation(rule, qualifier["ResourceType"], qualifier["ResourceId"], result["ComplianceType"],
                      result.get("Annotation", ""), account, region)


def _report(evaluations, errors, rules, source: str) -> dict:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    scope = evaluations + errors
    run = Run(None, now, now, True, sorted({e.account for e in scope}), sorted({e.region for e in scope}),
              sorted(rules), f"{__version__}, read from {source}")
    evaluations.sort(key=lambda e: (e.rule, e.account, e.region, e.resource_id))
    errors.sort(key=lambda e: (e.rule, e.account, e.region))
    return build_report(run, evaluations, errors)


def from_account(clients: dict, account: str) -> dict:
    """clients: {region: config client} of one account."""
    evaluations, errors, rules = [], [], set()
    for region, client in clients.items():
        for rule in list(_pages(client, "describe_compliance_by_config_rule", "ComplianceByConfigRules")):
            name = rule["ConfigRuleName"]
            rules.add(name)
            if rule.get("Compliance", {}).get("ComplianceType") == "INSUFFICIENT_DATA":
                errors.append(EvaluationError(name, account, region, NO_DATA))
                continue
            for result in _pages(client, "get_compliance_details_by_config_rule", "EvaluationResults",
                                 ConfigRuleName=name, ComplianceTypes=list(COMPLIANCE),
                                 PaginationConfig={"PageSize": 100}):
                evaluations.append(_evaluation(name, result, account, region))
    return _report(evaluations, errors, rules, f"AWS Config ({account})")


def from_aggregator(client, aggregator: str) -> dict:
    """client: the config client of the aggregator's region."""
    evaluations, errors, rules = [], [], set()
    for rule in list(_pages(client, "describe_aggregate_compliance_by_config_rules", "AggregateComplianceByConfigRules",
                            ConfigurationAggregatorName=aggregator)):
        name, account, region = rule["ConfigRuleName"], rule["AccountId"], rule["AwsRegion"]
        rules.add(name)
        if rule.get("Compliance", {}).get("ComplianceType") == "INSUFFICIENT_DATA":
            errors.append(EvaluationError(name, account, region, NO_DATA))
            continue
        for result in _pages(client, "get_aggregate_compliance_details_by_config_rule", "AggregateEvaluationResults",
                             ConfigurationAggregatorName=aggregator, ConfigRuleName=name, AccountId=account,
                             AwsRegion=region, PaginationConfig={"PageSize": 100}):
            evaluations.append(_evaluation(name, result, result.get("AccountId", account), result.get("AwsRegion", region)))
    return _report(evaluations, errors, rules, f"AWS Config aggregator {aggregator}")
