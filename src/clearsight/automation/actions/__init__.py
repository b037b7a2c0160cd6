"""The supported Automation actions, one module each, registered by `action:` name in ACTIONS."""

from . import approval, branch, execute_api, assert_property, script, sleep, wait_property  # noqa: F401  (registers)
from . import not_local  # noqa: F401  (last: every documented action the modules above do not run)
from .base import ACTIONS, Action, Outcome, StepContext

__all__ = ["ACTIONS", "Action", "Outcome", "StepContext"]
