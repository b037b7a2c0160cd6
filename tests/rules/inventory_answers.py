"""AWS Config's inventory as a healthy recorder would answer it, for rule tests on moto.

moto's recorder never reports SUCCESS and its SelectResourceConfig ignores the query, so
config_inventory answers DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus and
SelectResourceConfig here, after botocore has validated each request; rows are query-dialect
JSON strings, 100 a page, as AWS Config returns them (the Stubber tests in
test_config_inventory.py pin the exact request and response shapes).
"""
import json
from datetime import datetime, timezone

from botocore.awsrequest import AWSResponse

RECORDER_STARTED = datetime(2024, 5, 1, tzinfo=timezone.utc)
FRESH = "2024-05-02T10:20:00.000Z"
STALE = "2024-04-30T10:20:00.000Z"  # before the recorder's last start


def bucket_row(name, sse, captured=FRESH):
    """One AWS::S3::Bucket row; sse is the item's ServerSideEncryptionConfiguration (camelCase)."""
    return json.dumps({"resourceId": name, "configurationItemCaptureTime": captured, "configurationItemStatus": "OK",
                       "supplementaryConfiguration": {"ServerSideEncryptionConfiguration": sse}})


def kms_sse(key):
    return {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": key}, "bucketKeyEnabled": False}]}


class _Body:
    def __init__(self, data):
        self._data = data

    def stream(self, **_):
        yield self._data


def json_response(request, parsed):
    """An HTTP 200 answer with a JSON body, as AWS Config (JSON protocol) sends it."""
    return AWSResponse(request.url, 200, {"content-type": "application/x-amz-json-1.1"}, _Body(json.dumps(parsed).encode()))


def healthy_inventory(session, rows):
    """Answer the inventory calls with `rows`; returns the SelectResourceConfig requests seen.

    Answered at the HTTP level (before-send), so botocore serialises each request and parses
    each response as it would AWS Config's.
    """
    queries = []
    recorder = {"name": "default", "recordingGroup": {"allSupported": True}}
    status = {"name": "default", "recording": True, "lastStatus": "SUCCESS", "lastStartTime": RECORDER_STARTED.timestamp()}

    answer = json_response

    def select(request, **_):
        params = json.loads(request.body)
        queries.append(params)
        start = int(params.get("NextToken") or 0)
        page = {"Results": rows[start:start + params["Limit"]], "QueryInfo": {"SelectFields": []}}
        if start + params["Limit"] < len(rows):
            page["NextToken"] = str(start + params["Limit"])
        return answer(request, page)

    session.events.register_first("before-send.config-service.DescribeConfigurationRecorders",
                                  lambda request, **_: answer(request, {"ConfigurationRecorders": [recorder]}))
    session.events.register_first("before-send.config-service.DescribeConfigurationRecorderStatus",
                                  lambda request, **_: answer(request, {"ConfigurationRecordersStatus": [status]}))
    session.events.register_first("before-send.config-service.SelectResourceConfig", select)
    return queries
