"""aws:waitForAwsResourceProperty: poll a read until the property is desired or the step times out.

Time is counted as the sum of the injected sleeps, never the wall clock, so a fake sleep makes
waits instant and deterministic.
"""

from __future__ import annotations

from ..errors import StepTimedOut
from .assert_property import PropertyAction, property_state
from .base import Outcome, StepContext, register

POLL_SECONDS = 5.0


@register
class WaitForAwsResourceProperty(PropertyAction):
    name = "aws:waitForAwsResourceProperty"
    default_timeout = 3600.0

    def run(self, ctx: StepContext) -> Outcome:
        if ctx.previewing:
            return self.dry_run(ctx, "wait until")
        service, api, params = self.request(ctx.inputs)
        elapsed = 0.0
        while True:
            matched, state = property_state(
                ctx.api.call(service, api, params), ctx.inputs["PropertySelector"], ctx.inputs["DesiredValues"])
            if matched:
                return Outcome(note=f"{state} (after {elapsed:g}s)")
            if elapsed >= ctx.timeout:
                raise StepTimedOut(f"Timed out after {elapsed:g}s waiting: {state}")
            pause = min(POLL_SECONDS, ctx.timeout - elapsed)
            ctx.sleep(pause)
            elapsed += pause
