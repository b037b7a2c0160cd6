"""CLOUDTRAIL_S3_DATA_EVENTS_ENABLED: S3 object-level events are recorded by a logging trail.

Why: management events do not show who read or wrote an object. AWS's managed
CLOUDTRAIL_S3_DATAEVENTS_ENABLED and community rules read only basic event selectors (and
DescribeTrails without shadow trails), so a trail on advanced selectors, or homed in another
region, is missed.

Resource type: AWS::::Account (resource id: the account id); one evaluation per region it runs in.
Trigger: periodic. DescribeTrails(includeShadowTrails=True) here; per trail GetTrailStatus and
GetEventSelectors in its home region (rules/_shared/trails.py). Only trails that are logging count.
Selectors count alike when basic (DataResources of type AWS::S3::Object with 'arn:aws:s3' or
'arn:aws:s3:::' for every bucket, 'arn:aws:s3:::bucket/' for one bucket) or advanced
(eventCategory Data, resources.type AWS::S3::Object, resources.ARN StartsWith a bucket or absent
for every bucket, NotStartsWith/NotEquals exclusions, readOnly). A key prefix, single objects
or an eventName filter record only part of a bucket: they do not count. Read and write events
may come from different selectors or trails.
Organization trail of another account whose selectors cannot be read here: when nothing
readable records what is required, the account is NOT_APPLICABLE ("evaluated in account
<owner>"), never COMPLIANT on a guess.
Parameters (all optional):
  ReadWriteType  All (default), ReadOnly or WriteOnly: which object events must be recorded.
  S3BucketNames  comma-separated bucket names whose object events must be recorded (default:
                 every bucket, through a selector covering all buckets, present and future).
Scenarios:
  - a logging trail records the required events for every bucket (or each listed bucket): COMPLIANT
  - no trail, no logging trail, no S3 data selector, only write (or read) events, a prefix only,
    a bucket excluded or not listed: NON_COMPLIANT, naming what is missing
  - only an unreadable organization trail of another account: NOT_APPLICABLE
  - bad parameter: InvalidParametersError; AccessDenied or throttled out: an error, never COMPLIANT
"""
import re

from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator, InvalidParametersError

from rule_parameters import parse_csv, reject_unknown
from trails import discover, records_s3_objects, s3_object_selections

APPLICABLE_RESOURCES = ["AWS::::Account"]
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
READ_WRITE_TYPES = {"All": ("read", "write"), "ReadOnly": ("read",), "WriteOnly": ("write",)}
FIX = "Add an S3 data-event selector to a logging trail (remediation: Clearsight-CloudTrailS3DataEvents)."


def missing(trails, bucket, kinds):
    """Which of kinds ('read', 'write') no logging trail records for bucket (None: every bucket)."""
    logging = [t for t in trails if t.logging]
    return [kind for kind in kinds
            if not any(records_s3_objects(t.selectors, bucket, read=kind == "read", write=kind == "write") for t in logging)]


def assess(trails, params, region):
    """The rule itself: (compliance, annotation) for this region."""
    kinds = READ_WRITE_TYPES[params["ReadWriteType"]]
    buckets = params["S3BucketNames"] or [None]
    gaps = {bucket: missing(trails, bucket, kinds) for bucket in buckets}
    uncovered = [bucket for bucket in buckets if gaps[bucket]]
    scope = "every bucket" if buckets == [None] else f"{len(buckets)} listed bucket(s)"
    if not uncovered:
        recorders = sorted({t.name for t in trails if t.logging for s in s3_object_selections(t.selectors) for b in buckets if s.covers(b)})
        return ComplianceType.COMPLIANT, f"S3 object-level {params['ReadWriteType']} events of {scope} are recorded by {', '.join(recorders)}."[:255]
    unreadable = [t for t in trails if t.unreadable]
    if unreadable:
        owner = unreadable[0].account
        return ComplianceType.NOT_APPLICABLE, (
            f"Organization trail {unreadable[0].name} of account {owner} may record S3 object events here; its selectors cannot "
            f"be read from this account: evaluated in account {owner}."
        )[:255]
    if not any(t.logging for t in trails):
        return ComplianceType.NON_COMPLIANT, f"No logging trail records {region}, so no S3 object-level events are recorded. {FIX}"
    what = "/".join(sorted({kind for bucket in uncovered for kind in gaps[bucket]}))
    if uncovered == [None]:
        head = f"No logging trail records S3 object-level {what} events for every bucket"
    else:
        head = f"No logging trail records S3 object-level {what} events for {', '.join(uncovered)}"
    tail = f". {FIX}"
    return ComplianceType.NON_COMPLIANT, head[: 255 - len(tail)] + tail


class CLOUDTRAIL_S3_DATA_EVENTS_ENABLED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("ReadWriteType", "S3BucketNames"))
        kind = str(rule_parameters.get("ReadWriteType", "")).strip() or "All"
        if kind not in READ_WRITE_TYPES:
            raise InvalidParametersError(f"Parameter ReadWriteType must be one of All, ReadOnly, WriteOnly, got {kind!r}.")
        return {"ReadWriteType": kind, "S3BucketNames": parse_csv(rule_parameters, "S3BucketNames", BUCKET_NAME, "an S3 bucket name")}

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        region, account = event["configRuleArn"].split(":")[3], event["accountId"]
        compliance, annotation = assess(discover(client_factory, region, account), valid_rule_parameters, region)
        return [Evaluation(compliance, account, APPLICABLE_RESOURCES[0], annotation)]


def lambda_handler(event, context):
    my_rule = CLOUDTRAIL_S3_DATA_EVENTS_ENABLED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
