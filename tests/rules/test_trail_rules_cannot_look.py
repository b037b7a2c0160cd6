"""The account-level CloudTrail rules when a CloudTrail call fails: an error, never COMPLIANT."""
import pytest

from tests.rules.trail_world import account_verdict, trail

RULES = ["CLOUDTRAIL_SECURITY_TRAIL_ACTIVE", "CLOUDTRAIL_S3_DATA_EVENTS_ENABLED"]
OPERATIONS = ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"]
RECORDS_EVERYTHING = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                          "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}


@pytest.fixture(params=RULES)
def rule(request, run_rule, aws):
    trail(aws, selectors=RECORDS_EVERYTHING)  # compliant for both rules when every call succeeds
    return run_rule(request.param)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_access_denied_is_an_error_never_compliant(rule, api_error, operation):
    api_error("cloudtrail", operation, "AccessDeniedException")
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDeniedException"
    assert rule.posted == []


@pytest.mark.parametrize("operation", OPERATIONS)
def test_throttling_is_retried_then_evaluated(rule, api_error, operation):
    throttled = api_error("cloudtrail", operation, "ThrottlingException", times=1)
    assert account_verdict(rule)[0] == "COMPLIANT"
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1


@pytest.mark.parametrize("operation", OPERATIONS)
def test_throttled_to_death_is_an_error_never_compliant(rule, api_error, operation):
    api_error("cloudtrail", operation, "ThrottlingException")
    response = rule.periodic()
    assert "internalErrorMessage" in response
    assert rule.posted == []
