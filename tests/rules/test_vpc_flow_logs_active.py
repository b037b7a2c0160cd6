"""VPC_FLOW_LOGS_ACTIVE through lambda_handler, on moto, scenario by scenario."""
import pytest
from botocore.awsrequest import AWSResponse

from tests.items import item

RULE = "VPC_FLOW_LOGS_ACTIVE"
ROLE = "arn:aws:iam::123456789012:role/flow-logs-delivery"


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


@pytest.fixture
def ec2(aws):
    return aws.client("ec2")


@pytest.fixture
def default_vpc(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def flow_log(ec2, logs, resource_id, resource_type="VPC", traffic="ALL", group="/flow", create_group=True):
    if create_group and group not in {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}:
        logs.create_log_group(logGroupName=group)
    return ec2.create_flow_logs(ResourceIds=[resource_id], ResourceType=resource_type, TrafficType=traffic,
                                LogDestinationType="cloud-watch-logs", LogGroupName=group,
                                DeliverLogsPermissionArn=ROLE)["FlowLogIds"][0]


def to_s3(ec2, s3, vpc_id):
    s3.create_bucket(Bucket="flow-log-bucket")
    ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                         LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-log-bucket")


def annotation(rule, resource_id):
    return next(e["Annotation"] for e in rule.posted if e["ComplianceResourceId"] == resource_id)


def vpc_item(vpc_id, status="OK"):
    ci = item("AWS::EC2::VPC", vpc_id, {"vpcId": vpc_id, "cidrBlock": "10.0.0.0/16", "isDefault": False, "state": {"value": "available"}})
    ci["configurationItemStatus"] = status
    if status == "ResourceDeleted":
        ci["configuration"] = None
    return ci


# --- compliance -----------------------------------------------------------------------------


def test_active_delivering_vpc_flow_log_is_compliant(rule, ec2, logs, vpc, default_vpc):
    flow_id = flow_log(ec2, logs, vpc)
    rule.periodic()
    assert rule.compliance() == {vpc: "COMPLIANT", default_vpc: "NON_COMPLIANT"}
    assert flow_id in annotation(rule, vpc)
    assert {e["ComplianceResourceType"] for e in rule.posted} == {"AWS::EC2::VPC"}


def test_default_vpc_without_flow_log_is_non_compliant(rule, default_vpc):
    rule.periodic()
    assert rule.compliance() == {default_vpc: "NON_COMPLIANT"}
    assert "no VPC-level flow log" in annotation(rule, default_vpc)
    assert "Clearsight-VpcEnableFlowLogs" in annotation(rule, default_vpc)


def test_subnet_or_eni_flow_log_does_not_cover_the_vpc(rule, ec2, logs, vpc):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    flow_log(ec2, logs, subnet, resource_type="Subnet")
    flow_log(ec2, logs, eni, resource_type="NetworkInterface")
    rule.periodic()
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert "subnet and ENI flow logs do not cover it" in annotation(rule, vpc)


def test_failed_delivery_is_non_compliant(rule, ec2, logs, vpc):
    flow_id = flow_log(ec2, logs, vpc, group="/never-created", create_group=False)  # moto: FAILED, as AWS once it tries
    rule.periodic()
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert f"Flow log {flow_id}: delivery FAILED (Access error)" in annotation(rule, vpc)
    assert "other flow log" not in annotation(rule, vpc)
    assert annotation(rule, vpc).endswith(". Fix it, or create an active VPC flow log (remediation: Clearsight-VpcEnableFlowLogs).")


def test_flow_log_not_active_is_non_compliant(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc)

    def inactive(parsed, **_):  # moto's FlowLogStatus is always ACTIVE
        for entry in parsed.get("FlowLogs", []):
            entry["FlowLogStatus"] = "INACTIVE"

    aws.events.register("after-call.ec2.DescribeFlowLogs", inactive)
    rule.periodic()
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert "status INACTIVE" in annotation(rule, vpc)


def test_flow_log_without_a_status_is_not_counted_as_active(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc)
    aws.events.register("after-call.ec2.DescribeFlowLogs",
                        lambda parsed, **_: [entry.pop("FlowLogStatus", None) for entry in parsed.get("FlowLogs", [])])
    rule.periodic()
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert "status None" in annotation(rule, vpc)


def test_flow_log_with_no_delivery_status_yet_is_compliant(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc)
    aws.events.register("after-call.ec2.DescribeFlowLogs",
                        lambda parsed, **_: [entry.pop("DeliverLogsStatus", None) for entry in parsed.get("FlowLogs", [])])
    rule.periodic()
    assert rule.compliance()[vpc] == "COMPLIANT"


def test_flow_logs_falling_short_alike_name_the_lowest_id(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc, group="/a")
    flow_log(ec2, logs, vpc, group="/b")

    def one_problem_each(parsed, **_):  # the lowest id gets the problem whose text sorts last
        lowest, highest = sorted(parsed["FlowLogs"], key=lambda entry: entry["FlowLogId"])
        lowest["FlowLogStatus"] = "INACTIVE"
        highest["TrafficType"] = "REJECT"

    aws.events.register("after-call.ec2.DescribeFlowLogs", one_problem_each)
    rule.periodic()
    lowest = min(f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"])
    assert annotation(rule, vpc).startswith(f"Flow log {lowest}: status INACTIVE (and 1 other")


def test_rejected_traffic_only_is_non_compliant_when_all_is_required(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc, traffic="REJECT")
    rule.periodic()
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert "captures REJECT traffic, not ALL" in annotation(rule, vpc)


def test_rejected_traffic_only_is_compliant_when_reject_is_required(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc, traffic="REJECT")
    rule.periodic({"TrafficType": "REJECT"})
    assert rule.compliance()[vpc] == "COMPLIANT"


def test_all_traffic_covers_accept(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc)
    rule.periodic({"TrafficType": "ACCEPT"})
    assert rule.compliance()[vpc] == "COMPLIANT"


def test_destination_type_not_allowed_is_non_compliant(rule, ec2, s3, vpc):
    to_s3(ec2, s3, vpc)
    rule.periodic({"DestinationTypes": "cloud-watch-logs"})
    assert rule.compliance()[vpc] == "NON_COMPLIANT"
    assert "goes to s3, not cloud-watch-logs" in annotation(rule, vpc)


def test_s3_destination_is_compliant_by_default(rule, ec2, s3, vpc):
    to_s3(ec2, s3, vpc)
    rule.periodic()
    assert rule.compliance()[vpc] == "COMPLIANT"


def test_one_good_flow_log_among_broken_ones_is_compliant(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc, group="/never-created", create_group=False)
    flow_log(ec2, logs, vpc, traffic="REJECT")
    flow_log(ec2, logs, vpc, group="/good")
    rule.periodic()
    assert rule.compliance()[vpc] == "COMPLIANT"


def test_every_flow_log_falling_short_is_counted(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc, group="/never-created", create_group=False)
    flow_log(ec2, logs, vpc, traffic="REJECT")
    rule.periodic()
    assert "and 1 other flow log(s) fall short" in annotation(rule, vpc)


def test_three_flow_logs_falling_short_count_two_others(rule, ec2, logs, vpc):
    flow_log(ec2, logs, vpc, group="/never-created", create_group=False)
    flow_log(ec2, logs, vpc, traffic="REJECT")
    flow_log(ec2, logs, vpc, traffic="ACCEPT", group="/accept-only")
    rule.periodic()
    assert "and 2 other flow log(s) fall short" in annotation(rule, vpc)


def test_exempt_vpc_is_not_applicable(rule, vpc, default_vpc):
    rule.periodic({"ExemptVpcIds": vpc})
    assert rule.compliance() == {vpc: "NOT_APPLICABLE", default_vpc: "NON_COMPLIANT"}
    assert annotation(rule, vpc) == "Exempted by ExemptVpcIds."


def test_annotations_stay_under_256_characters(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc, traffic="REJECT", group="/never-created", create_group=False)
    aws.events.register("after-call.ec2.DescribeFlowLogs", lambda parsed, **_: [
        f.update(FlowLogStatus="INACTIVE", DeliverLogsErrorMessage="x" * 300, LogDestinationType="kinesis-data-firehose")
        for f in parsed.get("FlowLogs", [])])
    rule.periodic({"DestinationTypes": "s3,cloud-watch-logs"})
    assert all(len(e["Annotation"]) < 256 for e in rule.posted)
    assert len(annotation(rule, vpc)) == 255


# --- requests: one paginated sweep of each kind, whatever the number of VPCs ------------------


def test_periodic_makes_one_describe_vpcs_and_one_describe_flow_logs(rule, ec2, logs):
    for n in range(5):
        flow_log(ec2, logs, ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"])
    rule.periodic()
    assert rule.calls == ["ec2.DescribeVpcs", "ec2.DescribeFlowLogs"]
    assert len(rule.posted) == 6


def test_flow_logs_are_read_across_pages(rule, ec2, logs, vpc, aws):
    """moto returns one page: the second page is answered here, through botocore's parsing."""
    pages = []

    def paged(params, **_):
        token = params["body"].get("NextToken")
        pages.append(token)
        if token == "page-2":
            flow = {"FlowLogId": "fl-0123456789abcdef0", "ResourceId": vpc, "FlowLogStatus": "ACTIVE",
                    "DeliverLogsStatus": "SUCCESS", "TrafficType": "ALL", "LogDestinationType": "s3"}
            return AWSResponse("https://ec2.local", 200, {}, None), {"FlowLogs": [flow]}
        return AWSResponse("https://ec2.local", 200, {}, None), {"FlowLogs": [], "NextToken": "page-2"}

    aws.events.register_first("before-call.ec2.DescribeFlowLogs", paged)
    rule.periodic()
    assert pages == [None, "page-2"]
    assert rule.compliance()[vpc] == "COMPLIANT"


# --- change path ----------------------------------------------------------------------------


def test_change_reads_only_this_vpcs_flow_logs(rule, ec2, logs, vpc, aws):
    flow_log(ec2, logs, vpc)
    sent = []
    aws.events.register("provide-client-params.ec2.DescribeFlowLogs", lambda params, **_: sent.append(params))
    rule.change(vpc_item(vpc))
    assert rule.compliance() == {vpc: "COMPLIANT"}
    assert rule.calls == ["ec2.DescribeFlowLogs"]
    assert sent[0]["Filter"] == [{"Name": "resource-id", "Values": [vpc]}]


def test_change_on_vpc_without_flow_log_is_non_compliant(rule, vpc):
    rule.change(vpc_item(vpc))
    assert rule.compliance() == {vpc: "NON_COMPLIANT"}


def test_deleted_vpc_is_not_applicable(rule, vpc):
    rule.change(vpc_item(vpc, status="ResourceDeleted"))
    assert rule.compliance() == {vpc: "NOT_APPLICABLE"}
    assert rule.calls == []


def test_exempt_vpc_change_makes_no_call(rule, vpc):
    rule.change(vpc_item(vpc), {"ExemptVpcIds": vpc})
    assert rule.compliance() == {vpc: "NOT_APPLICABLE"}
    assert rule.calls == []


# --- bad parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("parameters, message", [
    ({"TrafficType": "SOME"}, "TrafficType must be one of ALL, ACCEPT, REJECT"),
    ({"DestinationTypes": "s3,syslog"}, "DestinationTypes: syslog not among"),
    ({"ExemptVpcIds": "vpc-xyz"}, "ExemptVpcIds: 'vpc-xyz' is not a VPC id"),
    ({"ExemptVpcId": "vpc-0123abcd"}, "Unknown parameter(s) ExemptVpcId"),
])
def test_bad_parameters_are_rejected(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


# --- cannot look: never COMPLIANT -----------------------------------------------------------


@pytest.mark.parametrize("operation", ["DescribeVpcs", "DescribeFlowLogs"])
def test_access_denied_is_an_error_never_compliant(rule, ec2, logs, vpc, api_error, operation):
    flow_log(ec2, logs, vpc)
    api_error("ec2", operation, "UnauthorizedOperation", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "UnauthorizedOperation"
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["DescribeVpcs", "DescribeFlowLogs"])
def test_throttling_is_retried_then_evaluated(rule, ec2, logs, vpc, api_error, operation):
    flow_log(ec2, logs, vpc)
    throttled = api_error("ec2", operation, "RequestLimitExceeded", status=503, times=1)
    rule.periodic()
    assert throttled.sent == 1 and len(throttled.sleeps) >= 1
    assert rule.compliance()[vpc] == "COMPLIANT"


@pytest.mark.parametrize("operation", ["DescribeVpcs", "DescribeFlowLogs"])
def test_throttled_to_death_is_an_error_never_compliant(rule, vpc, api_error, operation):
    api_error("ec2", operation, "RequestLimitExceeded", status=503)
    response = rule.periodic()
    assert "internalErrorMessage" in response or response.get("customerErrorCode") == "RequestLimitExceeded"
    assert rule.posted == []
