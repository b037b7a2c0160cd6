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


def test_parameter_store_defaults_must_be_passed_explicitly(session, calls):
    document = load_document("""
schemaVersion: "0.3"
parameters:
  Role: {type: String, default: "{{ssm:/org/remediation-role}}"}
mainSteps:
  - {name: Hold, action: aws:pause}
""")
    calls.clear()
    with pytest.raises(ParameterError, match="pass Role explicitly"):
        run_document(document, {}, session)
    assert calls == []
    assert run_document(document, {"Role": "r"}, session, approve=True).status == "Success"


def test_defaults_fill_parameters_not_given(session, bucket):
    execution = run_document(DOCUMENT, {"BucketName": bucket}, session)
    assert execution.parameters["Mode"] == "Enabled" and execution.parameters["Days"] == 30
    assert session.client("s3").get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
