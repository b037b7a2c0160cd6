"""S3_BUCKET_KMS_ENCRYPTION: every bucket's default encryption is SSE-KMS or DSSE-KMS.

Why: S3 applies SSE-S3 to every bucket since January 2023, so AWS's
S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED is compliant everywhere. This rule asks the question
that still matters: is the data under a KMS key you control, and is that key usable?

Resource type: AWS::S3::Bucket (resource id: the bucket name).
Triggers:
  - configuration change: reads supplementaryConfiguration.ServerSideEncryptionConfiguration
    from the item (the bucket when the item lacks it), then one DescribeKey for the bucket's key
    (plus one per KmsKeyArns entry when the key is not listed literally): a key's state can
    change without the bucket changing. Zero calls only where the key cannot matter (no
    encryption, SSE-S3, or the AWS managed key with no key id).
  - periodic: one ListBuckets (this region's buckets), then each bucket's encryption from AWS
    Config's inventory where the recorder records AWS::S3::Bucket continuously and healthily
    (SelectResourceConfig, 100 buckets a request, judged as a change item, annotation marked
    "[Config inventory]"; see config_inventory for what is trusted), else one
    GetBucketEncryption per bucket (10 at a time); one DescribeKey per distinct key (state,
    spec, owner, alias resolution).
Parameters (all optional):
  KmsKeyArns          comma-separated key ARNs or alias ARNs the bucket key must be one of.
  KeyAccountIds       with KmsKeyArns empty: accounts besides this one whose customer managed
                      keys are accepted (default: this account only).
  AllowAwsManagedKey  'true' to accept the AWS managed aws/s3 key when KmsKeyArns is empty
                      (default 'false': it is not a key you control: you cannot restrict,
                      disable or audit its policy).
  RequireBucketKey    'true' to require S3 Bucket Keys with SSE-KMS (DSSE-KMS has none).
  EvaluationSource    periodic source: auto (default: inventory where trusted), inventory
                      (required: fail rather than read every bucket), direct (never query).
Scenarios:
  - SSE-KMS (or DSSE-KMS) with an allowed (or, KmsKeyArns empty, own customer managed), usable
    key: COMPLIANT
  - no default encryption, or SSE-S3 (AES256): NON_COMPLIANT
  - key not in KmsKeyArns: NON_COMPLIANT
  - KmsKeyArns empty and the AWS managed aws/s3 key (unless AllowAwsManagedKey), or a key of
    another account not in KeyAccountIds: NON_COMPLIANT
  - RequireBucketKey and Bucket Key off: NON_COMPLIANT
  - key unusable (disabled, pending deletion, missing, in another region, asymmetric or HMAC,
    not ENCRYPT_DECRYPT), on either path: NON_COMPLIANT
  - deleted bucket: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; the listing denied or throttled out: an error;
    one bucket (or its key) unreadable: that bucket NON_COMPLIANT "Could not be read: ...",
    never COMPLIANT, the others judged
"""
from botocore.exceptions import ClientError
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from config_inventory import evaluation_source, inventory_or_none, marked
from config_items import MISSING, supplementary
from kms_keys import KeyBook, key_is_allowed, not_controlled, unusable
from rule_parameters import KMS_KEY_OR_ALIAS_ARN, parse_accounts, parse_bool, parse_csv, reject_unknown
from s3_reads import region_buckets
from sweep import judge_each

APPLICABLE_RESOURCES = ["AWS::S3::Bucket"]
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
INVENTORY_FIELDS = ["supplementaryConfiguration.ServerSideEncryptionConfiguration"]
FIX = "Set default encryption to SSE-KMS with an approved key (remediation: Clearsight-S3EnableKmsEncryption)."


def encryption_from_api(response):
    """Normalise GetBucketEncryption's rules to (algorithm, key, bucket_key) tuples."""
    return [
        (
            rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm"),
            rule.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID"),
            bool(rule.get("BucketKeyEnabled")),
        )
        for rule in response.get("Rules", [])
    ]


def encryption_from_item(configuration):
    """Normalise the configuration item's ServerSideEncryptionConfiguration (camelCase keys)."""
    return [
        (
            (rule.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm"),
            (rule.get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyID"),
            bool(rule.get("bucketKeyEnabled")),
        )
        for rule in (configuration or {}).get("rules") or []
    ]


def assess(rules, params, book, accounts):
    """The rule itself: (compliance, annotation) for one bucket.

    rules: normalised encryption rules (empty: no default encryption).
    book: a KeyBook, asked only about the keys the verdict depends on.
    accounts: the accounts whose customer managed keys count as yours when KmsKeyArns is empty.
    """
    kms_rules = [rule for rule in rules if rule[0] in KMS_ALGORITHMS]
    if not rules:
        return ComplianceType.NON_COMPLIANT, f"Bucket has no default encryption. {FIX}"
    if not kms_rules:
        return ComplianceType.NON_COMPLIANT, f"Default encryption is {rules[0][0]}, not SSE-KMS. {FIX}"
    algorithm, key, bucket_key = kms_rules[0]
    allowed = params["KmsKeyArns"]
    if key:
        problem = unusable(key, book, "objects")
        if problem:
            return ComplianceType.NON_COMPLIANT, f"{problem} Enable the key or switch the bucket to a usable approved key."
        if allowed and not key_is_allowed(key, allowed, book):
            return ComplianceType.NON_COMPLIANT, f"Bucket is encrypted with {key}, not one of KmsKeyArns. {FIX}"
        foreign = None if allowed else not_controlled(key, book, accounts)
        if foreign:
            return ComplianceType.NON_COMPLIANT, f"Bucket key {foreign}. {FIX}"
    elif allowed:
        return ComplianceType.NON_COMPLIANT, f"Bucket is encrypted with the AWS managed key aws/s3, not one of KmsKeyArns. {FIX}"
    elif not params["AllowAwsManagedKey"]:
        return (
            ComplianceType.NON_COMPLIANT,
            f"Bucket uses the AWS managed key aws/s3, not a key you control (AllowAwsManagedKey is false). {FIX}",
        )
    if params["RequireBucketKey"] and algorithm == "aws:kms" and not bucket_key:
        return (
            ComplianceType.NON_COMPLIANT,
            "SSE-KMS without an S3 Bucket Key (RequireBucketKey is true). Enable BucketKeyEnabled on the bucket.",
        )
    return ComplianceType.COMPLIANT, f"Default encryption is {algorithm} with {key or 'aws/s3'}."


class S3_BUCKET_KMS_ENCRYPTION(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("KmsKeyArns", "KeyAccountIds", "AllowAwsManagedKey", "RequireBucketKey", "EvaluationSource"))
        return {
            "KmsKeyArns": parse_csv(rule_parameters, "KmsKeyArns", KMS_KEY_OR_ALIAS_ARN, "a KMS key ARN or alias ARN"),
            "KeyAccountIds": parse_accounts(rule_parameters, "KeyAccountIds"),
            "AllowAwsManagedKey": parse_bool(rule_parameters, "AllowAwsManagedKey", False),
            "RequireBucketKey": parse_bool(rule_parameters, "RequireBucketKey", False),
            "EvaluationSource": evaluation_source(rule_parameters),
        }

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        item_encryption = supplementary(configuration_item, "ServerSideEncryptionConfiguration")
        if item_encryption is MISSING:
            rules = self._read_encryption(client_factory.build_client("s3"), configuration_item["resourceId"])
        else:
            rules = encryption_from_item(item_encryption)
        book = KeyBook(client_factory.build_client("kms"))
        accounts = {configuration_item["awsAccountId"], *valid_rule_parameters["KeyAccountIds"]}
        compliance, annotation = assess(rules, valid_rule_parameters, book, accounts)
        return [Evaluation(compliance, annotation=annotation)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        s3 = client_factory.build_client("s3")
        book = KeyBook(client_factory.build_client("kms"))
        accounts = {event["accountId"], *valid_rule_parameters["KeyAccountIds"]}
        buckets = region_buckets(s3)
        items = inventory_or_none(client_factory.build_client("config"), valid_rule_parameters["EvaluationSource"],
                                  APPLICABLE_RESOURCES[0], s3.meta.region_name, event["accountId"], INVENTORY_FIELDS) or {}

        def judge(bucket):
            carried = supplementary(items[bucket], "ServerSideEncryptionConfiguration") if bucket in items else MISSING
            if carried is MISSING:
                return assess(self._read_encryption(s3, bucket), valid_rule_parameters, book, accounts)
            return marked(*assess(encryption_from_item(carried), valid_rule_parameters, book, accounts))

        return judge_each(buckets, APPLICABLE_RESOURCES[0], judge, gone_codes=("NoSuchBucket",))

    @staticmethod
    def _read_encryption(s3, bucket):
        try:
            return encryption_from_api(s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError":
                return []
            raise


def lambda_handler(event, context):
    my_rule = S3_BUCKET_KMS_ENCRYPTION()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
