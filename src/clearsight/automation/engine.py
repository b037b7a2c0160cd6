"""Control flow of one automation run: step order, attempts, timeouts, onFailure/onCancel, status.

Semantics follow the Systems Manager user guide (automation-actions.html, common properties):
- a step is retried until it succeeds or `maxAttempts` attempts have failed; `timeoutSeconds`
  bounds each attempt (actions that wait or run code honour it);
- after success: `isEnd` ends the run, else an aws:branch choice, else `nextStep`, else the next
  step in the list;
- after failure: `isEnd` ends the run; `onFailure` Abort (default) stops, Continue goes on as
  after success, step:NAME jumps; `isCritical` (default true, false when onFailure is Continue)
  decides whether the failure makes the whole run Failed (or TimedOut);
- a KeyboardInterrupt cancels the running step; `onCancel: step:NAME` then runs that step and
  what follows it, and the run ends Cancelled.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from .actions import ACTIONS, Outcome, StepContext
from .awsapi import ApiCaller
from .document import Document, Step, load_document
from .errors import ParameterError, StepFailed, StepTimedOut
from .execution import Execution, StepExecution
from .parameters import validate
from .variables import SystemVariables, Unresolved, Variables

MAX_STEP_EXECUTIONS = 1000  # a document whose jumps loop forever fails instead of hanging


def run_document(document: Document | str | dict, parameters: dict[str, Any] | None, session, *,
                 region: str | None = None, dry_run: bool = False, approve: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> Execution:
    """Run `document` against the account behind `session`; parameters are checked before any call.

    dry_run sends no call that could change anything, and otherwise follows the real path for as
    long as the account looks as it would in a real run, i.e. until its first skipped change:
    reads (executeAwsApi Get/Describe/List/Head, asserts, waits) are sent and their failures are
    real failures (onFailure applies); scripts run with a guard that lets reads through and stops
    the script at its first write, which is logged unsent. Every skipped call is checked by
    botocore's validator and logged in `api_calls`. After the first skipped change the run is a
    preview: asserts, waits and scripts are shown, not run; outputs of skipped calls stay as
    their `{{ Step.Output }}` reference, and a branch on one ends the dry run there.
    sts GetCallerIdentity is sent if the document uses {{ global:ACCOUNT_ID }}; approvals pass.
    """
    if not isinstance(document, Document):
        document = load_document(document)
    region = region or session.region_name
    if not region:
        raise ParameterError("no region: pass region= or give the session a default region")
    values = validate(document.parameters, parameters or {}, read_parameter=_parameter_store(session, region))
    started = datetime.now(timezone.utc)
    execution = Execution(execution_id=str(uuid.uuid4()), document_name=document.name, parameters=values,
                          start=started, dry_run=dry_run, declared_outputs=document.outputs)
    with ApiCaller(session, region) as api:
        execution.api_calls = api.calls
        variables = Variables(values, SystemVariables(session, region, execution.execution_id, started))
        _Run(document, execution, variables, api, dry_run, approve, sleep).run()
    return execution


class _Run:
    """One pass through the document's steps, writing into `execution`."""

    def __init__(self, document, execution, variables, api, dry_run, approve, sleep):
        self.document, self.execution, self.variables, self.api = document, execution, variables, api
        self.dry_run, self.approve, self.sleep = dry_run, approve, sleep

    def run(self) -> None:
        steps = self.document.steps
        index: int | None = 0
        cancelled: StepExecution | None = None
        failure: tuple[str, str] | None = None  # (run status, message) from the first critical failure
        while index is not None and index < len(steps):
            if len(self.execution.steps) >= MAX_STEP_EXECUTIONS:
                failure = failure or ("Failed", f"more than {MAX_STEP_EXECUTIONS} step executions: the "
                                                "document's jumps loop")
                break
            step = steps[index]
            record, outcome = self._run_step(step)
            self.execution.steps.append(record)
            if outcome is not None:
                index = None if (outcome.end or step.is_end) else self._after_success(step, outcome, index)
            elif record.status == "Cancelled":
                jump = step.on_cancel.startswith("step:") and not cancelled  # a second cancel stops at once
                index = self.document.index(step.on_cancel[5:]) if jump else None
                cancelled = cancelled or record
            else:
                if step.is_critical and failure is None:
                    failure = ("TimedOut" if record.status == "TimedOut" else "Failed",
                               f"Step {step.name} {record.status}: {record.failure_message}")
                index = None if step.is_end else self._after_failure(step, index)
        self._finish(cancelled, failure)

    def _after_success(self, step: Step, outcome: Outcome, index: int) -> int:
        target = outcome.next_step or step.next_step
        return self.document.index(target) if target else index + 1

    def _after_failure(self, step: Step, index: int) -> int | None:
        if step.on_failure == "Abort":
            return None
        if step.on_failure == "Continue":
            return self.document.index(step.next_step) if step.next_step else index + 1
        return self.document.index(step.on_failure[5:])

    def _run_step(self, step: Step) -> tuple[StepExecution, Outcome | None]:
        action = ACTIONS[step.action]
        record = StepExecution(
            name=step.name, action=step.action, step_execution_id=str(uuid.uuid4()), start=_now(),
            max_attempts=step.max_attempts, timeout_seconds=step.timeout_seconds, on_failure=step.on_failure,
            is_end=step.is_end, is_critical=step.is_critical)
        outcome = None
        try:
            record.inputs = self._inputs(step, action)
        except StepFailed as error:
            record.status, record.failure_message = "Failed", str(error)
        else:
            outcome = self._attempts(step, action, record)
        record.end = _now()
        return record, outcome

    def _inputs(self, step: Step, action) -> dict[str, Any]:
        templated = {key: value for key, value in step.inputs.items() if key not in action.raw_inputs}
        inputs = self.variables.resolve(templated, step.name)
        inputs.update({key: value for key, value in step.inputs.items() if key in action.raw_inputs})
        return inputs

    def _attempts(self, step: Step, action, record: StepExecution) -> Outcome | None:
        timeouts = [t for t in (step.timeout_seconds or action.default_timeout, action.max_timeout) if t]
        for attempt in range(1, step.max_attempts + 1):
            record.attempts = attempt
            context = StepContext(step=step, inputs=record.inputs, api=self.api, dry_run=self.dry_run,
                                  approve=self.approve, sleep=self.sleep, timeout=min(timeouts, default=None),
                                  execution_id=self.execution.execution_id)
            try:
                outcome = action.run(context)
            except KeyboardInterrupt:
                record.status, record.failure_message = "Cancelled", "Cancelled by the caller (KeyboardInterrupt)"
                return None
            except StepTimedOut as error:
                record.status, record.failure_message = "TimedOut", str(error)
            except StepFailed as error:
                record.status, record.failure_message, record.console = "Failed", str(error), error.console
            except Exception as error:  # noqa: BLE001 (an action's unexpected error fails its step, not the run)
                record.status, record.failure_message = "Failed", f"{type(error).__name__}: {error}"
            else:
                record.status, record.failure_message = "Success", None
                record.outputs, record.note, record.console = outcome.outputs, outcome.note, outcome.console
                self.variables.set_outputs(step.name, outcome.outputs)
                return outcome
            if step.max_attempts > 1:
                record.failure_message += f" (attempt {attempt} of {step.max_attempts})"
        return None

    def _finish(self, cancelled: StepExecution | None, failure: tuple[str, str] | None) -> None:
        execution = self.execution
        for name in self.document.outputs:
            if self.variables.has(name) and not isinstance(self.variables.get(name), Unresolved):
                execution.outputs[name] = self.variables.get(name)
        if cancelled:
            execution.status = "Cancelled"
            execution.failure_message = f"Cancelled during step {cancelled.name}"
        elif failure:
            execution.status, execution.failure_message = failure
        else:
            execution.status = "Success"
        execution.end = _now()


def _parameter_store(session, region: str) -> Callable[[str], str]:
    """How a '{{ssm:/name}}' default is read: GetParameter in the run's account, as Automation does."""

    def read(name: str) -> str:
        client = session.client("ssm", region_name=region)
        return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]

    return read


def _now() -> datetime:
    return datetime.now(timezone.utc)
