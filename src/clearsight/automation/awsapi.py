"""Calls to AWS the way aws:executeAwsApi names them: boto3 service name + PascalCase operation.

Every call goes through a real boto3 client from the caller's session, so botocore validates
the request shape exactly as it would against AWS. Calls made during a run (including those a
script makes through boto3) are recorded from the session's `provide-client-params` event.
"""

from __future__ import annotations

import copy
import difflib
import threading
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from botocore.validate import validate_parameters

from ..endpoints import error_text, prepare_session
from .errors import StepFailed, WouldChange

READ_ONLY_PREFIXES = ("Get", "Describe", "List", "Head")


@lru_cache(maxsize=1)
def _models() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=None)
def _operations(service: str) -> dict[str, str]:
    """PascalCase operation name -> boto3 method name, from botocore's service model."""
    model = _models().get_service_model(service)
    return {name: xform_name(name) for name in model.operation_names}


def service_name(service: str) -> str | None:
    """botocore's name for an executeAwsApi Service, which Automation matches case-insensitively (SQS, sqs)."""
    services = _models().get_available_services()
    if service in services:
        return service
    return next((name for name in services if name == str(service).lower()), None)


def check_operation(service: str, api: str) -> str | None:
    """None when `service`/`api` name a real operation, else what is wrong and the closest names."""
    if service_name(service) is None:
        close = difflib.get_close_matches(service, _models().get_available_services(), n=3)
        return f"unknown boto3 service {service!r}" + (f" (did you mean {', '.join(close)}?)" if close else "")
    operations = _operations(service_name(service))
    if api in operations or api in operations.values():
        return None
    close = difflib.get_close_matches(api, list(operations), n=3)
    return f"{service} has no operation {api!r}" + (f" (did you mean {', '.join(close)}?)" if close else "")


def is_read_only(api: str, service: str | None = None) -> bool:
    """Get*/Describe*/List*/Head* operations change nothing; a dry run may send them.

    With `service`, `api` may also be spelled as the boto3 method name (list_buckets)."""
    if service is not None and not check_operation(service, api):
        api = operation_name(service, api)
    return api.startswith(READ_ONLY_PREFIXES)


def operation_name(service: str, api: str) -> str:
    """The PascalCase name for `api`, which a document may also spell as the boto3 method name."""
    operations = _operations(service_name(service))
    return api if api in operations else {m: o for o, m in operations.items()}[api]


def normalize(value: Any) -> Any:
    """A boto3 response as the JSON Automation sees: datetimes as ISO strings, bytes as text."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class ApiCaller:
    """One run's clients and call log. Use as a context manager to record the session's calls.

    `diverged` turns true once a dry run skips a call that could change the account: from then
    on the account no longer looks as it would in a real run, so reads stop being evidence.
    """

    def __init__(self, session, region: str):
        self.session = prepare_session(session)
        self.region = region
        self.calls: list[tuple[str, str, dict]] = []
        self.diverged = False
        self._clients: dict[str, Any] = {}
        self._hook_id = f"clearsight-automation-{id(self)}"
        self._guarded = threading.local()

    def __enter__(self) -> "ApiCaller":
        self.session.events.register("provide-client-params", self._record, unique_id=self._hook_id)
        self.session.events.register("before-parameter-build", self._guard, unique_id=f"{self._hook_id}-guard")
        return self

    def __exit__(self, *exc) -> None:
        self.session.events.unregister("provide-client-params", unique_id=self._hook_id)
        self.session.events.unregister("before-parameter-build", unique_id=f"{self._hook_id}-guard")

    def _record(self, params, model, **_) -> None:
        self.calls.append((model.service_model.service_name, model.name, _copy(params)))

    def _guard(self, params, model, **_) -> None:
        if getattr(self._guarded, "active", False) and not is_read_only(model.name):
            if model.input_shape is not None:
                validate_parameters(params, model.input_shape)  # a bad shape fails as the real call would
            self.diverged = True
            self._guarded.blocked = self._guarded.blocked or WouldChange(model.service_model.service_name, model.name)
            raise self._guarded.blocked

    @contextmanager
    def read_only(self):
        """In this thread, a call that could change the account raises WouldChange (it is logged, not sent).

        The first such call stays in `blocked()` even if the code that made it catches the exception."""
        self._guarded.active, self._guarded.blocked = True, None
        try:
            yield
        finally:
            self._guarded.active = False

    def blocked(self) -> WouldChange | None:
        """The first change the guard stopped in this thread's current or last read_only block."""
        return getattr(self._guarded, "blocked", None)

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)
        return self._clients[service]

    def call(self, service: str, api: str, params: dict) -> dict:
        """Send the call; any AWS or botocore error fails the step with botocore's own message."""
        problem = check_operation(service, api)
        if problem:
            raise StepFailed(problem)
        service = service_name(service)
        method = getattr(self.client(service), _operations(service)[operation_name(service, api)])
        try:
            return normalize(method(**params))
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(error_text(error)) from error

    def would_call(self, service: str, api: str, params: dict, *, validate: bool) -> None:
        """Dry run: log the call without sending it, checking its shape when it is fully resolved."""
        problem = check_operation(service, api)
        if problem:
            raise StepFailed(problem)
        service, operation = service_name(service), operation_name(service, api)
        self.diverged = self.diverged or not is_read_only(operation)
        if validate:
            shape = _models().get_service_model(service).operation_model(operation).input_shape
            try:
                validate_parameters(params, shape)
            except ParamValidationError as error:
                raise StepFailed(str(error)) from error
        self.calls.append((service, operation, _copy(params)))


def _copy(params: dict) -> dict:
    try:
        return copy.deepcopy(params)
    except Exception:  # file objects and other uncopyable bodies: keep the references
        return dict(params)
