"""rules/_shared/config_inventory.py: the requests, paging and parsing of inventory-backed sweeps.

moto ignores the query text, so the requests are checked with botocore's Stubber (the shapes
botocore validates); rows are shaped as AWS Config returns them (JSON strings, query dialect).
"""
import importlib.util
import json
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from rdklib import InvalidParametersError

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "config_inventory.py"
_spec = importlib.util.spec_from_file_location("config_inventory_under_test", _path)
inventory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(inventory)

TYPE = "AWS::S3::Bucket"
REGION = "us-east-1"
ACCOUNT = "111122223333"
FIELDS = ["supplementaryConfiguration.ServerSideEncryptionConfiguration"]
STARTED = datetime(2024, 5, 1, tzinfo=timezone.utc)
EXPRESSION = (
    "SELECT resourceId, configurationItemCaptureTime, configurationItemStatus, "
    "supplementaryConfiguration.ServerSideEncryptionConfiguration "
    "WHERE resourceType = 'AWS::S3::Bucket' AND awsRegion = 'us-east-1'"
)
SSE = {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:us-east-1:111122223333:key/k1"},
                  "bucketKeyEnabled": True}]}


def row(name, captured="2024-05-02T10:20:00.000Z", status="OK", sse=SSE):
    supplementary = {} if sse is None else {"ServerSideEncryptionConfiguration": sse}
    return json.dumps({"resourceId": name, "configurationItemCaptureTime": captured, "configurationItemStatus": status,
                       "supplementaryConfiguration": supplementary})


def recorder(group=None, mode=None):
    found = {"name": "default", "roleARN": "arn:aws:iam::111122223333:role/config"}
    if group is not None:
        found["recordingGroup"] = group
    if mode is not None:
        found["recordingMode"] = mode
    return found


@pytest.fixture
def stubbed():
    config = boto3.client("config", region_name=REGION)
    with Stubber(config) as stubber:
        yield config, stubber
        stubber.assert_no_pending_responses()


def expect_recorder(stubber, found=None, recording=True, status="SUCCESS"):
    """The recorder, then (unless recording is None) its status."""
    stubber.add_response("describe_configuration_recorders", {"ConfigurationRecorders": [found or recorder({"allSupported": True})]}, {})
    if recording is not None:
        stubber.add_response(
            "describe_configuration_recorder_status",
            {"ConfigurationRecordersStatus": [{"name": "default", "recording": recording, "lastStatus": status, "lastStartTime": STARTED}]},
            {"ConfigurationRecorderNames": ["default"]},
        )


def expect_pages(stubber, pages):
    for index, rows in enumerate(pages):
        request = {"Expression": EXPRESSION, "Limit": 100}
        if index:
            request["NextToken"] = f"page-{index}"
        response = {"Results": rows, "QueryInfo": {"SelectFields": [{"Name": "resourceId"}]}}
        if index < len(pages) - 1:
            response["NextToken"] = f"page-{index + 1}"
        stubber.add_response("select_resource_config", response, request)


def test_a_recorded_type_is_read_100_items_a_page_with_only_the_fields_asked(stubbed):
    config, stubber = stubbed
    names = [f"bucket-{i:03d}" for i in range(250)]
    expect_recorder(stubber)
    expect_pages(stubber, [[row(n) for n in names[:100]], [row(n) for n in names[100:200]], [row(n) for n in names[200:]]])
    items = inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)
    assert list(items) == names
    item = items["bucket-042"]
    assert (item["resourceType"], item["awsRegion"], item["awsAccountId"]) == (TYPE, REGION, ACCOUNT)
    assert item["supplementaryConfiguration"]["ServerSideEncryptionConfiguration"] == SSE


def test_supplementary_values_sent_as_json_strings_are_decoded(stubbed):
    config, stubber = stubbed
    expect_recorder(stubber)
    encoded = json.dumps({"resourceId": "b", "configurationItemCaptureTime": "2024-05-02T10:20:00.000Z",
                          "configurationItemStatus": "OK",
                          "supplementaryConfiguration": {"ServerSideEncryptionConfiguration": json.dumps(SSE)}})
    expect_pages(stubber, [[encoded]])
    items = inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)
    assert items["b"]["supplementaryConfiguration"]["ServerSideEncryptionConfiguration"] == SSE


def test_items_captured_before_the_recorder_started_and_deleted_items_are_left_to_direct_reads(stubbed):
    config, stubber = stubbed
    expect_recorder(stubber)
    expect_pages(stubber, [[row("fresh"), row("stale", captured="2024-04-30T23:59:59.000Z"), row("gone", status="ResourceDeleted")]])
    assert list(inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)) == ["fresh"]


def test_supplementary_values_that_are_not_json_text_are_kept_as_they_are():
    text = json.dumps({"resourceId": "b", "supplementaryConfiguration": {
        "Policy": json.dumps({"Statement": []}), "Tags": "[]", "Name": "plain", "Empty": "", "Flag": True}})
    item = inventory.to_item(text, TYPE, REGION, ACCOUNT)
    assert item["supplementaryConfiguration"] == {"Policy": {"Statement": []}, "Tags": [], "Name": "plain", "Empty": "", "Flag": True}
    assert (item["configurationItemStatus"], item["configurationItemCaptureTime"], item["configuration"]) == ("OK", None, None)


@pytest.mark.parametrize(
    "found",
    [
        recorder(),  # no recording group: AWS's default, every supported type
        recorder({"allSupported": False, "resourceTypes": ["AWS::EC2::VPC", TYPE]}),
        # as parsed from AWS's JSON answer: strategy and frequency are not the code's interned literals
        json.loads(json.dumps(recorder({"allSupported": False, "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
                                        "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::VPC"]}},
                                       {"recordingFrequency": "CONTINUOUS"}))),
        recorder({"allSupported": True}, {"recordingFrequency": "DAILY",
                                          "recordingModeOverrides": [{"resourceTypes": [TYPE], "recordingFrequency": "CONTINUOUS"}]}),
        recorder({"allSupported": True}, {"recordingFrequency": "CONTINUOUS",
                                          "recordingModeOverrides": [{"resourceTypes": ["AWS::EC2::VPC"], "recordingFrequency": "DAILY"}]}),
    ],
    ids=["default-group", "listed-type", "another-type-excluded", "daily-but-this-type-continuous", "another-type-daily"],
)
def test_a_type_recorded_continuously_is_read_from_the_inventory(stubbed, found):
    config, stubber = stubbed
    expect_recorder(stubber, found)
    expect_pages(stubber, [[row("fresh"), row("at-start", captured="2024-05-01T00:00:00.000Z")]])
    assert list(inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)) == ["fresh", "at-start"]


def test_the_first_recorder_that_records_the_type_is_the_one_judged(stubbed):
    config, stubber = stubbed
    daily = {**recorder({"allSupported": True}, {"recordingFrequency": "DAILY"}), "name": "second"}
    stubber.add_response("describe_configuration_recorders", {"ConfigurationRecorders": [recorder(), daily]}, {})
    stubber.add_response(
        "describe_configuration_recorder_status",
        {"ConfigurationRecordersStatus": [{"name": "default", "recording": True, "lastStatus": "SUCCESS", "lastStartTime": STARTED}]},
        {"ConfigurationRecorderNames": ["default"]},
    )
    assert inventory.recorder_start(config, TYPE) == STARTED


@pytest.mark.parametrize(
    "found, reason",
    [
        (recorder({"allSupported": False, "resourceTypes": ["AWS::EC2::VPC"]}), "does not record AWS::S3::Bucket"),
        (recorder({"allSupported": False, "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
                   "exclusionByResourceTypes": {"resourceTypes": [TYPE]}}), "does not record AWS::S3::Bucket"),
        (recorder({"allSupported": True}, {"recordingFrequency": "DAILY"}), "recorded DAILY"),
        (recorder({"allSupported": True}, {"recordingFrequency": "CONTINUOUS",
                                           "recordingModeOverrides": [{"resourceTypes": [TYPE], "recordingFrequency": "DAILY"}]}), "recorded DAILY"),
    ],
)
def test_a_type_not_recorded_continuously_is_not_read_from_the_inventory(stubbed, found, reason):
    config, stubber = stubbed
    expect_recorder(stubber, found, recording=None)  # no status asked: the recorder already says no
    with pytest.raises(inventory.InventoryUnavailable, match=reason):
        inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)


@pytest.mark.parametrize("recording, status, reason", [(False, "SUCCESS", "stopped"), (True, "FAILURE", "last status FAILURE"),
                                                       (True, "PENDING", "last status PENDING")])
def test_a_recorder_that_is_not_healthy_is_not_trusted(stubbed, recording, status, reason):
    config, stubber = stubbed
    expect_recorder(stubber, recording=recording, status=status)
    with pytest.raises(inventory.InventoryUnavailable, match=reason):
        inventory.trusted_items(config, TYPE, REGION, ACCOUNT, FIELDS)


def test_auto_falls_back_when_the_query_is_refused_and_inventory_says_why(stubbed):
    config, stubber = stubbed
    for _ in range(2):
        expect_recorder(stubber)
        stubber.add_client_error("select_resource_config", "AccessDeniedException", http_status_code=400,
                                 expected_params={"Expression": EXPRESSION, "Limit": 100})
    assert inventory.inventory_or_none(config, "auto", TYPE, REGION, ACCOUNT, FIELDS) is None
    with pytest.raises(inventory.InventoryUnavailable, match="SelectResourceConfig was refused .AccessDeniedException.*EvaluationSource to auto"):
        inventory.inventory_or_none(config, "inventory", TYPE, REGION, ACCOUNT, FIELDS)


def test_direct_makes_no_config_call(stubbed):
    config, _ = stubbed
    assert inventory.inventory_or_none(config, "direct", TYPE, REGION, ACCOUNT, FIELDS) is None


def test_evaluation_source_parameter():
    assert inventory.evaluation_source({}) == "auto"
    assert inventory.evaluation_source({"EvaluationSource": " Inventory "}) == "inventory"
    with pytest.raises(InvalidParametersError, match="EvaluationSource must be one of auto, inventory, direct, got 'config'"):
        inventory.evaluation_source({"EvaluationSource": "config"})


def test_the_inventory_mark_is_added_only_when_the_annotation_stays_within_256_characters():
    fits = "x" * (256 - len(inventory.ANNOTATION_MARK))
    assert inventory.marked("COMPLIANT", fits) == ("COMPLIANT", fits + " [Config inventory]")
    assert inventory.marked("NON_COMPLIANT", fits + "y") == ("NON_COMPLIANT", fits + "y")
