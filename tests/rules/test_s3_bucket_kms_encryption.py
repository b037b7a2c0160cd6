"""S3_BUCKET_KMS_ENCRYPTION through lambda_handler, on moto, scenario by scenario."""
import copy
import json

import pytest

from tests.items import s3_bucket_item
from tests.rules.kms_answers import key_says

RULE = "S3_BUCKET_KMS_ENCRYPTION"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def key(kms):
    metadata = kms.create_key(Description="data")["KeyMetadata"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=metadata["KeyId"])
    return metadata


def encrypt(s3, bucket, algorithm, key=None, bucket_key=False):
    s3.create_bucket(Bucket=bucket)
    default = {"SSEAlgorithm": algorithm, **({"KMSMasterKeyID": key} if key else {})}
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]},
    )


def alias_arn(key):
    return key["Arn"].replace(f"key/{key['KeyId']}", "alias/data")


# --- periodic path -------------------------------------------------------------------------


def test_periodic_sse_kms_with_enabled_key_is_compliant(rule, s3, key):
    encrypt(s3, "data-kms", "aws:kms", key["Arn"], bucket_key=True)
    rule.periodic()
    assert rule.compliance() == {"data-kms": "COMPLIANT"}
    assert rule.posted[0]["Annotation"] == f"Default encryption is aws:kms with {key['Arn']}."
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::S3::Bucket"


def test_periodic_dsse_kms_is_compliant(rule, s3, key):
    encrypt(s3, "data-dsse", "aws:kms:dsse", key["Arn"])
    rule.periodic({"RequireBucketKey": "true"})  # DSSE-KMS has no bucket keys: not required of it
    assert rule.compliance() == {"data-dsse": "COMPLIANT"}


def test_periodic_sse_s3_only_is_non_compliant(rule, s3):
    encrypt(s3, "data-aes", "AES256")
    rule.periodic()
    assert rule.compliance() == {"data-aes": "NON_COMPLIANT"}
    assert "AES256" in rule.posted[0]["Annotation"]


def test_periodic_no_default_encryption_is_non_compliant(rule, s3):
    s3.create_bucket(Bucket="data-plain")
    rule.periodic()
    assert rule.compliance() == {"data-plain": "NON_COMPLIANT"}
    assert "no default encryption" in rule.posted[0]["Annotation"]


def test_periodic_wrong_key_is_non_compliant(rule, s3, kms, key):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    encrypt(s3, "data-other", "aws:kms", other)
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert rule.compliance() == {"data-other": "NON_COMPLIANT"}
    assert "not one of KmsKeyArns" in rule.posted[0]["Annotation"]


def test_periodic_aws_managed_key_is_non_compliant_when_keys_are_listed(rule, s3, key):
    encrypt(s3, "data-managed", "aws:kms")
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert rule.compliance() == {"data-managed": "NON_COMPLIANT"}
    assert "aws/s3" in rule.posted[0]["Annotation"]


def test_periodic_alias_arn_in_parameter_matches_key_arn_on_bucket(rule, s3, key):
    encrypt(s3, "data-alias", "aws:kms", key["Arn"])
    rule.periodic({"KmsKeyArns": alias_arn(key)})
    assert rule.compliance() == {"data-alias": "COMPLIANT"}


def test_periodic_missing_bucket_key_is_non_compliant_when_required(rule, s3, key):
    encrypt(s3, "data-nobk", "aws:kms", key["Arn"], bucket_key=False)
    rule.periodic({"RequireBucketKey": "TRUE"})
    assert rule.compliance() == {"data-nobk": "NON_COMPLIANT"}
    assert "Bucket Key" in rule.posted[0]["Annotation"]


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_periodic_unusable_key_is_non_compliant(rule, s3, kms, key, state):
    encrypt(s3, "data-dead", "aws:kms", key["Arn"])
    if state == "Disabled":
        kms.disable_key(KeyId=key["KeyId"])
    else:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert rule.compliance() == {"data-dead": "NON_COMPLIANT"}
    assert state in rule.posted[0]["Annotation"]


def test_periodic_key_that_does_not_exist_is_non_compliant(rule, s3, aws):
    ghost = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    encrypt(s3, "data-ghost", "aws:kms", ghost)
    rule.periodic()
    assert rule.compliance() == {"data-ghost": "NON_COMPLIANT"}
    assert "NotFound" in rule.posted[0]["Annotation"]


def test_periodic_reports_only_this_regions_buckets(rule, s3, aws):
    encrypt(s3, "data-east", "AES256")
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="data-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    rule.periodic()
    assert set(rule.compliance()) == {"data-east"}


def test_periodic_makes_only_the_calls_the_question_needs(rule, s3, kms, key):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    for i in range(3):
        encrypt(s3, f"data-shared-{i}", "aws:kms", key["Arn"])
    encrypt(s3, "data-other", "aws:kms", other)
    encrypt(s3, "data-aes", "AES256")
    rule.periodic()
    assert sorted(rule.calls) == sorted(
        ["s3.ListBuckets", "config.DescribeConfigurationRecorders"] + ["s3.GetBucketEncryption"] * 5 + ["kms.DescribeKey"] * 2
    )  # no configuration recorder here: the inventory is asked once, then every bucket is read


# --- change path ---------------------------------------------------------------------------


def test_change_sse_kms_item_is_compliant_after_one_key_lookup(rule, key):
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": key["Arn"]}, bucket_key=True)
    rule.change(item, {"KmsKeyArns": key["Arn"], "RequireBucketKey": "true"})
    assert rule.compliance() == {"audit-1": "COMPLIANT"}
    assert rule.calls == ["kms.DescribeKey"]


def test_change_sse_s3_item_is_non_compliant(rule):
    rule.change(s3_bucket_item("audit-1", sse={"sseAlgorithm": "AES256"}))
    assert rule.compliance() == {"audit-1": "NON_COMPLIANT"}
    assert rule.calls == []


def test_change_item_with_json_string_supplementary_is_read(rule, key):
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": key["Arn"]})
    supplementary = item["supplementaryConfiguration"]
    supplementary["ServerSideEncryptionConfiguration"] = json.dumps(supplementary["ServerSideEncryptionConfiguration"])
    rule.change(item)
    assert rule.compliance() == {"audit-1": "COMPLIANT"}


def test_change_alias_needs_one_lookup_to_match(rule, key):
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": key["Arn"]})
    rule.change(item, {"KmsKeyArns": alias_arn(key)})
    assert rule.compliance() == {"audit-1": "COMPLIANT"}
    assert rule.calls == ["kms.DescribeKey", "kms.DescribeKey"]


def test_change_item_without_encryption_data_reads_the_bucket(rule, s3, key):
    encrypt(s3, "audit-1", "aws:kms", key["Arn"])
    item = s3_bucket_item("audit-1", sse=None)
    rule.change(item)
    assert rule.compliance() == {"audit-1": "COMPLIANT"}
    assert rule.calls == ["s3.GetBucketEncryption", "kms.DescribeKey"]


def test_oversized_change_is_inflated_and_read_from_the_bucket(rule, s3, key):
    """moto's configuration history item lacks ServerSideEncryptionConfiguration, as older items do."""
    encrypt(s3, "big-bucket", "aws:kms", key["Arn"])
    rule.oversized("AWS::S3::Bucket", "big-bucket")
    assert rule.compliance() == {"big-bucket": "COMPLIANT"}
    assert rule.calls == ["config.GetResourceConfigHistory", "s3.GetBucketEncryption", "kms.DescribeKey"]


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_change_deleted_bucket_is_not_applicable(rule, status):
    item = s3_bucket_item("gone", sse={"sseAlgorithm": "AES256"})
    item["configurationItemStatus"] = status
    rule.change(item)
    assert rule.compliance() == {"gone": "NOT_APPLICABLE"}


def test_change_other_resource_type_is_not_applicable(rule):
    item = copy.deepcopy(s3_bucket_item("x", sse=None))
    item["resourceType"] = "AWS::S3::AccountPublicAccessBlock"
    rule.change(item)
    assert list(rule.compliance().values()) == ["NOT_APPLICABLE"]


# --- parameters and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"KmsKeyArns": "alias/data"}, "KmsKeyArns"),
        ({"KmsKeyArns": "arn:aws:kms:us-east-1:12345:key/x"}, "KmsKeyArns"),
        ({"RequireBucketKey": "yes"}, "RequireBucketKey"),
        ({"KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc"}, "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


def test_listing_denied_is_an_error_never_compliant(rule, s3, key, api_error):
    encrypt(s3, "data-kms", "aws:kms", key["Arn"])
    api_error("s3", "ListBuckets", "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


def test_one_bucket_denied_is_non_compliant_could_not_be_read_and_the_others_are_judged(rule, s3, key, api_error):
    encrypt(s3, "a-denied", "aws:kms", key["Arn"])
    encrypt(s3, "b-kms", "aws:kms", key["Arn"])
    encrypt(s3, "c-aes", "AES256")
    api_error("s3", "GetBucketEncryption", "AccessDenied", status=403, matching="a-denied")
    rule.periodic()
    assert rule.compliance() == {"a-denied": "NON_COMPLIANT", "b-kms": "COMPLIANT", "c-aes": "NON_COMPLIANT"}
    annotation = rule.posted[0]["Annotation"]
    assert annotation.startswith("Could not be read: AccessDenied on GetBucketEncryption") and len(annotation) < 256


def test_one_key_denied_makes_only_its_buckets_unreadable(rule, s3, kms, key, api_error):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    encrypt(s3, "a-first-key", "aws:kms", other)
    encrypt(s3, "b-second-key", "aws:kms", key["Arn"])
    api_error("kms", "DescribeKey", "AccessDeniedException", status=400, matching=other.split("/")[-1])
    rule.periodic()
    assert rule.compliance() == {"a-first-key": "NON_COMPLIANT", "b-second-key": "COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: AccessDeniedException on DescribeKey")


def test_throttling_is_retried_then_evaluated(rule, s3, key, api_error):
    encrypt(s3, "data-kms", "aws:kms", key["Arn"])
    throttled = api_error("kms", "DescribeKey", "ThrottlingException", times=2)
    rule.periodic()
    assert throttled.sent == 2 and len(throttled.sleeps) >= 2
    assert rule.compliance() == {"data-kms": "COMPLIANT"}


def test_throttled_to_death_is_never_compliant(rule, s3, key, api_error):
    encrypt(s3, "data-kms", "aws:kms", key["Arn"])
    api_error("s3", "GetBucketEncryption", "SlowDown", status=503)
    rule.periodic()
    assert rule.compliance() == {"data-kms": "NON_COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: SlowDown on GetBucketEncryption")


# --- review: null supplementary values, paginated listing ----------------------------------


@pytest.mark.parametrize("encoded", [None, "null"], ids=["null", "json-null"])
def test_change_item_with_null_encryption_data_reads_the_bucket(rule, s3, key, encoded):
    """A null value says Config did not capture the data (every bucket has default encryption)."""
    encrypt(s3, "audit-1", "aws:kms", key["Arn"])
    item = s3_bucket_item("audit-1", sse=None)
    item["supplementaryConfiguration"]["ServerSideEncryptionConfiguration"] = encoded
    rule.change(item)
    assert rule.compliance() == {"audit-1": "COMPLIANT"}
    assert rule.calls == ["s3.GetBucketEncryption", "kms.DescribeKey"]


def test_periodic_lists_buckets_with_paginated_requests_and_follows_pages(rule, s3, aws):
    """Unpaginated ListBuckets is refused above a 10,000-bucket quota (S3 user guide, BucketRestrictions)."""
    from tests.rules.listing import two_page_listing

    encrypt(s3, "page-one", "AES256")
    encrypt(s3, "page-two", "AES256")
    sent = two_page_listing(aws, "page-one", "page-two")
    rule.periodic()
    assert rule.compliance() == {"page-one": "NON_COMPLIANT", "page-two": "NON_COMPLIANT"}
    assert [("max-buckets" in query, query.get("continuation-token")) for query in sent] == [(True, None), (True, "page-2")]


# --- issue 17: the key is judged on every path, and must be one S3 can use and you control ---


def dead_key(kms, key, state):
    if state == "Disabled":
        kms.disable_key(KeyId=key["KeyId"])
    elif state == "PendingDeletion":
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    else:
        return "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-00000000dead"
    return key["Arn"]


@pytest.mark.parametrize("listed", [False, True], ids=["no-KmsKeyArns", "key-listed-literally"])
@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion", "NotFound"])
def test_change_unusable_key_is_non_compliant(rule, kms, key, state, listed):
    arn = dead_key(kms, key, state)
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": arn})
    rule.change(item, {"KmsKeyArns": arn} if listed else {})
    assert rule.compliance() == {"audit-1": "NON_COMPLIANT"}
    assert state in rule.posted[0]["Annotation"]
    assert rule.calls == ["kms.DescribeKey"]


@pytest.mark.parametrize("spec, usage", [("RSA_2048", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "SIGN_VERIFY")])
def test_key_s3_cannot_use_is_non_compliant_on_both_paths(rule, s3, kms, spec, usage):
    arn = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"]
    encrypt(s3, "data-asym", "aws:kms", arn)
    rule.periodic()
    rule.change(s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": arn}), {"KmsKeyArns": arn})
    assert rule.compliance() == {"data-asym": "NON_COMPLIANT", "audit-1": "NON_COMPLIANT"}
    assert all(spec in e["Annotation"] and "symmetric ENCRYPT_DECRYPT" in e["Annotation"] for e in rule.posted)


def test_key_in_another_region_is_non_compliant_without_asking_kms(rule):
    arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    rule.change(s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": arn}), {"KmsKeyArns": arn})
    assert rule.compliance() == {"audit-1": "NON_COMPLIANT"}
    assert "in eu-west-1, not us-east-1" in rule.posted[0]["Annotation"]
    assert rule.calls == []


@pytest.mark.parametrize("parameters", [None, {}], ids=["parameters.json", "no-parameters"])
def test_aws_managed_key_without_key_id_is_non_compliant_by_default(rule, s3, parameters):
    encrypt(s3, "data-managed", "aws:kms")
    rule.periodic(parameters)
    assert rule.compliance() == {"data-managed": "NON_COMPLIANT"}
    assert "AllowAwsManagedKey" in rule.posted[0]["Annotation"]
    assert rule.calls == ["s3.ListBuckets", "config.DescribeConfigurationRecorders", "s3.GetBucketEncryption"]


def test_aws_managed_key_is_compliant_when_allowed_with_zero_calls(rule):
    rule.change(s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms"}), {"AllowAwsManagedKey": "true"})
    assert rule.compliance() == {"audit-1": "COMPLIANT"}
    assert rule.calls == []


def test_aws_managed_key_named_by_arn_is_non_compliant_unless_allowed(rule, aws):
    arn = key_says(aws, "alias/aws/s3", "123456789012", manager="AWS")
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "alias/aws/s3"})
    rule.change(item)
    assert rule.compliance() == {"audit-1": "NON_COMPLIANT"}
    assert f"{arn} is an AWS managed key" in rule.posted[0]["Annotation"]


@pytest.mark.parametrize("parameters, expected", [({}, "NON_COMPLIANT"), ({"KeyAccountIds": "999999999999"}, "COMPLIANT")])
def test_key_of_another_account_counts_only_when_listed(rule, aws, parameters, expected):
    reference = "arn:aws:kms:us-east-1:999999999999:alias/shared"
    key_says(aws, reference, "999999999999")
    rule.change(s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": reference}), parameters)
    assert rule.compliance() == {"audit-1": expected}
    if expected == "NON_COMPLIANT":
        assert "account 999999999999" in rule.posted[0]["Annotation"]


def test_periodic_reads_bucket_key_enabled(rule, s3, key):
    encrypt(s3, "data-bk", "aws:kms", key["Arn"], bucket_key=True)
    rule.periodic({"RequireBucketKey": "true"})
    assert rule.compliance() == {"data-bk": "COMPLIANT"}


def test_bad_key_account_ids_is_a_customer_error(rule):
    response = rule.periodic({"KeyAccountIds": "12345"})
    assert "KeyAccountIds" in response["customerErrorMessage"]


@pytest.mark.parametrize("named_by", ["KeyId", "alias/data", "alias-arn"])
def test_key_state_counts_however_the_bucket_names_the_key(rule, s3, kms, key, named_by):
    reference = {"KeyId": key["KeyId"], "alias/data": "alias/data", "alias-arn": alias_arn(key)}[named_by]
    encrypt(s3, "data-named", "aws:kms", reference)
    kms.disable_key(KeyId=key["KeyId"])
    rule.periodic({"KmsKeyArns": key["Arn"]})
    assert rule.compliance() == {"data-named": "NON_COMPLIANT"}
    assert "Disabled" in rule.posted[0]["Annotation"]


def test_two_missing_keys_do_not_match_each_other(rule):
    """Two references DescribeKey cannot find are not one key (no None == None match)."""
    listed = "arn:aws:kms:us-east-1:123456789012:alias/gone-one"
    item = s3_bucket_item("audit-1", sse={"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:us-east-1:123456789012:alias/gone-two"})
    rule.change(item, {"KmsKeyArns": listed})
    assert rule.compliance() == {"audit-1": "NON_COMPLIANT"}


def test_bucket_deleted_since_the_listing_is_skipped_and_the_others_judged(rule, s3, key, api_error):
    encrypt(s3, "a-gone", "aws:kms", key["Arn"])
    encrypt(s3, "b-kms", "aws:kms", key["Arn"])
    api_error("s3", "GetBucketEncryption", "NoSuchBucket", status=404, matching="a-gone")
    rule.periodic()
    assert rule.compliance() == {"b-kms": "COMPLIANT"}


def test_key_lookup_throttled_out_is_unreadable_not_missing(rule, s3, key, api_error):
    encrypt(s3, "data-kms", "aws:kms", key["Arn"])
    api_error("kms", "DescribeKey", "ThrottlingException")
    rule.periodic()
    assert rule.compliance() == {"data-kms": "NON_COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: ThrottlingException on DescribeKey")
