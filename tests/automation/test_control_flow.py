"""Step order and outcomes: onFailure, isCritical, nextStep, isEnd, maxAttempts, branch, cancel."""

import pytest

from clearsight.automation import load_document, run_document

HEADER = """
schemaVersion: "0.3"
parameters:
  BucketName: {type: String}
  Colour: {type: String, default: red}
  Size: {type: Integer, default: 5}
  Flag: {type: Boolean, default: true}
mainSteps:
"""

TAG = """
  - name: {name}
    action: aws:executeAwsApi
    inputs:
      Service: s3
      Api: PutBucketTagging
      Bucket: "{{{{ BucketName }}}}"
      Tagging: {{TagSet: [{{Key: step, Value: {name}}}]}}
"""

FAIL = """
  - name: {name}
    action: aws:executeAwsApi
    inputs: {{Service: s3, Api: GetBucketPolicy, Bucket: "{{{{ BucketName }}}}"}}
"""


def tag_of(session, bucket):
    tags = session.client("s3").get_bucket_tagging(Bucket=bucket)["TagSet"]
    return {t["Key"]: t["Value"] for t in tags}["step"]


def run(session, bucket, steps, **parameters):
    document = load_document(HEADER + steps)
    return run_document(document, {"BucketName": bucket, **parameters}, session)


def test_abort_is_the_default_and_stops_the_run(session, bucket):
    execution = run(session, bucket, TAG.format(name="Before") + FAIL.format(name="Broken") + TAG.format(name="After"))
    assert execution.status == "Failed"
    assert [(s.name, s.status) for s in execution.steps] == [("Before", "Success"), ("Broken", "Failed")]
    assert "NoSuchBucketPolicy" in execution.failure_message and "Step Broken Failed" in execution.failure_message
    assert tag_of(session, bucket) == "Before"


def test_continue_goes_on_and_is_not_critical_by_default(session, bucket):
    steps = FAIL.format(name="Broken") + "    onFailure: Continue\n" + TAG.format(name="After")
    execution = run(session, bucket, steps)
    assert execution.status == "Success"
    assert [s.status for s in execution.steps] == ["Failed", "Success"]
    assert tag_of(session, bucket) == "After"


def test_continue_on_a_critical_step_still_fails_the_run(session, bucket):
    steps = FAIL.format(name="Broken") + "    onFailure: Continue\n    isCritical: true\n" + TAG.format(name="After")
    execution = run(session, bucket, steps)
    assert execution.status == "Failed"
    assert tag_of(session, bucket) == "After"


def test_on_failure_step_jumps_and_a_critical_failure_still_fails_the_run(session, bucket):
    steps = (FAIL.format(name="Broken") + "    onFailure: step:Recover\n" + TAG.format(name="Skipped")
             + TAG.format(name="Recover"))
    execution = run(session, bucket, steps)
    assert [s.name for s in execution.steps] == ["Broken", "Recover"]
    assert execution.status == "Failed"
    assert tag_of(session, bucket) == "Recover"


def test_non_critical_failure_with_jump_succeeds(session, bucket):
    steps = (FAIL.format(name="Broken") + "    onFailure: step:Recover\n    isCritical: false\n"
             + TAG.format(name="Skipped") + TAG.format(name="Recover"))
    assert run(session, bucket, steps).status == "Success"


def test_next_step_and_is_end(session, bucket):
    steps = (TAG.format(name="One") + "    nextStep: Three\n" + TAG.format(name="Two")
             + TAG.format(name="Three") + "    isEnd: true\n" + TAG.format(name="Four"))
    execution = run(session, bucket, steps)
    assert [s.name for s in execution.steps] == ["One", "Three"]
    assert execution.status == "Success" and tag_of(session, bucket) == "Three"


def test_is_end_on_a_failed_step_ends_the_run_even_with_continue(session, bucket):
    steps = FAIL.format(name="Broken") + "    onFailure: Continue\n    isEnd: true\n" + TAG.format(name="After")
    execution = run(session, bucket, steps)
    assert [s.name for s in execution.steps] == ["Broken"]


COUNTER_SCRIPT = """
  - name: Flaky
    action: aws:executeScript
    maxAttempts: {attempts}
    inputs:
      Runtime: python3.11
      Handler: handler
      InputPayload: {{Counter: /clearsight/attempts}}
      Script: |-
        import boto3
        def handler(events, context):
            ssm = boto3.client("ssm")
            seen = int(ssm.get_parameter(Name=events["Counter"])["Parameter"]["Value"]) + 1
            ssm.put_parameter(Name=events["Counter"], Value=str(seen), Type="String", Overwrite=True)
            if seen < 2:
                raise RuntimeError(f"transient failure on attempt {{seen}}")
            return {{"attempt": seen}}
    outputs:
      - {{Name: Attempt, Selector: $.Payload.attempt, Type: Integer}}
"""


@pytest.mark.parametrize("attempts, status, step_attempts", [(2, "Success", 2), (1, "Failed", 1)])
def test_max_attempts_retries_a_failing_step(session, bucket, attempts, status, step_attempts):
    session.client("ssm").put_parameter(Name="/clearsight/attempts", Value="0", Type="String")
    execution = run(session, bucket, COUNTER_SCRIPT.format(attempts=attempts))
    step = execution.steps[0]
    assert (execution.status, step.status, step.attempts) == (status, status, step_attempts)
    if status == "Success":
        assert step.outputs["Attempt"] == 2 and step.failure_message is None
    else:
        assert "RuntimeError: transient failure on attempt 1 (script line" in step.failure_message


BRANCH = """
  - name: Choose
    action: aws:branch
    inputs:
      Choices:
        - NextStep: Both
          And:
            - {Variable: "{{ Colour }}", StringEquals: blue}
            - Or:
                - {Variable: "{{ Size }}", NumericGreater: 10}
                - Not: {Variable: "{{ Flag }}", BooleanEquals: true}
        - NextStep: Prefix
          Variable: "{{ Colour }}"
          StartsWith: gre
        - NextStep: Numbers
          Or:
            - {Variable: "{{ Size }}", NumericEquals: 3}
            - {Variable: "{{ Size }}", NumericLesserOrEquals: 1}
            - {Variable: "{{ Colour }}", EqualsIgnoreCase: PURPLE}
%s
""" + TAG.format(name="Both") + "    isEnd: true\n" + TAG.format(name="Prefix") + "    isEnd: true\n" \
    + TAG.format(name="Numbers") + "    isEnd: true\n" + TAG.format(name="Fallback")


@pytest.mark.parametrize("parameters, taken", [
    ({"Colour": "blue", "Size": "11"}, "Both"),                     # And + Or (first branch)
    ({"Colour": "blue", "Size": "2", "Flag": "false"}, "Both"),     # And + Or via Not
    ({"Colour": "blue", "Size": "2"}, "Fallback"),                  # And fails -> Default
    ({"Colour": "green"}, "Prefix"),
    ({"Colour": "Purple"}, "Numbers"),
    ({"Size": "3"}, "Numbers"),
    ({"Size": "0"}, "Numbers"),
])
def test_branch_follows_the_first_true_choice_or_default(session, bucket, parameters, taken):
    execution = run(session, bucket, BRANCH % "      Default: Fallback", **parameters)
    assert execution.status == "Success"
    assert [s.name for s in execution.steps] == ["Choose", taken]
    assert tag_of(session, bucket) == taken


def test_branch_without_match_or_default_runs_the_next_step_in_the_list(session, bucket):
    execution = run(session, bucket, BRANCH % "", Colour="black")
    assert execution.status == "Success"
    assert [s.name for s in execution.steps] == ["Choose", "Both"]
    assert execution.steps[0].note == "no choice matched and no Default: next step in the list"
    assert tag_of(session, bucket) == "Both"


def test_branch_on_a_step_output_string_operators(session, bucket):
    steps = """
  - name: Read
    action: aws:executeAwsApi
    inputs: {Service: s3, Api: ListBuckets}
    outputs:
      - {Name: Names, Selector: "$.Buckets[*].Name", Type: StringList}
      - {Name: First, Selector: "$.Buckets[0].Name", Type: String}
  - name: Choose
    action: aws:branch
    inputs:
      Choices:
        - NextStep: Found
          And:
            - {Variable: "{{ Read.Names }}", Contains: "{{ BucketName }}"}
            - {Variable: "{{ Read.First }}", EndsWith: "-bucket"}
      Default: Missing
""" + TAG.format(name="Missing") + "    isEnd: true\n" + TAG.format(name="Found")
    execution = run(session, bucket, steps)
    assert [s.name for s in execution.steps] == ["Read", "Choose", "Found"]


def test_keyboard_interrupt_cancels_and_runs_the_on_cancel_step(session, bucket):
    def interrupted(seconds):
        raise KeyboardInterrupt

    document = load_document(HEADER + """
  - name: Wait
    action: aws:sleep
    onCancel: step:Cleanup
    inputs: {Duration: PT1M}
""" + TAG.format(name="Skipped") + TAG.format(name="Cleanup"))
    execution = run_document(document, {"BucketName": bucket}, session, sleep=interrupted)
    assert execution.status == "Cancelled"
    assert [(s.name, s.status) for s in execution.steps] == [("Wait", "Cancelled"), ("Cleanup", "Success")]
    assert tag_of(session, bucket) == "Cleanup"


def test_a_looping_document_fails_instead_of_hanging(session, bucket, clock):
    document = load_document(HEADER + """
  - name: Again
    action: aws:sleep
    inputs: {Duration: PT0S}
    nextStep: Again
""")
    execution = run_document(document, {"BucketName": bucket}, session, sleep=clock)
    assert execution.status == "Failed" and "jumps loop" in execution.failure_message
