"""S3_BUCKET_PUBLIC_ACCESS_PROHIBITED: no bucket is effectively public.

Why: AWS's S3_BUCKET_PUBLIC_READ/WRITE_PROHIBITED miss account-level Block Public Access
changes and call policies public that S3 itself does not (and peers report false positives on
pinned conditions). This rule asks what S3 enforces: a public bucket policy counts unless
RestrictPublicBuckets is on (account or bucket); a public ACL grant counts unless
IgnorePublicAcls is on (account or bucket) or Object Ownership is BucketOwnerEnforced (ACLs
disabled). BlockPublicAcls/BlockPublicPolicy only refuse new grants, so they neutralise
nothing. What is public is decided by s3_exposure (S3's "meaning of public").
Not read, by choice: object ACLs (that would mean listing every object; the public-access pack
pairs this rule with S3_BUCKET_ACL_PROHIBITED, which requires BucketOwnerEnforced, under which
object ACLs grant nothing) and access-point policies (an access point's own Block Public Access
and policy are a separate resource, AWS::S3::AccessPoint, not this bucket's configuration).

Resource type: AWS::S3::Bucket (resource id: the bucket name).
Triggers:
  - periodic: ListBuckets (this region), then per bucket (10 buckets at a time) only what
    can change the verdict:
    GetPublicAccessBlock unless the account's IgnorePublicAcls and RestrictPublicBuckets
    are both on; GetBucketPolicy unless RestrictPublicBuckets is on; GetBucketAcl unless
    IgnorePublicAcls is on or the policy is already public; GetBucketOwnershipControls only
    for a public ACL. The account's settings: one s3control GetPublicAccessBlock per run.
  - configuration change: bucket BPA, policy and ACL from the item (policy and ACL read from
    the bucket when the item lacks them or carries null, policyText null included; an item without
    PublicAccessBlockConfiguration is a bucket without one). The item carries neither the
    account's settings nor Object Ownership: each is read (one call) only when the item shows
    something public that the bucket's own settings do not neutralise, so an item carrying
    its policy and ACL costs no call, and an unknown never turns into COMPLIANT.
Parameters (optional):
  ExemptBuckets  comma-separated bucket names accepted as public (websites): NOT_APPLICABLE,
                 said so (not evaluated, so never counted as compliant).
Scenarios:
  - no public policy statement or ACL grant in effect: COMPLIANT
  - public policy (Principal *, AWS:*, a list with *, Federated; no pinning condition, or a
    condition that does not pin such as aws:SecureTransport, a wildcard, aws:SourceIp
    0.0.0.0/0) and RestrictPublicBuckets off at account and bucket level: NON_COMPLIANT
  - ACL grant to AllUsers or AuthenticatedUsers, ACLs enabled, IgnorePublicAcls off: NON_COMPLIANT
  - public ACL with BucketOwnerEnforced, public ACL with IgnorePublicAcls, public policy with
    RestrictPublicBuckets (account or bucket), Deny-only policy, pinned policy: COMPLIANT
  - exempt bucket: NOT_APPLICABLE (as ExemptLogGroupNames elsewhere); deleted bucket: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; the listing or the account's settings denied or
    throttled out: an error; one bucket unreadable (a read denied, throttled out, a policy that
    cannot be parsed): that bucket NON_COMPLIANT "Could not be read: ...", the others judged
"""
import json
import re
from functools import cached_property

from botocore.exceptions import ClientError
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from config_items import MISSING, supplementary
from rule_parameters import parse_csv, reject_unknown
from s3_reads import account_block, region_buckets
from s3_exposure import bpa_flags, public_grants, public_statements
from sweep import judge_each

APPLICABLE_RESOURCES = ["AWS::S3::Bucket"]
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
FIX = "Turn on bucket Block Public Access (remediation: Clearsight-S3BucketBlockPublicAccess)."


def _absent(error, code):
    """Re-raise unless the error is `code`: the bucket has no such configuration (or is gone)."""
    if error.response["Error"]["Code"] != code:
        raise error


class AccountBlock:
    """The account's Block Public Access settings: one s3control call, on first need."""

    def __init__(self, s3control, account_id):
        self._s3control, self._account_id = s3control, account_id

    @cached_property
    def flags(self):
        return account_block(self._s3control, self._account_id)


class BucketFacts:
    """Periodic path: what the verdict may ask of one bucket, each read once and only if asked."""

    def __init__(self, s3, bucket, account):
        self.s3, self.bucket, self.account = s3, bucket, account

    def blocked(self, flag):
        """Is the setting on at either level? The account's settings are at hand on this path."""
        return self.account.flags[flag] or self.bucket_bpa[flag]

    def settled(self, flag):
        """Is the setting on, as far as can be known before reading what is public? Here: blocked."""
        return self.blocked(flag)

    @cached_property
    def bucket_bpa(self):
        try:
            return bpa_flags(self.s3.get_public_access_block(Bucket=self.bucket)["PublicAccessBlockConfiguration"])
        except ClientError as error:
            _absent(error, "NoSuchPublicAccessBlockConfiguration")
            return bpa_flags(None)

    @cached_property
    def public_statements(self):
        try:
            return public_statements(json.loads(self.s3.get_bucket_policy(Bucket=self.bucket)["Policy"]))
        except ClientError as error:
            _absent(error, "NoSuchBucketPolicy")
            return []

    @cached_property
    def public_grants(self):
        return public_grants(self.s3.get_bucket_acl(Bucket=self.bucket))

    @cached_property
    def acls_enabled(self):
        """ACLs count unless Object Ownership is BucketOwnerEnforced (no controls: ACLs on)."""
        try:
            rules = self.s3.get_bucket_ownership_controls(Bucket=self.bucket)["OwnershipControls"]["Rules"]
        except ClientError as error:
            _absent(error, "OwnershipControlsNotFoundError")
            return True
        return not any(rule.get("ObjectOwnership") == "BucketOwnerEnforced" for rule in rules)


class ItemFacts(BucketFacts):
    """Change path: the bucket's own data from the configuration item; the rest read on need."""

    def __init__(self, s3, configuration_item, account):
        super().__init__(s3, configuration_item["resourceId"], account)
        self.item = configuration_item

    def blocked(self, flag):
        """The item's settings first: the account's cost a call."""
        return self.bucket_bpa[flag] or self.account.flags[flag]

    def settled(self, flag):
        """Only the item's own settings: the account's are read once something public is found."""
        return self.bucket_bpa[flag]

    @cached_property
    def bucket_bpa(self):
        """An item without the settings is a bucket without them: at worst stricter, never laxer."""
        carried = supplementary(self.item, "PublicAccessBlockConfiguration")
        return bpa_flags(None if carried is MISSING else carried)

    @cached_property
    def public_statements(self):
        carried = supplementary(self.item, "BucketPolicy")
        if carried is MISSING or carried.get("policyText") is None:  # not captured: read it
            return BucketFacts.public_statements.func(self)
        return public_statements(json.loads(carried["policyText"]) if carried["policyText"] else None)

    @cached_property
    def public_grants(self):
        carried = supplementary(self.item, "AccessControlList")
        return BucketFacts.public_grants.func(self) if carried is MISSING else public_grants(carried)


def assess(facts):
    """The rule itself: (compliance, annotation) for one bucket, asking facts only what matters.

    `settled` is what each path knows cheapest (periodic: Block Public Access at both levels;
    change: the item's own), so an item that carries its policy and ACL costs no call unless
    something in it is public.
    """
    if not facts.settled("RestrictPublicBuckets"):
        statements = facts.public_statements
        if statements and not facts.blocked("RestrictPublicBuckets"):
            label, principal, actions = statements[0]
            return (
                ComplianceType.NON_COMPLIANT,
                f"Public via policy statement {label} ({principal}, {actions}); "
                f"RestrictPublicBuckets is off (account and bucket). {FIX}",
            )
    if not facts.settled("IgnorePublicAcls"):
        grants = facts.public_grants
        if grants and not facts.blocked("IgnorePublicAcls") and facts.acls_enabled:
            group, permission = grants[0]
            return (
                ComplianceType.NON_COMPLIANT,
                f"Public via ACL grant {permission} to {group}: ACLs are enabled (not BucketOwnerEnforced), "
                f"IgnorePublicAcls is off (account and bucket). {FIX}",
            )
    return ComplianceType.COMPLIANT, "Not public: no bucket policy statement or ACL grant gives public access that Block Public Access leaves in effect."


def exempted(bucket):
    return ComplianceType.NOT_APPLICABLE, f"Bucket {bucket} is in ExemptBuckets: public access accepted, not evaluated."


class S3_BUCKET_PUBLIC_ACCESS_PROHIBITED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("ExemptBuckets",))
        return {"ExemptBuckets": set(parse_csv(rule_parameters, "ExemptBuckets", BUCKET_NAME, "an S3 bucket name"))}

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        bucket = configuration_item["resourceId"]
        if bucket in valid_rule_parameters["ExemptBuckets"]:
            compliance, annotation = exempted(bucket)
        else:
            account = AccountBlock(client_factory.build_client("s3control"), configuration_item["awsAccountId"])
            compliance, annotation = assess(ItemFacts(client_factory.build_client("s3"), configuration_item, account))
        return [Evaluation(compliance, annotation=annotation)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        s3 = client_factory.build_client("s3")
        account = AccountBlock(client_factory.build_client("s3control"), event["accountId"])
        buckets = region_buckets(s3)
        if set(buckets) - valid_rule_parameters["ExemptBuckets"]:
            account.flags  # read before any bucket: its failure is the sweep's, not one bucket's

        def judge(bucket):
            if bucket in valid_rule_parameters["ExemptBuckets"]:
                return exempted(bucket)
            return assess(BucketFacts(s3, bucket, account))

        return judge_each(buckets, APPLICABLE_RESOURCES[0], judge, gone_codes=("NoSuchBucket",))


def lambda_handler(event, context):
    my_rule = S3_BUCKET_PUBLIC_ACCESS_PROHIBITED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
