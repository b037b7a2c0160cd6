"""Loading an Automation document (schemaVersion 0.3) and the static checks needed to run it.

Everything that can be wrong with the document itself is reported here, before any API call,
as a DocumentError naming the file, the step and the field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import sources
from .actions import ACTIONS
from .errors import DocumentError
from .parameters import declaration_problem
from .selectors import OUTPUT_TYPES, compile_path
from .variables import SYSTEM_VARIABLES, references

STEP_NAME = re.compile(r"[a-zA-Z0-9_]+")
STEP_KEYS = ("name", "action", "description", "inputs", "outputs", "maxAttempts", "timeoutSeconds",
             "onFailure", "onCancel", "nextStep", "isEnd", "isCritical")


@dataclass(frozen=True)
class Step:
    name: str
    action: str
    inputs: dict
    outputs: tuple[dict, ...]
    max_attempts: int
    timeout_seconds: int | None
    on_failure: str
    on_cancel: str
    next_step: str | None
    is_end: bool
    is_critical: bool
    where: str

    def error(self, field: str, message: str) -> DocumentError:
        return DocumentError(f"{self.where}, field {field}: {message}")


@dataclass(frozen=True)
class Document:
    name: str
    source: str
    description: str
    parameters: dict[str, dict]
    steps: tuple[Step, ...]
    outputs: tuple[str, ...]

    def index(self, step_name: str) -> int:
        return next(i for i, step in enumerate(self.steps) if step.name == step_name)


def load_document(source: str | os.PathLike | dict, *, name: str | None = None) -> Document:
    """Parse a path, YAML/JSON text or an already-parsed dict, and check it can run."""
    content, origin, default_name = _read(source)
    if not isinstance(content, dict):
        raise DocumentError(f"{origin}: the document must be a mapping with schemaVersion and mainSteps")
    if str(content.get("schemaVersion")) != "0.3":
        raise DocumentError(f"{origin}, field schemaVersion: Automation documents need '0.3', "
                            f"got {content.get('schemaVersion')!r}")
    parameters = content.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise DocumentError(f"{origin}, field parameters: must be a mapping of name to declaration")
    for key, spec in parameters.items():
        problem = declaration_problem(spec)
        if problem:
            raise DocumentError(f"{origin}, field parameters.{key}: {problem}")
    raw_steps = content.get("mainSteps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DocumentError(f"{origin}, field mainSteps: must be a non-empty list of steps")
    steps = tuple(_step(raw, index, origin) for index, raw in enumerate(raw_steps))
    outputs = content.get("outputs") or []
    if not isinstance(outputs, list):
        raise DocumentError(f"{origin}, field outputs: must be a list of Step.Output names, got {outputs!r}")
    document = Document(
        name=name or default_name, source=origin, description=str(content.get("description") or ""),
        parameters=parameters, steps=steps, outputs=tuple(outputs))
    _check_graph(document)
    _check_references(document, content.get("assumeRole"))
    return document


def _read(source: Any) -> tuple[Any, str, str]:
    if isinstance(source, dict):
        return source, "<document>", "LocalDocument"
    path = Path(source) if isinstance(source, os.PathLike) else None
    if isinstance(source, str) and "\n" not in source and (
            source.endswith((".yaml", ".yml", ".json")) or os.path.exists(source)):
        path = Path(source)
    try:
        if path is not None:
            return sources.read(path)[0], str(path), path.stem
        return sources.parse(source), "<document>", "LocalDocument"
    except sources.SourceError as error:
        raise DocumentError(f"{path or '<document>'}: {error}") from None


def _flag(raw: dict, key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise DocumentError(f"{where}, field {key}: must be true or false, got {value!r}")
    return value


def _positive(raw: dict, key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise DocumentError(f"{where}, field {key}: must be a positive integer, got {value!r}")
    return value


def _step(raw: Any, index: int, origin: str) -> Step:
    if not isinstance(raw, dict):
        raise DocumentError(f"{origin}: mainSteps[{index}]: must be a mapping with name, action and inputs, got {raw!r}")
    name = raw.get("name")
    where = f"{origin}: step {name!r} (mainSteps[{index}])"
    if not isinstance(name, str) or not STEP_NAME.fullmatch(name):
        raise DocumentError(f"{where}, field name: must match [a-zA-Z0-9_]+")
    unknown = sorted(set(raw) - set(STEP_KEYS))
    if unknown:
        raise DocumentError(f"{where}: unknown field(s) {', '.join(unknown)} (step fields: {', '.join(STEP_KEYS)})")
    action = ACTIONS.get(raw.get("action"))
    if action is None:
        raise DocumentError(f"{where}, field action: not an Automation action: {raw.get("action")!r} "
                            f"(supported: {', '.join(sorted(ACTIONS))})")
    inputs = raw.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise DocumentError(f"{where}, field inputs: must be a mapping")
    outputs = raw.get("outputs") or []
    if not isinstance(outputs, list):
        raise DocumentError(f"{where}, field outputs: must be a list of {{Name, Selector, Type}}, got {outputs!r}")
    if raw.get("nextStep") is not None and not isinstance(raw["nextStep"], str):
        raise DocumentError(f"{where}, field nextStep: must be a step name (a string), got {raw['nextStep']!r}")
    on_failure = str(raw.get("onFailure", "Abort"))
    on_cancel = str(raw.get("onCancel", "Abort"))
    for key, value, allowed in (("onFailure", on_failure, ("Abort", "Continue")), ("onCancel", on_cancel, ("Abort",))):
        if value not in allowed and not (value.startswith("step:") and len(value) > 5):
            raise DocumentError(f"{where}, field {key}: {value!r} is not {', '.join(allowed)} or step:NAME")
    step = Step(
        name=name, action=raw["action"], inputs=inputs, outputs=tuple(outputs),
        max_attempts=_positive(raw, "maxAttempts", where) or 1,
        timeout_seconds=_positive(raw, "timeoutSeconds", where),
        on_failure=on_failure, on_cancel=on_cancel, next_step=raw.get("nextStep"),
        is_end=_flag(raw, "isEnd", False, where),
        # automation-actions.html: isCritical defaults to false when onFailure is Continue.
        is_critical=_flag(raw, "isCritical", on_failure != "Continue", where),
        where=where)
    for key in action.required_inputs:
        if key not in inputs:
            raise step.error(f"inputs.{key}", f"required by {step.action}")
    for number, output in enumerate(step.outputs):
        _check_output(step, output, f"outputs[{number}]")
    action.check(step)
    return step


def _check_output(step: Step, output: Any, field: str) -> None:
    if not isinstance(output, dict) or not {"Name", "Selector", "Type"} <= set(output):
        raise step.error(field, "needs Name, Selector and Type")
    if output["Type"] not in OUTPUT_TYPES:
        raise step.error(f"{field}.Type", f"{output['Type']!r} is not one of {', '.join(OUTPUT_TYPES)}")
    try:
        compile_path(output["Selector"])
    except ValueError as error:
        raise step.error(f"{field}.Selector", str(error)) from None


def _check_graph(document: Document) -> None:
    names = [step.name for step in document.steps]
    for step in document.steps:
        if names.count(step.name) > 1:
            raise step.error("name", "is used by more than one step")
        targets = [("nextStep", step.next_step)] if step.next_step is not None else []
        targets += [(key, value[5:]) for key, value in (("onFailure", step.on_failure), ("onCancel", step.on_cancel))
                    if value.startswith("step:")]
        targets += ACTIONS[step.action].jump_targets(step)
        for field, target in targets:
            if target not in names:
                raise step.error(field, f"names step {target!r}, which is not in mainSteps")


def _check_references(document: Document, assume_role: Any) -> None:
    """Every `{{ X }}` must name a parameter, a step's output or a system variable."""
    declared = {
        step.name: {o["Name"] for o in step.outputs} | ACTIONS[step.action].implicit_outputs
        for step in document.steps
    }

    def problem(name: str) -> str | None:
        if name in SYSTEM_VARIABLES or name in document.parameters:
            return None
        if name.startswith("ssm:"):
            return (f"{{{{ {name} }}}} is a Parameter Store reference, which the local engine does not resolve: "
                    "declare a parameter for the value, use {{ ThatParameter }} here and pass the value when running")
        if "." not in name:
            return f"{{{{ {name} }}}} is not a parameter of this document"
        step_name, output = name.split(".", 1)
        if step_name not in declared:
            return f"{{{{ {name} }}}} refers to step {step_name!r}, which is not in mainSteps"
        if output not in declared[step_name]:
            return f"{{{{ {name} }}}}: step {step_name} has no output {output!r}"
        return None

    for step in document.steps:
        raw = ACTIONS[step.action].raw_inputs
        for name in references({k: v for k, v in step.inputs.items() if k not in raw}):
            if problem(name):
                raise step.error("inputs", problem(name))
    for name in references(assume_role):
        if problem(name):
            raise DocumentError(f"{document.source}, field assumeRole: {problem(name)}")
    for name in document.outputs:
        if "." not in str(name) or problem(str(name)):
            raise DocumentError(f"{document.source}, field outputs: {name!r} is not a Step.Output of this document")
