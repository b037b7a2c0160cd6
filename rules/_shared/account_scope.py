"""What account-level rules (resource type AWS::::Account) share: where they run and report.

A Config rule runs in every region it is deployed to; an account-level rule either reports in
each (one evaluation per region) or only from ReportingRegion, so an aggregator shows one row.
"""
import re

from rdklib import InvalidParametersError

ACCOUNT_TYPE = "AWS::::Account"
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
MAX_ANNOTATION = 255


def rule_region(event):
    """The region this rule instance runs in, from its own ARN."""
    return event["configRuleArn"].split(":")[3]


def parse_region(params, key, default):
    """One region name; empty or absent means the default."""
    region = str(params.get(key, "")).strip() or default
    if not REGION.match(region):
        raise InvalidParametersError(f"Parameter {key} must be a region name such as eu-west-1, got {region!r}.")
    return region


def parse_choices(params, key, choices, default):
    """A comma-separated subset of choices (ids); empty or absent means the default list."""
    items = [item.strip() for item in str(params.get(key, "")).split(",") if item.strip()] or list(default)
    unknown = [item for item in items if item not in choices]
    if unknown:
        raise InvalidParametersError(f"Parameter {key}: unknown {', '.join(unknown)}; choose from {', '.join(choices)}.")
    return list(dict.fromkeys(items))


def fit(detail, fix):
    """An annotation under 256 characters: the detail, cut with an ellipsis if need be, then the fix."""
    room = MAX_ANNOTATION - len(fix) - 1
    if len(detail) > room:
        detail = detail[: room - 3].rstrip(" ,;") + "..."
    return f"{detail} {fix}"
