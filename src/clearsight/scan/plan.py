"""Accounts x regions x rules as a list of jobs, one rule run each.

An account-level rule (one with a ReportingRegion parameter: its resource is the account, and
every other region returns nothing) runs once per account, in its ReportingRegion when the scan
covers it, else in the scan's first region with ReportingRegion set to it, so the account is
still reported exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Rule

REPORTING_REGION = "ReportingRegion"


@dataclass(frozen=True)
class Job:
    rule: Rule
    account: str
    region: str
    parameters: dict


def account_level(rule: Rule) -> bool:
    return REPORTING_REGION in rule.input_parameters or REPORTING_REGION in rule.optional_parameters


def _runs(rule: Rule, regions: list[str], parameters: dict) -> list[tuple[str, dict]]:
    if not account_level(rule):
        return [(region, parameters) for region in regions]
    reporting = parameters.get(REPORTING_REGION) or "us-east-1"
    if reporting in regions:
        return [(reporting, parameters)]
    return [(regions[0], dict(parameters, **{REPORTING_REGION: regions[0]}))]


def plan(rules: list[Rule], accounts: list[str], regions: list[str], overrides: dict[str, dict] | None = None) -> list[Job]:
    """Every job of the scan, account by account, rule by rule."""
    overrides = overrides or {}
    return [
        Job(rule, account, region, params)
        for account in accounts
        for rule in rules
        for region, params in _runs(rule, regions, dict(rule.effective_parameters, **overrides.get(rule.name, {})))
    ]
