"""Findings and the check registry: every check is a small function with a stable id.

A check takes one artifact (and the catalog around it) and yields Problems; the runner turns
them into Findings that name the file, the place and what to do, like cfn-lint's matches.
A check is either about what AWS enforces (or what fails at deploy or run time), which applies
to any file, or about this project's own conventions, which apply inside a catalog or with
--strict only (`conventions()`).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator


@dataclass(frozen=True)
class Finding:
    file: Path
    location: str
    check: str
    message: str
    severity: str = "error"  # error: fails at deploy or run time (exit 1); warning: worth a look

    def to_dict(self) -> dict:
        return {"file": str(self.file), "location": self.location, "check": self.check, "severity": self.severity,
                "message": self.message}

    def __str__(self) -> str:
        return f"{self.file}:{self.location}: {self.severity} {self.check} {self.message}"


@dataclass(frozen=True)
class Problem:
    """What a check yields: where (key path or 'line N') and what to do; file only when not the artifact's own."""

    location: str
    message: str
    file: Path | None = None
    check: str | None = None  # only for findings relayed under another tool's id (cfn-lint)
    severity: str | None = None  # only where it differs from the check's own


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    summary: str
    run: Callable[..., Iterator[Problem]]
    severity: str = "error"
    convention: bool = False  # this project's rule, not AWS's: only inside a catalog or with --strict


CHECKS: dict[str, Check] = {}
_CONVENTIONS = ContextVar("clearsight_validate_conventions", default=True)


def check(check_id: str, kind: str, summary: str, *, severity: str = "error", convention: bool = False):
    """Register a check under a stable id for an artifact kind ('rule', 'remediation', 'document', 'pack')."""

    def register(function):
        if check_id in CHECKS:
            raise ValueError(f"check id {check_id} registered twice")
        CHECKS[check_id] = Check(check_id, kind, summary, function, severity, convention)
        return function

    return register


@contextmanager
def conventions(enabled: bool):
    """Apply (or skip) the convention checks for the artifacts validated inside this block."""
    token = _CONVENTIONS.set(enabled)
    try:
        yield
    finally:
        _CONVENTIONS.reset(token)


def strict() -> bool:
    """True when this project's conventions apply (inside a catalog, or --strict)."""
    return _CONVENTIONS.get()


def run_checks(kind: str, file: Path, *args) -> list[Finding]:
    """Every registered check of one kind over one artifact, in id order (conventions only when strict)."""
    findings = []
    for entry in sorted((c for c in CHECKS.values() if c.kind == kind), key=lambda c: c.id):
        if entry.convention and not strict():
            continue
        for problem in entry.run(*args):
            findings.append(Finding(problem.file or file, problem.location or "-", problem.check or entry.id,
                                    problem.message, problem.severity or entry.severity))
    return findings
