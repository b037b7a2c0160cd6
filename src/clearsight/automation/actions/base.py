"""What every action is given and gives back, and the registry that maps `action:` to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from ..variables import Unresolved

if TYPE_CHECKING:
    from ..awsapi import ApiCaller
    from ..document import Step


@dataclass
class StepContext:
    """One attempt of one step: its resolved inputs and the run's facilities."""

    step: "Step"
    inputs: dict[str, Any]
    api: "ApiCaller"
    dry_run: bool
    approve: bool
    sleep: Callable[[float], None]
    timeout: float | None
    execution_id: str

    @property
    def previewing(self) -> bool:
        """A dry run past its first skipped change: reads no longer show what a real run would see."""
        return self.dry_run and self.api.diverged

    def unresolved_outputs(self) -> dict[str, Any]:
        """Dry run: every output of a step that did not really run (declared and the action's own),
        each left as its `{{ Step.Output }}` reference."""
        names = [o["Name"] for o in self.step.outputs] + sorted(ACTIONS[self.step.action].implicit_outputs)
        return {name: Unresolved(f"{self.step.name}.{name}") for name in names}


@dataclass
class Outcome:
    """A successful attempt: its outputs, an optional jump (aws:branch) and a note for the log."""

    outputs: dict[str, Any] = field(default_factory=dict)
    next_step: str | None = None
    note: str | None = None
    end: bool = False
    console: str = ""  # what a script printed


class Action:
    """Base for one Automation action. Subclasses set `name` and implement `run`."""

    name: ClassVar[str]
    required_inputs: ClassVar[tuple[str, ...]] = ()
    implicit_outputs: ClassVar[frozenset[str]] = frozenset()
    raw_inputs: ClassVar[frozenset[str]] = frozenset()  # passed as written, never `{{ }}`-resolved
    default_timeout: ClassVar[float | None] = None
    max_timeout: ClassVar[float | None] = None

    def check(self, step: "Step") -> None:
        """Static checks beyond the required inputs; raise DocumentError via `step.error`."""

    def jump_targets(self, step: "Step") -> list[tuple[str, str]]:
        """(field, step name) pairs this step may jump to, so the document can check they exist."""
        return []

    def run(self, ctx: StepContext) -> Outcome:
        raise NotImplementedError


ACTIONS: dict[str, Action] = {}


def register(cls: type[Action]) -> type[Action]:
    ACTIONS[cls.name] = cls()
    return cls


def literal(value: Any) -> bool:
    """True for a plain string input with no `{{ }}` in it: only those can be checked statically."""
    return isinstance(value, str) and "{{" not in value


__all__ = ["ACTIONS", "Action", "Outcome", "StepContext", "literal", "register"]
