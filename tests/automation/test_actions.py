"""Each action's behaviour on moto: outputs and their types, asserts, waits, scripts, sleeps, approvals."""

import pytest

from clearsight.automation import load_document, run_document

HEADER = """
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
  Names: {type: StringList, default: [a, b]}
  Count: {type: Integer, default: 3}
mainSteps:
"""


def run(session, bucket, steps, **kwargs):
    return run_document(load_document(HEADER + steps), {"BucketName": bucket}, session, **kwargs)


def test_each_output_type_from_execute_aws_api(session, bucket):
    s3 = session.client("s3")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "sec"}]})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    execution = run(session, bucket, """
  - name: Tags
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketTagging, Bucket: "{{ BucketName }}"}
    outputs:
      - {Name: Key, Selector: "$.TagSet[0].Key", Type: String}
      - {Name: Status, Selector: $.ResponseMetadata.HTTPStatusCode, Type: Integer}
      - {Name: Keys, Selector: "$..Key", Type: StringList}
      - {Name: TagSet, Selector: $.TagSet, Type: MapList}
      - {Name: FirstTag, Selector: "$.TagSet[0]", Type: StringMap}
  - name: Block
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetPublicAccessBlock, Bucket: "{{ BucketName }}"}
    outputs:
      - {Name: Ignore, Selector: $.PublicAccessBlockConfiguration.IgnorePublicAcls, Type: Boolean}
  - name: Buckets
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: list_buckets}
    outputs:
      - {Name: Created, Selector: "$.Buckets[0].CreationDate", Type: String}
""")
    assert execution.status == "Success", execution.failure_message
    assert execution.steps[0].outputs == {
        "Key": "team", "Status": 200, "Keys": ["team"], "TagSet": [{"Key": "team", "Value": "sec"}],
        "FirstTag": {"Key": "team", "Value": "sec"}}
    assert execution.steps[1].outputs == {"Ignore": False}
    assert execution.steps[2].outputs["Created"][:4].isdigit()  # datetime serialized as ISO text
    assert ("s3", "ListBuckets", {}) in execution.api_calls


def test_an_output_whose_selector_matches_nothing_stays_unset_until_a_step_uses_it(session, bucket):
    """AWS leaves such an output unset (ASR's SetSSLBucketPolicy relies on it); only its use fails."""
    execution = run(session, bucket, """
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: ListBuckets}
    outputs: [{Name: X, Selector: $.Nope, Type: String}, {Name: Owner, Selector: $.Owner.ID, Type: String}]
  - name: Use
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketTagging, Bucket: "{{ Read.X }}"}
""")
    read, use = execution.steps
    assert read.status == "Success" and "X" not in read.outputs and "Owner" in read.outputs
    assert use.status == "Failed" and "did not produce output X" in use.failure_message


def test_service_names_match_case_insensitively_as_in_aws(session, bucket):
    execution = run(session, bucket, """
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: S3, Api: ListBuckets}
""")
    assert execution.status == "Success", execution.failure_message


def test_a_documented_action_the_engine_does_not_run_fails_only_when_reached(session, bucket):
    execution = run(session, bucket, """
  - name: Skip
    action: aws:branch
    inputs:
      Choices: [{NextStep: Read, Variable: "{{ Count }}", NumericEquals: 3}]
      Default: Stack
  - name: Stack
    action: aws:createStack
    inputs: {StackName: s, TemplateURL: "https://example.com/t.yaml"}
    isEnd: true
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: ListBuckets}
  - name: Image
    action: aws:deleteImage
    inputs: {ImageId: ami-12345678}
""")
    assert [step.name for step in execution.steps] == ["Skip", "Read", "Image"]
    assert execution.status == "Failed" and "aws:deleteImage does not run in the local engine" in execution.failure_message


def test_a_script_session_is_in_the_run_region_as_in_aws(session, bucket, monkeypatch):
    """ASR's scripts call boto3.session.Session().region_name: AWS's sandbox sets the run's region."""
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    execution = run(session, bucket, """
  - name: Where
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: where
      Script: |-
        import boto3
        def where(events, context):
            session: boto3.session.Session = boto3.session.Session()
            return {"region": session.region_name, "buckets": len(session.client("s3").list_buckets()["Buckets"])}
    outputs: [{Name: Region, Selector: $.Payload.region, Type: String}, {Name: Buckets, Selector: $.Payload.buckets, Type: Integer}]
""", region="eu-west-1")
    assert execution.status == "Success", execution.failure_message
    assert execution.steps[0].outputs["Region"] == "eu-west-1" and execution.steps[0].outputs["Buckets"] == 1


def test_what_a_script_prints_goes_into_its_step_record_not_stdout(session, bucket, capsys):
    execution = run(session, bucket, """
  - name: Talk
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: talk
      Script: |-
        import sys
        def talk(events, context):
            print("checking", events["bucket"])
            print("to stderr", file=sys.stderr)
            return {"ok": True}
      InputPayload: {bucket: "{{ BucketName }}"}
""")
    assert execution.status == "Success", execution.failure_message
    assert execution.steps[0].console == f"checking {bucket}\n"
    assert execution.steps[0].to_dict()["ScriptOutput"] == f"checking {bucket}\n"
    captured = capsys.readouterr()
    assert captured.out == "" and "to stderr" in captured.err


@pytest.mark.parametrize("output, complaint", [
    ("{Name: X, Selector: $.ResponseMetadata.HTTPStatusCode, Type: String}", "is not of declared Type String"),
    ("{Name: X, Selector: $.Buckets, Type: StringMap}", "is not of declared Type StringMap"),
])
def test_output_selector_problems_fail_the_step(session, bucket, output, complaint):
    execution = run(session, bucket, f"""
  - name: Read
    action: aws:executeAwsApi
    inputs: {{Service: s3, Api: ListBuckets}}
    outputs: [{output}]
""")
    assert execution.status == "Failed" and complaint in execution.steps[0].failure_message


def test_botocore_rejects_a_bad_request_shape(session, bucket):
    execution = run(session, bucket, """
  - name: Put
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: PutBucketVersioning, Bucket: "{{ BucketName }}", VersioningConfiguration: {State: On}}
""")
    assert execution.status == "Failed"
    assert 'Unknown parameter in VersioningConfiguration: "State"' in execution.failure_message


def test_whole_string_references_keep_their_type_and_globals_resolve(session, bucket):
    execution = run(session, bucket, """
  - name: Echo
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: echo
      InputPayload:
        names: "{{ Names }}"
        count: "{{ Count }}"
        arn: "arn:{{ global:AWS_PARTITION }}:s3:::{{ BucketName }}"
        account: "{{ global:ACCOUNT_ID }}"
        region: "{{ global:REGION }}"
        date: "{{ global:DATE }}"
        stamp: "{{ global:DATE_TIME }}"
        execution: "{{ automation:EXECUTION_ID }}"
        embedded: "n={{ Count }} names={{ Names }}"
      Script: |-
        def echo(events, context):
            return events
    outputs:
      - {Name: Names, Selector: $.Payload.names, Type: StringList}
      - {Name: Count, Selector: $.Payload.count, Type: Integer}
      - {Name: All, Selector: $.Payload, Type: StringMap}
""")
    assert execution.status == "Success", execution.failure_message
    payload = execution.steps[0].outputs["All"]
    assert payload["names"] == ["a", "b"] and payload["count"] == 3
    assert payload["arn"] == f"arn:aws:s3:::{bucket}"
    assert payload["account"] == "123456789012" and payload["region"] == "us-east-1"
    assert len(payload["date"]) == 10 and payload["stamp"].startswith(payload["date"] + "_")
    assert payload["execution"] == execution.execution_id
    assert payload["embedded"] == 'n=3 names=["a", "b"]'


def test_a_reference_to_output_of_a_step_that_did_not_run_fails_naming_the_step(session, bucket):
    execution = run(session, bucket, """
  - name: Skip
    action: aws:branch
    inputs:
      Choices: [{NextStep: Use, Variable: "{{ Count }}", NumericEquals: 3}]
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: ListBuckets}
    outputs: [{Name: First, Selector: "$.Buckets[0].Name", Type: String}]
  - name: Use
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketVersioning, Bucket: "{{ Read.First }}"}
""")
    assert execution.status == "Failed"
    assert execution.steps[-1].failure_message.startswith("Step Use: variable {{ Read.First }} has no value")
    assert ("s3", "GetBucketVersioning") not in [c[:2] for c in execution.api_calls]


WAIT = """
  - name: Wait
    action: aws:waitForAwsResourceProperty
    timeoutSeconds: 30
    inputs:
      Service: s3
      Api: GetBucketVersioning
      Bucket: "{{ BucketName }}"
      PropertySelector: $.Status
      DesiredValues: [Enabled]
"""


def test_wait_that_never_matches_times_out_on_the_fake_clock(session, bucket, clock, calls):
    execution = run(session, bucket, WAIT, sleep=clock)
    assert execution.status == "TimedOut"
    assert execution.steps[0].status == "TimedOut"
    assert "Timed out after 30s" in execution.failure_message and "$.Status matched nothing" in execution.failure_message
    assert clock.total == 30
    assert calls.count(("s3", "GetBucketVersioning")) == 7  # polls at 0, 5, ... 30 s


def test_wait_succeeds_once_the_property_matches(session, bucket, clock):
    s3 = session.client("s3")

    def sleep(seconds):
        clock(seconds)
        if clock.total >= 10:
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    execution = run(session, bucket, WAIT, sleep=sleep)
    assert execution.status == "Success" and clock.total == 10


def test_assert_compares_booleans_as_capitalised_text(session, bucket):
    session.client("s3").put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    steps = """
  - name: Check
    action: aws:assertAwsResourceProperty
    inputs:
      Service: s3
      Api: GetPublicAccessBlock
      Bucket: "{{ BucketName }}"
      PropertySelector: $.PublicAccessBlockConfiguration.BlockPublicAcls
      DesiredValues: [%s]
"""
    assert run(session, bucket, steps % "True").status == "Success"
    assert run(session, bucket, steps % "'True'").status == "Success"
    failed = run(session, bucket, steps % "'true'")
    assert failed.status == "Failed" and "is True, desired one of ['true']" in failed.failure_message


def test_sleep_uses_the_injected_sleep_and_honours_timeout(session, bucket, clock):
    steps = """
  - name: Short
    action: aws:sleep
    inputs: {Duration: PT1M30S}
  - name: TooLong
    action: aws:sleep
    timeoutSeconds: 60
    inputs: {Duration: PT1H}
"""
    execution = run(session, bucket, steps, sleep=clock)
    assert clock.slept == [90, 60]
    assert [s.status for s in execution.steps] == ["Success", "TimedOut"]
    assert execution.status == "TimedOut"


def test_sleep_until_a_past_timestamp_does_not_wait(session, bucket, clock):
    execution = run(session, bucket, "  - {name: Until, action: aws:sleep, inputs: {Timestamp: '2020-01-01T00:00:00Z'}}\n",
                    sleep=clock)
    assert execution.status == "Success" and clock.slept == [0]


APPROVAL = """
  - name: Hold
    action: aws:pause
  - name: Ask
    action: aws:approve
    inputs: {Approvers: ["arn:aws:iam::123456789012:role/approver"], Message: "Enable versioning?"}
  - name: Enable
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: PutBucketVersioning, Bucket: "{{ BucketName }}",
             VersioningConfiguration: {Status: Enabled}}
"""


def test_pause_fails_without_approve(session, bucket):
    execution = run(session, bucket, APPROVAL)
    assert execution.status == "Failed" and "approve=True" in execution.failure_message
    assert "Status" not in session.client("s3").get_bucket_versioning(Bucket=bucket)


def test_approve_fails_without_approve_and_says_who_must_approve(session, bucket):
    execution = run(session, bucket, APPROVAL.replace("  - name: Hold\n    action: aws:pause\n", ""))
    assert execution.status == "Failed"
    assert "role/approver" in execution.failure_message and "Enable versioning?" in execution.failure_message


def test_pause_and_approve_pass_with_approve(session, bucket):
    execution = run(session, bucket, APPROVAL, approve=True)
    assert execution.status == "Success"
    assert execution.steps[1].outputs["ApprovalStatus"] == "Approved"
    assert session.client("s3").get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


SCRIPT = """
  - name: Script
    action: aws:executeScript
    timeoutSeconds: 1
    inputs:
      Runtime: "%s"
      Handler: %s
      Script: |-
        import time
        def fails(events, context):
            raise ValueError("bucket is still public")
        def slow(events, context):
            time.sleep(3)
"""


@pytest.mark.parametrize("runtime, handler, status, complaint", [
    ("python3.11", "fails", "Failed", "ValueError: bucket is still public (script line 3)"),
    ("python3.11", "missing", "Failed", "Handler 'missing' is not a function"),
    ("python3.11", "slow", "TimedOut", "Script did not finish within 1s"),
    ("{{ BucketName }}", "fails", "Failed", "is not an executeScript runtime"),
])
def test_script_failures(session, bucket, runtime, handler, status, complaint):
    execution = run(session, bucket, SCRIPT % (runtime, handler))
    assert execution.status == status and complaint in execution.failure_message


def test_account_id_that_cannot_be_read_fails_the_step_instead_of_escaping(session, bucket):
    """{{ global:ACCOUNT_ID }} costs an sts call; when it is denied the step fails, naming the variable,
    and the run keeps its record of the steps before it."""
    from botocore.awsrequest import AWSResponse

    def deny(model, **_):
        if model.name == "GetCallerIdentity":
            return AWSResponse("https://sts.amazonaws.com", 403, {}, None), {
                "Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:GetCallerIdentity"},
                "ResponseMetadata": {"HTTPStatusCode": 403}}

    session.events.register("before-call.sts.GetCallerIdentity", deny)
    execution = run(session, bucket, """
  - name: First
    action: aws:sleep
    inputs: {Duration: PT0S}
  - name: Owner
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: GetBucketVersioning, Bucket: "{{ BucketName }}", ExpectedBucketOwner: "{{ global:ACCOUNT_ID }}"}
""", sleep=lambda seconds: None)
    assert execution.status == "Failed"
    assert [(s.name, s.status) for s in execution.steps] == [("First", "Success"), ("Owner", "Failed")]
    message = execution.steps[1].failure_message
    assert "{{ global:ACCOUNT_ID }}" in message and "AccessDenied" in message


def test_sleep_longer_than_automation_allows_fails(session, bucket, clock):
    """automation-action-sleep.html: Automation supports a maximum delay of 604799 seconds (7 days)."""
    execution = run(session, bucket, "  - {name: Until, action: aws:sleep, inputs: {Timestamp: '2999-01-01T00:00:00Z'}}\n",
                    sleep=clock)
    assert execution.status == "Failed" and "604799" in execution.failure_message
    assert clock.slept == []
