"""CONFIG_RECORDER_ALL_REGIONS: AWS Config records everything, in every enabled region of the account.

Why: Security Hub's Config.1 checks only the region it runs in, and no managed rule checks the
others; a region nobody looks at is where an attacker goes.

Checks, in every enabled region of the account's partition (EC2 DescribeRegions; parameter
Regions narrows it): a configuration recorder exists and is recording; it records all supported
resource types (or at least the types in ResourceTypes); a delivery channel exists whose last
snapshot and history deliveries did not fail. Once for the account: global resource types (IAM)
are recorded by a recording recorder in at least one region.
Resource type: AWS::::Account (resource id: the account id, which Clearsight-ConfigRecorderEnable
takes as AccountId). Reported once per account, from ReportingRegion (default us-east-1); the rule
in every other region returns nothing.
Trigger: periodic. Per region: config DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus,
DescribeDeliveryChannels, DescribeDeliveryChannelStatus.
Parameters (all optional):
  ReportingRegion  the region whose rule reports (default us-east-1).
  Regions          comma-separated regions to check instead of every enabled one.
  ResourceTypes    comma-separated types (AWS::S3::Bucket,...) a recorder may record instead of all.
Scenarios:
  - every region recording all types, channel healthy, IAM recorded somewhere: COMPLIANT
  - a region with no recorder, a stopped recorder, missing types, no channel or a failed last
    delivery; IAM recorded nowhere: NON_COMPLIANT, naming each region and why
  - rule outside ReportingRegion: no evaluation
  - bad parameter: InvalidParametersError; AccessDenied or throttled out in any region: an
    error, never COMPLIANT
"""
import re

import boto3
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from account_scope import ACCOUNT_TYPE, REGION, fit, parse_region, rule_region
from rule_parameters import parse_csv, reject_unknown

RESOURCE_TYPE = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")
GLOBAL_PREFIX = "AWS::IAM::"
FIX = "Create or start recorders (remediation: Clearsight-ConfigRecorderEnable, per region)."


def recorded_types(recorder):
    """('all', excluded types) or ('only', listed types) from a recorder's recordingGroup."""
    group = recorder.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        return "all", set((group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or [])
    if group.get("allSupported") or strategy == "ALL_SUPPORTED_RESOURCE_TYPES":
        return "all", set()
    return "only", set(group.get("resourceTypes") or [])


def records_global(recorder):
    kind, types = recorded_types(recorder)
    if kind == "all":
        return bool((recorder.get("recordingGroup") or {}).get("includeGlobalResourceTypes")) and not any(
            t.startswith(GLOBAL_PREFIX) for t in types)
    return any(t.startswith(GLOBAL_PREFIX) for t in types)


def region_problems(region_state, required_types):
    """Why one region falls short (empty: it does not), from its four Describe* answers."""
    recorders, statuses, channels, deliveries = region_state
    if not recorders:
        return ["no recorder"]
    recording = {status["name"] for status in statuses if status.get("recording")}
    problems = []
    if not any(recorder["name"] in recording for recorder in recorders):
        problems.append("recorder stopped")
    for recorder in recorders:
        missing = _missing_types(recorder, required_types)
        if missing:
            problems.append(f"not recording {', '.join(sorted(missing))}"[:60])
    if not channels:
        problems.append("no delivery channel")
    for status in deliveries:
        for kind in ("configSnapshotDeliveryInfo", "configHistoryDeliveryInfo"):
            info = status.get(kind) or {}
            if info.get("lastStatus") == "FAILURE":
                problems.append(f"last delivery failed ({info.get('lastErrorCode', 'unknown error')})")
                break
    return problems


def _missing_types(recorder, required_types):
    kind, types = recorded_types(recorder)
    if kind == "all":  # types: the excluded ones
        return types & set(required_types) if required_types else types
    if required_types:
        return set(required_types) - types
    return {"all supported types"}


def assess(states, required_types):
    """The rule itself: (compliance, annotation) from {region: its four Describe* answers}."""
    by_problem = {}
    for region, state in states.items():
        for problem in region_problems(state, required_types):
            by_problem.setdefault(problem, []).append(region)
    global_ok = any(
        records_global(recorder)
        and recorder["name"] in {s["name"] for s in state[1] if s.get("recording")}
        for state in states.values() for recorder in state[0]
    )
    if not by_problem and global_ok:
        return ComplianceType.COMPLIANT, f"AWS Config records every type in all {len(states)} regions checked, IAM included."
    parts = [f"{problem}: {_regions(regions)}" for problem, regions in by_problem.items()]
    if not global_ok:
        parts.append("IAM (global types) recorded in no region")
    return ComplianceType.NON_COMPLIANT, fit("; ".join(parts) + ".", FIX)


def _regions(regions):
    shown = ", ".join(regions[:3])
    return shown + (f" +{len(regions) - 3} more" if len(regions) > 3 else "")


def enabled_regions(ec2, partition):
    """The account's enabled regions in this partition (DescribeRegions leaves out opt-in regions not opted in)."""
    session = boto3.session.Session()
    names = [region["RegionName"] for region in ec2.describe_regions()["Regions"]]
    return sorted(name for name in names if session.get_partition_for_region(name) == partition)


def region_state(config):
    return (
        config.describe_configuration_recorders()["ConfigurationRecorders"],
        config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"],
        config.describe_delivery_channels()["DeliveryChannels"],
        config.describe_delivery_channel_status()["DeliveryChannelsStatus"],
    )


class CONFIG_RECORDER_ALL_REGIONS(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("ReportingRegion", "Regions", "ResourceTypes"))
        return {
            "ReportingRegion": parse_region(rule_parameters, "ReportingRegion", "us-east-1"),
            "Regions": parse_csv(rule_parameters, "Regions", REGION, "a region name such as eu-west-1"),
            "ResourceTypes": parse_csv(rule_parameters, "ResourceTypes", RESOURCE_TYPE, "a resource type such as AWS::S3::Bucket"),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        if rule_region(event) != valid_rule_parameters["ReportingRegion"]:
            return []
        partition = event["configRuleArn"].split(":")[1]
        regions = valid_rule_parameters["Regions"] or enabled_regions(client_factory.build_client("ec2"), partition)
        states = {region: region_state(client_factory.build_client("config", region=region)) for region in regions}
        compliance, annotation = assess(states, valid_rule_parameters["ResourceTypes"])
        return [Evaluation(compliance, event["accountId"], ACCOUNT_TYPE, annotation)]


def lambda_handler(event, context):
    my_rule = CONFIG_RECORDER_ALL_REGIONS()
    evaluator = Evaluator(my_rule)
    return evaluator.handle(event, context)
