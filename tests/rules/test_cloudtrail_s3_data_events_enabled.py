"""CLOUDTRAIL_S3_DATA_EVENTS_ENABLED through lambda_handler, on moto, scenario by scenario."""
import pytest

from tests.rules.trail_world import OTHER, account_verdict, foreign_org_trail, trail

RULE = "CLOUDTRAIL_S3_DATA_EVENTS_ENABLED"
S3_DATA = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]


def basic(*values, kind="All"):
    return {"EventSelectors": [{"ReadWriteType": kind, "IncludeManagementEvents": True,
                                "DataResources": [{"Type": "AWS::S3::Object", "Values": list(values)}]}]}


def advanced(*fields):
    return {"AdvancedEventSelectors": [{"Name": "s3", "FieldSelectors": [*S3_DATA, *fields]}]}


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.mark.parametrize(
    "selectors",
    [basic("arn:aws:s3"), basic("arn:aws:s3:::"), advanced(),
     {"AdvancedEventSelectors": [{"Name": "reads", "FieldSelectors": [*S3_DATA, {"Field": "readOnly", "Equals": ["true"]}]},
                                 {"Name": "writes", "FieldSelectors": [*S3_DATA, {"Field": "readOnly", "Equals": ["false"]}]}]}],
    ids=["basic-arn-aws-s3", "basic-all-buckets", "advanced-all", "advanced-read-and-write-selectors"],
)
def test_all_buckets_recorded_is_compliant(rule, aws, selectors):
    trail(aws, selectors=selectors)
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and "recorded by security" in annotation
    assert annotation == "S3 object-level All events of every bucket are recorded by security."
    assert rule.calls == ["cloudtrail.DescribeTrails", "cloudtrail.GetTrailStatus", "cloudtrail.GetEventSelectors"]


def test_shadow_trail_homed_in_another_region_counts(rule, aws):
    trail(aws, name="west", region="eu-west-1", selectors=advanced())
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_read_and_write_from_two_trails_count_together(rule, aws):
    trail(aws, name="reads", selectors=basic("arn:aws:s3", kind="ReadOnly"))
    trail(aws, name="writes", selectors=advanced({"Field": "readOnly", "Equals": ["false"]}))
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and "reads, writes" in annotation


@pytest.mark.parametrize(
    "selectors, names, expected",
    [
        (basic("arn:aws:s3:::a-bucket/", "arn:aws:s3:::b-bucket/"), "a-bucket,b-bucket", "COMPLIANT"),
        (advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::a-bucket/", "arn:aws:s3:::b-bucket/"]}), "a-bucket,b-bucket", "COMPLIANT"),
        (basic("arn:aws:s3:::a-bucket/"), "a-bucket,b-bucket", "NON_COMPLIANT"),
        (basic("arn:aws:s3:::a-bucket/logs/"), "a-bucket", "NON_COMPLIANT"),
        (advanced({"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::b-bucket/"]}), "a-bucket", "COMPLIANT"),
        (advanced({"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::b-bucket/"]}), "b-bucket", "NON_COMPLIANT"),
    ],
    ids=["basic-listed", "advanced-listed", "basic-one-missing", "basic-prefix-only", "advanced-exclusion-elsewhere", "advanced-excluded"],
)
def test_listed_buckets(rule, aws, selectors, names, expected):
    trail(aws, selectors=selectors)
    compliance, annotation = account_verdict(rule, {"S3BucketNames": names})
    assert compliance == expected
    if expected == "NON_COMPLIANT":
        assert "events for " in annotation and "Clearsight-CloudTrailS3DataEvents" in annotation
    else:
        assert f"events of {len(names.split(','))} listed bucket(s) are recorded by security" in annotation


def test_single_bucket_selector_is_not_every_bucket(rule, aws):
    trail(aws, selectors=basic("arn:aws:s3:::a-bucket/"))
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "read/write events for every bucket" in annotation


@pytest.mark.parametrize(
    "selectors, kind, expected, lacks",
    [
        (basic("arn:aws:s3", kind="WriteOnly"), "All", "NON_COMPLIANT", "read events"),
        (advanced({"Field": "readOnly", "Equals": ["true"]}), "All", "NON_COMPLIANT", "write events"),
        (basic("arn:aws:s3", kind="WriteOnly"), "WriteOnly", "COMPLIANT", None),
        (advanced({"Field": "readOnly", "Equals": ["true"]}), "ReadOnly", "COMPLIANT", None),
        (advanced({"Field": "eventName", "Equals": ["PutObject"]}), "WriteOnly", "NON_COMPLIANT", "write events"),
    ],
)
def test_read_write_type(rule, aws, selectors, kind, expected, lacks):
    trail(aws, selectors=selectors)
    compliance, annotation = account_verdict(rule, {"ReadWriteType": kind})
    assert compliance == expected
    if lacks:
        assert lacks in annotation


def test_management_only_trail_is_non_compliant(rule, aws):
    trail(aws)
    assert account_verdict(rule)[0] == "NON_COMPLIANT"


def test_trail_not_logging_does_not_count(rule, aws):
    trail(aws, logging=False, selectors=advanced())
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "No logging trail records us-east-1" in annotation


def test_no_trails_at_all_is_non_compliant(rule):
    compliance, annotation = account_verdict(rule)
    assert compliance == "NON_COMPLIANT" and "No logging trail" in annotation


def test_unreadable_organization_trail_of_another_account_is_not_applicable(rule, aws):
    foreign_org_trail(aws)
    compliance, annotation = account_verdict(rule)
    assert compliance == "NOT_APPLICABLE" and f"evaluated in account {OTHER}" in annotation


def test_own_trail_recording_wins_over_an_unreadable_organization_trail(rule, aws):
    foreign_org_trail(aws)
    trail(aws, selectors=advanced())
    assert account_verdict(rule)[0] == "COMPLIANT"


def test_two_unreadable_organization_trails_name_the_first_listed(rule, aws):
    foreign_org_trail(aws)
    foreign_org_trail(aws, Name="org-second", TrailARN="arn:aws:cloudtrail:us-east-1:333344445555:trail/org-second")
    compliance, annotation = account_verdict(rule)
    assert compliance == "NOT_APPLICABLE" and f"Organization trail org-trail of account {OTHER}" in annotation
    assert "org-second" not in annotation and "333344445555" not in annotation


TAIL = ". Add an S3 data-event selector to a logging trail (remediation: Clearsight-CloudTrailS3DataEvents)."


def test_many_long_bucket_names_missing_are_cut_to_255_characters_keeping_the_fix(rule, aws):
    trail(aws)
    names = ",".join(f"{n}{'b' * 61}{n}" for n in range(6))
    compliance, annotation = account_verdict(rule, {"S3BucketNames": names})
    assert compliance == "NON_COMPLIANT"
    assert len(annotation) == 255 and annotation.endswith(TAIL)


def test_many_long_trail_names_recording_are_cut_to_255_characters(rule, aws):
    for n in range(3):
        trail(aws, name=f"{n}{'t' * 127}", selectors=advanced())
    compliance, annotation = account_verdict(rule)
    assert compliance == "COMPLIANT" and len(annotation) == 255


def test_long_unreadable_organization_trail_name_is_cut_to_255_characters(rule, aws):
    name = "o" * 128
    foreign_org_trail(aws, Name=name, TrailARN=f"arn:aws:cloudtrail:us-east-1:{OTHER}:trail/{name}")
    compliance, annotation = account_verdict(rule)
    assert compliance == "NOT_APPLICABLE" and len(annotation) == 255


@pytest.mark.parametrize(
    "parameters, message",
    [({"ReadWriteType": "all"}, "ReadWriteType"), ({"S3BucketNames": "Bad_Bucket"}, "S3BucketNames"), ({"Buckets": "a"}, "Unknown parameter")],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []
