"""Requests per VPC: clearsight's VPC_FLOW_LOGS_ACTIVE vs Cloud Custodian's aws.vpc flow-logs filter.

Both tools run as users run them (CLI subprocesses) against one loopback moto server seeded
with N VPCs (besides moto's default one), every other one with an active VPC flow log. The
rule's cost should not grow with the number of VPCs: one paginated DescribeVpcs and one
paginated DescribeFlowLogs per region (a per-VPC DescribeFlowLogs, as Prowler makes, is N+1).

    make -C benchmarks vpc-requests      (installs c7n into benchmarks/.venv-peers)
"""
import argparse

import boto3

from loopback import counted_server, custodian_and_clearsight

CUSTODIAN_POLICY = """\
policies:
  - name: vpc-flow-logs-active
    resource: aws.vpc
    filters:
      - not:
        - type: flow-logs
          enabled: true
          status: active
          traffic-type: all
          deliver-status: success
"""


def seed(vpcs):
    ec2, logs = boto3.client("ec2"), boto3.client("logs")
    logs.create_log_group(logGroupName="/bench/flow-logs")
    for i in range(vpcs):
        vpc = ec2.create_vpc(CidrBlock=f"10.{i // 256}.{i % 256}.0/24")["Vpc"]["VpcId"]
        if i % 2:
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
                                 LogGroupName="/bench/flow-logs", DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=1000)
    parser.add_argument("--custodian", required=True, help="path to the custodian executable")
    args = parser.parse_args()

    with counted_server() as (counter, env):
        seed(args.vpcs)
        peer, ours = custodian_and_clearsight(counter, env, args.custodian, CUSTODIAN_POLICY, "VPC_FLOW_LOGS_ACTIVE")

    total = args.vpcs + 1  # and moto's default VPC
    print(f"{total} VPCs, one loopback moto server")
    print(f"{'tool':<28}{'requests':>10}{'seconds':>10}")
    for name, (requests, seconds) in (("cloud custodian 0.9.53", peer), ("clearsight scan", ours)):
        print(f"{name:<28}{requests:>10}{seconds:>10.2f}")
    print(f"a DescribeFlowLogs per VPC (Prowler's way) would be {total + 1} requests before evaluating anything")


if __name__ == "__main__":
    main()
