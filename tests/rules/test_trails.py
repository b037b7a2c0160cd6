"""rules/_shared/trails.py: discovery on moto (shadow, organization, de-duplication), selectors, ranking."""
import dataclasses
import importlib.util
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "trails.py"
_spec = importlib.util.spec_from_file_location("trails_under_test", _path)
trails = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trails)

from tests.rules.trail_world import ACCOUNT, OTHER, bucket, foreign_org_trail, listed_too


class Factory:
    """rdklib's ClientFactory shape, on the test session; records the regions asked for."""

    def __init__(self, session):
        self.session, self.regions = session, []

    def build_client(self, service, region=None):
        self.regions.append(region)
        return self.session.client(service, region_name=region)


@pytest.fixture
def factory(aws):
    return Factory(aws)


def make_trail(aws, name, region="us-east-1", **options):
    bucket(aws)
    return aws.client("cloudtrail", region_name=region).create_trail(Name=name, S3BucketName="trail-logs", **options)["TrailARN"]


# --- discovery -------------------------------------------------------------------------------


def test_own_trail_is_found_with_status_and_default_selectors(aws, factory):
    arn = make_trail(aws, "main", IsMultiRegionTrail=True)
    aws.client("cloudtrail").start_logging(Name="main")
    [trail] = trails.discover(factory, "us-east-1", ACCOUNT)
    assert (trail.arn, trail.name, trail.account, trail.home_region, trail.multi_region) == (arn, "main", ACCOUNT, "us-east-1", True)
    assert trail.logging is True and trail.unreadable is None
    assert (trail.organization, trail.log_file_validation, trail.insights) == (False, False, False)
    assert (trail.bucket, trail.kms_key_id, trail.log_group_arn) == ("trail-logs", None, None)
    assert trails.management_events(trail.selectors) == trails.ManagementEvents(True, True, ())


def test_shadow_trail_homed_elsewhere_is_read_in_its_home_region(aws, factory):
    arn = make_trail(aws, "west-main", region="eu-west-1", IsMultiRegionTrail=True)
    aws.client("cloudtrail", region_name="eu-west-1").put_event_selectors(
        TrailName="west-main", EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    [trail] = trails.discover(factory, "us-east-1", ACCOUNT)
    assert trail.arn == arn and trail.home_region == "eu-west-1"
    assert trail.logging is False
    assert trails.management_events(trail.selectors).write and not trails.management_events(trail.selectors).read
    assert "eu-west-1" in factory.regions


def test_single_region_trail_of_another_region_does_not_apply(aws, factory):
    make_trail(aws, "west-only", region="eu-west-1")
    assert trails.discover(factory, "us-east-1", ACCOUNT) == []


def test_trails_listed_twice_are_kept_once(aws, factory):
    make_trail(aws, "main", IsMultiRegionTrail=True)

    listed_too(aws, *aws.client("cloudtrail").describe_trails()["trailList"])
    assert [t.name for t in trails.discover(factory, "us-east-1", ACCOUNT)] == ["main"]


def test_organization_trail_of_another_account_is_unreadable_not_guessed(aws, factory):
    arn = foreign_org_trail(aws)
    [trail] = trails.discover(factory, "us-east-1", ACCOUNT)
    assert trail.arn == arn and trail.organization and trail.account == OTHER
    assert trail.status is None and trail.selectors is None and trail.logging is None
    assert "TrailNotFoundException" in trail.unreadable and ACCOUNT in trail.unreadable


def test_organization_trail_of_an_account_whose_id_sorts_lower_is_unreadable_too(aws, factory):
    lower = "000011112222"
    arn = f"arn:aws:cloudtrail:us-east-1:{lower}:trail/org-trail"
    listed_too(aws, {"Name": "org-trail", "TrailARN": arn, "HomeRegion": "us-east-1", "IsMultiRegionTrail": True, "IsOrganizationTrail": True})
    [trail] = trails.discover(factory, "us-east-1", ACCOUNT)
    assert trail.arn == arn and trail.status is None and "TrailNotFoundException" in trail.unreadable


def test_a_trail_as_described_cannot_be_altered_by_a_rule():
    trail = trails.Trail({"Name": "t", "TrailARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/t", "LogFileValidationEnabled": True,
                          "IsOrganizationTrail": True, "HasInsightSelectors": True})
    assert (trail.organization, trail.log_file_validation, trail.insights) == (True, True, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trail.status = {"IsLogging": True}


def test_own_trail_that_cannot_be_read_is_an_error(aws, factory, api_error):
    make_trail(aws, "main")
    api_error("cloudtrail", "GetTrailStatus", "AccessDeniedException", status=400)
    with pytest.raises(ClientError, match="AccessDenied"):
        trails.discover(factory, "us-east-1", ACCOUNT)


def test_throttled_foreign_trail_is_an_error_not_unreadable(aws, factory, api_error):
    foreign_org_trail(aws)
    api_error("cloudtrail", "GetTrailStatus", "ThrottlingException", status=400)
    with pytest.raises(ClientError, match="Throttling"):
        trails.discover(factory, "us-east-1", ACCOUNT)


def test_home_region_is_described_or_else_read_from_the_arn():
    arn = f"arn:aws:cloudtrail:eu-west-1:{OTHER}:trail/org-trail"
    assert trails.Trail({"TrailARN": arn}).home_region == "eu-west-1"
    assert trails.Trail({"TrailARN": arn, "HomeRegion": "eu-central-1"}).home_region == "eu-central-1"


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, error",
    [
        ({"IsLogging": True}, None),
        ({"LatestDeliveryError": "AccessDenied"}, "AccessDenied"),
        ({"LatestDeliveryError": "NoSuchBucket", "LatestDeliveryAttemptTime": "2026-01-02T00:00:00Z",
          "LatestDeliveryAttemptSucceeded": "2026-01-01T00:00:00Z"}, "NoSuchBucket"),
        ({"LatestDeliveryError": "NoSuchBucket", "LatestDeliveryAttemptTime": "2026-01-02T00:00:00Z",
          "LatestDeliveryAttemptSucceeded": "2026-01-02T00:00:00Z"}, None),
        ({"LatestDeliveryError": "NoSuchBucket", "LatestDeliveryAttemptTime": "", "LatestDeliveryAttemptSucceeded": ""}, "NoSuchBucket"),
        # as botocore parses them: two equal timestamps, two objects
        ({"LatestDeliveryError": "NoSuchBucket", "LatestDeliveryAttemptTime": datetime(2026, 1, 2, tzinfo=timezone.utc),
          "LatestDeliveryAttemptSucceeded": datetime(2026, 1, 2, tzinfo=timezone.utc)}, None),
    ],
)
def test_delivery_error_stands_unless_the_latest_attempt_succeeded(status, error):
    assert trails.delivery_error(status) == error


def test_cloudwatch_delivery_age():
    now = datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert trails.cloudwatch_delivery_age({}, now) is None
    assert trails.cloudwatch_delivery_age({"LatestCloudWatchLogsDeliveryTime": datetime(2026, 1, 1, tzinfo=timezone.utc)}, now) == timedelta(days=1)


# --- management events -----------------------------------------------------------------------


def advanced(*fields, name="sel"):
    return {"AdvancedEventSelectors": [{"Name": name, "FieldSelectors": [dict(f) for f in fields]}]}


MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


@pytest.mark.parametrize(
    "selectors, expected",
    [
        ({}, (True, True, ())),
        ({"EventSelectors": [], "AdvancedEventSelectors": []}, (True, True, ())),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, (True, True, ())),
        ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]}, (True, False, ())),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False,
                              "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}, (False, False, ())),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                              "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}, (False, False, ("kms.amazonaws.com",))),
        ({"EventSelectors": [{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}]}, (True, True, ())),
        (advanced(MANAGEMENT), (True, True, ())),
        (advanced(MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}), (False, True, ())),
        (advanced(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["rdsdata.amazonaws.com"]}), (False, False, ("rdsdata.amazonaws.com",))),
        (advanced({"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}), (False, False, ())),
        (advanced(MANAGEMENT, {"Field": "readOnly", "NotEquals": ["true"]}), (False, True, ())),
        (advanced(MANAGEMENT, {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}), (False, False, ("all but kms.amazonaws.com",))),
        ({"EventSelectors": [{"ReadWriteType": "ReadOnly"},
                             {"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]},
         (True, False, ("kms.amazonaws.com",))),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}, {"FieldSelectors": [MANAGEMENT]}]},
         (True, True, ())),
        ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]},
                             {"ReadWriteType": "WriteOnly"}]},
         (False, True, ("kms.amazonaws.com",))),
    ],
    ids=["none", "empty-lists", "basic-all", "basic-read-only", "basic-data-only", "basic-excludes-kms",
         "basic-read-plus-write", "advanced-all", "advanced-write-only", "advanced-excludes-source", "advanced-data-only",
         "advanced-not-read-only", "advanced-one-source-only", "basic-reads-whole-writes-excluded",
         "advanced-data-then-management", "basic-writes-whole-reads-excluded"],
)
def test_management_events_from_basic_advanced_and_default_selectors(selectors, expected):
    assert trails.management_events(selectors) == trails.ManagementEvents(*expected)


# --- S3 data events --------------------------------------------------------------------------


def basic_s3(*values, kind="All"):
    return {"EventSelectors": [{"ReadWriteType": kind, "IncludeManagementEvents": True,
                                "DataResources": [{"Type": "AWS::S3::Object", "Values": list(values)}]}]}


S3_DATA = ({"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]})


@pytest.mark.parametrize(
    "selectors, bucket, expected",
    [
        (basic_s3("arn:aws:s3"), None, True),
        (basic_s3("arn:aws:s3:::"), "logs", True),
        (basic_s3("arn:aws:s3:::logs/"), "logs", True),
        (basic_s3("arn:aws:s3:::logs/"), None, False),
        (basic_s3("arn:aws:s3:::logs/"), "other", False),
        (basic_s3("arn:aws:s3:::logs/2026/"), "logs", False),
        (basic_s3("arn:aws:s3:::logs/2026:01/"), "logs", False),  # a colon in the key is still part of the key
        (basic_s3("arn:aws:s3:::logs/2026:01/"), None, False),
        (basic_s3("arn:aws:s3", kind="WriteOnly"), None, False),
        ({"EventSelectors": [{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]},
         None, False),  # Lambda data events are not S3 object events
        (advanced(*S3_DATA), None, True),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs/"]}), "logs", True),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs/"]}), None, False),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "Equals": ["arn:aws:s3:::logs/a.txt"]}), "logs", False),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "EndsWith": [".log"]}), "logs", False),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [*S3_DATA, {"Field": "resources.ARN", "Equals": ["arn:aws:s3:::logs/a.txt"]}]},
                                     {"FieldSelectors": [*S3_DATA]}]}, "logs", True),  # a later selector still counts
        ({"AdvancedEventSelectors": [{"FieldSelectors": [MANAGEMENT]}, {"FieldSelectors": [*S3_DATA]}]}, None, True),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [S3_DATA[0], {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]}]},
                                     {"FieldSelectors": [*S3_DATA]}]}, None, True),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [*S3_DATA, {"Field": "eventName", "Equals": ["PutObject"]}]},
                                     {"FieldSelectors": [*S3_DATA]}]}, None, True),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "NotEndsWith": [".tmp"]}), "logs", False),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::log"]}), "logs", False),  # "log" covers logs/
        (advanced(*S3_DATA, {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs/"]}), "other", True),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs/"]}), "logs", False),
        (advanced(*S3_DATA, {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs/"]}), None, False),
        (advanced(*S3_DATA, {"Field": "readOnly", "Equals": ["true"]}), None, False),
        (advanced(*S3_DATA, {"Field": "eventName", "Equals": ["PutObject"]}), None, False),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [*S3_DATA, {"Field": "readOnly", "Equals": ["true"]}]},
                                     {"FieldSelectors": [*S3_DATA, {"Field": "readOnly", "Equals": ["false"]}]}]}, None, True),
        ({}, None, False),
        (advanced(MANAGEMENT), None, False),
    ],
)
def test_s3_object_events_from_basic_and_advanced_selectors(selectors, bucket, expected):
    assert trails.records_s3_objects(selectors, bucket) is expected


def test_s3_object_events_read_only_requirement():
    write_only = basic_s3("arn:aws:s3", kind="WriteOnly")
    assert trails.records_s3_objects(write_only, read=False, write=True)
    assert not trails.records_s3_objects(write_only, read=True, write=False)


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_prefers_fewest_gaps_then_own_then_multi_region_then_name():
    def trail(name, account=ACCOUNT, multi=True):
        return trails.Trail({"Name": name, "TrailARN": f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}", "IsMultiRegionTrail": multi})

    gaps = {"b": [], "a": ["not logging"], "org": [], "single": [], "c": []}
    candidates = [trail("a"), trail("org", OTHER), trail("single", multi=False), trail("c"), trail("b")]
    assert [t.name for t in trails.ranked(candidates, lambda t: gaps[t.name], ACCOUNT)] == ["b", "c", "single", "org", "a"]


def test_ranking_prefers_own_trail_over_an_account_whose_id_sorts_lower():
    def trail(name, account):
        return trails.Trail({"Name": name, "TrailARN": f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}", "IsMultiRegionTrail": True})

    candidates = [trail("a-org", "000011112222"), trail("z-own", ACCOUNT)]
    assert [t.name for t in trails.ranked(candidates, lambda t: [], ACCOUNT)] == ["z-own", "a-org"]
