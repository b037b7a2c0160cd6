"""Which log groups a log-group rule judges: LogGroupNamePrefixes, ExemptLogGroupNames, one sweep.

Every log-group rule takes the same two scope parameters and lists the region the same way, so
a user scopes the KMS and the retention rule alike and each rule pays one paginated sweep.
"""
import re

from rdklib import ComplianceType, Evaluation

from rule_parameters import parse_csv

RESOURCE_TYPE = "AWS::Logs::LogGroup"
LOG_GROUP_NAME = re.compile(r"^[\.\-_/#A-Za-z0-9]{1,512}$")
SCOPE_PARAMETERS = ("LogGroupNamePrefixes", "ExemptLogGroupNames")


def parse_names(params, key, what):
    return parse_csv(params, key, LOG_GROUP_NAME, f"a log group {what} (1-512 of a-z A-Z 0-9 . - _ / #)")


def scope_parameters(params):
    """The validated scope: LogGroupNamePrefixes (default: every log group) and ExemptLogGroupNames."""
    return {
        "LogGroupNamePrefixes": parse_names(params, "LogGroupNamePrefixes", "name prefix"),
        "ExemptLogGroupNames": parse_names(params, "ExemptLogGroupNames", "name"),
    }


def list_log_groups(logs, prefixes):
    """{name: DescribeLogGroups entry} of this region's log groups under the prefixes (all when none).

    One paginated DescribeLogGroups sweep per prefix, filtered server side; a prefix that lies
    inside another adds nothing and is not swept.
    """
    covering = sorted(p for p in set(prefixes) if not any(p != q and p.startswith(q) for q in prefixes))
    paginator = logs.get_paginator("describe_log_groups")
    groups = {}
    for prefix in covering or [None]:
        pages = paginator.paginate(**({"logGroupNamePrefix": prefix} if prefix else {}))
        groups.update((group["logGroupName"], group) for page in pages for group in page["logGroups"])
    return groups


def sweep(logs, params):
    """({name: entry} of the log groups to judge, sorted names of the exempt ones that exist)."""
    groups = list_log_groups(logs, params["LogGroupNamePrefixes"])
    exempt = set(params["ExemptLogGroupNames"])
    return {name: group for name, group in groups.items() if name not in exempt}, sorted(exempt & set(groups))


def exempted(names):
    """NOT_APPLICABLE evaluations for the exempt log groups, saying why."""
    return [Evaluation(ComplianceType.NOT_APPLICABLE, name, RESOURCE_TYPE, "Exempted by ExemptLogGroupNames.") for name in names]
