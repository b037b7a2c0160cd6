"""dry_run: resolve everything, show the calls that would be made, change nothing.

Reads are sent (so branches on the current state are followed) until the first skipped change;
after it the run is a preview. sts GetCallerIdentity is sent when {{ global:ACCOUNT_ID }} is used.
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


PREVIEW = """
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
mainSteps:
  - name: Read
    action: aws:executeAwsApi
    onFailure: step:Block
    isCritical: false
    inputs: {Service: s3, Api: GetPublicAccessBlock, Bucket: "{{ BucketName }}"}
    outputs: [{Name: Acls, Selector: $.PublicAccessBlockConfiguration.BlockPublicAcls, Type: Boolean}]
  - name: Check
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {Bucket: "{{ BucketName }}"}
      Script: |
        import boto3
        def handler(events, context):
            versioning = boto3.client("s3").get_bucket_versioning(Bucket=events["Bucket"])
            return {"versioned": versioning.get("Status") == "Enabled"}
    outputs: [{Name: Versioned, Selector: $.Payload.versioned, Type: Boolean}]
  - name: Decide
    action: aws:branch
    inputs:
      Choices: [{NextStep: Done, Variable: "{{ Check.Versioned }}", BooleanEquals: true}]
      Default: Block
  - name: Block
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {Bucket: "{{ BucketName }}"}
      Script: |
        import boto3
        def handler(events, context):
            boto3.client("s3").put_bucket_versioning(Bucket=events["Bucket"], VersioningConfiguration={"Status": "Enabled"})
            return {"done": True}
  - name: Verify
    action: aws:assertAwsResourceProperty
    inputs: {Service: s3, Api: GetBucketVersioning, Bucket: "{{ BucketName }}", PropertySelector: $.Status, DesiredValues: [Enabled]}
  - name: Done
    action: aws:sleep
    inputs: {Duration: PT1S}
    isEnd: true
"""


def test_dry_run_follows_the_real_path_until_its_first_change(session, bucket, calls, clock):
    """Before any skipped change the account is as the real run would see it: reads, read-only
    scripts and their failures count; a script's first write is listed, not sent; from there on
    it is a preview (the verify step is shown, not run)."""
    calls.clear()
    execution = run_document(load_document(PREVIEW), {"BucketName": bucket}, session, dry_run=True, sleep=clock)
    steps = {s.name: s for s in execution.steps}
    assert execution.status == "Success"
    assert steps["Read"].status == "Failed"  # a genuine read failure: no configuration, so onFailure jumps
    assert [s.name for s in execution.steps] == ["Read", "Block", "Verify", "Done"]
    assert "script would call s3 PutBucketVersioning (not sent)" in steps["Block"].note
    assert steps["Verify"].note.startswith("dry run: would assert")
    assert ("s3", "PutBucketVersioning") not in calls  # never sent
    assert ("s3", "PutBucketVersioning") in [(c[0], c[1]) for c in execution.api_calls]  # but listed
    assert session.client("s3").get_bucket_versioning(Bucket=bucket).get("Status") is None


def test_dry_run_runs_a_read_only_script_and_branches_on_its_answer(session, bucket, clock):
    s3 = session.client("s3")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    execution = run_document(load_document(PREVIEW), {"BucketName": bucket}, session, dry_run=True, sleep=clock)
    assert [s.name for s in execution.steps] == ["Read", "Check", "Decide", "Done"]
    assert execution.steps[1].outputs["Versioned"] is True
    assert [op for _, op, _ in execution.api_calls] == ["GetPublicAccessBlock", "GetBucketVersioning"]


def test_dry_run_sends_a_read_spelled_as_the_boto3_method_name(session, bucket, calls):
    """`Api: list_buckets` is the same read as `Api: ListBuckets`: a dry run sends it and keeps its outputs."""
    document = load_document("""
schemaVersion: "0.3"
mainSteps:
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: list_buckets}
    outputs: [{Name: First, Selector: "$.Buckets[0].Name", Type: String}]
""")
    calls.clear()
    execution = run_document(document, {}, session, dry_run=True)
    assert execution.status == "Success"
    assert execution.steps[0].outputs == {"First": bucket}
    assert calls == [("s3", "ListBuckets")]


WRITING_SCRIPT = """
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
mainSteps:
  - name: Enable
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {Bucket: "{{ BucketName }}"}
      Script: |
        import boto3
        def handler(events, context):
            try:
                boto3.client("s3").put_bucket_versioning(Bucket=events["Bucket"], VersioningConfiguration=%s)
            except Exception as error:
                raise RuntimeError(f"could not enable versioning: {error}")
            return {"done": True}
    outputs: [{Name: Done, Selector: $.Payload.done, Type: Boolean}]
"""


def test_dry_run_stops_a_script_at_its_first_write_even_when_the_script_catches_exceptions(session, bucket, calls):
    """AWS's runbooks wrap calls in `except Exception`; the skipped write must not turn into a failure."""
    calls.clear()
    execution = run_document(load_document(WRITING_SCRIPT % '{"Status": "Enabled"}'), {"BucketName": bucket},
                             session, dry_run=True)
    step = execution.steps[0]
    assert execution.status == "Success", execution.failure_message
    assert "script would call s3 PutBucketVersioning (not sent)" in step.note
    assert str(step.outputs["Done"]) == "{{ Enable.Done }}"
    assert ("s3", "PutBucketVersioning") not in calls


def test_dry_run_checks_a_script_write_with_botocore_as_the_real_run_would(session, bucket, calls):
    """The skipped write of a script is validated like every other skipped call: a bad shape fails the step."""
    calls.clear()
    execution = run_document(load_document(WRITING_SCRIPT % '{"State": "On"}'), {"BucketName": bucket},
                             session, dry_run=True)
    assert execution.status == "Failed"
    assert 'Unknown parameter in VersioningConfiguration: "State"' in execution.failure_message
    assert ("s3", "PutBucketVersioning") not in calls


def test_dry_run_branch_comparing_against_an_unproduced_output_stops_there(session, bucket, calls):
    """A choice whose compared value (not only its Variable) is an output no call produced cannot be decided."""
    document = load_document("""
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
mainSteps:
  - name: Create
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: CreateBucket, Bucket: "{{ BucketName }}-copy"}
    outputs: [{Name: Location, Selector: $.Location, Type: String}]
  - name: Decide
    action: aws:branch
    inputs:
      Choices: [{NextStep: Same, Variable: "/{{ BucketName }}-copy", StringEquals: "{{ Create.Location }}"}]
      Default: Different
  - name: Different
    action: aws:sleep
    inputs: {Duration: PT1S}
    isEnd: true
  - name: Same
    action: aws:sleep
    inputs: {Duration: PT1S}
""")
    execution = run_document(document, {"BucketName": bucket}, session, dry_run=True)
    assert [s.name for s in execution.steps] == ["Create", "Decide"]
    assert "dry run stops here" in execution.steps[1].note


def test_dry_run_keeps_a_skipped_scripts_output_payload_as_a_reference(session, bucket):
    """OutputPayload is an output of every aws:executeScript: a later step may use it in a dry run too."""
    document = load_document(WRITING_SCRIPT % '{"Status": "Enabled"}' + """
  - name: Report
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {Previous: "{{ Enable.OutputPayload }}"}
      Script: |
        def handler(events, context):
            return events
""")
    execution = run_document(document, {"BucketName": bucket}, session, dry_run=True)
    assert execution.status == "Success", execution.failure_message
    assert str(execution.steps[0].outputs["OutputPayload"]) == "{{ Enable.OutputPayload }}"
    assert execution.steps[1].inputs["InputPayload"]["Previous"] == execution.steps[0].outputs["OutputPayload"]
