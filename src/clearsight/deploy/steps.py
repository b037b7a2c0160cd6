"""The calls a deployment makes: executed, or (with --plan) recorded and validated but not sent.

Reads always go to the account, because a plan is only as good as what it knows: a document
that exists gets UpdateDocument in the plan, a missing one CreateDocument. A read that fails
because the thing does not exist yet is the caller's to interpret (`absent`).
"""
from __future__ import annotations

import hashlib
import textwrap
from dataclasses import asdict, dataclass, field

from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

SUMMARISED = 2000  # longer strings and any bytes are shown by size and digest in a plan


class DeployError(Exception):
    """A deployment that cannot go on or that failed; the message says where and why."""


class InputError(DeployError):
    """What the user asked cannot be deployed as given (a placeholder, an unknown name): a usage error."""


@dataclass(frozen=True)
class Step:
    account: str
    region: str
    service: str
    operation: str
    parameters: dict

    def to_dict(self) -> dict:
        """As a plan shows it: large bodies by size and digest."""
        return dict(asdict(self), parameters=summarise(self.parameters))

    def lines(self, width: int) -> list[str]:
        """The step for a terminal: the call on one line, then its parameters folded to the width."""
        shown = ", ".join(f"{key}={_short(value)}" for key, value in summarise(self.parameters).items())
        return [f"{self.service} {self.operation} ({self.account} {self.region})",
                *textwrap.wrap(shown, max(width - 6, 20), initial_indent="  ", subsequent_indent="  ")]


def _short(value) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def summarise(value):
    """Parameters as a plan shows them: JSON-safe, large bodies by size and sha256."""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()[:16]}>"
    if isinstance(value, str) and len(value) > SUMMARISED:
        return f"<{len(value)} characters, sha256 {hashlib.sha256(value.encode()).hexdigest()[:16]}>"
    if isinstance(value, dict):
        return {key: summarise(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [summarise(item) for item in value]
    return value


def absent(error: ClientError, *codes: str) -> bool:
    """True when a read failed only because the resource does not exist (yet)."""
    code = error.response.get("Error", {}).get("Code", "")
    return code in codes or "NotFound" in code or code == "NoSuchEntity"


@dataclass
class Deployer:
    """One account's deployment: its session, whether to send changes, and the steps so far."""

    session: object
    account: str
    plan: bool = False
    steps: list[Step] = field(default_factory=list)
    clients: dict = field(default_factory=dict)

    def client(self, service: str, region: str):
        key = (service, region)
        if key not in self.clients:
            self.clients[key] = self.session.client(service, region_name=region)
        return self.clients[key]

    def read(self, service: str, region: str, operation: str, **parameters) -> dict:
        """A read: always sent, never recorded as a step."""
        return self._method(service, region, operation)(**parameters)

    def change(self, service: str, region: str, operation: str, **parameters) -> dict | None:
        """A change: recorded as a step; sent unless planning (then validated by botocore and None)."""
        client = self.client(service, region)
        model = client.meta.service_model.operation_model(operation)
        validate_parameters(parameters, model.input_shape)
        self.steps.append(Step(self.account, region, service, operation, parameters))
        if self.plan:
            return None
        return self._method(service, region, operation)(**parameters)

    def note(self, region: str, service: str, operation: str, **parameters) -> None:
        """A step that is not one boto3 call (rdk deploy): recorded, run by the caller unless planning."""
        self.steps.append(Step(self.account, region, service, operation, parameters))

    def _method(self, service, region, operation):
        return getattr(self.client(service, region), xform_name(operation))
