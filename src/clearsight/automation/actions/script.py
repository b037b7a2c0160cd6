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
import io
import json
import sys
import threading
import traceback
import types
from typing import Any

import boto3

from ..awsapi import normalize
from ..errors import StepFailed, StepTimedOut, WouldChange
from ..selectors import collect_outputs
from .base import Action, Outcome, StepContext, literal, register
from .spec import PYTHON_SCRIPT_RUNTIMES, runtime_problem


class _RunSession:
    """The session a script gets from boto3.Session(): the caller's credentials, in the run's region
    (AWS's script sandbox has the run's region in its environment)."""

    def __init__(self, session, region: str):
        self._session, self.region_name = session, region

    def client(self, service_name, *args, **kwargs):
        kwargs.setdefault("region_name", self.region_name)
        return self._session.client(service_name, *args, **kwargs)

    def resource(self, service_name, *args, **kwargs):
        kwargs.setdefault("region_name", self.region_name)
        return self._session.resource(service_name, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._session, name)


class _SessionBoto3(types.ModuleType):
    """boto3 as the script sees it: bound to the run's session; everything else is real boto3."""

    def __init__(self, session, region: str):
        super().__init__("boto3")
        self._run = _RunSession(session, region)
        self.client, self.resource = self._run.client, self._run.resource
        self.session = types.ModuleType("boto3.session")  # boto3.session.Session() as well
        self.session.Session = self.Session

    def Session(self, *args, **kwargs):  # noqa: N802 (boto3's name)
        return self._run if not args and not kwargs else boto3.Session(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(boto3, name)


def _script_globals(session, region: str, filename: str, console: io.StringIO) -> dict:
    """The script's namespace: boto3 bound to the run's session, print() into the step's record."""
    bound = _SessionBoto3(session, region)

    def import_(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "boto3" and level == 0:
            return bound
        return builtins.__import__(name, globals, locals, fromlist, level)

    def print_(*args, **kwargs):
        kwargs["file"] = console if kwargs.get("file") in (None, sys.stdout) else kwargs["file"]
        builtins.print(*args, **kwargs)

    return {"__builtins__": {**vars(builtins), "__import__": import_, "print": print_}, "__name__": "__main__",
            "__file__": filename}


def _failure(error: BaseException, filename: str) -> str:
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    where = f" (script line {lines[-1]})" if lines else ""
    return f"{type(error).__name__}: {error}{where}"


def _runtime_problem(runtime: str) -> str | None:
    """Why the local engine cannot run this Runtime: AWS refuses it, or it is PowerShell."""
    if runtime in PYTHON_SCRIPT_RUNTIMES:
        return None
    return runtime_problem(runtime) or f"{runtime!r} scripts do not run locally: only {', '.join(PYTHON_SCRIPT_RUNTIMES)}"


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
        if literal(runtime) and _runtime_problem(runtime):
            raise step.error("inputs.Runtime", _runtime_problem(runtime))
        if not isinstance(step.inputs.get("Script"), str):
            raise step.error("inputs.Script", "missing: only inline Scripts run locally (Attachment is not supported)")
        try:
            compile(step.inputs["Script"], step.where, "exec")
        except SyntaxError as error:
            raise step.error("inputs.Script", f"does not compile: {error.msg} (line {error.lineno})") from None

    def run(self, ctx: StepContext) -> Outcome:
        if _runtime_problem(str(ctx.inputs["Runtime"])):
            raise StepFailed(_runtime_problem(str(ctx.inputs["Runtime"])))
        unresolved = ctx.unresolved_outputs()
        if ctx.previewing:
            return Outcome(outputs=unresolved, note="dry run: script not run (an earlier change was skipped)")
        console = io.StringIO()
        try:
            payload = self._call_handler(ctx, console)
        except WouldChange as change:
            return Outcome(outputs=unresolved, note=f"dry run: script would call {change} (not sent); it stopped there",
                           console=console.getvalue())
        except StepFailed as error:
            error.console = console.getvalue()
            raise
        data = {"Payload": payload}
        outputs = collect_outputs(ctx.step.outputs, data)
        outputs["OutputPayload"] = json.dumps(data)
        return Outcome(outputs=outputs, console=console.getvalue())

    def _call_handler(self, ctx: StepContext, console: io.StringIO) -> Any:
        filename = f"<script {ctx.step.name}>"
        events = ctx.inputs.get("InputPayload") or {}
        context = {"automation:EXECUTION_ID": ctx.execution_id, "global:REGION": ctx.api.region}
        result: dict[str, Any] = {}

        def target() -> None:
            guard = ctx.api.read_only() if ctx.dry_run else contextlib.nullcontext()
            try:
                with guard:
                    namespace = _script_globals(ctx.api.session, ctx.api.region, filename, console)
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
