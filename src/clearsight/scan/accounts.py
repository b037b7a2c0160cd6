"""The accounts a scan covers, and a session in each.

The caller's own account is scanned with the caller's credentials; every other account through
`sts:AssumeRole` on arn:<partition>:iam::<account>:role/<role name>, with credentials that
refresh themselves, so a long organization scan never outlives them. An account that cannot be
assumed becomes a Target with an error: it is reported, and the others go on.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import boto3
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from ..endpoints import prepare_session

ACCOUNT_ID = re.compile(r"^\d{12}$")
SESSION_NAME = "clearsight-scan"


class AccountsError(ValueError):
    """The account selection cannot be used as given (message names the option and the fix)."""


@dataclass(frozen=True)
class Target:
    account: str
    session: object | None = None  # boto3.Session with this account's credentials
    error: str | None = None


@dataclass(frozen=True)
class Caller:
    account: str
    partition: str


def caller(session, region) -> Caller:
    """Who the session is, asked of STS in `region` (a session may have none)."""
    arn = session.client("sts", region_name=region).get_caller_identity()["Arn"]
    _, partition, _, _, account, _ = arn.split(":", 5)
    return Caller(account, partition)


def parse_accounts(values, option) -> list[str]:
    """12-digit ids from repeated or comma-separated values, duplicates dropped, order kept."""
    ids = []
    for value in values or ():
        for item in (v.strip() for v in value.split(",")):
            if not item:
                continue
            if not ACCOUNT_ID.match(item):
                raise AccountsError(f"{option}: {item!r} is not a 12-digit AWS account id")
            if item not in ids:
                ids.append(item)
    return ids


def organization_accounts(session, region) -> list[str]:
    """ACTIVE accounts of the caller's organization (from its management or a delegated-admin account).

    DescribeOrganization first: outside an organization it says so (AWSOrganizationsNotInUseException).
    """
    organizations = session.client("organizations", region_name=region)
    organizations.describe_organization()
    pages = organizations.get_paginator("list_accounts").paginate()
    return sorted(a["Id"] for page in pages for a in page["Accounts"] if a.get("Status", "ACTIVE") == "ACTIVE")


def adaptive_retries(session):
    """botocore's adaptive retry mode (client-side rate limiting) unless the user chose a mode."""
    botocore_session = session._session
    if "AWS_RETRY_MODE" not in os.environ and "retry_mode" not in botocore_session.get_scoped_config():
        botocore_session.set_config_variable("retry_mode", "adaptive")
    return prepare_session(session)


def assumed_session(session, region, account, role_name, partition, external_id=None):
    """A session in `account` through its role; raises ClientError when the role cannot be assumed."""
    sts = session.client("sts", region_name=region)
    request = {"RoleArn": f"arn:{partition}:iam::{account}:role/{role_name}", "RoleSessionName": SESSION_NAME}
    if external_id:
        request["ExternalId"] = external_id

    def fetch():
        credentials = sts.assume_role(**request)["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    assumed = boto3.Session(region_name=region)
    assumed._session._credentials = RefreshableCredentials.create_from_metadata(fetch(), fetch, "sts-assume-role")
    return adaptive_retries(assumed)


def targets(session, region, accounts, role_name=None, external_id=None) -> list[Target]:
    """One Target per account: the caller's own account as is, the others assumed (or their error).

    region: where STS is asked (the scan's first region).
    """
    me = caller(session, region)
    found = []
    for account in accounts or [me.account]:
        if account == me.account:
            found.append(Target(account, adaptive_retries(session)))
            continue
        if not role_name:
            raise AccountsError(f"account {account} is not the caller's ({me.account}): give --assume-role-name")
        try:
            found.append(Target(account, assumed_session(session, region, account, role_name, me.partition, external_id)))
        except (ClientError, BotoCoreError) as error:
            found.append(Target(account, error=f"cannot assume role {role_name}: {error}"))
    return found
