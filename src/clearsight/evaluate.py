"""Run rules' real lambda_handler locally against an account.

rdklib builds its boto3 clients through rdklib.evaluator.ClientFactory. While clearsight
evaluates, that factory hands out clients of the caller's session instead (no role
assumption, no hard-coded STS endpoint, AWS_ENDPOINT_URL honoured), and the config client
answers PutEvaluations and rdklib's GetComplianceDetailsByConfigRule clean-up itself, after
botocore has validated the request. Outside an evaluation, rdklib behaves as in Lambda.
"""
from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import rdklib.evaluator
from botocore.awsrequest import AWSResponse
from rdklib.clientfactory import ClientFactory as RdklibClientFactory

from .catalog import Rule
from .endpoints import prepare_session
from .events import change_event, scheduled_event

_current = contextvars.ContextVar("clearsight_evaluation", default=None)
_install_lock = threading.Lock()
_client_lock = threading.Lock()  # boto3 sessions are not thread-safe; their clients are


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


class _LocalRun:
    """One rule invocation: the session and region its clients use, and what it posted."""

    def __init__(self, session, region):
        self.session = prepare_session(session)
        self.region = region
        self.posted = []
        self._clients = {}

    def client(self, service, region=None):
        key = (service, region or self.region)
        if key not in self._clients:
            with _client_lock:
                client = self.session.client(service, region_name=key[1])
            if service == "config":
                self._answer_config_locally(client)
            self._clients[key] = client
        return self._clients[key]

    def _answer_config_locally(self, client):
        events = client.meta.events
        events.register("before-parameter-build.config.PutEvaluations", self._capture)
        events.register("before-call.config.PutEvaluations", _respond({"FailedEvaluations": []}))
        events.register("before-call.config.GetComplianceDetailsByConfigRule", _respond({"EvaluationResults": []}))

    def _capture(self, params, **_):
        self.posted.extend(params.get("Evaluations", []))


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


def account_of(session) -> str:
    return session.client("sts").get_caller_identity()["Account"]


def _invoke(rule: Rule, handler, event, session, region, account) -> ScanResult:
    run = _LocalRun(session, region)
    token = _current.set(run)
    try:
        response = handler(event, None)
    except Exception as error:  # a crash of the rule is a result to report, not a scan to abort
        return ScanResult(errors=[EvaluationError(rule.name, account, region, f"{type(error).__name__}: {error}")])
    finally:
        _current.reset(token)
    if isinstance(response, dict) and ("internalErrorMessage" in response or "customerErrorCode" in response):
        return ScanResult(errors=[EvaluationError(rule.name, account, region, _error_message(response))])
    return ScanResult(
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


def scan(rules: list[Rule], session, regions: list[str], parameters: dict[str, dict] | None = None, workers: int = 4) -> ScanResult:
    """Every rule x region, periodic path, in parallel; results in a stable order."""
    account = account_of(session)
    for rule in rules:
        rule.load_module()  # import once, before threads race to do it
    jobs = [(rule, region) for rule in rules for region in regions]
    overrides = parameters or {}

    def run(job):
        rule, region = job
        if not rule.periodic:
            return ScanResult(errors=[EvaluationError(rule.name, account, region, "rule has no periodic trigger (SourcePeriodic); scan runs the periodic path")])
        params = dict(rule.effective_parameters, **overrides.get(rule.name, {}))
        return contextvars.copy_context().run(evaluate_periodic, rule, session, region, account, params)

    result = ScanResult()
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1))) as pool:
        for part in pool.map(run, jobs):
            result.extend(part)
    result.evaluations.sort(key=lambda e: (e.rule, e.region, e.resource_id))
    return result
