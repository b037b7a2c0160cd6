"""Findings and the check registry: every check is a small function with a stable id.

A check takes one artifact (and the catalog around it) and yields Problems; the runner turns
them into Findings that name the file, the place and what to do, like cfn-lint's matches.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator


@dataclass(frozen=True)
class Finding:
    file: Path
    location: str
    check: str
    message: str

    def to_dict(self) -> dict:
        return {"file": str(self.file), "location": self.location, "check": self.check, "message": self.message}

    def __str__(self) -> str:
        return f"{self.file}:{self.location}: {self.check} {self.message}"


@dataclass(frozen=True)
class Problem:
    """What a check yields: where (key path or 'line N') and what to do; file only when not the artifact's own."""

    location: str
    message: str
    file: Path | None = None
    check: str | None = None  # only for findings relayed under another tool's id (cfn-lint)


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    summary: str
    run: Callable[..., Iterator[Problem]]


CHECKS: dict[str, Check] = {}


def check(check_id: str, kind: str, summary: str):
    """Register a check under a stable id for an artifact kind ('rule', 'remediation', 'document', 'pack')."""

    def register(function):
        if check_id in CHECKS:
            raise ValueError(f"check id {check_id} registered twice")
        CHECKS[check_id] = Check(check_id, kind, summary, function)
        return function

    return register


def run_checks(kind: str, file: Path, *args) -> list[Finding]:
    """Every registered check of one kind over one artifact, in id order."""
    findings = []
    for entry in sorted((c for c in CHECKS.values() if c.kind == kind), key=lambda c: c.id):
        for problem in entry.run(*args):
            findings.append(Finding(problem.file or file, problem.location or "-", problem.check or entry.id, problem.message))
    return findings
