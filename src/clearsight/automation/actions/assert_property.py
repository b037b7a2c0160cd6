"""aws:assertAwsResourceProperty: one read; the step fails unless the selected property is desired.

Comparison follows AWS: values compare as text, Booleans as True/False (AWS asks for capitals),
and when the selector yields a list every element must be one of DesiredValues.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import StepFailed
from ..selectors import NOT_FOUND, compile_path, select
from ..variables import contains_unresolved
from .base import Outcome, StepContext, literal, register
from .execute_api import AwsApiAction


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def property_state(response: dict, selector: str, desired: list) -> tuple[bool, str]:
    """(matches, what was found) for a PropertySelector against DesiredValues."""
    value = select(response, selector)
    if value is NOT_FOUND or value == []:
        return False, f"PropertySelector {selector} matched nothing"
    wanted = {_text(item) for item in desired}
    values = value if isinstance(value, list) else [value]
    found = [_text(item) for item in values]
    shown = found[0] if len(found) == 1 and not isinstance(value, list) else found
    return all(item in wanted for item in found), f"{selector} is {shown}, desired one of {sorted(wanted)}"


class PropertyAction(AwsApiAction):
    required_inputs = ("Service", "Api", "PropertySelector", "DesiredValues")
    control_inputs = required_inputs

    def check(self, step) -> None:
        super().check(step)
        selector, desired = step.inputs["PropertySelector"], step.inputs["DesiredValues"]
        if literal(selector):
            try:
                compile_path(selector)
            except ValueError as error:
                raise step.error("inputs.PropertySelector", str(error)) from None
        if not isinstance(desired, list) or not desired:
            raise step.error("inputs.DesiredValues", "must be a non-empty list")

    def dry_run(self, ctx: StepContext, verb: str) -> Outcome:
        service, api, params = self.request(ctx.inputs)
        ctx.api.would_call(service, api, params, validate=not contains_unresolved(params))
        return Outcome(note=f"dry run: would {verb} {ctx.inputs['PropertySelector']} "
                            f"in {ctx.inputs['DesiredValues']} with {service} {api} (not sent)")


@register
class AssertAwsResourceProperty(PropertyAction):
    name = "aws:assertAwsResourceProperty"

    def run(self, ctx: StepContext) -> Outcome:
        if ctx.previewing:
            return self.dry_run(ctx, "assert")
        service, api, params = self.request(ctx.inputs)
        matched, state = property_state(
            ctx.api.call(service, api, params), ctx.inputs["PropertySelector"], ctx.inputs["DesiredValues"])
        if not matched:
            raise StepFailed(f"Assertion failed: {state}")
        return Outcome(note=state)
