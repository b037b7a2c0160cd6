"""The supported Automation actions, one module each, registered by `action:` name in ACTIONS."""

from . import approval, branch, execute_api, assert_property, script, sleep, wait_property  # noqa: F401  (registers)
from .base import ACTIONS, Action, Outcome, StepContext

__all__ = ["ACTIONS", "Action", "Outcome", "StepContext"]
