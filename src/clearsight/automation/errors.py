"""Errors the engine raises to its caller, and the two it raises to itself.

DocumentError and ParameterError reach the user before any API call is made, so
their messages name the file/step/field or parameter and say what would fix it.
StepFailed and StepTimedOut never leave the engine: they end one attempt of a step.
"""


class DocumentError(ValueError):
    """The document cannot be run as written (malformed, unknown action, bad reference)."""


class ParameterError(ValueError):
    """A runtime parameter is missing, unknown, of the wrong type or disallowed."""


class StepFailed(Exception):
    """One attempt of a step failed; the message becomes the step's FailureMessage."""

    console: str = ""  # what a failed script printed before it failed


class StepTimedOut(StepFailed):
    """One attempt of a step ran past its timeoutSeconds."""


class WouldChange(Exception):
    """Dry run: a script tried a call that could change the account; it was not sent."""

    def __init__(self, service: str, operation: str):
        super().__init__(f"{service} {operation}")
        self.service, self.operation = service, operation
