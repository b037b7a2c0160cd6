"""The record of a run, shaped like SSM GetAutomationExecution so a user recognises it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .awsapi import normalize

NO_OUTPUT = "No output available yet because the step is not successfully executed"


@dataclass
class StepExecution:
    name: str
    action: str
    step_execution_id: str
    start: datetime
    status: str = "InProgress"  # Success | Failed | TimedOut | Cancelled
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    end: datetime | None = None
    failure_message: str | None = None
    attempts: int = 0
    note: str | None = None
    console: str = ""  # what an aws:executeScript step printed, as SSM shows it with the step
    max_attempts: int = 1
    timeout_seconds: int | None = None
    on_failure: str = "Abort"
    is_end: bool = False
    is_critical: bool = True

    @property
    def duration(self) -> float | None:
        return (self.end - self.start).total_seconds() if self.end else None

    def to_dict(self) -> dict[str, Any]:
        record = {
            "StepName": self.name,
            "Action": self.action,
            "StepExecutionId": self.step_execution_id,
            "StepStatus": self.status,
            "ExecutionStartTime": self.start.isoformat(),
            "ExecutionEndTime": self.end.isoformat() if self.end else None,
            "Inputs": {key: _json(value) for key, value in self.inputs.items()},
            "Outputs": {key: _strings(value) for key, value in self.outputs.items()},
            "MaxAttempts": self.max_attempts,
            "OnFailure": self.on_failure,
            "IsEnd": self.is_end,
            "IsCritical": self.is_critical,
            "Attempts": self.attempts,
        }
        if self.timeout_seconds is not None:
            record["TimeoutSeconds"] = self.timeout_seconds
        if self.failure_message:
            record["FailureMessage"] = self.failure_message
        if self.note:
            record["Response"] = self.note
        if self.console:
            record["ScriptOutput"] = self.console
        return record


@dataclass
class Execution:
    execution_id: str
    document_name: str
    parameters: dict[str, Any]
    start: datetime
    dry_run: bool = False
    status: str = "InProgress"  # Success | Failed | TimedOut | Cancelled
    steps: list[StepExecution] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    declared_outputs: tuple[str, ...] = ()
    end: datetime | None = None
    failure_message: str | None = None
    api_calls: list[tuple[str, str, dict]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        record = {
            "AutomationExecutionId": self.execution_id,
            "DocumentName": self.document_name,
            "AutomationExecutionStatus": self.status,
            "ExecutionStartTime": self.start.isoformat(),
            "ExecutionEndTime": self.end.isoformat() if self.end else None,
            "StepExecutions": [step.to_dict() for step in self.steps],
            "StepExecutionsTruncated": False,
            "Parameters": {key: _strings(value) for key, value in self.parameters.items()},
            "Outputs": {name: _strings(self.outputs[name]) if name in self.outputs else [NO_OUTPUT]
                        for name in self.declared_outputs},
            "Mode": "Auto",
            "DryRun": self.dry_run,
        }
        if self.failure_message:
            record["FailureMessage"] = self.failure_message
        return record


def _json(value: Any) -> str:
    """Step inputs appear in SSM as JSON text."""
    return json.dumps(normalize(value))


def _strings(value: Any) -> list[str]:
    """Parameters and outputs appear in SSM as lists of strings."""
    items = normalize(value if isinstance(value, list) else [value])
    return [item if isinstance(item, str) else json.dumps(item) for item in items]
