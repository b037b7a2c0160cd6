"""Region names a user gives: known to botocore's endpoint data, or refused before anything runs.

A mistyped region (us-east-42) would otherwise resolve to a host that does not exist, or, behind
AWS_ENDPOINT_URL, be answered for by a stand-in, and a scan of it would report nothing.
"""
from __future__ import annotations

from functools import lru_cache

import boto3


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every region in which AWS Config has an endpoint, in every partition botocore knows."""
    session = boto3.Session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("config", partition_name=partition)
    )


def region_problem(name: str) -> str | None:
    """Why `name` is not a region to run in, or None when it is one."""
    if name in known_regions():
        return None
    if not name.strip():
        return "an empty region name; give one such as us-east-1"
    return (f"{name!r} is not an AWS region botocore knows (such as us-east-1, eu-west-1); "
            "if it is new, upgrade boto3")
