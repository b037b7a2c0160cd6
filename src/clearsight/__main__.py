"""`python -m clearsight` and the `clearsight` command.

Ctrl-C at any moment, during the imports too, ends the program with exit 130 and one line on
stderr, never a traceback: the imports happen here, inside the guard.
"""
import signal
import sys

INTERRUPTED = 130


def interrupted():
    """One line on stderr and exit 130; a second Ctrl-C while threads wind down ends at once."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stderr.write("clearsight: interrupted (Ctrl-C); nothing further was run\n")
    raise SystemExit(INTERRUPTED)


def run():
    try:
        from .cli import main

        main()
    except KeyboardInterrupt:
        interrupted()


if __name__ == "__main__":
    run()
