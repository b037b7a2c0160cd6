"""Per-invocation stdout capture, safe across threads.

rdklib and rules print (rdklib prints every error response it builds). stdout is the report,
so while a rule runs, whatever it prints goes to that invocation's buffer instead. print()
writes to the process-wide sys.stdout, so a router stands in for it while any capture is
active and sends each write to the buffer of the context that made it (contextvars: one per
thread in a scan), or to the real stdout when that context captures nothing.
"""
from __future__ import annotations

import contextvars
import io
import sys
import threading
from contextlib import contextmanager

_buffer = contextvars.ContextVar("clearsight_stdout_buffer", default=None)
_lock = threading.Lock()
_active = 0
_router = None


class _Router:
    """Not a TextIOBase: every attribute but write and flush is the real stream's (isatty, encoding, fileno)."""

    def __init__(self, real):
        self.real = real

    def write(self, text):
        buffer = _buffer.get()
        return (buffer or self.real).write(text)

    def flush(self):
        if _buffer.get() is None:
            self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


@contextmanager
def captured_stdout():
    """Yield a StringIO that receives what this context prints while the block runs."""
    global _active, _router
    buffer = io.StringIO()
    with _lock:
        if _active == 0 or sys.stdout is not _router:
            _router = _Router(sys.stdout)
            sys.stdout = _router
        _active += 1
    token = _buffer.set(buffer)
    try:
        yield buffer
    finally:
        _buffer.reset(token)
        with _lock:
            _active -= 1
            if _active == 0 and sys.stdout is _router:
                sys.stdout = _router.real
