"""Trail states for the CloudTrail rule tests: public APIs on moto, and a hook for what moto cannot produce.

moto cannot show a member account the organization trail of its management account, nor a
delivery error: listed_too and status_says add them to moto's own answers (after botocore
parsed them), so everything else the rule reads is still moto's.
"""
ACCOUNT = "123456789012"
OTHER = "210987654321"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def bucket(aws, name="trail-logs"):
    s3 = aws.client("s3", region_name="us-east-1")
    if name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=name)
    return name


def trail(aws, name="security", region="us-east-1", logging=True, selectors=None, bucket_name="trail-logs", own_bucket=True, **options):
    """A trail; by default a healthy security trail (multi-region, validated, KMS, logging) and its bucket."""
    settings = {"IsMultiRegionTrail": True, "EnableLogFileValidation": True, "KmsKeyId": KEY, **options}
    settings = {k: v for k, v in settings.items() if v is not None}
    if own_bucket:
        bucket(aws, bucket_name)
    cloudtrail = aws.client("cloudtrail", region_name=region)
    arn = cloudtrail.create_trail(Name=name, S3BucketName=bucket_name, **settings)["TrailARN"]
    if selectors:
        cloudtrail.put_event_selectors(TrailName=name, **selectors)
    if logging:
        cloudtrail.start_logging(Name=name)
    return arn


def listed_too(aws, *entries):
    """DescribeTrails answers moto's own list plus `entries`."""

    def add(parsed, **_):
        parsed["trailList"] = [*parsed["trailList"], *entries]

    aws.events.register("after-call.cloudtrail.DescribeTrails", add)


def foreign_org_trail(aws, **fields):
    """The management account's organization trail, as a member account's DescribeTrails lists it."""
    arn = f"arn:aws:cloudtrail:us-east-1:{OTHER}:trail/org-trail"
    listed_too(aws, {"Name": "org-trail", "TrailARN": arn, "HomeRegion": "us-east-1", "IsMultiRegionTrail": True,
                     "IsOrganizationTrail": True, "S3BucketName": "org-archive", "LogFileValidationEnabled": True,
                     "KmsKeyId": f"arn:aws:kms:us-east-1:{OTHER}:key/org", **fields})
    return arn


def status_says(aws, **fields):
    """GetTrailStatus answers moto's status with `fields` added (LatestDeliveryError, ...)."""

    def add(parsed, **_):
        parsed.update(fields)

    aws.events.register("after-call.cloudtrail.GetTrailStatus", add)


def account_verdict(rule, parameters=None):
    """(compliance, annotation) of the one AWS::::Account evaluation a periodic run posts."""
    response = rule.periodic(parameters)
    assert not isinstance(response, dict), response
    [evaluation] = rule.posted
    assert evaluation["ComplianceResourceId"] == ACCOUNT and evaluation["ComplianceResourceType"] == "AWS::::Account"
    assert len(evaluation["Annotation"]) < 256
    return evaluation["ComplianceType"], evaluation["Annotation"]
