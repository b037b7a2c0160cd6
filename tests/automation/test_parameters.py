"""Runtime parameters are checked and typed before the engine makes any API call."""

import pytest

from clearsight.automation import ParameterError, load_document, run_document

DOCUMENT = load_document("""
schemaVersion: "0.3"
parameters:
  BucketName:
    type: String
    allowedPattern: ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$
  Mode:
    type: String
    allowedValues: [Enabled, Suspended]
    default: Enabled
  Days:
    type: Integer
    default: 30
  Strict:
    type: Boolean
    default: false
  Names:
    type: StringList
    default: []
  Tags:
    type: StringMap
    default: {}
  Rules:
    type: MapList
    default: []
  Role:
    type: AWS::IAM::Role::Arn
    default: ""
mainSteps:
  - name: Version
    action: aws:executeAwsApi
    inputs:
      Service: s3
      Api: PutBucketVersioning
      Bucket: "{{ BucketName }}"
      VersioningConfiguration:
        Status: "{{ Mode }}"
""")


@pytest.mark.parametrize("parameters, complaint", [
    ({"BucketName": "Not_A_Bucket!"}, "does not match allowedPattern"),
    ({}, "missing required parameter BucketName"),
    ({"BucketName": "ok-bucket", "Days": "thirty"}, "Days must be of type Integer"),
    ({"BucketName": "ok-bucket", "Strict": "yes"}, "pass true or false"),
    ({"BucketName": "ok-bucket", "Mode": "On"}, "not an allowed value; pass one of Enabled, Suspended"),
    ({"BucketName": "ok-bucket", "Colour": "blue"}, "unknown parameter(s) Colour"),
    ({"BucketName": ["a-bucket", "b-bucket"]}, "pass one value, not a list of 2"),
    ({"BucketName": "ok-bucket", "Tags": "not json"}, "is not JSON"),
    ({"BucketName": "ok-bucket", "Rules": '{"a": 1}'}, "pass a JSON list"),
])
def test_bad_parameters_are_rejected_before_any_api_call(session, calls, bucket, parameters, complaint):
    calls.clear()
    with pytest.raises(ParameterError) as error:
        run_document(DOCUMENT, parameters, session)
    assert complaint in str(error.value)
    assert calls == []
    assert "Status" not in session.client("s3").get_bucket_versioning(Bucket=bucket)


def test_values_are_coerced_to_their_declared_types(session, bucket):
    execution = run_document(DOCUMENT, {
        "BucketName": [bucket],  # Config StaticValue.Values is a list
        "Mode": "Suspended", "Days": "7", "Strict": "TRUE", "Names": "only-one",
        "Tags": '{"team": "sec"}', "Rules": ['{"id": 1}'], "Role": "arn:aws:iam::123456789012:role/r",
    }, session)

    assert execution.status == "Success"
    assert execution.parameters == {
        "BucketName": bucket, "Mode": "Suspended", "Days": 7, "Strict": True, "Names": ["only-one"],
        "Tags": {"team": "sec"}, "Rules": [{"id": 1}], "Role": "arn:aws:iam::123456789012:role/r"}
    assert session.client("s3").get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_parameter_store_defaults_are_read_from_the_account_as_automation_does(session, calls):
    document = load_document("""
schemaVersion: "0.3"
parameters:
  Role: {type: String, default: "{{ssm:/org/remediation-role}}", allowedPattern: "^arn:aws:iam::\\\\d{12}:role/.+$"}
mainSteps:
  - {name: Hold, action: aws:pause}
""")
    with pytest.raises(ParameterError, match="could not be read from Parameter Store.*pass Role explicitly"):
        run_document(document, {}, session)
    assert ("ssm", "GetParameter") in calls
    role = "arn:aws:iam::123456789012:role/r"
    session.client("ssm").put_parameter(Name="/org/remediation-role", Value=role, Type="String")
    assert run_document(document, {}, session, approve=True).parameters["Role"] == role


def test_defaults_fill_parameters_not_given(session, bucket):
    execution = run_document(DOCUMENT, {"BucketName": bucket}, session)
    assert execution.parameters["Mode"] == "Enabled" and execution.parameters["Days"] == 30
    assert session.client("s3").get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


LIMITED = load_document("""
schemaVersion: "0.3"
parameters:
  BucketName:
    type: String
    minChars: 3
    maxChars: 10
  Names:
    type: StringList
    minItems: 1
    maxItems: 2
    default: [a]
  Rules:
    type: MapList
    maxItems: 1
    default: []
mainSteps:
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketVersioning, Bucket: "{{ BucketName }}"}
""")


@pytest.mark.parametrize("parameters, complaint", [
    ({"BucketName": "ab"}, "BucketName: 'ab' is 2 characters; minChars is 3"),
    ({"BucketName": "a" * 11}, "is 11 characters; maxChars is 10"),
    ({"BucketName": "abc", "Names": []}, "Names: 0 items; minItems is 1"),
    ({"BucketName": "abc", "Names": ["a", "b", "c"]}, "Names: 3 items; maxItems is 2"),
    ({"BucketName": "abc", "Rules": [{"a": "1"}, {"b": "2"}]}, "Rules: 2 items; maxItems is 1"),
])
def test_length_and_item_limits_are_enforced_before_any_call(session, calls, parameters, complaint):
    """minChars/maxChars/minItems/maxItems (documents-syntax-data-elements-parameters.html)."""
    calls.clear()
    with pytest.raises(ParameterError) as error:
        run_document(LIMITED, parameters, session)
    assert complaint in str(error.value)
    assert calls == []


def test_values_within_the_limits_run(session, bucket):
    assert run_document(LIMITED, {"BucketName": "clearsight-test-bucket"[:10], "Names": ["a", "b"]},
                        session, dry_run=True).parameters["Names"] == ["a", "b"]


@pytest.mark.parametrize("spec, complaint", [
    ("{type: String, minChars: -1}", "minChars must be a non-negative integer, got -1"),
    ("{type: String, maxChars: ten}", "maxChars must be a non-negative integer, got 'ten'"),
    ("{type: String, maxChars: true}", "maxChars must be a non-negative integer, got True"),
    ("{type: StringList, minItems: 3, maxItems: 2}", "minItems 3 is greater than maxItems 2"),
    ("{type: String, minChars: 5, maxChars: 4}", "minChars 5 is greater than maxChars 4"),
])
def test_bad_limit_declarations_are_document_errors(spec, complaint):
    from clearsight.automation import DocumentError

    with pytest.raises(DocumentError) as error:
        load_document(f"""
schemaVersion: "0.3"
parameters:
  P: {spec}
mainSteps:
  - {{name: Hold, action: aws:pause}}
""")
    assert "field parameters.P" in str(error.value) and complaint in str(error.value)


MANY = load_document("""
schemaVersion: "0.3"
parameters:
  Names: {type: StringList, default: []}
  Text: {type: String, default: ""}
  Tags: {type: StringMap, default: {}}
mainSteps:
  - {name: Hold, action: aws:pause}
""")


@pytest.mark.parametrize("parameters, complaint", [
    ({"Names": [str(i) for i in range(51)]}, "Names: 51 values; StartAutomationExecution accepts at most 50"),
    ({"Text": "x" * 513}, "Text: a value of 513 characters; StartAutomationExecution accepts at most 512"),
    ({"Names": ["ok", "y" * 513]}, "Names: a value of 513 characters"),
    ({"Tags": {"k": "v" * 600}}, "Tags: a value of"),
    ({f"P{i}": "x" for i in range(201)}, "201 parameters; StartAutomationExecution accepts at most 200"),
])
def test_automation_parameter_map_limits(session, calls, parameters, complaint):
    """AutomationParameterMap (SSM API model): <= 200 keys, <= 50 values a key, each value <= 512 characters."""
    calls.clear()
    with pytest.raises(ParameterError) as error:
        run_document(MANY, parameters, session, approve=True)
    assert complaint in str(error.value)
    assert calls == []


def test_fifty_values_of_512_characters_are_accepted(session):
    execution = run_document(MANY, {"Names": ["z" * 512] * 50}, session, approve=True)
    assert execution.status == "Success" and len(execution.parameters["Names"]) == 50
