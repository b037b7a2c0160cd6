"""aws:pause and aws:approve: a local run has nobody to resume or approve it, so the caller's
`approve=True` stands in for the signal; without it the step fails and says how to continue.
A dry run passes them, as if approved, to show what would follow."""

from __future__ import annotations

from ..errors import StepFailed
from .base import Action, Outcome, StepContext, register


@register
class Pause(Action):
    name = "aws:pause"

    def run(self, ctx: StepContext) -> Outcome:
        if not (ctx.approve or ctx.dry_run):
            raise StepFailed("aws:pause waits for a Resume signal a local run cannot receive; "
                             "run again with approve=True (CLI: --approve) to continue past it")
        return Outcome(note="dry run: would pause" if ctx.dry_run else "resumed (approve=True)")


@register
class Approve(Action):
    name = "aws:approve"
    required_inputs = ("Approvers",)
    implicit_outputs = frozenset({"ApprovalStatus", "ApproverDecisions", "Approver"})

    def run(self, ctx: StepContext) -> Outcome:
        request = f"approval from {ctx.inputs['Approvers']}: {ctx.inputs.get('Message', '(no message)')}"
        if not (ctx.approve or ctx.dry_run):
            raise StepFailed(f"aws:approve needs {request}; run again with approve=True (CLI: --approve) "
                             "to approve it locally")
        outputs = {"ApprovalStatus": "Approved", "ApproverDecisions": [], "Approver": "local caller (approve=True)"}
        return Outcome(outputs=outputs, note=f"dry run: would need {request}" if ctx.dry_run else "approved (approve=True)")
