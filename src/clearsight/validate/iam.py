"""IAM policy shape, and which IAM action an API call needs.

The action is usually `<service>:<Operation>`; the table lists the calls where AWS named the
IAM action differently (mostly S3), so a document's policy can be checked against its steps.
"""
from __future__ import annotations

import re

from .registry import Problem

# boto3 service name -> IAM prefix, where they differ.
IAM_PREFIX = {"s3control": "s3", "stepfunctions": "states", "elbv2": "elasticloadbalancing"}

# (boto3 service, API) -> IAM action, where the action is not named after the API.
IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "DeleteBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "PutBucketReplication"): "s3:PutReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "PutObjectLockConfiguration"): "s3:PutBucketObjectLockConfiguration",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "PutBucketCors"): "s3:PutBucketCORS",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("s3control", "PutPublicAccessBlock"): "s3:PutAccountPublicAccessBlock",
    ("s3control", "DeletePublicAccessBlock"): "s3:PutAccountPublicAccessBlock",
}

# Calls AWS also authorises against other actions, because the caller hands the service something:
# CreateFlowLogs passes the delivery role (CloudWatch Logs) or sets up log delivery (S3). A policy
# that offers either destination needs all of them.
ALSO_NEEDED = {("ec2", "CreateFlowLogs"): ("iam:PassRole", "logs:CreateLogDelivery", "logs:DeleteLogDelivery")}

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")


def iam_action(service: str, api: str) -> str:
    """The IAM action an `aws:executeAwsApi`-style call of service/api needs."""
    return IAM_ACTION.get((service, api), f"{IAM_PREFIX.get(service, service)}:{api}")


def _strings(value):
    return [value] if isinstance(value, str) else value if isinstance(value, list) else None


def policy_problems(policy) -> list[Problem]:
    """What makes this not an IAM policy document AWS would accept."""
    if not isinstance(policy, dict):
        return [Problem("", "must be a JSON object with Version and Statement: write an IAM policy document")]
    problems = []
    if policy.get("Version") not in POLICY_VERSIONS:
        problems.append(Problem("Version", "must be \"2012-10-17\"; add it at the top of the policy"))
    statements = policy.get("Statement")
    if not isinstance(statements, list) or not statements:
        return problems + [Problem("Statement", "must be a non-empty list of statements")]
    for index, statement in enumerate(statements):
        where = f"Statement[{index}]"
        if not isinstance(statement, dict):
            problems.append(Problem(where, "must be an object with Effect, Action and Resource"))
            continue
        if statement.get("Effect") not in ("Allow", "Deny"):
            problems.append(Problem(f"{where}.Effect", "must be \"Allow\" or \"Deny\""))
        for key, alternative in (("Action", "NotAction"), ("Resource", "NotResource")):
            values = _strings(statement.get(key, statement.get(alternative)))
            if not values or not all(isinstance(v, str) and v for v in values):
                problems.append(Problem(f"{where}.{key}", f"must be a string or a list of strings (or {alternative})"))
    return problems


def _names(pattern: str, action: str) -> bool:
    """IAM's action wildcards: * any run, ? one character, case-insensitive; nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, action, re.IGNORECASE) is not None


def _applies(statement: dict, action: str) -> bool:
    if "NotAction" in statement:
        return not any(_names(p, action) for p in _strings(statement["NotAction"]) or [] if isinstance(p, str))
    return any(_names(p, action) for p in _strings(statement.get("Action")) or [] if isinstance(p, str))


def allows(policy, action: str) -> bool:
    """Whether the policy allows the action as IAM decides: an Allow names it (Action, or a
    NotAction that leaves it out) and no Deny does. Resources and conditions are not judged, so a
    Deny counts whatever its Resource or Condition: a policy that might deny the call is not
    taken to allow it."""
    statements = policy.get("Statement")
    statements = [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)]

    def named(effect):
        return any(s.get("Effect") == effect and _applies(s, action) for s in statements)

    return named("Allow") and not named("Deny")
