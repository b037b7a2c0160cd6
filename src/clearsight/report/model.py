"""One report, many formats: the JSON contract every format (table, csv, html) renders.

A report is one run's evaluations and errors, counted per compliance overall and by rule,
account, region and resource type, plus what changed since the previous complete run of the
same scope (same accounts, regions and rules) and the trend across those runs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict

COMPLIANCE = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
CHANGES = ("newly_non_compliant", "fixed", "new", "gone")


class ReportError(Exception):
    """No report can be made as asked; the message says why and what to do."""


class UnknownRunError(ReportError):
    """The run asked for is not in the store (a usage error)."""


def run_name(run: dict) -> str:
    """"Run 3", or where a report read from AWS Config has no stored run."""
    return f"Run {run['id']}" if run["id"] is not None else "AWS Config"


def _key(evaluation):
    return (evaluation.rule, evaluation.account, evaluation.region, evaluation.resource_type, evaluation.resource_id)


def _counts(counter: Counter, with_errors: bool = True) -> dict:
    counts = {compliance: counter[compliance] for compliance in COMPLIANCE}
    if with_errors:
        counts["errors"] = counter["errors"]
    return counts


def _grouped(evaluations, errors, field: str) -> list[dict]:
    """Counts per value of field; errors count where they carry the field (not resource_type)."""
    groups: dict[str, Counter] = {}
    for evaluation in evaluations:
        groups.setdefault(getattr(evaluation, field), Counter())[evaluation.compliance] += 1
    with_errors = field != "resource_type"
    if with_errors:
        for error in errors:
            groups.setdefault(getattr(error, field), Counter())["errors"] += 1
    return [{field: name, **_counts(groups[name], with_errors)} for name in sorted(groups)]


def since_last_run(current, previous, errors) -> dict:
    """Resources whose state changed between the previous run and this one.

    A resource missing now is "gone" only if its rule did look in that account and region:
    when the rule errored there, its resources are unknown, not gone.
    """
    before = {_key(e): e for e in previous}
    now = {_key(e): e for e in current}
    blind = {(e.rule, e.account, e.region) for e in errors}
    both = [(before[key], e) for key, e in now.items() if key in before]
    return {
        "newly_non_compliant": [asdict(e) for old, e in both
                                if e.compliance == "NON_COMPLIANT" and old.compliance != "NON_COMPLIANT"],
        "fixed": [asdict(e) for old, e in both if old.compliance == "NON_COMPLIANT" and e.compliance != "NON_COMPLIANT"],
        "new": [asdict(e) for key, e in now.items() if key not in before],
        "gone": [asdict(e) for key, e in before.items() if key not in now and key[:3] not in blind],
    }


def build_report(run, evaluations, errors, previous=None, previous_evaluations=(), trend=None) -> dict:
    """The report document (README: `clearsight report --format json`).

    run and previous are results.Run (or None for previous); trend is [(Run, counts)] of the
    complete runs of the same scope, oldest first (default: this run alone).
    """
    totals = Counter(e.compliance for e in evaluations)
    totals["errors"] = len(errors)
    return {
        "run": run.to_dict(),
        "previous_run": previous.to_dict() if previous else None,
        "summary": _counts(totals),
        "by_rule": _grouped(evaluations, errors, "rule"),
        "by_account": _grouped(evaluations, errors, "account"),
        "by_region": _grouped(evaluations, errors, "region"),
        "by_resource_type": _grouped(evaluations, errors, "resource_type"),
        "evaluations": [asdict(e) for e in evaluations],
        "errors": [asdict(e) for e in errors],
        "since_last_run": since_last_run(evaluations, previous_evaluations, errors) if previous else {c: [] for c in CHANGES},
        "trend": [{"id": r.id, "started": r.started, **_counts(Counter(counts))} for r, counts in (trend or [(run, totals)])],
    }


def report_from_store(store, run_id: int | None = None) -> dict:
    """The report of one stored run (default: the latest complete run)."""
    if run_id is None:
        run = store.latest_complete()
        if run is None:
            runs = store.runs()
            hint = (f"; run {runs[-1].id} is incomplete (the scan was stopped): pass --run {runs[-1].id} to see what it "
                    "stored" if runs else "; run `clearsight scan` first")
            raise ReportError(f"{store.path}: no complete run{hint}")
    else:
        run = store.run(run_id)
        if run is None:
            known = ", ".join(str(r.id) for r in store.runs()) or "none"
            raise UnknownRunError(f"{store.path}: no run {run_id} (runs stored: {known})")
    previous = store.previous(run)
    history = store.history(run) if run.complete else [*store.history(run), run]
    return build_report(
        run, store.evaluations(run.id), store.errors(run.id), previous,
        store.evaluations(previous.id) if previous else (),
        [(r, store.counts(r.id)) for r in history],
    )
