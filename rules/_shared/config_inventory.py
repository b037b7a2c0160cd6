"""AWS Config's own inventory as a periodic sweep's source: about N/100 requests instead of N.

Where the account's configuration recorder records a resource type, its configuration items are
read with one advanced query (SelectResourceConfig, only the fields the rule needs, 100 rows a
page) and judged by the rule's change-path code. Rows come back in the query dialect and are
turned into notification-dialect items, so `config_items.supplementary` reads them as it reads
a change notification; a field the row lacks is MISSING there, and the rule reads the resource.

When the inventory is trusted (staleness):
- the recorder must be recording, its last status SUCCESS, and the type recorded continuously
  (DAILY recording leaves items up to a day behind: not trusted);
- an item captured before the recorder's last start is not trusted: changes made while the
  recorder was stopped may be missing until Config rediscovers the resource. The rule reads
  that resource directly, as it does a resource the inventory lacks (created moments ago).
Anything else (type not recorded, recorder failing, the query refused) is a reason the sweep
falls back to direct reads; `unavailable` says which.

EvaluationSource (rule parameter): auto (inventory where trusted, else direct), inventory
(the inventory is required: a sweep that cannot use it fails, never guesses), direct.
"""
import json
from datetime import datetime

from botocore.exceptions import ClientError
from rdklib import InvalidParametersError

PAGE_SIZE = 100
SOURCES = ("auto", "inventory", "direct")
ANNOTATION_MARK = " [Config inventory]"


class InventoryUnavailable(ValueError):
    """Why the inventory cannot judge this sweep (the message says what to fix).

    A ValueError, so rdklib reports it as the rule's error when EvaluationSource is inventory.
    """


def evaluation_source(params):
    """The EvaluationSource parameter: auto (default), inventory or direct."""
    value = str(params.get("EvaluationSource", "")).strip().lower() or "auto"
    if value not in SOURCES:
        raise InvalidParametersError(f"Parameter EvaluationSource must be one of {', '.join(SOURCES)}, got {value!r}.")
    return value


def _records(recorder, resource_type):
    group = recorder.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        return resource_type not in ((group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or [])
    if not group or group.get("allSupported"):
        return True  # AWS's default recording group: every supported type
    return resource_type in (group.get("resourceTypes") or [])


def _frequency(recorder, resource_type):
    mode = recorder.get("recordingMode") or {}
    for override in mode.get("recordingModeOverrides") or []:
        if resource_type in override.get("resourceTypes", []):
            return override.get("recordingFrequency", "CONTINUOUS")
    return mode.get("recordingFrequency", "CONTINUOUS")


def recorder_start(config, resource_type):
    """The trusted recorder's last start time; raises InventoryUnavailable saying why there is none."""
    recorders = [r for r in config.describe_configuration_recorders()["ConfigurationRecorders"] if _records(r, resource_type)]
    if not recorders:
        raise InventoryUnavailable(f"the configuration recorder does not record {resource_type}")
    recorder = recorders[0]
    if _frequency(recorder, resource_type) != "CONTINUOUS":
        raise InventoryUnavailable(f"{resource_type} is recorded {_frequency(recorder, resource_type)}, not continuously")
    [status] = config.describe_configuration_recorder_status(ConfigurationRecorderNames=[recorder["name"]])["ConfigurationRecordersStatus"]
    if not status.get("recording") or status.get("lastStatus") != "SUCCESS":
        state = "stopped" if not status.get("recording") else f"last status {status.get('lastStatus')}"
        raise InventoryUnavailable(f"configuration recorder {recorder['name']} is {state}")
    return status["lastStartTime"]


def query(resource_type, region, fields):
    """The advanced query for one type in one region, selecting only `fields` besides the identity."""
    selected = ", ".join(["resourceId", "configurationItemCaptureTime", "configurationItemStatus", *fields])
    return f"SELECT {selected} WHERE resourceType = '{resource_type}' AND awsRegion = '{region}'"


def to_item(row, resource_type, region, account):
    """One query row (a JSON string) as a notification-dialect configuration item."""
    decoded = json.loads(row)
    supplementary = decoded.get("supplementaryConfiguration") or {}
    return {
        "resourceType": resource_type,
        "resourceId": decoded["resourceId"],
        "awsRegion": region,
        "awsAccountId": account,
        "configurationItemCaptureTime": decoded.get("configurationItemCaptureTime"),
        "configurationItemStatus": decoded.get("configurationItemStatus", "OK"),
        "configuration": decoded.get("configuration"),
        "supplementaryConfiguration": {
            key: json.loads(value) if isinstance(value, str) and value[:1] in ("{", "[") else value
            for key, value in supplementary.items()
        },
    }


def _captured(item):
    text = item.get("configurationItemCaptureTime")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def trusted_items(config, resource_type, region, account, fields):
    """{resource id: item} of the items the inventory can judge; InventoryUnavailable if none can be.

    Deleted items, and items captured before the recorder's last start, are left out: the
    caller reads those resources directly.
    """
    items = {}
    try:
        started = recorder_start(config, resource_type)
        pages = config.get_paginator("select_resource_config").paginate(
            Expression=query(resource_type, region, fields), PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            for row in page["Results"]:
                item = to_item(row, resource_type, region, account)
                captured = _captured(item)
                if item["configurationItemStatus"] in ("OK", "ResourceDiscovered") and captured and captured >= started:
                    items[item["resourceId"]] = item
    except ClientError as error:
        operation = getattr(error, "operation_name", "AWS Config")
        raise InventoryUnavailable(f"{operation} was refused ({error.response['Error']['Code']})") from error
    return items


def marked(compliance, annotation):
    """A verdict judged from the inventory says so in its annotation, when there is room (256)."""
    return compliance, annotation + ANNOTATION_MARK if len(annotation) + len(ANNOTATION_MARK) <= 256 else annotation


def inventory_or_none(config, source, resource_type, region, account, fields):
    """What the sweep judges from the inventory: trusted items, or None to read everything directly."""
    if source == "direct":
        return None
    try:
        return trusted_items(config, resource_type, region, account, fields)
    except InventoryUnavailable as reason:
        if source == "inventory":
            raise InventoryUnavailable(f"EvaluationSource is inventory, but {reason}. Fix the recorder or set EvaluationSource to auto.") from None
        return None
