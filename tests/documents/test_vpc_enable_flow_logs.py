"""Clearsight-VpcEnableFlowLogs run by the local Automation engine against moto."""
import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox.estate import vpcs
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts

RULE = "VPC_FLOW_LOGS_ACTIVE"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"
DELIVERY = f"arn:aws:iam::{ACCOUNT}:role/flow-logs-delivery"


@pytest.fixture
def run(aws, catalog):
    document = catalog.documents["Clearsight-VpcEnableFlowLogs"]
    return lambda parameters, **kwargs: run_document(document.path, parameters, aws, **kwargs)


@pytest.fixture
def ec2(aws):
    return aws.client("ec2")


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def to_log_group(vpc_id, group="/vpc/flow-logs", **overrides):
    return {"VpcId": vpc_id, "LogDestination": group, "DeliverLogsPermissionArn": DELIVERY, "AutomationAssumeRole": ROLE, **overrides}


def flow_logs(ec2, vpc_id):
    return ec2.describe_flow_logs(Filter=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]


def retention(logs, name):
    return next(g.get("retentionInDays") for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name)


def test_closed_loop_remediates_every_seeded_vpc_and_a_second_run_creates_nothing(aws, run_rule, run, ec2):
    seeded = vpcs.seed(aws, REGION)
    findings = [s for s in seeded if s.rule == RULE and s.expected == "NON_COMPLIANT"]
    assert {s.resource_id: "NON_COMPLIANT" for s in findings}.items() <= verdicts(run_rule, RULE).items()
    for finding in findings:
        parameters = {**finding.remediation_parameters, "VpcId": finding.resource_id}
        first = run(parameters)
        assert first.status == "Success", first.failure_message
        assert "ec2.CreateFlowLogs" in mutating_calls(first)
        second = run(parameters)
        assert second.status == "Success", second.failure_message
        assert mutating_calls(second) == []
        assert [s.name for s in second.steps] == ["CheckFlowLogs", "ChooseAction", "VerifyFlowLog"]
    assert set(verdicts(run_rule, RULE).values()) == {"COMPLIANT"}


def test_creates_the_log_group_with_retention_when_absent(run, ec2, logs, vpc):
    execution = run(to_log_group(vpc, RetentionInDays=731))
    assert execution.status == "Success", execution.failure_message
    assert mutating_calls(execution) == ["logs.CreateLogGroup", "logs.PutRetentionPolicy", "ec2.CreateFlowLogs"]
    assert retention(logs, "/vpc/flow-logs") == 731
    [flow_log] = flow_logs(ec2, vpc)
    assert (flow_log["LogGroupName"], flow_log["DeliverLogsPermissionArn"], flow_log["TrafficType"]) == ("/vpc/flow-logs", DELIVERY, "ALL")


def test_encrypts_the_log_group_it_creates_when_given_a_key(run, logs, kms, vpc):
    key = kms.create_key()["KeyMetadata"]["Arn"]
    execution = run(to_log_group(vpc, LogGroupKmsKeyArn=key))
    assert execution.status == "Success", execution.failure_message
    [group] = logs.describe_log_groups(logGroupNamePrefix="/vpc/flow-logs")["logGroups"]
    assert group["kmsKeyId"] == key


def test_uses_an_existing_log_group_as_it_is(run, ec2, logs, vpc):
    logs.create_log_group(logGroupName="/vpc/flow-logs")
    logs.create_log_group(logGroupName="/vpc/flow-logs-v2")  # shares the prefix: not mistaken for it
    execution = run(to_log_group(vpc))
    assert execution.status == "Success", execution.failure_message
    assert mutating_calls(execution) == ["ec2.CreateFlowLogs"]
    assert retention(logs, "/vpc/flow-logs") is None


def test_creates_a_flow_log_to_s3(run, ec2, s3, vpc):
    s3.create_bucket(Bucket="flow-log-archive")
    execution = run(to_log_group(vpc, "arn:aws:s3:::flow-log-archive", DestinationType="s3"))
    assert execution.status == "Success", execution.failure_message
    assert mutating_calls(execution) == ["ec2.CreateFlowLogs"]
    [flow_log] = flow_logs(ec2, vpc)
    assert (flow_log["LogDestinationType"], flow_log["LogDestination"]) == ("s3", "arn:aws:s3:::flow-log-archive")


def test_a_failing_flow_log_is_not_taken_for_cover(run, ec2, vpc):
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
                         LogGroupName="/never-created", DeliverLogsPermissionArn=DELIVERY)
    execution = run(to_log_group(vpc))
    assert execution.status == "Success", execution.failure_message
    assert execution.outputs == {"CheckFlowLogs.Covering": "none"}
    assert len(flow_logs(ec2, vpc)) == 2  # the failing one is kept: the document deletes nothing


def test_flow_log_of_a_narrower_traffic_type_is_not_taken_for_cover(run, ec2, logs, vpc):
    logs.create_log_group(logGroupName="/vpc/rejects")  # moto refuses a second flow log to one destination
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT", LogDestinationType="cloud-watch-logs",
                         LogGroupName="/vpc/rejects", DeliverLogsPermissionArn=DELIVERY)
    execution = run(to_log_group(vpc))
    assert execution.status == "Success", execution.failure_message
    assert sorted(f["TrafficType"] for f in flow_logs(ec2, vpc)) == ["ALL", "REJECT"]


def test_missing_vpc_fails_clearly_and_changes_nothing(run):
    execution = run(to_log_group("vpc-0123456789abcdef0"))
    assert execution.status == "Failed"
    assert "VPC vpc-0123456789abcdef0 does not exist" in execution.failure_message
    assert mutating_calls(execution) == []


@pytest.mark.parametrize("destination_type, destination", [("s3", "/vpc/flow-logs"), ("cloud-watch-logs", "arn:aws:s3:::bucket")])
def test_destination_not_matching_its_type_fails_clearly(run, vpc, destination_type, destination):
    execution = run(to_log_group(vpc, destination, DestinationType=destination_type))
    assert execution.status == "Failed"
    assert f"DestinationType {destination_type} needs LogDestination to be" in execution.failure_message
    assert mutating_calls(execution) == []


def test_dry_run_shows_the_change_and_makes_none(run, ec2, logs, vpc):
    execution = run(to_log_group(vpc), dry_run=True)
    assert execution.status == "Success"
    assert mutating_calls(execution) == ["logs.CreateLogGroup"]  # the first change, listed, not sent
    assert flow_logs(ec2, vpc) == [] and logs.describe_log_groups()["logGroups"] == []


@pytest.mark.parametrize("override", [
    {"VpcId": "vpc-xyz"},
    {"DestinationType": "kinesis-data-firehose"},
    {"RetentionInDays": 366},
    {"TrafficType": "all"},
    {"LogGroupKmsKeyArn": "alias/logs"},
    {"LogDestination": "/with space"},
    {"DeliverLogsPermissionArn": "flow-logs-delivery"},
])
def test_bad_parameters_are_rejected_before_any_call(run, override):
    with pytest.raises(ParameterError, match=next(iter(override))):
        run({**to_log_group("vpc-0123456789abcdef0"), **override})
