"""rules/_shared/event_patterns.py: EventBridge content filtering, operator by operator."""
import importlib.util
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "event_patterns.py"
_spec = importlib.util.spec_from_file_location("event_patterns_under_test", _path)
ep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ep)

EVENT = {
    "source": "aws.ec2",
    "detail-type": "EC2 Instance State-change Notification",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"],
    "detail": {
        "state": "running",
        "count": 5,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
        "sourceIPAddress": "10.0.0.25",
        "tags": ["prod", "pci"],
        "items": [{"name": "a", "size": 1}, {"name": "b", "size": 10}],
        "location": {"city": "Dublin", "zip": "D02"},
        "fileName": "report.PNG",
    },
}


def judge(pattern, event=EVENT):
    return ep.matches(pattern, event)


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"source": ["aws.ec2"]}, True),
        ({"source": ["aws.s3", "aws.ec2"]}, True),
        ({"source": ["aws.s3"]}, False),
        ({"detail": {"count": [5]}}, True),
        ({"detail": {"count": [5.0]}}, True),
        ({"detail": {"count": ["5"]}}, False),  # types matter
        ({"detail": {"flag": [True]}}, True),
        ({"detail": {"flag": [1]}}, False),
        ({"detail": {"nothing": [None]}}, True),
        ({"detail": {"state": [None]}}, False),
        ({"detail": {"absent": [None]}}, False),  # null is not absent
        ({"detail": {"tags": ["pci"]}}, True),  # arrays: any element
        ({"resources": ["arn:aws:ec2:us-east-1:123456789012:volume/vol-1"]}, True),
    ],
)
def test_exact_values(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"detail-type": [{"prefix": "EC2 Instance"}]}, True),
        ({"detail-type": [{"prefix": "ec2 instance"}]}, False),
        ({"detail-type": [{"prefix": {"equals-ignore-case": "ec2 instance"}}]}, True),
        ({"detail": {"fileName": [{"suffix": ".PNG"}]}}, True),
        ({"detail": {"fileName": [{"suffix": ".png"}]}}, False),
        ({"detail": {"fileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}, True),
        ({"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}, True),
        ({"detail": {"state": [{"equals-ignore-case": "ALPHA"}]}}, False),
        ({"detail": {"fileName": [{"wildcard": "rep*.PNG"}]}}, True),
        ({"detail": {"fileName": [{"wildcard": "*.png"}]}}, False),
        ({"detail": {"fileName": [{"wildcard": "report\\*"}]}}, False),  # an escaped star is literal
        ({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}, True),
        ({"detail": {"count": [{"prefix": "5"}]}}, False),  # string operators never match numbers
    ],
)
def test_prefix_suffix_wildcard_and_equals_ignore_case(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"detail": {"state": [{"anything-but": "stopped"}]}}, True),
        ({"detail": {"state": [{"anything-but": "running"}]}}, False),
        ({"detail": {"state": [{"anything-but": ["stopped", "running"]}]}}, False),
        ({"detail": {"count": [{"anything-but": [1, 2]}]}}, True),
        ({"detail": {"count": [{"anything-but": 5}]}}, False),
        ({"detail": {"state": [{"anything-but": {"prefix": "run"}}]}}, False),
        ({"detail": {"state": [{"anything-but": {"prefix": "stop"}}]}}, True),
        ({"detail": {"state": [{"anything-but": {"suffix": "ing"}}]}}, False),
        ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["RUNNING", "x"]}}]}}, False),
        ({"detail": {"state": [{"anything-but": {"equals-ignore-case": "STOPPED"}}]}}, True),
        ({"detail": {"state": [{"anything-but": {"wildcard": "r*g"}}]}}, False),
        ({"detail": {"absent": [{"anything-but": "x"}]}}, False),  # absent fields never match
    ],
)
def test_anything_but_in_every_form(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"detail": {"count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
        ({"detail": {"count": [{"numeric": [">", 5]}]}}, False),
        ({"detail": {"count": [{"numeric": [">", 0, "<", 5]}]}}, False),  # both bounds hold, not only the first
        ({"detail": {"count": [{"numeric": ["<", 1]}]}}, False),
        ({"detail": {"count": [{"numeric": ["<", 5]}]}}, False),
        ({"detail": {"count": [{"numeric": ["<=", 1]}]}}, False),
        ({"detail": {"count": [{"numeric": [">=", 1]}]}}, True),
        ({"detail": {"count": [{"numeric": ["<=", 10]}]}}, True),
        ({"detail": {"count": [{"numeric": ["=", 1]}]}}, False),
        ({"detail": {"count": [{"numeric": ["=", 10]}]}}, False),
        ({"detail": {"count": [{"numeric": [">", 10]}]}}, False),
        ({"detail": {"count": [{"numeric": ["=", 5]}]}}, True),
        ({"detail": {"count": [{"numeric": ["=", 5.0]}]}}, True),
        ({"detail": {"ratio": [{"numeric": [">=", 0.5, "<", 1]}]}}, True),
        ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),
        ({"detail": {"flag": [{"numeric": ["=", 1]}]}}, False),
        ({"detail": {"state": [{"exists": True}]}}, True),
        ({"detail": {"absent": [{"exists": False}]}}, True),
        ({"detail": {"absent": [{"exists": True}]}}, False),
        ({"detail": {"state": [{"exists": False}]}}, False),
        ({"detail": {"nothing": [{"exists": True}]}}, True),
        ({"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}, True),
        ({"detail": {"sourceIPAddress": [{"cidr": "10.0.1.0/24"}]}}, False),
        ({"detail": {"sourceIPAddress": [{"cidr": "10.0.0.1/24"}]}}, True),  # host bits set: read as its /24 block
        ({"detail": {"state": [{"cidr": "10.0.0.0/8"}]}}, False),
    ],
)
def test_numeric_exists_and_cidr(pattern, expected):
    assert judge(pattern) is expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ({"source": ["aws.ec2"], "detail": {"state": ["running"], "location": {"city": ["Dublin"]}}}, True),
        ({"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}, False),  # every key must match
        ({"detail": {"location": {"city": ["Cork"]}}}, False),
        ({"detail": {"items": {"name": ["b"], "size": [10]}}}, True),  # an array of objects: any element
        ({"detail": {"items": {"name": ["a"], "size": [10]}}}, False),  # ... the same element
        ({"detail": {"state": {"inner": ["x"]}}}, False),  # a scalar is not an object
        ({"$or": [{"source": ["aws.s3"]}, {"detail": {"count": [5]}}]}, True),
        ({"$or": [{"source": ["aws.s3"]}, {"detail": {"count": [6]}}]}, False),
        ({"$or": [{"source": ["aws.s3"]}, {"source": ["aws.iam"]}, {"source": ["aws.ec2"]}]}, True),  # any number of branches
        ({"source": ["aws.ec2"], "$or": [{"detail": {"state": ["x"]}}, {"region": [{"prefix": "us-"}]}]}, True),
        ({"detail": {"$or": [{"state": ["x"]}, {"count": [{"numeric": [">", 1]}]}]}}, True),
    ],
)
def test_nested_objects_arrays_and_or(pattern, expected):
    assert judge(pattern) is expected


def test_json_text_is_accepted_as_eventbridge_stores_it():
    assert judge('{"source": ["aws.ec2"], "detail": {"count": [{"numeric": [">", 1]}]}}') is True


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"detail-type": [{"prefix": "EC2 Instance"}]}', True),
        ('{"detail": {"fileName": [{"suffix": ".PNG"}]}}', True),
        ('{"detail": {"fileName": [{"suffix": ".png"}]}}', False),
        ('{"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}', True),
        ('{"detail-type": [{"prefix": {"equals-ignore-case": "ec2 instance"}}]}', True),
        ('{"detail": {"fileName": [{"wildcard": "rep*.PNG"}]}}', True),
        ('{"detail": {"state": [{"anything-but": "running"}]}}', False),
        ('{"detail": {"state": [{"anything-but": {"prefix": "stop"}}]}}', True),
        ('{"detail": {"state": [{"anything-but": {"suffix": "ing"}}]}}', False),
        ('{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}', True),
        ('{"detail": {"state": [{"exists": true}]}}', True),
        ('{"detail": {"absent": [{"exists": false}]}}', True),
        ('{"$or": [{"source": ["aws.s3"]}, {"region": ["us-east-1"]}]}', True),
    ],
)
def test_every_operator_is_read_from_json_text(text, expected):
    assert judge(text) is expected


@pytest.mark.parametrize(
    "pattern, named",
    [
        ("{not json", "not JSON"),
        ({}, "non-empty"),
        ({}, "pattern: needs a non-empty JSON object"),
        ({"detail": {}}, "detail: needs a non-empty JSON object"),
        ({"source": [{}]}, "one operator"),
        ({"source": [{"prefix": {}}]}, "prefix needs a string"),
        ({"detail": {"x": [{"anything-but": {}}]}}, "anything-but needs"),
        ([], "non-empty"),
        ({"source": "aws.ec2"}, "object or a list"),
        ({"source": []}, "empty list"),
        ({"source": [{"regex": "aws.*"}]}, "unsupported operator 'regex'"),
        ({"source": [{"prefix": "a", "suffix": "b"}]}, "one operator"),
        ({"detail": {"count": [{"numeric": [">", "1"]}]}}, "numeric does not take"),
        ({"detail": {"count": [{"numeric": ["!=", 1]}]}}, "numeric does not take"),
        ({"detail": {"count": [{"numeric": [">"]}]}}, "numeric needs"),
        ({"detail": {"ip": [{"cidr": "10.0.0.0/99"}]}}, "cidr needs"),
        ({"detail": {"x": [{"exists": "yes"}]}}, "exists needs"),
        ({"detail": {"x": [{"anything-but": {"numeric": [">", 1]}}]}}, "anything-but does not take"),
        ({"detail": {"x": [{"anything-but": []}]}}, "anything-but needs"),
        ({"detail": {"x": [{"anything-but": ["a", ["b"]]}]}}, "anything-but needs"),
        ({"detail": {"x": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}}, "anything-but needs"),
        ({"source": [{"any": ["aws.ec2"]}]}, "unsupported operator 'any'"),
        ({"source": [{"equals": "aws.ec2"}]}, "unsupported operator 'equals'"),
        ({"detail": {"x": [{"prefix": 3}]}}, "prefix needs a string"),
        ({"source": [{"prefix": {"wildcard": "a*"}}]}, "prefix needs a string"),  # only equals-ignore-case nests
        ({"$or": [{"source": ["a"]}]}, "at least two"),
        ({"$and": [{"source": ["aws.ec2"]}, {"region": ["us-east-1"]}]}, "$and: unsupported operator 'source'"),  # only $or combines
        # unsupported syntax deep inside a branch that would not even be reached is still reported
        ({"source": ["aws.s3"], "detail": {"x": [{"bogus": 1}]}}, "detail.x"),
    ],
)
def test_unsupported_or_malformed_patterns_are_reported_never_a_match(pattern, named):
    with pytest.raises(ep.UnsupportedPattern) as raised:
        judge(pattern)
    assert named in str(raised.value)


def test_a_bad_value_is_quoted_in_the_error_up_to_40_characters():
    with pytest.raises(ep.UnsupportedPattern) as raised:
        judge({"detail": {"x": [{"prefix": ["a" * 50]}]}})
    assert str(raised.value) == 'detail.x: prefix needs a string, got ["' + "a" * 38
    with pytest.raises(ep.UnsupportedPattern) as raised:
        judge({"source": "x" * 50})
    assert str(raised.value) == 'source: a pattern value is an object or a list, got "' + "x" * 39
