"""S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED through lambda_handler, on moto, scenario by scenario."""
import pytest

from clearsight.evaluate import evaluate_item, evaluate_periodic, scan
from tests.items import ACCOUNT, account_public_access_block_item

RULE = "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED"
FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def block(aws):
    def put(**off):
        settings = {flag: flag not in off for flag in FLAGS}
        aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=settings)

    return put


# --- periodic path -------------------------------------------------------------------------


def test_periodic_all_four_on_is_compliant(rule, block):
    block()
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


@pytest.mark.parametrize("flag", FLAGS)
def test_periodic_one_setting_off_is_non_compliant_and_named(rule, block, flag):
    block(**{flag: False})
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    annotation = rule.posted[0]["Annotation"]
    assert f"has {flag} off" in annotation and "Clearsight-S3AccountBlockPublicAccess" in annotation


def test_periodic_no_settings_at_all_is_non_compliant(rule):
    rule.periodic()
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert ", ".join(FLAGS) in rule.posted[0]["Annotation"]


def test_periodic_relaxed_setting_off_is_compliant(rule, block):
    block(BlockPublicPolicy=False, BlockPublicAcls=False)
    rule.periodic({"BlockPublicPolicy": "false", "BlockPublicAcls": "False"})
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert "BlockPublicAcls, BlockPublicPolicy not required" in rule.posted[0]["Annotation"]


@pytest.mark.parametrize("region", ["eu-west-1", "us-west-2"])  # names before and after us-east-1
def test_periodic_outside_the_reporting_region_reports_nothing(aws, catalog, block, region):
    block(RestrictPublicBuckets=False)
    here = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", ACCOUNT)
    elsewhere = evaluate_periodic(catalog.rule(RULE), aws, region, ACCOUNT)
    assert [e.compliance for e in here.evaluations] == ["NON_COMPLIANT"]
    assert elsewhere.evaluations == [] and elsewhere.errors == []


def test_periodic_reporting_region_is_a_parameter(aws, catalog, block):
    block()
    params = {"ReportingRegion": "eu-west-1"}
    assert evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", ACCOUNT, params).evaluations == []
    assert [e.region for e in evaluate_periodic(catalog.rule(RULE), aws, "eu-west-1", ACCOUNT, params).evaluations] == ["eu-west-1"]


def test_scan_over_regions_reports_the_account_once(aws, catalog, block):
    block()
    result = scan([catalog.rule(RULE)], aws, ["us-east-1", "eu-west-1", "ap-southeast-2"])
    assert [(e.resource_id, e.compliance) for e in result.evaluations] == [(ACCOUNT, "COMPLIANT")]
    assert result.errors == []


# --- change path ---------------------------------------------------------------------------


def test_change_item_all_on_is_compliant_with_zero_api_calls(rule):
    rule.change(account_public_access_block_item())
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::::Account"
    assert rule.calls == []


def test_change_item_with_a_setting_off_is_non_compliant(rule):
    rule.change(account_public_access_block_item(ignore_public_acls=False))
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert "IgnorePublicAcls off" in rule.posted[0]["Annotation"]


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_change_deleted_settings_are_read_and_found_off(rule, status):
    item = account_public_access_block_item()
    item["configurationItemStatus"] = status
    item["configuration"] = None
    rule.change(item)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_change_deleted_item_is_read_even_when_it_still_carries_settings(rule, status):
    """A deleted item's configuration is what the settings were, not what they are."""
    item = account_public_access_block_item()
    item["configurationItemStatus"] = status
    rule.change(item)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


def test_change_item_that_left_scope_is_read_not_trusted(rule):
    rule.change(account_public_access_block_item(), left_scope=True)
    assert rule.compliance() == {ACCOUNT: "NON_COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


@pytest.mark.parametrize("region", ["eu-west-1", "us-west-2"])
def test_change_outside_the_reporting_region_reports_nothing(aws, catalog, region):
    item = account_public_access_block_item(restrict_public_buckets=False)
    item["awsRegion"] = region
    result = evaluate_item(catalog.rule(RULE), aws, item)
    assert result.evaluations == [] and result.errors == []


def test_change_other_resource_type_is_not_applicable(rule):
    item = account_public_access_block_item()
    item["resourceType"] = "AWS::S3::Bucket"
    rule.change(item)
    assert list(rule.compliance().values()) == ["NOT_APPLICABLE"]


# --- parameters and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"BlockPublicAcls": "yes"}, "BlockPublicAcls"),
        ({"ReportingRegion": "Europe"}, "ReportingRegion"),
        ({"RestrictPublicBucket": "true"}, "Unknown parameter"),
    ],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


def test_access_denied_is_an_error_never_compliant(rule, block, api_error):
    block()
    api_error("s3control", "GetPublicAccessBlock", "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


def test_throttling_is_retried_then_evaluated(rule, block, api_error):
    block()
    throttled = api_error("s3control", "GetPublicAccessBlock", "SlowDown", status=503, times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}


def test_throttled_to_death_is_an_error_never_compliant(rule, block, api_error):
    block()
    api_error("s3control", "GetPublicAccessBlock", "SlowDown", status=503)
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []


def test_change_item_with_null_configuration_reads_the_settings(rule, block):
    """configuration: null on a recorded item carries nothing: the settings are read, not assumed off."""
    block()
    item = account_public_access_block_item()
    item["configuration"] = None
    rule.change(item)
    assert rule.compliance() == {ACCOUNT: "COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]
