"""Documented actions the local engine does not run (aws:createStack, aws:runCommand ...).

AWS accepts a document that uses them, so the engine does too: the document loads, its other
steps run, and only a step that is reached fails, naming the action. A dry run shows the step.
"""

from __future__ import annotations

from ..errors import StepFailed
from .base import ACTIONS, Action, Outcome, StepContext
from .spec import SPECS


class NotLocal(Action):
    """One documented action without a local implementation."""

    def __init__(self, name: str):
        spec = SPECS[name]
        self.name = name
        self.required_inputs = spec.required
        self.implicit_outputs = frozenset(spec.outputs)

    def run(self, ctx: StepContext) -> Outcome:
        if ctx.dry_run:
            return Outcome(outputs=ctx.unresolved_outputs(), note=f"dry run: {self.name} does not run locally")
        raise StepFailed(f"{self.name} does not run in the local engine (it needs AWS-side machinery: stacks, "
                         "instances, other executions); run the document in AWS, or branch around this step locally")


for _name in SPECS:
    ACTIONS.setdefault(_name, NotLocal(_name))
