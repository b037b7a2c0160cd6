"""aws:executeScript (Python): run Handler(events, context) from the inline Script, in process.

`import boto3` inside the script yields a boto3 whose client()/resource()/Session() use the
caller's session and region, so the script acts on the same account as every other step. It is
done with the script's own `__builtins__.__import__`, so no global state is touched and runs in
other threads are unaffected. The handler runs in a worker thread so timeoutSeconds can end the
step; a timed-out script thread is abandoned (Python cannot kill it), as AWS abandons its sandbox.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import threading
import traceback
import types
from typing import Any

import boto3

from ..awsapi import normalize
from ..errors import StepFailed, StepTimedOut, WouldChange
from ..selectors import collect_outputs
from .base import Action, Outcome, StepContext, literal, register

RUNTIMES = frozenset(f"python3.{minor}" for minor in range(8, 14))


class _SessionBoto3(types.ModuleType):
    """boto3 as the script sees it: bound to the run's session; everything else is real boto3."""

    def __init__(self, session, region: str):
        super().__init__("boto3")
        self._session, self._region = session, region

    def client(self, service_name, *args, **kwargs):
        kwargs.setdefault("region_name", self._region)
        return self._session.client(service_name, *args, **kwargs)

    def resource(self, service_name, *args, **kwargs):
        kwargs.setdefault("region_name", self._region)
        return self._session.resource(service_name, *args, **kwargs)

    def Session(self, *args, **kwargs):  # noqa: N802 (boto3's name)
        return self._session if not args and not kwargs else boto3.Session(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(boto3, name)


def _script_globals(session, region: str, filename: str) -> dict:
    bound = _SessionBoto3(session, region)

    def import_(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "boto3" and level == 0:
            return bound
        return builtins.__import__(name, globals, locals, fromlist, level)

    return {"__builtins__": {**vars(builtins), "__import__": import_}, "__name__": "__main__", "__file__": filename}


def _failure(error: BaseException, filename: str) -> str:
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    where = f" (script line {lines[-1]})" if lines else ""
    return f"{type(error).__name__}: {error}{where}"


def _runtime_problem(runtime: str) -> str:
    return (f"{runtime!r} cannot run here: use one of {', '.join(sorted(RUNTIMES, key=lambda r: int(r[8:])))} "
            "(AWS recommends python3.11; PowerShell runtimes are not supported)")


@register
class ExecuteScript(Action):
    name = "aws:executeScript"
    required_inputs = ("Runtime", "Handler")
    implicit_outputs = frozenset({"OutputPayload"})
    raw_inputs = frozenset({"Script"})  # code, not a template: pass values in through InputPayload
    default_timeout = 600.0
    max_timeout = 600.0

    def check(self, step) -> None:
        runtime = step.inputs["Runtime"]
        if literal(runtime) and runtime not in RUNTIMES:
            raise step.error("inputs.Runtime", _runtime_problem(runtime))
        if not isinstance(step.inputs.get("Script"), str):
            raise step.error("inputs.Script", "missing: only inline Scripts run locally (Attachment is not supported)")
        try:
            compile(step.inputs["Script"], step.where, "exec")
        except SyntaxError as error:
            raise step.error("inputs.Script", f"does not compile: {error.msg} (line {error.lineno})") from None

    def run(self, ctx: StepContext) -> Outcome:
        if ctx.inputs["Runtime"] not in RUNTIMES:
            raise StepFailed(_runtime_problem(str(ctx.inputs["Runtime"])))
        unresolved = ctx.unresolved_outputs()
        if ctx.previewing:
            return Outcome(outputs=unresolved, note="dry run: script not run (an earlier change was skipped)")
        try:
            payload = self._call_handler(ctx)
        except WouldChange as change:
            return Outcome(outputs=unresolved, note=f"dry run: script would call {change} (not sent); it stopped there")
        data = {"Payload": payload}
        outputs = collect_outputs(ctx.step.outputs, data)
        outputs["OutputPayload"] = json.dumps(data)
        return Outcome(outputs=outputs)

    def _call_handler(self, ctx: StepContext) -> Any:
        filename = f"<script {ctx.step.name}>"
        events = ctx.inputs.get("InputPayload") or {}
        context = {"automation:EXECUTION_ID": ctx.execution_id, "global:REGION": ctx.api.region}
        result: dict[str, Any] = {}

        def target() -> None:
            guard = ctx.api.read_only() if ctx.dry_run else contextlib.nullcontext()
            try:
                with guard:
                    namespace = _script_globals(ctx.api.session, ctx.api.region, filename)
                    exec(compile(ctx.inputs["Script"], filename, "exec"), namespace)  # noqa: S102 (the point)
                    handler = namespace.get(ctx.inputs["Handler"])
                    if not callable(handler):
                        raise NameError(f"Handler {ctx.inputs['Handler']!r} is not a function defined in Script")
                    result["payload"] = normalize(handler(events, context))
            except BaseException as error:  # noqa: BLE001 (any script failure fails the step)
                result["error"] = error
            if ctx.dry_run and ctx.api.blocked():
                # the script stopped (or should have) at its first write, whatever it did with the exception
                result["error"] = ctx.api.blocked()

        worker = threading.Thread(target=target, name=filename, daemon=True)
        worker.start()
        worker.join(ctx.timeout)
        if worker.is_alive():
            raise StepTimedOut(f"Script did not finish within {ctx.timeout:g}s")
        if isinstance(result.get("error"), WouldChange):
            raise result["error"]
        if "error" in result:
            raise StepFailed(_failure(result["error"], filename))
        return result["payload"]
