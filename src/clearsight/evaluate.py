"""Run rules' real lambda_handler locally against an account.

rdklib builds its boto3 clients through rdklib.evaluator.ClientFactory. While clearsight
evaluates, that factory hands out clients of the caller's session instead (no role
assumption, no hard-coded STS endpoint, AWS_ENDPOINT_URL honoured), and the config client
answers PutEvaluations and rdklib's GetComplianceDetailsByConfigRule clean-up itself, after
botocore has validated the request. Outside an evaluation, rdklib behaves as in Lambda.

What a rule prints is captured per invocation and passed on to stderr: stdout is the report.
A scan interrupted (Ctrl-C) cancels the jobs not started, and the running ones stop at their
next API call.
"""
from __future__ import annotations

import contextvars
import sys
import threading
from dataclasses import asdict, dataclass, field

import rdklib.evaluator
from botocore.awsrequest import AWSResponse
from rdklib import InvalidParametersError
from rdklib.clientfactory import ClientFactory as RdklibClientFactory

from .capture import captured_stdout
from .catalog import Rule
from .endpoints import prepare_session
from .events import change_event, scheduled_event

_current = contextvars.ContextVar("clearsight_evaluation", default=None)
_stop = contextvars.ContextVar("clearsight_scan_stop", default=None)
_install_lock = threading.Lock()
_client_lock = threading.Lock()  # boto3 sessions are not thread-safe; their clients are
UNREADABLE = "Could not be read: "  # how rules/_shared/sweep.py marks a resource it could not judge


@dataclass(frozen=True)
class Evaluation:
    rule: str
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str
    account: str
    region: str


@dataclass(frozen=True)
class EvaluationError:
    rule: str
    account: str
    region: str
    message: str


@dataclass
class ScanResult:
    evaluations: list[Evaluation] = field(default_factory=list)
    errors: list[EvaluationError] = field(default_factory=list)

    def extend(self, other: "ScanResult") -> None:
        self.evaluations.extend(other.evaluations)
        self.errors.extend(other.errors)

    def to_dict(self) -> dict:
        return {
            "evaluations": [asdict(e) for e in self.evaluations],
            "errors": [asdict(e) for e in self.errors],
        }


class ScanInterrupted(Exception):
    """Raised into a running rule at its next API call once its scan was interrupted."""


class _LocalRun:
    """One rule invocation: the session and region its clients use, and what it posted."""

    def __init__(self, session, region):
        self.session = prepare_session(session)
        self.region = region
        self.posted = []
        self._clients = {}
        self._stop = _stop.get()

    def client(self, service, region=None):
        key = (service, region or self.region)
        if key not in self._clients:
            with _client_lock:
                client = self.session.client(service, region_name=key[1])
            if service == "config":
                self._answer_config_locally(client)
            if self._stop is not None:
                client.meta.events.register("before-call", self._unless_stopped)
            self._clients[key] = client
        return self._clients[key]

    def _answer_config_locally(self, client):
        events = client.meta.events
        events.register("before-parameter-build.config.PutEvaluations", self._capture)
        events.register("before-call.config.PutEvaluations", _respond({"FailedEvaluations": []}))
        events.register("before-call.config.GetComplianceDetailsByConfigRule", _respond({"EvaluationResults": []}))

    def _capture(self, params, **_):
        self.posted.extend(params.get("Evaluations", []))

    @property
    def stopped(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    def _unless_stopped(self, **_):
        if self.stopped:
            raise ScanInterrupted("scan interrupted")


def _respond(parsed):
    def handler(**_):
        return AWSResponse("https://config.local", 200, {}, None), dict(parsed, ResponseMetadata={"HTTPStatusCode": 200})

    return handler


class _LocalClientFactory:
    """Stands in for rdklib's ClientFactory during a local run; rdklib's own elsewhere."""

    def __new__(cls, role_arn, region=None, assume_role_mode=True):
        run = _current.get()
        if run is None:
            return RdklibClientFactory(role_arn, region, assume_role_mode)
        return super().__new__(cls)

    def __init__(self, role_arn, region=None, assume_role_mode=True):
        self._run = _current.get()

    def build_client(self, service, region=None, assume_role_mode=True):
        return self._run.client(service, region)


def _install():
    with _install_lock:
        rdklib.evaluator.ClientFactory = _LocalClientFactory


def account_of(session, region: str) -> str:
    """The account id, asked of STS in the region the user named (a session may have none)."""
    return session.client("sts", region_name=region).get_caller_identity()["Account"]


def _pass_on(printed: str, rule: Rule, region: str) -> None:
    """What a rule or rdklib printed goes to stderr, one block, each line naming its source."""
    if printed.strip():
        sys.stderr.write("".join(f"{rule.name} ({region}): {line}\n" for line in printed.splitlines() if line.strip()))


def _invoke(rule: Rule, handler, event, session, region, account) -> ScanResult:
    run = _LocalRun(session, region)
    token = _current.set(run)
    try:
        with captured_stdout() as printed:
            response = handler(event, None)
    except Exception as error:  # a crash of the rule is a result to report, not a scan to abort
        return ScanResult(errors=[EvaluationError(rule.name, account, region, f"{type(error).__name__}: {error}")])
    finally:
        _current.reset(token)
        if not run.stopped:
            _pass_on(printed.getvalue(), rule, region)
    if isinstance(response, dict) and ("internalErrorMessage" in response or "customerErrorCode" in response):
        return ScanResult(errors=[EvaluationError(rule.name, account, region, _error_message(response))])
    result = ScanResult(
        evaluations=[
            Evaluation(
                rule=rule.name,
                resource_type=posted["ComplianceResourceType"],
                resource_id=posted["ComplianceResourceId"],
                compliance=posted["ComplianceType"],
                annotation=posted.get("Annotation", ""),
                account=account,
                region=region,
            )
            for posted in run.posted
        ]
    )
    result.errors.extend(_unreadable(result.evaluations))
    return result


def _unreadable(evaluations: list[Evaluation]) -> list[EvaluationError]:
    """AWS Config has no per-resource error, so a rule posts an unreadable resource NON_COMPLIANT; scan lists it as an error too."""
    return [
        EvaluationError(e.rule, e.account, e.region, f"{e.resource_type} {e.resource_id}: {e.annotation}")
        for e in evaluations
        if e.annotation.startswith(UNREADABLE)
    ]


def _error_message(response: dict) -> str:
    parts = [response.get("customerErrorCode"), response.get("customerErrorMessage") or response.get("internalErrorMessage")]
    details = response.get("internalErrorDetails")
    message = ": ".join(p for p in parts if p)
    return f"{message} ({details})" if details and details not in message else message


def evaluate_periodic(rule: Rule, session, region: str, account: str, parameters: dict | None = None) -> ScanResult:
    """Run the rule's scheduled path in one region, as AWS Config would on its period."""
    _install()
    params = rule.effective_parameters if parameters is None else parameters
    event = scheduled_event(rule.name, account, region, params)
    return _invoke(rule, rule.load_module().lambda_handler, event, session, region, account)


def evaluate_item(rule: Rule, session, configuration_item: dict, parameters: dict | None = None) -> ScanResult:
    """Run the rule's change path on one configuration item (notification dialect)."""
    _install()
    params = rule.effective_parameters if parameters is None else parameters
    event = change_event(rule.name, configuration_item, params)
    region, account = configuration_item["awsRegion"], configuration_item["awsAccountId"]
    return _invoke(rule, rule.load_module().lambda_handler, event, session, region, account)


def parameter_problem(rule: Rule, parameters: dict) -> str | None:
    """What the rule's own evaluate_parameters says is wrong with these parameters, or None."""
    try:
        checker = getattr(rule.load_module(), rule.name)
    except Exception:  # noqa: BLE001 - a rule module that cannot import fails loudly when the scan loads it
        return None
    try:
        with captured_stdout():
            checker().evaluate_parameters(parameters)
    except (InvalidParametersError, ValueError) as error:
        return str(error)
    return None


def _evaluate_unless_stopped(stop, rule, session, region, account, params) -> ScanResult:
    _stop.set(stop)
    if stop.is_set():
        return ScanResult()
    return evaluate_periodic(rule, session, region, account, params)


def scan(rules: list[Rule], session, regions: list[str], parameters: dict[str, dict] | None = None, workers: int = 4,
         on_result=None, account: str | None = None) -> ScanResult:
    """Every rule x region of the session's own account, periodic path, in parallel (clearsight.scan).

    on_result(ScanResult) is called, in the calling thread, with each rule x region's results
    as they come in (the results store writes them so). account: the account id, if the
    caller already asked STS.

    Regions are de-duplicated. KeyboardInterrupt cancels the jobs not started, stops the running
    ones at their next API call, and propagates.
    """
    from .scan import Target, scan_targets

    regions = list(dict.fromkeys(regions))
    account = account or account_of(session, regions[0])
    return scan_targets(rules, [Target(account, session)], regions, parameters, workers, on_result=on_result)
