"""The moto stand-ins in clearsight.sandbox.moto_patches: if a moto upgrade breaks one, this fails first."""
import pytest
from botocore.exceptions import ClientError
from moto.logs.responses import LogsResponse

from clearsight.sandbox import embedded_account, moto_patches

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture
def logs(aws):
    moto_patches.apply()
    return aws.client("logs")


def test_associate_kms_key_shows_in_describe_log_groups(logs):
    logs.create_log_group(logGroupName="/app/a")
    logs.create_log_group(logGroupName="/app/b")
    logs.associate_kms_key(logGroupName="/app/a", kmsKeyId=KEY)
    groups = {g["logGroupName"]: g.get("kmsKeyId") for g in logs.describe_log_groups()["logGroups"]}
    assert groups == {"/app/a": KEY, "/app/b": None}


def test_disassociate_kms_key_removes_it(logs):
    logs.create_log_group(logGroupName="/app/a", kmsKeyId=KEY)
    logs.disassociate_kms_key(logGroupName="/app/a")
    assert "kmsKeyId" not in logs.describe_log_groups()["logGroups"][0]


@pytest.mark.parametrize("call", ["associate_kms_key", "disassociate_kms_key"])
def test_unknown_log_group_is_resource_not_found_as_on_aws(logs, call):
    kwargs = {"kmsKeyId": KEY} if call == "associate_kms_key" else {}
    with pytest.raises(ClientError) as raised:
        getattr(logs, call)(logGroupName="/missing", **kwargs)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_apply_is_idempotent(logs):
    moto_patches.apply()
    assert LogsResponse.associate_kms_key is moto_patches.associate_kms_key


def test_embedded_account_applies_it(monkeypatch):
    for name in ("associate_kms_key", "disassociate_kms_key"):
        monkeypatch.delattr(LogsResponse, name, raising=False)  # as in a fresh process
    with embedded_account() as session:
        logs = session.client("logs")
        logs.create_log_group(logGroupName="/app/a")
        logs.associate_kms_key(logGroupName="/app/a", kmsKeyId=KEY)
        assert logs.describe_log_groups()["logGroups"][0]["kmsKeyId"] == KEY


def test_describe_trails_says_whether_a_trail_has_custom_and_insight_selectors(aws):
    moto_patches.apply()
    moto_patches.apply()
    aws.client("s3").create_bucket(Bucket="trail-logs")
    cloudtrail = aws.client("cloudtrail")
    for name in ("plain", "tuned"):
        cloudtrail.create_trail(Name=name, S3BucketName="trail-logs")
    cloudtrail.put_event_selectors(TrailName="tuned", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    cloudtrail.put_insight_selectors(TrailName="tuned", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
    flags = {t["Name"]: (t["HasCustomEventSelectors"], t["HasInsightSelectors"]) for t in cloudtrail.describe_trails()["trailList"]}
    assert flags == {"plain": (False, False), "tuned": (True, True)}


def test_delivery_channel_status_reports_success_or_the_missing_bucket(aws):
    aws.client("s3").create_bucket(Bucket="config-delivery")
    config = aws.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": "arn:aws:iam::123456789012:role/r"})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-delivery"})
    (status,) = config.describe_delivery_channel_status()["DeliveryChannelsStatus"]
    assert status["configHistoryDeliveryInfo"]["lastStatus"] == "SUCCESS"
    aws.client("s3").delete_bucket(Bucket="config-delivery")
    (status,) = config.describe_delivery_channel_status(DeliveryChannelNames=["default"])["DeliveryChannelsStatus"]
    assert status["configSnapshotDeliveryInfo"] == {"lastStatus": "FAILURE", "lastErrorCode": "NoSuchBucket",
                                                    "lastErrorMessage": "The specified bucket does not exist"}
    with pytest.raises(ClientError) as raised:
        config.describe_delivery_channel_status(DeliveryChannelNames=["other"])
    assert raised.value.response["Error"]["Code"] == "NoSuchDeliveryChannelException"
