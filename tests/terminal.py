"""Start a command as a terminal would, with Ctrl-C (SIGINT) at its default.

A process started in the background by a non-interactive shell inherits SIGINT ignored, and
Python then installs no KeyboardInterrupt handler: a test that sends SIGINT would wait on a
command that never hears it. The launcher restores the default and execs the command in place
(same pid), so the tests see the same process a user's terminal would start.
"""
import sys

_LAUNCHER = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"


def as_from_a_terminal(command: list[str]) -> list[str]:
    return [sys.executable, "-c", _LAUNCHER, *command]
