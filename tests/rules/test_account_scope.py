"""rules/_shared/account_scope.py and reporting_region.py: where an account-level rule runs and reports."""
import importlib.util
from pathlib import Path

import pytest
from rdklib import InvalidParametersError

_shared = Path(__file__).resolve().parents[2] / "rules" / "_shared"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", _shared / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scope = _load("account_scope")
reporting = _load("reporting_region")

EVENT = {"configRuleArn": "arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-abc123"}


def test_the_rule_region_is_read_from_the_rules_own_arn():
    assert scope.rule_region(EVENT) == "eu-west-1"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, "us-east-1"),
        ({"ReportingRegion": ""}, "us-east-1"),
        ({"ReportingRegion": "  "}, "us-east-1"),
        ({"ReportingRegion": " eu-west-1 "}, "eu-west-1"),
        ({"ReportingRegion": "ap-southeast-2"}, "ap-southeast-2"),
        ({"ReportingRegion": "us-gov-west-1"}, "us-gov-west-1"),
    ],
)
def test_a_region_parameter_defaults_when_empty_and_is_trimmed(params, expected):
    assert scope.parse_region(params, "ReportingRegion", "us-east-1") == expected
    assert reporting.parse_reporting_region(params) == expected


@pytest.mark.parametrize("value", ["Ireland", "eu_west_1", "eu-west", "EU-WEST-1", "eu-west-123", "xeu-west-1"])
def test_a_region_parameter_that_is_not_a_region_name_is_a_customer_error(value):
    with pytest.raises(InvalidParametersError) as raised:
        scope.parse_region({"HomeRegion": value}, "HomeRegion", "us-east-1")
    assert str(raised.value) == f"Parameter HomeRegion must be a region name such as eu-west-1, got {value!r}."
    with pytest.raises(InvalidParametersError) as raised:
        reporting.parse_reporting_region({"ReportingRegion": value})
    assert str(raised.value) == f"Parameter ReportingRegion must be a region name such as eu-west-1, got {value!r}."


def test_only_the_rule_in_the_reporting_region_reports():
    assert reporting.reports_here(EVENT, {"ReportingRegion": "eu-west-1"}) is True
    assert reporting.reports_here(EVENT, {"ReportingRegion": "us-east-1"}) is False


CHOICES = ("root-usage", "iam-changes", "vpc-changes")


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ["root-usage", "iam-changes"]),
        ("", ["root-usage", "iam-changes"]),
        (" , ", ["root-usage", "iam-changes"]),
        ("vpc-changes", ["vpc-changes"]),
        (" vpc-changes , root-usage,,", ["vpc-changes", "root-usage"]),  # the user's order, blanks dropped
        ("iam-changes,vpc-changes,iam-changes", ["iam-changes", "vpc-changes"]),  # once each
    ],
)
def test_choices_default_when_empty_keep_order_and_drop_repeats(value, expected):
    params = {} if value is None else {"Controls": value}
    assert scope.parse_choices(params, "Controls", CHOICES, ("root-usage", "iam-changes")) == expected


def test_unknown_choices_are_a_customer_error_naming_them_and_the_choices():
    with pytest.raises(InvalidParametersError) as raised:
        scope.parse_choices({"Controls": "root-usage, s3-changes, kms"}, "Controls", CHOICES, CHOICES)
    assert str(raised.value) == (
        "Parameter Controls: unknown s3-changes, kms; choose from root-usage, iam-changes, vpc-changes."
    )


FIX = "Fix it."  # room for the detail: 255 - 7 - 1 = 247 characters


@pytest.mark.parametrize(
    "detail, expected",
    [
        ("Short.", "Short. Fix it."),
        ("x" * 247, "x" * 247 + " Fix it."),  # exactly 255: kept whole
        ("x" * 248, "x" * 244 + "... Fix it."),  # one over: cut, still 255
        ("a" * 242 + ", " + "b" * 10, "a" * 242 + "... Fix it."),  # no dangling separator before the ellipsis
        ("a" * 243 + ";" + "b" * 10, "a" * 243 + "... Fix it."),
    ],
)
def test_an_annotation_fits_in_255_characters_with_the_fix_whole(detail, expected):
    fitted = scope.fit(detail, FIX)
    assert fitted == expected
    assert len(fitted) <= scope.MAX_ANNOTATION == 255


def test_a_shorter_fix_leaves_more_room_for_the_detail():
    assert scope.fit("x" * 251, "Fix.") == "x" * 247 + "... Fix."  # room 250: cut to 247 and the ellipsis
