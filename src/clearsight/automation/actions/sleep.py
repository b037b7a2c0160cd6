"""aws:sleep: wait for an ISO 8601 Duration (PT5S, PT1H30M, P1D) or until a Timestamp.

automation-action-sleep.html: "Automation supports a maximum delay of 604799 seconds (7 days)";
a longer delay fails (a literal Duration already when the document is loaded, a Timestamp when the
step runs, since its delay depends on when that is).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..errors import StepFailed, StepTimedOut
from .base import Action, Outcome, StepContext, literal, register

MAX_DELAY = 604799
DURATION = re.compile(r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?")


def duration_seconds(text: str) -> float:
    match = DURATION.fullmatch(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"Duration {text!r} is not ISO 8601 like PT5S, PT10M or P1D")
    parts = {key: float(value or 0) for key, value in match.groupdict().items()}
    return _within_limit(parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"], f"Duration {text}")


def seconds_until(text: str) -> float:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"Timestamp {text!r} is not ISO 8601 like 2030-01-01T00:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def _within_limit(seconds: float, what: str) -> float:
    if seconds > MAX_DELAY:
        raise ValueError(f"{what} is a delay of {seconds:g}s, over Automation's maximum delay of {MAX_DELAY} seconds "
                         "(7 days); split the wait or shorten it")
    return seconds


@register
class Sleep(Action):
    name = "aws:sleep"

    def check(self, step) -> None:
        given = [key for key in ("Duration", "Timestamp") if key in step.inputs]
        if len(given) != 1:
            raise step.error("inputs", "needs exactly one of Duration or Timestamp")
        value = step.inputs[given[0]]
        if literal(value):
            try:
                duration_seconds(value) if given[0] == "Duration" else seconds_until(value)
            except ValueError as error:
                raise step.error(f"inputs.{given[0]}", str(error)) from None

    def run(self, ctx: StepContext) -> Outcome:
        try:
            if "Duration" in ctx.inputs:
                seconds = duration_seconds(ctx.inputs["Duration"])
            else:
                seconds = _within_limit(seconds_until(ctx.inputs["Timestamp"]), f"Timestamp {ctx.inputs['Timestamp']}")
        except ValueError as error:
            raise StepFailed(str(error)) from None
        if ctx.dry_run:
            return Outcome(note=f"dry run: would sleep {seconds:g}s")
        if ctx.timeout is not None and seconds > ctx.timeout:
            ctx.sleep(ctx.timeout)
            raise StepTimedOut(f"Sleep of {seconds:g}s exceeds timeoutSeconds {ctx.timeout:g}")
        ctx.sleep(seconds)
        return Outcome(note=f"slept {seconds:g}s")
