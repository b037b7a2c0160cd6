"""VPC_FLOW_LOGS_ACTIVE: every VPC has a VPC-level flow log that is active, delivering, and captures what is required.

Why: AWS's VPC_FLOW_LOGS_ENABLED checks that a flow log exists with a traffic type, not that it
is ACTIVE and delivering (DeliverLogsStatus FAILED: the IAM role or destination is broken and
nothing arrives), and AWS has no runbook that creates a VPC's first flow log. A subnet or ENI
flow log does not cover the VPC: traffic of any other subnet goes unrecorded.

Resource type: AWS::EC2::VPC (resource id: the vpc-id, which Clearsight-VpcEnableFlowLogs takes).
The default VPC counts like any other.
Triggers:
  - configuration change on AWS::EC2::VPC: one paginated DescribeFlowLogs filtered on the VPC;
    a deleted VPC is NOT_APPLICABLE (rdklib);
  - periodic: a flow log created or broken later does not re-trigger the VPC, so the sweep
    catches it with one paginated DescribeVpcs and one paginated DescribeFlowLogs per region,
    whatever the number of VPCs.
Parameters (all optional):
  TrafficType       ALL (default), ACCEPT or REJECT: what the flow log must capture (ALL covers all).
  DestinationTypes  comma-separated allowed destination types among cloud-watch-logs, s3,
                    kinesis-data-firehose (default: any of them).
  ExemptVpcIds      comma-separated vpc-ids reported NOT_APPLICABLE, saying so.
Scenarios:
  - an ACTIVE VPC flow log, delivering, right traffic, allowed destination: COMPLIANT
  - no flow log, or only subnet/ENI flow logs: NON_COMPLIANT
  - the VPC's flow logs all fail one requirement (not ACTIVE, delivery FAILED, traffic type,
    destination type): NON_COMPLIANT, naming what is wrong with the flow log
  - exempt VPC: NOT_APPLICABLE; deleted VPC: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; AccessDenied or throttled: an error, never COMPLIANT
"""
import re

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator, InvalidParametersError

from rule_parameters import parse_csv, reject_unknown

APPLICABLE_RESOURCES = ["AWS::EC2::VPC"]
TRAFFIC_TYPES = ("ALL", "ACCEPT", "REJECT")
DESTINATION_TYPES = ("cloud-watch-logs", "s3", "kinesis-data-firehose")
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8,17}$")
FIX = "Create an active VPC flow log (remediation: Clearsight-VpcEnableFlowLogs)."


def problems(flow_log, params):
    """What keeps one flow log from covering its VPC as required ([] when nothing does)."""
    found = []
    if flow_log.get("FlowLogStatus") != "ACTIVE":
        found.append(f"status {flow_log.get('FlowLogStatus')}")
    if flow_log.get("DeliverLogsStatus") == "FAILED":
        found.append(f"delivery FAILED ({flow_log.get('DeliverLogsErrorMessage') or 'no reason given'})")
    if flow_log.get("TrafficType") not in ("ALL", params["TrafficType"]):
        found.append(f"captures {flow_log.get('TrafficType')} traffic, not {params['TrafficType']}")
    if flow_log.get("LogDestinationType") not in params["DestinationTypes"]:
        found.append(f"goes to {flow_log.get('LogDestinationType')}, not {'/'.join(params['DestinationTypes'])}")
    return found


def assess(flow_logs, params):
    """The rule itself: (compliance, annotation) for a VPC whose VPC-level flow logs are `flow_logs`."""
    if not flow_logs:
        return ComplianceType.NON_COMPLIANT, f"The VPC has no VPC-level flow log (subnet and ENI flow logs do not cover it). {FIX}"
    judged = sorted(((problems(flow_log, params), flow_log["FlowLogId"]) for flow_log in flow_logs),
                    key=lambda judgement: (len(judgement[0]), judgement[1]))  # the closest to covering first
    found, flow_log_id = judged[0]
    if not found:
        return ComplianceType.COMPLIANT, f"Flow log {flow_log_id} is active and delivering {params['TrafficType']} traffic."
    others = f" (and {len(judged) - 1} other flow log(s) fall short)" if len(judged) > 1 else ""
    return ComplianceType.NON_COMPLIANT, f"Flow log {flow_log_id}: {'; '.join(found)}{others}. Fix it, or {FIX[0].lower()}{FIX[1:]}"[:255]


def vpc_flow_logs(ec2, vpc_ids=None):
    """{vpc-id: [VPC-level flow logs]}: one paginated DescribeFlowLogs (filtered on vpc_ids when given)."""
    filters = [{"Name": "resource-id", "Values": vpc_ids}] if vpc_ids else []
    by_vpc = {}
    for page in ec2.get_paginator("describe_flow_logs").paginate(Filter=filters):
        for flow_log in page["FlowLogs"]:
            if flow_log["ResourceId"].startswith("vpc-"):
                by_vpc.setdefault(flow_log["ResourceId"], []).append(flow_log)
    return by_vpc


def _evaluation(vpc_id, flow_logs, params):
    if vpc_id in params["ExemptVpcIds"]:
        return Evaluation(ComplianceType.NOT_APPLICABLE, vpc_id, APPLICABLE_RESOURCES[0], "Exempted by ExemptVpcIds.")
    compliance, annotation = assess(flow_logs, params)
    return Evaluation(compliance, vpc_id, APPLICABLE_RESOURCES[0], annotation)


class VPC_FLOW_LOGS_ACTIVE(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("TrafficType", "DestinationTypes", "ExemptVpcIds"))
        traffic = str(rule_parameters.get("TrafficType", "")).strip().upper() or "ALL"
        if traffic not in TRAFFIC_TYPES:
            raise InvalidParametersError(f"Parameter TrafficType must be one of {', '.join(TRAFFIC_TYPES)}, got {traffic!r}.")
        destinations = [d.lower() for d in parse_csv(rule_parameters, "DestinationTypes")] or list(DESTINATION_TYPES)
        unknown = [d for d in destinations if d not in DESTINATION_TYPES]
        if unknown:
            raise InvalidParametersError(
                f"Parameter DestinationTypes: {', '.join(unknown)} not among {', '.join(DESTINATION_TYPES)}."
            )
        return {
            "TrafficType": traffic,
            "DestinationTypes": destinations,
            "ExemptVpcIds": parse_csv(rule_parameters, "ExemptVpcIds", VPC_ID, "a VPC id (vpc- then 8 or 17 hex digits)"),
        }

    def evaluate_change(self, event, client_factory, configuration_item, valid_rule_parameters):
        vpc_id = configuration_item["resourceId"]
        if vpc_id in valid_rule_parameters["ExemptVpcIds"]:
            return [_evaluation(vpc_id, [], valid_rule_parameters)]
        flow_logs = vpc_flow_logs(client_factory.build_client("ec2"), [vpc_id]).get(vpc_id, [])
        return [_evaluation(vpc_id, flow_logs, valid_rule_parameters)]

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        ec2 = client_factory.build_client("ec2")
        vpc_ids = [vpc["VpcId"] for page in ec2.get_paginator("describe_vpcs").paginate() for vpc in page["Vpcs"]]
        by_vpc = vpc_flow_logs(ec2)
        return [_evaluation(vpc_id, by_vpc.get(vpc_id, []), valid_rule_parameters) for vpc_id in sorted(vpc_ids)]


def lambda_handler(event, context):
    my_rule = VPC_FLOW_LOGS_ACTIVE()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
