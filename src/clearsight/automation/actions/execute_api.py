"""aws:executeAwsApi: one AWS call; the remaining inputs are its parameters, outputs by Selector."""

from __future__ import annotations

from ..awsapi import check_operation, is_read_only
from ..errors import StepFailed
from ..selectors import collect_outputs
from ..variables import contains_unresolved
from .base import Action, Outcome, StepContext, literal, register


class AwsApiAction(Action):
    """Shared by the three actions that name a call with Service + Api + its parameters."""

    required_inputs = ("Service", "Api")
    control_inputs: tuple[str, ...] = ("Service", "Api")

    def check(self, step) -> None:
        service, api = step.inputs["Service"], step.inputs["Api"]
        if literal(service) and literal(api):
            problem = check_operation(service, api)
            if problem:
                raise step.error("inputs.Api", problem)

    def request(self, inputs: dict) -> tuple[str, str, dict]:
        params = {key: value for key, value in inputs.items() if key not in self.control_inputs}
        return inputs["Service"], inputs["Api"], params


@register
class ExecuteAwsApi(AwsApiAction):
    name = "aws:executeAwsApi"

    def run(self, ctx: StepContext) -> Outcome:
        service, api, params = self.request(ctx.inputs)
        if ctx.dry_run and (not is_read_only(api, service) or contains_unresolved(params)):
            ctx.api.would_call(service, api, params, validate=not contains_unresolved(params))
            return Outcome(outputs=ctx.unresolved_outputs(), note=f"dry run: {service} {api} not sent")
        try:
            return Outcome(outputs=collect_outputs(ctx.step.outputs, ctx.api.call(service, api, params)))
        except StepFailed as error:
            if not ctx.previewing:
                raise  # before any skipped change, a failed read is what the real run would meet
            # A read after writes the dry run skipped sees the account as it is now: its failure
            # says nothing about the real run, so its outputs stay unresolved.
            return Outcome(outputs=ctx.unresolved_outputs(), note=f"dry run: {service} {api} read failed "
                                                               f"before the skipped changes ({error})")
