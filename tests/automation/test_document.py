"""Documents that cannot run are rejected by load_document, naming the file, step and field."""

import pytest

from clearsight.automation import DocumentError, load_document

STEP = """
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
mainSteps:
  - name: First
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketVersioning, Bucket: "{{ BucketName }}"}
    outputs: [{Name: Status, Selector: $.Status, Type: String}]
"""


def load(extra: str):
    return load_document(STEP + extra)


@pytest.mark.parametrize("extra, complaint", [
    ("  - {name: Second, action: aws:doesNotExist}", "step 'Second' (mainSteps[1]), field action: not an Automation action"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: s3, Api: GetBucketVersioning, Bucket: '{{ Missing }}'}}",
     "{{ Missing }} is not a parameter"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: s3, Api: GetBucketVersioning, Bucket: '{{ First.Nope }}'}}",
     "step First has no output 'Nope'"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, onFailure: Explode}", "field onFailure: 'Explode'"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, nextStep: Nowhere}", "names step 'Nowhere'"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: soon}}", "not ISO 8601"),
    ("  - {name: 'bad name!', action: aws:sleep, inputs: {Duration: PT1S}}", "must match [a-zA-Z0-9_]+"),
    ("  - {name: First, action: aws:sleep, inputs: {Duration: PT1S}}", "used by more than one step"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, onFaliure: Abort}", "unknown field(s) onFaliure"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: s3, Api: PutPublicAccesBlock}}",
     "did you mean PutPublicAccessBlock"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: s4, Api: ListBuckets}}", "unknown boto3 service 's4'"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Api: ListBuckets}}", "field inputs.Service: required"),
    ("  - {name: Second, action: aws:executeScript, inputs: {Runtime: python3.6, Handler: h, Script: 'def h(e, c): pass'}}",
     "'python3.6' stopped running on 2025-02-18"),
    ("  - {name: Second, action: aws:executeScript, inputs: {Runtime: python3.11, Handler: h, Script: 'def h(e, c) pass'}}",
     "does not compile"),
    ("  - {name: Second, action: aws:executeScript, inputs: {Runtime: python3.11, Handler: h, Attachment: a.zip}}",
     "Attachment is not supported"),
    ("  - {name: Second, action: aws:branch, inputs: {Choices: [{NextStep: First, Variable: x, Equals: y}]}}",
     "needs Variable and exactly one operator"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: s3, Api: ListBuckets}, "
     "outputs: [{Name: N, Selector: $.Buckets, Type: List}]}", "'List' is not one of"),
    ("outputs: [Second.Output]", "'Second.Output' is not a Step.Output"),
    ("outputs: First.Status", "field outputs: must be a list of Step.Output names, got 'First.Status'"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, outputs: {Name: N}}",
     "step 'Second' (mainSteps[1]), field outputs: must be a list of {Name, Selector, Type}"),
    ("  - Second", "mainSteps[1]: must be a mapping with name, action and inputs, got 'Second'"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, nextStep: [First]}",
     "step 'Second' (mainSteps[1]), field nextStep: must be a step name (a string), got ['First']"),
    ("  - {name: Second, action: aws:sleep, inputs: {Duration: P8D}}", "maximum delay of 604799 seconds"),
    ("  - {name: Second, action: aws:executeAwsApi, inputs: {Service: ssm, Api: GetParameter, Name: '{{ssm:/org/a.b}}'}}",
     "{{ ssm:/org/a.b }} is a Parameter Store reference"),
])
def test_malformed_documents_are_rejected_with_the_place_named(extra, complaint):
    with pytest.raises(DocumentError) as error:
        load(extra)
    assert complaint in str(error.value)


@pytest.mark.parametrize("text, complaint", [
    ("schemaVersion: '2.2'\nmainSteps: []", "schemaVersion: Automation documents need '0.3'"),
    ("schemaVersion: '0.3'\nmainSteps: [", "invalid YAML"),
    ("schemaVersion: '0.3'\nmainSteps: []", "mainSteps: must be a non-empty list"),
    ("schemaVersion: '0.3'\nparameters: {P: {type: Float}}\nmainSteps: []", "parameters.P: type 'Float'"),
])
def test_top_level_problems(text, complaint):
    with pytest.raises(DocumentError) as error:
        load_document(text)
    assert complaint in str(error.value)


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "Broken.yaml"
    path.write_text(STEP + "  - {name: Second, action: aws:executeScrpt}\n")
    with pytest.raises(DocumentError) as error:
        load_document(path)
    assert str(path) in str(error.value) and "aws:executeScrpt" in str(error.value)


def test_loads_json_text_files_and_dicts(tmp_path):
    path = tmp_path / "Doc.json"
    path.write_text('{"schemaVersion": "0.3", "mainSteps": [{"name": "S", "action": "aws:sleep", '
                    '"inputs": {"Duration": "PT1S"}}]}')
    assert load_document(path).name == "Doc"
    assert load_document(str(path)).steps[0].action == "aws:sleep"
    assert load_document(path.read_text()).steps[0].name == "S"
    assert load_document({"schemaVersion": "0.3", "mainSteps": [
        {"name": "S", "action": "aws:pause"}]}, name="Mine").name == "Mine"
    with pytest.raises(DocumentError, match="cannot read"):
        load_document(tmp_path / "missing.yaml")


def test_step_defaults_follow_the_automation_guide():
    document = load("  - {name: Second, action: aws:sleep, inputs: {Duration: PT1S}, onFailure: Continue}")
    first, second = document.steps
    assert (first.max_attempts, first.on_failure, first.on_cancel, first.is_end, first.is_critical) == (
        1, "Abort", "Abort", False, True)
    assert second.is_critical is False  # onFailure: Continue makes isCritical default to false
