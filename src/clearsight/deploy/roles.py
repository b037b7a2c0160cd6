"""IAM roles with inline policies, created or brought up to date, never duplicated.

A policy is rewritten only when its document differs from what IAM holds, so a second
deployment of the same catalog makes no IAM change.
"""
from __future__ import annotations

import json
import urllib.parse

from botocore.exceptions import ClientError

from ..packs import partition
from .steps import Deployer, absent


def trust_policy(principal: dict, conditions: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if conditions:
        statement["Condition"] = conditions
    return {"Version": "2012-10-17", "Statement": [statement]}


def _same(held, wanted: dict) -> bool:
    if isinstance(held, str):  # IAM returns URL-encoded JSON
        held = json.loads(urllib.parse.unquote(held))
    return held == wanted


def ensure_role(deployer: Deployer, region: str, name: str, trust: dict, policies: dict[str, dict],
                description: str) -> str:
    """The role's ARN, after creating it or updating its trust and inline policies as needed."""
    try:
        role = deployer.read("iam", region, "GetRole", RoleName=name)["Role"]
    except ClientError as error:
        if not absent(error):
            raise
        role = None
    if role is None:
        deployer.change("iam", region, "CreateRole", RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                        Description=description)
    elif not _same(role["AssumeRolePolicyDocument"], trust):
        deployer.change("iam", region, "UpdateAssumeRolePolicy", RoleName=name, PolicyDocument=json.dumps(trust))
    for policy_name, document in policies.items():
        held = None
        if role is not None:
            try:
                held = deployer.read("iam", region, "GetRolePolicy", RoleName=name,
                                     PolicyName=policy_name)["PolicyDocument"]
            except ClientError as error:
                if not absent(error):
                    raise
        if held is None or not _same(held, document):
            deployer.change("iam", region, "PutRolePolicy", RoleName=name, PolicyName=policy_name,
                            PolicyDocument=json.dumps(document))
    return role["Arn"] if role else f"arn:{partition(region)}:iam::{deployer.account}:role/{name}"
