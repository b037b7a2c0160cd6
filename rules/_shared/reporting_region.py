"""Account-level rules report once per account: only the rule in ReportingRegion evaluates.

A Config rule runs in every region it is deployed to, but an account-wide setting (S3 Block
Public Access, the root user) is one resource. The rule in every other region returns an empty
list, which also makes rdklib's periodic clean-up retire whatever that region reported before.
"""
import re

from rdklib import InvalidParametersError

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def parse_reporting_region(params):
    """ReportingRegion, default us-east-1; a region name or InvalidParametersError."""
    region = str(params.get("ReportingRegion", "")).strip() or "us-east-1"
    if not REGION.match(region):
        raise InvalidParametersError(f"Parameter ReportingRegion must be a region name such as eu-west-1, got {region!r}.")
    return region


def reports_here(event, params):
    """Whether this rule instance (its region read from its own ARN) is the one that reports."""
    return event["configRuleArn"].split(":")[3] == params["ReportingRegion"]
