"""CloudTrail as the trail rules see it: which trails record this region, their status, their selectors.

Shared by the CloudTrail rules (and any rule that follows a trail to its bucket or log group).
Peers get three things wrong here (controls-catalog.md §4), so this module does them once:
- discovery: DescribeTrails with includeShadowTrails=True (the API default), so a multi-region
  trail homed in another region and an organization trail both count, de-duplicated by TrailARN;
- reads: GetTrailStatus and GetEventSelectors by ARN, in the trail's home region (a shadow trail
  is a replica: its home region holds its status);
- selectors: basic (EventSelectors), advanced (AdvancedEventSelectors) or none at all (AWS's
  default: every management event, read and write) are interpreted alike.

An organization trail owned by another account is visible in a member account, whose calls
for its status or selectors AWS may refuse. Such a trail keeps status and selectors None and
says why in `unreadable`: a rule must never count it as healthy on a guess. Throttling is not
"unreadable": it propagates, so the rule reports an error. A trail of this account that
cannot be read is an error too.
"""
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timezone

from botocore.exceptions import ClientError

THROTTLING = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})

ManagementEvents = namedtuple("ManagementEvents", "read write excluded")
ManagementEvents.__doc__ = """Does the trail record read / write management events in full; what it leaves out."""


@dataclass(frozen=True)
class Trail:
    """One trail that records this region, as DescribeTrails, GetTrailStatus and GetEventSelectors say."""

    description: dict
    status: dict | None = None
    selectors: dict | None = None
    unreadable: str | None = None

    @property
    def arn(self):
        return self.description["TrailARN"]

    @property
    def name(self):
        return self.description["Name"]

    @property
    def account(self):
        return self.arn.split(":")[4]

    @property
    def home_region(self):
        return self.description.get("HomeRegion") or self.arn.split(":")[3]

    @property
    def multi_region(self):
        return bool(self.description.get("IsMultiRegionTrail"))

    @property
    def organization(self):
        return bool(self.description.get("IsOrganizationTrail"))

    @property
    def bucket(self):
        return self.description.get("S3BucketName")

    @property
    def kms_key_id(self):
        return self.description.get("KmsKeyId")

    @property
    def log_file_validation(self):
        return bool(self.description.get("LogFileValidationEnabled"))

    @property
    def log_group_arn(self):
        return self.description.get("CloudWatchLogsLogGroupArn")

    @property
    def insights(self):
        """HasInsightSelectors: the trail records CloudTrail Insights events."""
        return bool(self.description.get("HasInsightSelectors"))

    @property
    def logging(self):
        """IsLogging; None when the status could not be read."""
        return None if self.status is None else bool(self.status.get("IsLogging"))


class _Clients:
    """CloudTrail clients, one per region, built on first need."""

    def __init__(self, client_factory):
        self._factory, self._clients = client_factory, {}

    def __call__(self, region):
        if region not in self._clients:
            self._clients[region] = self._factory.build_client("cloudtrail", region)
        return self._clients[region]


def discover(client_factory, region, account_id):
    """Every trail that records `region`, once each, with status and selectors read in its home region.

    client_factory: rdklib's (anything with build_client(service, region)).
    account_id: the account the rule evaluates; trails of other accounts may be unreadable.
    """
    clients = _Clients(client_factory)
    return [_read(clients, trail, account_id) for trail in listed(clients(region))]


def listed(cloudtrail):
    """Every trail that records the client's region, once each, as DescribeTrails describes it (no other call)."""
    entries = cloudtrail.describe_trails(includeShadowTrails=True)["trailList"]
    return [Trail(description) for description in {entry["TrailARN"]: entry for entry in entries}.values()]


def _read(clients, trail, account_id):
    client = clients(trail.home_region)
    try:
        status = client.get_trail_status(Name=trail.arn)
        selectors = client.get_event_selectors(TrailName=trail.arn)
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if trail.account == account_id or code in THROTTLING:
            raise
        return Trail(trail.description, unreadable=f"{code} reading it from account {account_id}")
    status.pop("ResponseMetadata", None)
    selectors.pop("ResponseMetadata", None)
    return Trail(trail.description, status, selectors)


# --- status ------------------------------------------------------------------------------------


def delivery_error(status):
    """The S3 delivery error still in effect, or None.

    GetTrailStatus keeps LatestDeliveryError after a failure and gives no time for it; the error
    is over only when the latest delivery attempt is known to have succeeded
    (LatestDeliveryAttemptSucceeded equal to LatestDeliveryAttemptTime). When that cannot be
    told, the error stands: a trail is never called delivering on a guess.
    """
    error = (status or {}).get("LatestDeliveryError")
    if not error:
        return None
    attempted = status.get("LatestDeliveryAttemptTime")
    return None if attempted and status.get("LatestDeliveryAttemptSucceeded") == attempted else error


def cloudwatch_delivery_age(status, now=None):
    """How long ago CloudTrail last delivered to CloudWatch Logs (a timedelta), or None if never."""
    delivered = (status or {}).get("LatestCloudWatchLogsDeliveryTime")
    if delivered is None:
        return None
    if not isinstance(delivered, datetime):
        delivered = datetime.fromtimestamp(float(delivered), timezone.utc)
    return (now or datetime.now(timezone.utc)) - delivered


# --- selectors ---------------------------------------------------------------------------------


def _fields(advanced_selector):
    return {field["Field"]: field for field in advanced_selector.get("FieldSelectors") or []}


def _read_write(read_only_field):
    """(read, write) an advanced selector's readOnly field lets through."""
    if read_only_field is None:
        return True, True
    equals = [str(v).lower() for v in read_only_field.get("Equals") or []]
    not_equals = [str(v).lower() for v in read_only_field.get("NotEquals") or []]
    if equals:
        return "true" in equals, "false" in equals
    return "true" not in not_equals, "false" not in not_equals


def _management_selections(selectors):
    """(read, write, excluded sources) of each selector that records management events."""
    basic = selectors.get("EventSelectors") or []
    advanced = selectors.get("AdvancedEventSelectors") or []
    if not basic and not advanced:
        return [(True, True, ())]  # no custom selectors: AWS records every management event
    found = []
    for selector in basic:
        if selector.get("IncludeManagementEvents", True):
            kind = selector.get("ReadWriteType", "All")
            found.append((kind in ("All", "ReadOnly"), kind in ("All", "WriteOnly"), tuple(selector.get("ExcludeManagementEventSources") or ())))
    for selector in advanced:
        fields = _fields(selector)
        if "Management" not in (fields.get("eventCategory") or {}).get("Equals", []):
            continue
        read, write = _read_write(fields.get("readOnly"))
        source = fields.get("eventSource") or {}
        excluded = tuple(source.get("NotEquals") or ()) + tuple(f"all but {v}" for v in source.get("Equals") or ())
        found.append((read, write, excluded))
    return found


def management_events(selectors):
    """ManagementEvents of the trail's selectors (the GetEventSelectors response)."""
    selections = _management_selections(selectors or {})
    read = any(r and not excluded for r, _, excluded in selections)
    write = any(w and not excluded for _, w, excluded in selections)
    excluded = () if read and write else tuple(sorted({source for *_, sources in selections for source in sources}))
    return ManagementEvents(read, write, excluded)


class S3Objects(namedtuple("S3Objects", "read write prefixes excluded")):
    """One selector's S3 object-level events: prefixes and exclusions are 'bucket/key' paths
    ('' is every bucket), as the selector's ARN values without 'arn:<partition>:s3:::'."""

    def covers(self, bucket=None):
        """Every object of `bucket` (None: of every bucket, present and future) is recorded."""
        target = "" if bucket is None else f"{bucket}/"
        if not any(target.startswith(prefix) for prefix in self.prefixes):
            return False
        return not any(target.startswith(path) or path.startswith(target) for path in self.excluded)


def _path(arn):
    """'arn:aws:s3:::bucket/key' -> 'bucket/key'; 'arn:aws:s3' and 'arn:aws:s3:::' -> ''."""
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 else ""


def s3_object_selections(selectors):
    """The S3Objects of each selector that records S3 object-level (data) events."""
    selectors = selectors or {}
    found = []
    for selector in selectors.get("EventSelectors") or []:
        kind = selector.get("ReadWriteType", "All")
        values = [v for resource in selector.get("DataResources") or [] if resource.get("Type") == "AWS::S3::Object" for v in resource.get("Values") or []]
        if values:
            found.append(S3Objects(kind in ("All", "ReadOnly"), kind in ("All", "WriteOnly"), tuple(_path(v) for v in values), ()))
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = _fields(selector)
        if "Data" not in (fields.get("eventCategory") or {}).get("Equals", []):
            continue
        if "AWS::S3::Object" not in (fields.get("resources.type") or {}).get("Equals", []):
            continue
        if set(fields) - {"eventCategory", "resources.type", "resources.ARN", "readOnly"}:
            continue  # filtered by event name, user, ...: only some events of the objects
        arn = fields.get("resources.ARN") or {}
        if arn.get("Equals") or arn.get("EndsWith") or arn.get("NotEndsWith"):
            continue  # single objects or suffixes: never a whole bucket
        prefixes = tuple(_path(v) for v in arn.get("StartsWith") or ()) if arn.get("StartsWith") else ("",)
        excluded = tuple(_path(v) for v in (arn.get("NotStartsWith") or []) + (arn.get("NotEquals") or []))
        read, write = _read_write(fields.get("readOnly"))
        found.append(S3Objects(read, write, prefixes, excluded))
    return found


def records_s3_objects(selectors, bucket=None, read=True, write=True):
    """Are `bucket`'s (None: every bucket's) object-level read and/or write events recorded?"""
    covering = [s for s in s3_object_selections(selectors) if s.covers(bucket)]
    return (not read or any(s.read for s in covering)) and (not write or any(s.write for s in covering))


# --- choosing ------------------------------------------------------------------------------------


def ranked(trails, gaps, account_id):
    """Trails best first: fewest gaps (gaps(trail) -> list of what it lacks), then this account's
    own (the one it can repair), then multi-region, then by name, so the choice is stable."""
    return sorted(trails, key=lambda t: (len(gaps(t)), t.account != account_id, not t.multi_region, t.name, t.arn))
