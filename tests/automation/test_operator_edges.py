"""Branch operators and assertions at their edges, where a flipped comparison would hide (issue 16's survivors).

Each case runs a document through the engine: a one-choice aws:branch on a parameter, and
aws:assertAwsResourceProperty on a selection that matches nothing.
"""

import pytest

from clearsight.automation import DocumentError
from tests.automation.test_control_flow import TAG, run, tag_of

ONE_CHOICE = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices:
        - NextStep: Taken
          Variable: "{{ %s }}"
          %s: %s
      Default: Skipped
""" + TAG.format(name="Skipped") + "    isEnd: true\n" + TAG.format(name="Taken")


@pytest.mark.parametrize("variable, operator, value, taken", [
    ("Size", "NumericGreater", 5, False),            # 5 > 5 is false: not >=
    ("Size", "NumericGreater", 4, True),
    ("Size", "NumericGreaterOrEquals", 5, True),
    ("Size", "NumericGreaterOrEquals", 6, False),
    ("Size", "NumericLesser", 5, False),
    ("Size", "NumericLesser", 6, True),
    ("Size", "NumericLesserOrEquals", 5, True),      # 5 <= 5 is true: not <
    ("Size", "NumericLesserOrEquals", 4, False),
    ("Size", "NumericEquals", 5, True),
    ("Size", "NumericEquals", 6, False),
    ("Colour", "StringEquals", "red", True),
    ("Colour", "StringEquals", "Red", False),         # case-sensitive
    ("Colour", "EqualsIgnoreCase", "RED", True),
    ("Colour", "StartsWith", "Re", False),
    ("Colour", "EndsWith", "ed", True),
    ("Colour", "Contains", "E", False),
    ("Flag", "BooleanEquals", "true", True),
    ("Flag", "BooleanEquals", "false", False),
    ("Colour", "StringEquals", "silver", False),      # equality, not an ordering, in both directions
    ("Colour", "EqualsIgnoreCase", "BLUE", False),
    ("Colour", "EqualsIgnoreCase", "SILVER", False),
    ("Colour", "Contains", "ed", True),               # a substring of a string, not one of its characters
    ("Size", "StringEquals", '"5"', True),            # the Integer 5 compared as its text
])
def test_branch_operator_at_its_edge(session, bucket, variable, operator, value, taken):
    execution = run(session, bucket, ONE_CHOICE % (variable, operator, value))
    assert execution.status == "Success"
    assert tag_of(session, bucket) == ("Taken" if taken else "Skipped")


@pytest.mark.parametrize("text, taken", [("true", True), ("TRUE", True), ("false", False), ("False", False)])
def test_boolean_equals_reads_boolean_text_in_any_case(session, bucket, text, taken):
    """A String parameter compared with YAML's true: the text path, not the bool one."""
    execution = run(session, bucket, ONE_CHOICE % ("Colour", "BooleanEquals", "true"), Colour=text)
    assert execution.status == "Success"
    assert tag_of(session, bucket) == ("Taken" if taken else "Skipped")


@pytest.mark.parametrize("value", ["yes", "1", "maybe"])
def test_boolean_equals_on_a_value_that_is_not_a_boolean_fails_the_step(session, bucket, value):
    execution = run(session, bucket, ONE_CHOICE % ("Colour", "BooleanEquals", "true"), Colour=value)
    assert execution.status == "Failed"
    assert f"{value!r} is not a Boolean" in execution.failure_message


def test_assert_on_a_selection_that_matches_nothing_fails(session, bucket):
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs:
      Service: s3
      Api: GetBucketAcl
      Bucket: "{{ BucketName }}"
      PropertySelector: $.Grants[*].Grantee.URI
      DesiredValues: ["http://acs.amazonaws.com/groups/global/AllUsers"]
"""
    execution = run(session, bucket, steps)
    assert execution.status == "Failed"
    assert "$.Grants[*].Grantee.URI matched nothing" in execution.failure_message


def test_assert_on_a_list_needs_every_element_desired(session, bucket):
    s3 = session.client("s3")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "ok"}, {"Key": "b", "Value": "bad"}]})
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs:
      Service: s3
      Api: GetBucketTagging
      Bucket: "{{ BucketName }}"
      PropertySelector: $.TagSet[*].Value
      DesiredValues: [ok]
"""
    assert run(session, bucket, steps).status == "Failed"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "b", "Value": "bad"}]})
    failed = run(session, bucket, steps)
    assert failed.status == "Failed" and "$.TagSet[*].Value is ['bad'], desired one of ['ok']" in failed.failure_message
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "ok"}, {"Key": "b", "Value": "ok"}]})
    assert run(session, bucket, steps).status == "Success"


def test_a_choice_without_next_step_is_refused_at_load(session, bucket):
    steps = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices:
        - {Variable: "{{ Size }}", NumericEquals: 5}
      Default: Skipped
""" + TAG.format(name="Skipped")
    with pytest.raises(DocumentError, match="NextStep"):
        run(session, bucket, steps)


def test_assert_compares_objects_whatever_their_key_order(session, bucket):
    session.client("s3").put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs:
      Service: s3
      Api: GetPublicAccessBlock
      Bucket: "{{ BucketName }}"
      PropertySelector: $.PublicAccessBlockConfiguration
      DesiredValues:
        - {RestrictPublicBuckets: true, BlockPublicPolicy: true, IgnorePublicAcls: true, BlockPublicAcls: true}
"""
    execution = run(session, bucket, steps)
    assert execution.status == "Success", execution.failure_message


def test_desired_values_must_be_a_list(session, bucket):
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs: {Service: s3, Api: GetBucketAcl, Bucket: "{{ BucketName }}", PropertySelector: $.Owner.ID, DesiredValues: someone}
"""
    with pytest.raises(DocumentError, match="DesiredValues"):
        run(session, bucket, steps)


def test_a_broken_literal_selector_is_refused_at_load(session, bucket):
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs: {Service: s3, Api: GetBucketAcl, Bucket: "{{ BucketName }}", PropertySelector: "$.Owner[ID", DesiredValues: [x]}
"""
    with pytest.raises(DocumentError, match="PropertySelector"):
        run(session, bucket, steps)


def test_a_selector_from_a_parameter_is_resolved_at_run_time(session, bucket):
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs: {Service: s3, Api: GetBucketAcl, Bucket: "{{ BucketName }}", PropertySelector: "{{ Colour }}", DesiredValues: [x]}
"""
    execution = run(session, bucket, steps, Colour="$.Owner.DisplayName")
    assert execution.status == "Failed" and "$.Owner.DisplayName is" in execution.failure_message


@pytest.mark.parametrize("nesting", ["And", "Or"])
def test_an_empty_and_or_is_refused_at_load(session, bucket, nesting):
    steps = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices:
        - {NextStep: Skipped, %s: []}
""" % nesting + TAG.format(name="Skipped")
    with pytest.raises(DocumentError, match="non-empty list"):
        run(session, bucket, steps)


def test_contains_on_a_list_needs_a_whole_element(session, bucket):
    """On a StringList, Contains asks for an element, not a substring of the list's text."""
    steps = """
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: ListBuckets}
    outputs: [{Name: Names, Selector: "$.Buckets[*].Name", Type: StringList}]
  - name: Choose
    action: aws:branch
    inputs:
      Choices: [{NextStep: Taken, Variable: "{{ Read.Names }}", Contains: test}]
      Default: Skipped
""" + TAG.format(name="Skipped") + "    isEnd: true\n" + TAG.format(name="Taken")
    assert run(session, bucket, steps).status == "Success"
    assert tag_of(session, bucket) == "Skipped"


@pytest.mark.parametrize("operator, value", [("NumericEquals", "five"), ("NumericGreater", "null")])
def test_numeric_operator_on_a_value_that_is_not_a_number_fails_the_step(session, bucket, operator, value):
    execution = run(session, bucket, ONE_CHOICE % ("Size", operator, value))
    assert execution.status == "Failed"
    assert "is not a number" in execution.failure_message


def test_boolean_equals_on_a_number_fails_the_step(session, bucket):
    execution = run(session, bucket, ONE_CHOICE % ("Size", "BooleanEquals", "true"))
    assert execution.status == "Failed"
    assert "5 is not a Boolean" in execution.failure_message


@pytest.mark.parametrize("choices, complaint", [
    ("[]", "inputs.Choices: must be a non-empty list"),
    ("{NextStep: Skipped, StringEquals: red}", "inputs.Choices: must be a non-empty list"),
    ("[Skipped]", "inputs.Choices[0]: must be a mapping"),
    ("[{NextStep: Skipped, And: {Variable: x, StringEquals: red}}]", "And must be the only condition and a non-empty list"),
    ("[{NextStep: Skipped, Or: [{Variable: x, StringEquals: red}], Variable: x, StringEquals: red}]",
     "Or must be the only condition"),
    ("[{NextStep: Skipped, And: [{Variable: x, StringEquals: red}, {Variable: x}]}]",
     "inputs.Choices[0].And[1]: needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, Not: {Variable: x, StringEquals: red}, Variable: x, StringEquals: red}]", "Not must be the only condition"),
    ("[{NextStep: Skipped, Not: {Variable: x}}]", "inputs.Choices[0].Not: needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, Variable: x}]", "needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, Variable: x, StringEquals: red, StartsWith: r}]", "needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, Variable: x, StringEquals: red, Colour: red}]", "needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, StringEquals: red}]", "needs Variable and exactly one operator"),
    ("[{NextStep: Skipped, Variable: x, StringEquals: red}, {NextStep: Skipped, Variable: x}]",
     "inputs.Choices[1]: needs Variable and exactly one operator"),
    ("[{NextStep: Nowhere, Variable: x, StringEquals: red}]", "names step 'Nowhere'"),
])
def test_a_malformed_choice_is_refused_at_load_naming_the_place(session, bucket, choices, complaint):
    steps = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices: %s
      Default: Skipped
""" % choices + TAG.format(name="Skipped")
    with pytest.raises(DocumentError) as error:
        run(session, bucket, steps)
    assert complaint in str(error.value)


def test_a_default_naming_no_step_is_refused_at_load(session, bucket):
    steps = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices: [{NextStep: Skipped, Variable: x, StringEquals: red}]
      Default: Nowhere
""" + TAG.format(name="Skipped")
    with pytest.raises(DocumentError, match="names step 'Nowhere'"):
        run(session, bucket, steps)
