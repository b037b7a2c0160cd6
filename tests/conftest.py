"""Shared fixtures: a clean AWS environment, moto in process, rules driven through lambda_handler.

Everything here goes through public doors: a rule's lambda_handler with the events AWS Config
sends, boto3 clients validated by botocore, moto as the account.
"""
import json
import os
import types

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from clearsight.catalog import load_catalog
from clearsight.sandbox import moto_patches
from clearsight.events import change_event, oversized_event, scheduled_event

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    """Fake credentials, a fixed region, and nothing from the developer's shell leaking in."""
    for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL") or v in ("AWS_PROFILE", "CLEARSIGHT_ROOT")]:
        monkeypatch.delenv(var)
    for var, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(var, value)


@pytest.fixture(autouse=True)
def results_db(tmp_path, monkeypatch):
    """Scans store their runs in the test's own results store, never in the checkout's."""
    monkeypatch.setenv("CLEARSIGHT_DB", str(tmp_path / "results.db"))
    return tmp_path / "results.db"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture
def aws():
    """moto in process (with the sandbox's stand-ins for moto's gaps); yields boto3's default session, which rdklib's clients come from."""
    moto_patches.apply()
    with mock_aws():
        boto3.setup_default_session()
        yield boto3.DEFAULT_SESSION


@pytest.fixture
def s3(aws):
    return aws.client("s3")


@pytest.fixture
def s3control(aws):
    return aws.client("s3control")


@pytest.fixture
def kms(aws):
    return aws.client("kms")


@pytest.fixture
def logs(aws):
    return aws.client("logs")


RDKLIB_CONFIG_CALLS = frozenset({"PutEvaluations", "GetComplianceDetailsByConfigRule"})  # posting and clean-up


class RuleRunner:
    """Invokes a rule's lambda_handler as AWS Config would, and records what it did.

    posted: the evaluations sent with PutEvaluations (TestMode, answered by moto).
    calls:  every API call the rule made, as "service.Operation" (STS excluded, and rdklib's own PutEvaluations
            and GetComplianceDetailsByConfigRule).
    """

    def __init__(self, rule, session):
        self.rule = rule
        self.module = rule.load_module()
        self.posted = []
        self.calls = []
        self._recording = False
        events = session.events
        events.register("before-parameter-build.config.PutEvaluations", self._capture)
        events.register("before-call.config.GetComplianceDetailsByConfigRule", self._no_previous_results)
        events.register("before-call", self._record)

    def _capture(self, params, **_):
        self.posted.extend(params["Evaluations"])

    @staticmethod
    def _no_previous_results(**_):
        return AWSResponse("https://config.local", 200, {}, None), {"EvaluationResults": []}

    def _record(self, model, **_):
        service = model.service_model.service_name
        if self._recording and service != "sts" and not (service == "config" and model.name in RDKLIB_CONFIG_CALLS):
            self.calls.append(f"{service}.{model.name}")

    def _parameters(self, parameters):
        return dict(self.rule.effective_parameters) if parameters is None else parameters

    def _invoke(self, event):
        self._recording = True
        try:
            return self.module.lambda_handler(event, None)
        finally:
            self._recording = False

    def periodic(self, parameters=None):
        """The scheduled path; records only the calls the rule itself makes."""
        return self._invoke(scheduled_event(self.rule.name, ACCOUNT, REGION, self._parameters(parameters), result_token="TESTMODE"))

    def change(self, configuration_item, parameters=None, left_scope=False):
        return self._invoke(
            change_event(self.rule.name, configuration_item, self._parameters(parameters), result_token="TESTMODE", left_scope=left_scope)
        )

    def oversized(self, resource_type, resource_id, parameters=None):
        """An oversized change: rdklib inflates the item from the account's configuration history."""
        return self._invoke(
            oversized_event(self.rule.name, ACCOUNT, REGION, resource_type, resource_id, self._parameters(parameters), result_token="TESTMODE")
        )

    def compliance(self):
        """{resource id: compliance} of what was posted."""
        return {e["ComplianceResourceId"]: e["ComplianceType"] for e in self.posted}


@pytest.fixture
def run_rule(aws, catalog):
    """run_rule("RULE_NAME") -> RuleRunner on the in-process moto account."""
    return lambda name: RuleRunner(catalog.rule(name), aws)


def _error_body(protocol, code, message):
    if protocol in ("json", "rest-json"):
        return {"content-type": "application/x-amz-json-1.1"}, json.dumps({"__type": code, "message": message}).encode()
    xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    if protocol in ("query", "ec2"):
        xml = f"<ErrorResponse>{xml}<RequestId>r</RequestId></ErrorResponse>"
    return {"content-type": "text/xml"}, xml.encode()


class _RawBody:
    def __init__(self, data):
        self._data = data

    def stream(self, **_):
        yield self._data


@pytest.fixture
def api_error(aws, monkeypatch):
    """api_error("s3", "GetBucketEncryption", "AccessDenied", status=403, times=None, matching=None).

    Answers that operation with the error before moto sees it, through botocore's real
    response parsing and retry handling (times=None: always). Retry sleeps are skipped and
    counted; the returned object's `.sent` says how many requests were answered so.
    matching: only requests whose URL or body contains this text (one bucket, one key), as
    sweeps read resources concurrently and "the first request" is no particular resource.
    """
    sleeps = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=sleeps.append))

    def install(service, operation, code, status=400, message="injected by test", times=None, matching=None):
        protocol = aws._session.get_service_model(service).metadata["protocol"]
        state = types.SimpleNamespace(sent=0, sleeps=sleeps)

        def answer(request, **_):
            if times is not None and state.sent >= times:
                return None
            if matching is not None and matching not in request.url and matching.encode() not in (request.body or b""):
                return None
            state.sent += 1
            headers, body = _error_body(protocol, code, message)
            return AWSResponse(request.url, status, headers, _RawBody(body))

        service_id = aws._session.get_service_model(service).service_id.hyphenize()
        aws.events.register_first(f"before-send.{service_id}.{operation}", answer)
        return state

    return install


@pytest.fixture(scope="session")
def moto_server():
    """One loopback moto server per test process (127.0.0.1 only), stopped at the end."""
    from moto.server import ThreadedMotoServer

    from clearsight.sandbox import moto_patches

    moto_patches.apply()  # the server answers from this process's backends
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def server(moto_server, monkeypatch):
    """AWS_ENDPOINT_URL on the loopback server for this test and its subprocesses; state reset after."""
    import urllib.request

    from clearsight.endpoints import prepare_session

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    session = prepare_session(boto3.Session(region_name=REGION))
    yield types.SimpleNamespace(url=moto_server, session=session)
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=10)
