"""Clearsight-RootAccountNotify run by the local Automation engine against moto: notify-only."""
import pytest

from clearsight.automation import ParameterError, run_document
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls

ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


@pytest.fixture
def run(aws, catalog):
    document = catalog.documents["Clearsight-RootAccountNotify"]
    return lambda parameters, **kwargs: run_document(document.path, parameters, aws, **kwargs)


@pytest.fixture
def inbox(aws):
    """A topic with an SQS queue subscribed (raw delivery): (topic ARN, read the next message)."""
    topic = aws.client("sns").create_topic(Name="root-findings")["TopicArn"]
    sqs = aws.client("sqs")
    queue = sqs.create_queue(QueueName="root-findings")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return topic, lambda: [m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])]


@pytest.mark.parametrize("rule, advice", [
    ("ROOT_ACCOUNT_MFA_ENABLED", "assign a hardware MFA device"),
    ("ROOT_ACCOUNT_UNUSED", "delete its access keys"),
])
def test_publishes_the_finding_and_what_to_do(run, inbox, rule, advice):
    topic, messages = inbox
    execution = run({"AccountId": ACCOUNT, "RuleName": rule, "TopicArn": topic, "AutomationAssumeRole": ROLE})
    assert execution.status == "Success", execution.failure_message
    assert mutating_calls(execution) == ["sns.Publish"]
    assert execution.outputs["PublishFinding.MessageId"]
    [message] = messages()
    assert f"AWS Config rule {rule} found the root user of account {ACCOUNT} NON_COMPLIANT" in message
    assert advice in message and "No API can fix this" in message


def test_missing_topic_fails_before_publishing(run):
    execution = run({"AccountId": ACCOUNT, "RuleName": "ROOT_ACCOUNT_UNUSED",
                     "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:nobody-reads-this", "AutomationAssumeRole": ROLE})
    assert execution.status == "Failed"
    assert "Step CheckTopic Failed" in execution.failure_message
    assert mutating_calls(execution) == []


def test_description_says_notify_only(catalog):
    document = catalog.documents["Clearsight-RootAccountNotify"]
    assert document.notify_only
    assert "NOTIFY-ONLY" in document.content["description"] and "changes nothing" in document.content["description"]
    assert not catalog.documents["Clearsight-LogGroupRetention"].notify_only


@pytest.mark.parametrize("override", [{"AccountId": "12345"}, {"RuleName": "S3_BUCKET_KMS_ENCRYPTION"}, {"TopicArn": "root-findings"}])
def test_bad_parameters_are_rejected_before_any_call(run, override):
    parameters = {"AccountId": ACCOUNT, "RuleName": "ROOT_ACCOUNT_UNUSED", "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t", "AutomationAssumeRole": ROLE}
    with pytest.raises(ParameterError, match=next(iter(override))):
        run({**parameters, **override})
