"""CONFIG_RECORDER_ALL_REGIONS through lambda_handler, on moto, scenario by scenario."""
import pytest

from clearsight.evaluate import evaluate_periodic
from tests.conftest import ACCOUNT

RULE = "CONFIG_RECORDER_ALL_REGIONS"
TWO = {"Regions": "us-east-1,eu-west-1"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/config-recorder"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def bucket(aws):
    aws.client("s3").create_bucket(Bucket="config-delivery")
    return "config-delivery"


@pytest.fixture
def record(aws, bucket):
    def record(region, include_global=False, group=None, start=True, channel=True, channel_bucket=bucket):
        config = aws.client("config", region_name=region)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": ROLE,
            "recordingGroup": group or {"allSupported": True, "includeGlobalResourceTypes": include_global}})
        if channel:
            config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": channel_bucket})
        if start:
            config.start_configuration_recorder(ConfigurationRecorderName="default")
        return config

    return record


def annotation(rule):
    return rule.posted[0]["Annotation"]


def test_every_region_recording_everything_with_iam_somewhere_is_compliant(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1")
    rule.periodic(TWO)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert sorted(set(rule.calls)) == [
        "config.DescribeConfigurationRecorderStatus", "config.DescribeConfigurationRecorders",
        "config.DescribeDeliveryChannelStatus", "config.DescribeDeliveryChannels",
    ]
    assert len(rule.calls) == 8  # four reads per region, no DescribeRegions when Regions is given


def test_a_region_without_a_recorder_is_named(rule, record):
    record("us-east-1", include_global=True)
    rule.periodic(TWO)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("no recorder: eu-west-1.")
    assert "Clearsight-ConfigRecorderEnable" in annotation(rule)


def test_a_stopped_recorder_is_named(rule, record, aws):
    record("us-east-1", include_global=True)
    record("eu-west-1")
    aws.client("config", region_name="eu-west-1").stop_configuration_recorder(ConfigurationRecorderName="default")
    rule.periodic(TWO)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "recorder stopped: eu-west-1" in annotation(rule)


def test_a_recorder_of_some_types_only_is_named(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", group={"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]})
    rule.periodic(TWO)
    assert "not recording all supported types: eu-west-1" in annotation(rule)


def test_resource_types_relaxes_all_types_to_the_listed_ones(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", group={"allSupported": False, "includeGlobalResourceTypes": False,
                               "resourceTypes": ["AWS::S3::Bucket", "AWS::EC2::SecurityGroup"]})
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket"})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    rule.posted.clear()
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket,AWS::KMS::Key"})
    assert "not recording AWS::KMS::Key: eu-west-1" in annotation(rule)


def test_an_exclusion_strategy_is_not_all_types(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", group={"allSupported": False, "includeGlobalResourceTypes": False,
                               "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
                               "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::NetworkInterface"]}})
    rule.periodic(TWO)
    assert "not recording AWS::EC2::NetworkInterface: eu-west-1" in annotation(rule)


def test_no_delivery_channel_is_named(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", channel=False, start=False)  # Config refuses to start without one
    rule.periodic(TWO)
    assert "no delivery channel: eu-west-1" in annotation(rule)


def test_a_failed_last_delivery_is_named(rule, record, aws):
    record("us-east-1", include_global=True)
    aws.client("s3").create_bucket(Bucket="going-away")
    record("eu-west-1", channel_bucket="going-away")
    aws.client("s3").delete_bucket(Bucket="going-away")
    rule.periodic(TWO)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "last delivery failed (NoSuchBucket): eu-west-1" in annotation(rule)


def test_iam_recorded_in_no_region_is_named(rule, record):
    record("us-east-1")
    record("eu-west-1")
    rule.periodic(TWO)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("IAM (global types) recorded in no region.")


def test_iam_recorded_by_a_stopped_recorder_does_not_count(rule, record, aws):
    record("us-east-1", include_global=True)
    record("eu-west-1")
    aws.client("config").stop_configuration_recorder(ConfigurationRecorderName="default")
    rule.periodic(TWO)
    assert "IAM (global types) recorded in no region" in annotation(rule)


def test_by_default_every_enabled_region_of_the_partition_is_checked(rule, aws):
    rule.periodic()
    regions = [r["RegionName"] for r in aws.client("ec2").describe_regions()["Regions"]]
    commercial = [r for r in regions if not r.startswith(("us-gov-", "cn-"))]
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert f"no recorder: af-south-1, ap-east-1, ap-east-2 +{len(commercial) - 3} more" in annotation(rule)
    assert rule.calls.count("config.DescribeConfigurationRecorders") == len(commercial)
    assert rule.calls[0] == "ec2.DescribeRegions"


def test_only_the_reporting_region_reports(aws, catalog, record):
    record("us-east-1", include_global=True)
    assert evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT, TWO).evaluations == []
    result = evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT, {**TWO, "ReportingRegion": "eu-west-1"})
    assert [e.compliance for e in result.evaluations] == ["NON_COMPLIANT"]


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"Regions": "us-east-1,eu-west"}, "'eu-west' is not a region name"),
        ({"ResourceTypes": "S3::Bucket"}, "'S3::Bucket' is not a resource type"),
        ({"ReportingRegion": "global"}, "ReportingRegion must be a region name"),
        ({"Region": "us-east-1"}, "Unknown parameter(s) Region"),
    ],
)
def test_bad_parameters_are_rejected_with_the_fix(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]


def test_access_denied_in_any_region_is_an_error_never_compliant(rule, record, api_error):
    record("us-east-1", include_global=True)
    record("eu-west-1")
    api_error("config", "DescribeDeliveryChannelStatus", "AccessDeniedException")
    response = rule.periodic(TWO)
    assert response["customerErrorCode"] == "AccessDeniedException"
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, record, api_error):
    record("us-east-1", include_global=True)
    record("eu-west-1")
    throttled = api_error("config", "DescribeConfigurationRecorders", "ThrottlingException", times=1)
    rule.periodic(TWO)
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, record, api_error):
    record("us-east-1", include_global=True)
    api_error("config", "DescribeConfigurationRecorderStatus", "ThrottlingException")
    response = rule.periodic(TWO)
    assert "customerErrorCode" in response or "internalErrorMessage" in response
    assert rule.posted == []


# --- issue 16: survivors of mutation testing --------------------------------------------------


@pytest.mark.parametrize("regions, named", [
    ("us-east-1,eu-west-1,eu-west-2", "us-east-1, eu-west-1, eu-west-2;"),
    ("us-east-1,eu-west-1,eu-west-2,eu-west-3", "us-east-1, eu-west-1, eu-west-2 +1 more;"),
])
def test_three_regions_are_named_and_the_rest_counted(rule, regions, named):
    rule.periodic({"Regions": regions})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith(f"no recorder: {named}")


def test_missing_types_are_named_in_at_most_60_characters(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", group={"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]})
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket,AWS::KMS::Key,AWS::EC2::Instance,AWS::EC2::VPC"})
    assert "not recording AWS::EC2::Instance, AWS::EC2::VPC, AWS::KMS::K: eu-west-1" in annotation(rule)


def test_a_region_whose_every_delivery_failed_is_named_once(rule, record, aws):
    record("us-east-1", include_global=True)
    aws.client("s3").create_bucket(Bucket="going-away")
    record("eu-west-1", channel_bucket="going-away")
    aws.client("s3").delete_bucket(Bucket="going-away")
    rule.periodic(TWO)
    assert annotation(rule).startswith("last delivery failed (NoSuchBucket): eu-west-1. ")


EXCLUDING = {"allSupported": False, "includeGlobalResourceTypes": False,
             "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
             "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::NetworkInterface", "AWS::EC2::Volume"]}}


def test_an_exclusion_strategy_falls_short_only_by_the_required_types_it_excludes(rule, record):
    record("us-east-1", include_global=True)
    record("eu-west-1", group=EXCLUDING)
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket,AWS::EC2::NetworkInterface"})
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("not recording AWS::EC2::NetworkInterface: eu-west-1. ")
    rule.posted.clear()
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket"})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


@pytest.mark.parametrize("types, compliance", [
    (["AWS::S3::Bucket", "AWS::IAM::Role"], "COMPLIANT"),
    (["AWS::S3::Bucket"], "NON_COMPLIANT"),
])
def test_iam_is_recorded_by_a_recorder_listing_an_iam_type(rule, record, types, compliance):
    record("us-east-1", group={"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": types})
    record("eu-west-1")
    rule.periodic({**TWO, "ResourceTypes": "AWS::S3::Bucket"})
    assert rule.compliance() == {ACCOUNT: compliance}
    if compliance == "NON_COMPLIANT":
        assert annotation(rule).startswith("IAM (global types) recorded in no region.")


def test_a_region_named_after_the_reporting_region_reports_nothing(aws, catalog, record):
    record("us-east-1", include_global=True)
    assert evaluate_periodic(catalog.rule(RULE), aws, "us-west-2", ACCOUNT, TWO).evaluations == []


@pytest.mark.parametrize("group, compliance", [
    ({"allSupported": True, "includeGlobalResourceTypes": True}, "COMPLIANT"),
    ({"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket", "AWS::IAM::Role"]},
     "NON_COMPLIANT"),
])
def test_a_recorder_described_without_a_recording_strategy_is_read_from_all_supported(rule, record, aws, group, compliance):
    """recordingStrategy is optional in DescribeConfigurationRecorders' answer (recorders older than it)."""
    def drop_strategy(parsed, **_):
        for recorder in parsed.get("ConfigurationRecorders", []):
            recorder["recordingGroup"].pop("recordingStrategy", None)

    aws.events.register("after-call.config.DescribeConfigurationRecorders", drop_strategy)
    record("us-east-1", group=group)
    rule.periodic({"Regions": "us-east-1"})
    assert rule.compliance() == {ACCOUNT: compliance}
    if compliance == "NON_COMPLIANT":
        assert annotation(rule).startswith("not recording all supported types: us-east-1.")


def test_in_another_partition_only_its_regions_are_checked(rule):
    """aws-cn sorts after aws: only an exact partition match keeps the commercial regions out."""
    from clearsight.events import scheduled_event

    event = scheduled_event(RULE, ACCOUNT, "cn-north-1", {"ReportingRegion": "cn-north-1"}, result_token="TESTMODE")
    event["configRuleArn"] = event["configRuleArn"].replace("arn:aws:", "arn:aws-cn:")
    rule._invoke(event)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert annotation(rule).startswith("no recorder: cn-north-1, cn-northwest-1;")
