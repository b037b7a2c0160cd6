"""aws:branch: the first Choice whose condition holds names the next step; else Default.

When no choice matches and there is no Default, the automation goes on with the next step in
the list, as the aws:branch reference says ("If no default value is specified, the automation
processes the next step in the runbook").
In a dry run, a choice on a value no call produced cannot be decided: the run stops there.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from ..errors import StepFailed
from ..variables import contains_unresolved
from .base import Action, Outcome, StepContext, register


def _string(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise StepFailed(f"aws:branch: {value!r} is not a number") from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise StepFailed(f"aws:branch: {value!r} is not a Boolean")


def _contains(variable: Any, value: Any) -> bool:
    if isinstance(variable, list):
        return _string(value) in [_string(item) for item in variable]
    return _string(value) in _string(variable)


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    return lambda variable, value: compare(_number(variable), _number(value))


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "StringEquals": lambda v, x: _string(v) == _string(x),
    "EqualsIgnoreCase": lambda v, x: _string(v).lower() == _string(x).lower(),
    "StartsWith": lambda v, x: _string(v).startswith(_string(x)),
    "EndsWith": lambda v, x: _string(v).endswith(_string(x)),
    "Contains": _contains,
    "NumericEquals": _numeric(operator.eq),
    "NumericGreater": _numeric(operator.gt),
    "NumericLesser": _numeric(operator.lt),
    "NumericGreaterOrEquals": _numeric(operator.ge),
    "NumericLesserOrEquals": _numeric(operator.le),
    "BooleanEquals": lambda v, x: _boolean(v) == _boolean(x),
}


class _Undecidable(Exception):
    """A dry-run condition on a value that no call produced."""


def _holds(condition: dict, dry_run: bool) -> bool:
    if "And" in condition:
        return all(_holds(item, dry_run) for item in condition["And"])
    if "Or" in condition:
        return any(_holds(item, dry_run) for item in condition["Or"])
    if "Not" in condition:
        return not _holds(condition["Not"], dry_run)
    variable = condition["Variable"]
    (name,) = [key for key in condition if key in OPERATORS]
    for side in (variable, condition[name]):
        if dry_run and contains_unresolved(side):
            raise _Undecidable(str(side))
    return OPERATORS[name](variable, condition[name])


def _check_condition(step, condition: Any, where: str) -> None:
    if not isinstance(condition, dict):
        raise step.error(where, "must be a mapping")
    keys = set(condition) - {"NextStep"}
    for nesting in ("And", "Or"):
        if nesting in keys:
            items = condition[nesting]
            if keys != {nesting} or not isinstance(items, list) or not items:
                raise step.error(where, f"{nesting} must be the only condition and a non-empty list")
            for number, item in enumerate(items):
                _check_condition(step, item, f"{where}.{nesting}[{number}]")
            return
    if "Not" in keys:
        if keys != {"Not"}:
            raise step.error(where, "Not must be the only condition")
        _check_condition(step, condition["Not"], f"{where}.Not")
        return
    operators = keys & set(OPERATORS)
    if "Variable" not in keys or len(operators) != 1 or keys != {"Variable"} | operators:
        raise step.error(where, "needs Variable and exactly one operator "
                                f"({', '.join(OPERATORS)}), or And/Or/Not; got {sorted(keys)}")


@register
class Branch(Action):
    name = "aws:branch"
    required_inputs = ("Choices",)

    def check(self, step) -> None:
        choices = step.inputs["Choices"]
        if not isinstance(choices, list) or not choices:
            raise step.error("inputs.Choices", "must be a non-empty list")
        for number, choice in enumerate(choices):
            where = f"inputs.Choices[{number}]"
            _check_condition(step, choice, where)
            if not isinstance(choice.get("NextStep"), str):
                raise step.error(where, "needs NextStep naming a step")

    def jump_targets(self, step) -> list[tuple[str, str]]:
        targets = [(f"inputs.Choices[{n}].NextStep", c["NextStep"]) for n, c in enumerate(step.inputs["Choices"])]
        if "Default" in step.inputs:
            targets.append(("inputs.Default", step.inputs["Default"]))
        return targets

    def run(self, ctx: StepContext) -> Outcome:
        for number, choice in enumerate(ctx.inputs["Choices"]):
            try:
                if _holds(choice, ctx.dry_run):
                    return Outcome(next_step=choice["NextStep"], note=f"Choices[{number}] matched")
            except _Undecidable as unknown:
                return Outcome(end=True, note=f"dry run: Choices[{number}] depends on {unknown}, "
                                              "which only a real run produces; dry run stops here")
        if "Default" in ctx.inputs:
            return Outcome(next_step=ctx.inputs["Default"], note="no choice matched; Default")
        return Outcome(note="no choice matched and no Default: next step in the list")
