"""S3_BUCKET_KMS_ENCRYPTION's periodic path from AWS Config's inventory, and its fallbacks, through lambda_handler."""
import pytest

from tests.rules.inventory_answers import STALE, bucket_row, healthy_inventory, kms_sse

RULE = "S3_BUCKET_KMS_ENCRYPTION"
MARK = "[Config inventory]"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def key(kms):
    return kms.create_key(Description="data")["KeyMetadata"]["Arn"]


def buckets(s3, names, key=None):
    for name in names:
        s3.create_bucket(Bucket=name)
        if key:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})


def test_recorded_buckets_are_judged_from_the_inventory_100_a_request(rule, aws, s3, key):
    names = [f"data-{i:03d}" for i in range(150)]
    buckets(s3, names)  # no encryption on the buckets themselves: only the inventory can make them COMPLIANT
    queries = healthy_inventory(aws, [bucket_row(name, kms_sse(key)) for name in names])
    rule.periodic()
    assert set(rule.compliance().values()) == {"COMPLIANT"} and len(rule.posted) == 150
    assert all(e["Annotation"].endswith(MARK) for e in rule.posted)
    assert sorted(rule.calls) == sorted(["s3.ListBuckets", "config.DescribeConfigurationRecorders",
                                         "config.DescribeConfigurationRecorderStatus"]
                                        + ["config.SelectResourceConfig"] * 2 + ["kms.DescribeKey"])
    assert [q["Limit"] for q in queries] == [100, 100]
    assert "supplementaryConfiguration.ServerSideEncryptionConfiguration" in queries[0]["Expression"]
    assert "awsRegion = 'us-east-1'" in queries[0]["Expression"]


def test_stale_and_missing_items_are_read_from_the_bucket(rule, aws, s3, key):
    buckets(s3, ["fresh", "stale", "new"], key)
    healthy_inventory(aws, [bucket_row("fresh", kms_sse(key)), bucket_row("stale", {"rules": []}, captured=STALE)])
    rule.periodic()
    assert rule.compliance() == {"fresh": "COMPLIANT", "stale": "COMPLIANT", "new": "COMPLIANT"}
    assert rule.calls.count("s3.GetBucketEncryption") == 2  # stale and new only
    marks = {e["ComplianceResourceId"]: e["Annotation"].endswith(MARK) for e in rule.posted}
    assert marks == {"fresh": True, "stale": False, "new": False}


def test_items_of_buckets_deleted_since_are_not_reported(rule, aws, s3, key):
    buckets(s3, ["kept"])
    healthy_inventory(aws, [bucket_row("kept", kms_sse(key)), bucket_row("deleted", kms_sse(key))])
    rule.periodic()
    assert rule.compliance() == {"kept": "COMPLIANT"}


def test_inventory_and_direct_reads_give_the_same_verdicts(rule, aws, s3, kms, key):
    metadata = kms.create_key()["KeyMetadata"]
    kms.disable_key(KeyId=metadata["KeyId"])
    disabled = metadata["Arn"]
    buckets(s3, ["good"], key)
    buckets(s3, ["off-key"], disabled)
    buckets(s3, ["aes"])
    s3.put_bucket_encryption(Bucket="aes", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    rule.periodic({"EvaluationSource": "direct"})
    direct = {e["ComplianceResourceId"]: (e["ComplianceType"], e["Annotation"]) for e in rule.posted}
    assert not any(c.startswith("config.") for c in rule.calls)
    rule.posted.clear()
    healthy_inventory(aws, [bucket_row("good", kms_sse(key)), bucket_row("off-key", kms_sse(disabled)),
                            bucket_row("aes", {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})])
    rule.periodic()
    inventory = {e["ComplianceResourceId"]: (e["ComplianceType"], e["Annotation"].removesuffix(" " + MARK)) for e in rule.posted}
    assert inventory == direct
    assert direct["off-key"][0] == "NON_COMPLIANT" and direct["good"][0] == "COMPLIANT"


def test_moto_recorder_never_succeeds_so_auto_falls_back_to_direct_reads(rule, aws, s3, key):
    config = aws.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/config",
                                                             "recordingGroup": {"allSupported": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    buckets(s3, ["config-bucket", "data"], key)
    rule.periodic()
    assert rule.compliance() == {"config-bucket": "COMPLIANT", "data": "COMPLIANT"}
    assert not any(e["Annotation"].endswith(MARK) for e in rule.posted)
    assert "config.DescribeConfigurationRecorderStatus" in rule.calls and rule.calls.count("s3.GetBucketEncryption") == 2


def test_inventory_required_but_not_recorded_is_an_error_never_compliant(rule, s3, key):
    buckets(s3, ["data"], key)
    response = rule.periodic({"EvaluationSource": "inventory"})
    assert rule.posted == []
    assert response["internalErrorMessage"].startswith(
        "EvaluationSource is inventory, but the configuration recorder does not record AWS::S3::Bucket")


def test_bad_evaluation_source_is_a_parameter_error(rule):
    response = rule.periodic({"EvaluationSource": "config"})
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert "EvaluationSource must be one of auto, inventory, direct" in response["customerErrorMessage"]
