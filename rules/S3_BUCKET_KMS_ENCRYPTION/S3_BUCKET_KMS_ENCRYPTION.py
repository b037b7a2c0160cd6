"""S3_BUCKET_KMS_ENCRYPTION: every bucket's default encryption is SSE-KMS or DSSE-KMS.

Why: S3 applies SSE-S3 to every bucket since January 2023, so AWS's
S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED is compliant everywhere. This rule asks the question
that still matters: is the data under a KMS key you control, and is that key usable?

Resource type: AWS::S3::Bucket (resource id: the bucket name).
Triggers:
  - configuration change: reads supplementaryConfiguration.ServerSideEncryptionConfiguration
    from the item (zero API calls when the item carries it and the key matches literally);
  - periodic: one ListBuckets (this region's buckets), one GetBucketEncryption per bucket,
    one DescribeKey per distinct key (key state, alias resolution).
Parameters (all optional):
  KmsKeyArns        comma-separated key ARNs or alias ARNs the bucket key must be one of.
  RequireBucketKey  'true' to require S3 Bucket Keys with SSE-KMS (DSSE-KMS has none).
Scenarios:
  - SSE-KMS (or DSSE-KMS) with an allowed, enabled key: COMPLIANT
  - no default encryption, or SSE-S3 (AES256): NON_COMPLIANT
  - key not in KmsKeyArns (including the AWS managed aws/s3 key): NON_COMPLIANT
  - RequireBucketKey and Bucket Key off: NON_COMPLIANT
  - key disabled, pending deletion or missing (periodic path): NON_COMPLIANT
  - deleted bucket: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; AccessDenied: an error, never COMPLIANT
"""
from botocore.exceptions import ClientError
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from config_items import MISSING, supplementary
from kms_keys import describe_keys, key_is_allowed, unusable
from rule_parameters import KMS_KEY_OR_ALIAS_ARN, parse_bool, parse_csv, reject_unknown
from s3_reads import region_buckets

APPLICABLE_RESOURCES = ["AWS::S3::Bucket"]
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
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


def assess(rules, params, keys):
    """The rule itself: (compliance, annotation) for one bucket.

    rules: normalised encryption rules (empty: no default encryption).
    keys: what DescribeKey said of each key id the bucket or KmsKeyArns names, as
          {reference: {"Arn": ..., "KeyState": ...}}; a reference absent from it was not looked up.
    """
    kms_rules = [rule for rule in rules if rule[0] in KMS_ALGORITHMS]
    if not rules:
        return ComplianceType.NON_COMPLIANT, f"Bucket has no default encryption. {FIX}"
    if not kms_rules:
        return ComplianceType.NON_COMPLIANT, f"Default encryption is {rules[0][0]}, not SSE-KMS. {FIX}"
    algorithm, key, bucket_key = kms_rules[0]
    described = unusable(key, keys)
    if described:
        return (
            ComplianceType.NON_COMPLIANT,
            f"KMS key {described['Arn']} is {described['KeyState']}: objects cannot be encrypted. "
            "Enable the key or switch the bucket to an enabled approved key.",
        )
    allowed = params["KmsKeyArns"]
    if allowed and not key_is_allowed(key, allowed, keys):
        shown = key or "the AWS managed key aws/s3"
        return ComplianceType.NON_COMPLIANT, f"Bucket is encrypted with {shown}, not one of KmsKeyArns. {FIX}"
    if params["RequireBucketKey"] and algorithm == "aws:kms" and not bucket_key:
        return (
            ComplianceType.NON_COMPLIANT,
            "SSE-KMS without an S3 Bucket Key (RequireBucketKey is true). Enable BucketKeyEnabled on the bucket.",
        )
    return ComplianceType.COMPLIANT, f"Default encryption is {algorithm} with {key or 'aws/s3'}."


def needs_lookup(rules, params):
    """References the change path must describe: only when a literal match cannot decide."""
    kms_keys = [rule[1] for rule in rules if rule[0] in KMS_ALGORITHMS and rule[1]]
    if not params["KmsKeyArns"] or not kms_keys or kms_keys[0] in params["KmsKeyArns"]:
        return []
    return kms_keys[:1] + params["KmsKeyArns"]


class S3_BUCKET_KMS_ENCRYPTION(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("KmsKeyArns", "RequireBucketKey"))
        return {
            "KmsKeyArns": parse_csv(rule_parameters, "KmsKeyArns", KMS_KEY_OR_ALIAS_ARN, "a KMS key ARN or alias ARN"),
            "RequireBucketKey": parse_bool(rule_parameters, "RequireBucketKey", False),
        }

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        item_encryption = supplementary(configuration_item, "ServerSideEncryptionConfiguration")
        if item_encryption is MISSING:
            rules = self._read_encryption(client_factory.build_client("s3"), configuration_item["resourceId"])
        else:
            rules = encryption_from_item(item_encryption)
        lookups = needs_lookup(rules, valid_rule_parameters)
        keys = describe_keys(client_factory.build_client("kms"), lookups) if lookups else {}
        compliance, annotation = assess(rules, valid_rule_parameters, keys)
        return [Evaluation(compliance, annotation=annotation)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        s3 = client_factory.build_client("s3")
        encryption = {}
        for name in region_buckets(s3):
            try:
                encryption[name] = self._read_encryption(s3, name)
            except ClientError as error:
                if error.response["Error"]["Code"] != "NoSuchBucket":
                    raise  # deleted since listing: nothing to report
        references = [rule[1] for rules in encryption.values() for rule in rules if rule[0] in KMS_ALGORITHMS and rule[1]]
        references += valid_rule_parameters["KmsKeyArns"]
        keys = describe_keys(client_factory.build_client("kms"), references) if references else {}
        evaluations = []
        for name, rules in encryption.items():
            compliance, annotation = assess(rules, valid_rule_parameters, keys)
            evaluations.append(Evaluation(compliance, name, APPLICABLE_RESOURCES[0], annotation))
        return evaluations

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
