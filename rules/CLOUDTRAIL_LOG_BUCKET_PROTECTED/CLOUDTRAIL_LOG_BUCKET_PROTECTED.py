"""CLOUDTRAIL_LOG_BUCKET_PROTECTED: every bucket a trail delivers to keeps its record safe.

Why: Security Hub's CloudTrail.6/.7 have no Config rule, and the S3 rules do not know which
bucket is a trail's. A trail is only as good as its bucket: public, unversioned, deletable or
unlogged, the record can be read, altered or erased unnoticed.

Resource type: AWS::S3::Bucket (resource id: the bucket name, which
Clearsight-CloudTrailLogBucketProtection takes as BucketName); one evaluation per bucket that a
trail recording this region (own, shadow or organization trail) delivers to.
Trigger: periodic. DescribeTrails(includeShadowTrails=True) here (rules/_shared/trails.py);
ListBuckets (paginated) to tell this account's buckets from others'; HeadBucket for a bucket not
in this account (does it exist at all?). For a bucket of this account, each protection is read:
  - not public: account and bucket Block Public Access, bucket policy, ACL and Object Ownership,
    judged by rules/_shared/s3_exposure.py (S3's "meaning of public");
  - versioning Enabled;
  - Object Lock with a default retention of at least MinRetentionDays (in ObjectLockMode);
  - server access logging to a different bucket;
  - default encryption SSE-KMS (or DSSE-KMS).
A bucket in another account is the recommended cross-account log archive: COMPLIANT (its
protections are evaluated in that account), and required with RequireCrossAccount.
Parameters (all optional):
  RequireCrossAccount  'true': a bucket in this account is NON_COMPLIANT.
  MinRetentionDays     Object Lock default retention in days, at least (default 365; 0: Object
                       Lock not required).
  ObjectLockMode       GOVERNANCE or COMPLIANCE: the retention mode required (default: either).
Scenarios:
  - own bucket with every protection: COMPLIANT; bucket in another account: COMPLIANT
  - public / versioning off / no or short Object Lock retention / wrong mode / no access logging
    or logging to itself / not SSE-KMS: NON_COMPLIANT, listing every missing protection
  - a trail delivering to a bucket that does not exist: NON_COMPLIANT
  - own bucket with RequireCrossAccount: NON_COMPLIANT
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
import json

from botocore.exceptions import ClientError
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator, InvalidParametersError

from rule_parameters import parse_bool, parse_int, reject_unknown
from s3_exposure import bpa_flags, public_grants, public_statements
from s3_reads import PAGE_SIZE, account_block
from trails import listed

APPLICABLE_RESOURCES = ["AWS::S3::Bucket"]
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
FIX = "(remediation: Clearsight-CloudTrailLogBucketProtection)"


def _read(call, absent, **kwargs):
    """The call's response, or None when the bucket has no such configuration (error code `absent`)."""
    try:
        return call(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] != absent:
            raise
        return None


def exposure(s3, bucket, account_flags):
    """How the bucket is public ('policy' / 'ACL'), or None: what Block Public Access leaves in effect."""
    configured = _read(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=bucket)
    bucket_flags = bpa_flags((configured or {}).get("PublicAccessBlockConfiguration"))
    policy = _read(s3.get_bucket_policy, "NoSuchBucketPolicy", Bucket=bucket)
    grants = public_grants(s3.get_bucket_acl(Bucket=bucket))
    ownership = _read(s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError", Bucket=bucket)
    rules = ((ownership or {}).get("OwnershipControls") or {}).get("Rules") or []
    acls_enabled = not any(rule.get("ObjectOwnership") == "BucketOwnerEnforced" for rule in rules)
    if not (account_flags["RestrictPublicBuckets"] or bucket_flags["RestrictPublicBuckets"]):
        if policy and public_statements(json.loads(policy["Policy"])):
            return "policy"
    if not (account_flags["IgnorePublicAcls"] or bucket_flags["IgnorePublicAcls"]) and acls_enabled and grants:
        return "ACL"
    return None


def retention_gap(lock, params):
    """What is wrong with the bucket's Object Lock for the parameters, or None."""
    if params["MinRetentionDays"] == 0:
        return None
    configuration = (lock or {}).get("ObjectLockConfiguration") or {}
    retention = (configuration.get("Rule") or {}).get("DefaultRetention") or {}
    days = retention.get("Days") or 365 * (retention.get("Years") or 0)
    wanted = f"Object Lock ({params['MinRetentionDays']}+ days{' ' + params['ObjectLockMode'] if params['ObjectLockMode'] else ''})"
    if configuration.get("ObjectLockEnabled") != "Enabled" or days < params["MinRetentionDays"]:
        return wanted
    if params["ObjectLockMode"] and retention.get("Mode") != params["ObjectLockMode"]:
        return wanted
    return None


def gaps(s3, bucket, account_flags, params):
    """Every missing protection of a bucket of this account."""
    found = []
    public = exposure(s3, bucket, account_flags)
    if public:
        found.append(f"not public (public via {public})")
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
        found.append("versioning")
    lock_gap = retention_gap(_read(s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", Bucket=bucket), params)
    if lock_gap:
        found.append(lock_gap)
    target = (s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled") or {}).get("TargetBucket")
    if not target or target == bucket:
        found.append("access logging to another bucket")
    encryption = _read(s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError", Bucket=bucket)
    rules = ((encryption or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if not any((rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") in KMS_ALGORITHMS for rule in rules):
        found.append("SSE-KMS")
    return found


def assess_own(bucket, found, params):
    """The rule itself, for a bucket of this account: (compliance, annotation)."""
    if params["RequireCrossAccount"]:
        found = ["a log-archive account (RequireCrossAccount)"] + found
    if not found:
        return ComplianceType.COMPLIANT, "Trail log bucket is private, versioned, Object Locked, access-logged elsewhere and SSE-KMS."
    head = "Trail log bucket lacks: "
    tail = f". Turn them on {FIX}."
    return ComplianceType.NON_COMPLIANT, head + "; ".join(found)[: 255 - len(head) - len(tail)] + tail


def assess_elsewhere(s3, bucket, trails):
    """A bucket not in this account: in another account (COMPLIANT), or nowhere at all.

    HeadBucket answers 404 for a bucket that does not exist, and 403 for one that exists but
    whose owner does not let this account list it (the usual log-archive bucket).
    """
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code in ("404", "NoSuchBucket"):
            return ComplianceType.NON_COMPLIANT, (
                f"Trail {trails[0]} delivers to bucket {bucket}, which does not exist: create it or point the trail at the log bucket."
            )[:255]
        if code not in ("403", "AccessDenied"):
            raise
    return ComplianceType.COMPLIANT, "Bucket is in another account (cross-account log archive): its protections are evaluated there."


class CLOUDTRAIL_LOG_BUCKET_PROTECTED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("RequireCrossAccount", "MinRetentionDays", "ObjectLockMode"))
        mode = str(rule_parameters.get("ObjectLockMode", "")).strip()
        if mode and mode not in LOCK_MODES:
            raise InvalidParametersError(f"Parameter ObjectLockMode must be GOVERNANCE, COMPLIANCE or empty (either), got {mode!r}.")
        return {
            "RequireCrossAccount": parse_bool(rule_parameters, "RequireCrossAccount", False),
            "MinRetentionDays": parse_int(rule_parameters, "MinRetentionDays", 365, 0, 36500),
            "ObjectLockMode": mode,
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        delivering = {}
        for trail in listed(client_factory.build_client("cloudtrail")):
            if trail.bucket:
                delivering.setdefault(trail.bucket, []).append(trail.name)
        if not delivering:
            return []
        s3 = client_factory.build_client("s3")
        pages = s3.get_paginator("list_buckets").paginate(PaginationConfig={"PageSize": PAGE_SIZE})
        own = {bucket["Name"] for page in pages for bucket in page["Buckets"]}
        account_flags = account_block(client_factory.build_client("s3control"), event["accountId"]) if own & set(delivering) else None
        evaluations = []
        for bucket in sorted(delivering):
            if bucket in own:
                compliance, annotation = assess_own(bucket, gaps(s3, bucket, account_flags, valid_rule_parameters), valid_rule_parameters)
            else:
                compliance, annotation = assess_elsewhere(s3, bucket, delivering[bucket])
            evaluations.append(Evaluation(compliance, bucket, APPLICABLE_RESOURCES[0], annotation))
        return evaluations


def lambda_handler(event, context):
    my_rule = CLOUDTRAIL_LOG_BUCKET_PROTECTED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
