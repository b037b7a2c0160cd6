"""`{{ ... }}` references: finding them (for static checks) and resolving them (at run time).

A value that is exactly one reference keeps the referenced value's type, so a StringList
parameter passed as `Names: "{{ Names }}"` stays a list and an Integer stays an int.
A reference embedded in a longer string is rendered into it as text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from botocore.exceptions import BotoCoreError, ClientError

from .errors import StepFailed

REFERENCE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
SYSTEM_VARIABLES = frozenset({
    "global:ACCOUNT_ID", "global:REGION", "global:AWS_PARTITION", "global:DATE",
    "global:DATE_TIME", "automation:EXECUTION_ID",
})


def references(value: Any) -> Iterator[str]:
    """Every variable name referenced anywhere inside a (nested) input value."""
    if isinstance(value, str):
        yield from REFERENCE.findall(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


@dataclass(frozen=True)
class Unresolved:
    """An output a dry run could not produce (its step made no call); renders as its own reference."""

    name: str

    def __str__(self) -> str:
        return "{{ %s }}" % self.name


def contains_unresolved(value: Any) -> bool:
    if isinstance(value, Unresolved):
        return True
    if isinstance(value, str):
        return bool(REFERENCE.search(value))
    if isinstance(value, dict):
        return any(contains_unresolved(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unresolved(v) for v in value)
    return False


class SystemVariables:
    """global:* and automation:* values; the account id costs one sts call, made on first use."""

    def __init__(self, session, region: str, execution_id: str, started: datetime):
        self._session = session
        self._region = region
        self._account_id: str | None = None
        self._fixed = {
            "global:REGION": region,
            "global:AWS_PARTITION": session.get_partition_for_region(region),
            "global:DATE": started.strftime("%Y-%m-%d"),
            "global:DATE_TIME": started.strftime("%Y-%m-%d_%H.%M.%S"),
            "automation:EXECUTION_ID": execution_id,
        }

    def __call__(self, name: str) -> str:
        if name == "global:ACCOUNT_ID":
            if self._account_id is None:
                sts = self._session.client("sts", region_name=self._region)
                try:
                    self._account_id = sts.get_caller_identity()["Account"]
                except (ClientError, BotoCoreError) as error:
                    raise StepFailed(f"variable {{{{ global:ACCOUNT_ID }}}} needs sts GetCallerIdentity, which "
                                     f"failed: {error}; allow it for the caller or pass the account id as a "
                                     "parameter") from error
            return self._account_id
        return self._fixed[name]


class Variables:
    """Parameters, step outputs ("Step.Output") and system variables, as seen by later steps."""

    def __init__(self, parameters: dict[str, Any], system: Callable[[str], Any]):
        self._values: dict[str, Any] = dict(parameters)
        self._system = system

    def set_outputs(self, step_name: str, outputs: dict[str, Any]) -> None:
        for key, value in outputs.items():
            self._values[f"{step_name}.{key}"] = value

    def get(self, name: str) -> Any:
        return self._values[name]

    def has(self, name: str) -> bool:
        return name in self._values

    def resolve(self, value: Any, step_name: str) -> Any:
        """Substitute every reference in `value`; StepFailed names the step and the variable."""
        if isinstance(value, dict):
            return {key: self.resolve(item, step_name) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, step_name) for item in value]
        if not isinstance(value, str):
            return value
        whole = REFERENCE.fullmatch(value)
        if whole:
            return self._lookup(whole.group(1), step_name)
        return REFERENCE.sub(lambda m: _render(self._lookup(m.group(1), step_name)), value)

    def _lookup(self, name: str, step_name: str) -> Any:
        if name in SYSTEM_VARIABLES:
            return self._system(name)
        if name in self._values:
            return self._values[name]
        if "." in name:
            raise StepFailed(
                f"Step {step_name}: variable {{{{ {name} }}}} has no value: step "
                f"{name.split('.', 1)[0]} did not run successfully before this step or did not produce "
                f"output {name.split('.', 1)[1]}")
        raise StepFailed(f"Step {step_name}: variable {{{{ {name} }}}} is not a parameter of this document")


def _render(value: Any) -> str:
    if isinstance(value, (str, Unresolved)):
        return str(value)
    return json.dumps(value, default=str)
