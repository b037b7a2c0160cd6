"""dry_run: resolve everything, show the calls that would be made, change nothing.

Only Get/Describe/List/Head calls of aws:executeAwsApi steps are sent (so branches on current
state can be followed), plus sts GetCallerIdentity when {{ global:ACCOUNT_ID }} is used.
"""

from pathlib import Path

from clearsight.automation import load_document, run_document

DOCUMENTS = Path(__file__).parent / "documents"
ROLE = "arn:aws:iam::123456789012:role/clearsight-remediation"


def test_dry_run_changes_nothing_and_lists_the_calls(session, bucket, calls):
    document = load_document(DOCUMENTS / "ConfigureS3BucketPublicAccessBlock.yaml")
    calls.clear()
    execution = run_document(document, {"BucketName": bucket, "AutomationAssumeRole": ROLE}, session, dry_run=True)

    assert execution.status == "Success" and execution.to_dict()["DryRun"] is True
    put = ("s3", "PutPublicAccessBlock", {"Bucket": bucket, "PublicAccessBlockConfiguration": {
        "RestrictPublicBuckets": True, "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True}})
    assert execution.api_calls[0] == put
    assert [c[1] for c in execution.api_calls] == ["PutPublicAccessBlock", "GetPublicAccessBlock",
                                                   "GetPublicAccessBlock", "GetPublicAccessBlock"]
    # the only request sent was the executeAwsApi read (which fails: no configuration yet)
    assert calls == [("s3", "GetPublicAccessBlock")]
    assert "dry run: s3 PutPublicAccessBlock not sent" == execution.steps[0].note
    s3 = session.client("s3")
    try:
        s3.get_public_access_block(Bucket=bucket)
        raise AssertionError("dry run created a public access block")
    except s3.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"


def test_dry_run_shows_unresolved_outputs_and_validates_request_shapes(session, bucket, calls):
    document = load_document("""
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
outputs: [Create.Key]
mainSteps:
  - name: Create
    action: aws:executeAwsApi
    inputs: {Service: kms, Api: CreateKey, Description: "for {{ BucketName }} in {{ global:ACCOUNT_ID }}"}
    outputs: [{Name: Key, Selector: $.KeyMetadata.Arn, Type: String}]
  - name: Encrypt
    action: aws:executeAwsApi
    inputs:
      Service: s3
      Api: PutBucketEncryption
      Bucket: "{{ BucketName }}"
      ServerSideEncryptionConfiguration:
        Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: "{{ Create.Key }}"}}]
  - name: Check
    action: aws:executeScript
    inputs: {Runtime: python3.11, Handler: h, Script: "def h(e, c):\\n    raise RuntimeError('must not run')"}
    outputs: [{Name: Ok, Selector: $.Payload.ok, Type: Boolean}]
  - name: Decide
    action: aws:branch
    inputs:
      Choices: [{NextStep: Encrypt, Variable: "{{ Check.Ok }}", BooleanEquals: false}]
""")
    calls.clear()
    execution = run_document(document, {"BucketName": bucket}, session, dry_run=True)

    assert calls == [("sts", "GetCallerIdentity")]
    identity, create, encrypt = execution.api_calls
    assert identity == ("sts", "GetCallerIdentity", {})
    assert create == ("kms", "CreateKey", {"Description": f"for {bucket} in 123456789012"})
    rule = encrypt[2]["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert str(rule["KMSMasterKeyID"]) == "{{ Create.Key }}"
    assert execution.steps[1].to_dict()["Inputs"]["ServerSideEncryptionConfiguration"].count("{{ Create.Key }}") == 1
    assert [s.status for s in execution.steps] == ["Success"] * 4
    assert "dry run stops here" in execution.steps[3].note
    assert execution.outputs == {} and execution.to_dict()["Outputs"]["Create.Key"][0].startswith("No output")
    assert session.client("kms").list_keys()["Keys"] == []


def test_dry_run_reports_a_request_botocore_would_reject(session, bucket, calls):
    document = load_document("""
schemaVersion: "0.3"
mainSteps:
  - name: Bad
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: PutBucketVersioning, Bucket: b, VersioningConfiguration: {State: On}}
""")
    calls.clear()
    execution = run_document(document, {}, session, dry_run=True)
    assert execution.status == "Failed" and "Unknown parameter" in execution.failure_message
    assert calls == []
