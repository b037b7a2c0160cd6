"""Scan results as rich tables: one row per evaluation, errors listed apart, never as results."""
import json

from rich.table import Table

from ..automation.awsapi import is_read_only

STYLES = {"COMPLIANT": "green", "NON_COMPLIANT": "bold red", "NOT_APPLICABLE": "dim"}


def evaluations_table(result, title="Evaluations"):
    table = Table(title=title, show_lines=False)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Region", no_wrap=True)
    table.add_column("Resource", overflow="fold")
    table.add_column("Compliance", no_wrap=True)
    table.add_column("Annotation", overflow="fold", ratio=1)
    for e in result.evaluations:
        style = STYLES.get(e.compliance, "")
        table.add_row(e.rule, e.region, e.resource_id, f"[{style}]{e.compliance}[/]", e.annotation)
    return table


def errors_table(result):
    table = Table(title="Errors (these rules could not look: no result is reported for them)")
    for column in ("Rule", "Account", "Region", "Message"):
        table.add_column(column, overflow="fold")
    for e in result.errors:
        table.add_row(e.rule, e.account, e.region, f"[red]{e.message}[/]")
    return table


def print_scan(console, result, title="Evaluations"):
    console.print(evaluations_table(result, title))
    if result.errors:
        console.print(errors_table(result))
    counts = {}
    for e in result.evaluations:
        counts[e.compliance] = counts.get(e.compliance, 0) + 1
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) or "no evaluations"
    console.print(f"{summary}; {len(result.errors)} error(s)")


def _state(value):
    if value is None:
        return "[dim]not reported[/]"
    if hasattr(value, "compliance"):
        return f"[{STYLES.get(value.compliance, '')}]{value.compliance}[/]"
    return f"[red]error: {value.message}[/]"


def print_remediation(console, outcome):
    """The document's steps as the SSM console shows them, then before -> after."""
    execution = outcome.execution
    mode = " (dry run)" if execution.dry_run else ""
    table = Table(title=f"{outcome.document} on {outcome.resource_id}{mode}: {execution.status}")
    for column in ("Step", "Action", "Status", "Seconds"):
        table.add_column(column, no_wrap=True)
    table.add_column("Detail", overflow="fold", ratio=1)
    for step in execution.steps:
        seconds = f"{step.duration:.2f}" if step.duration is not None else ""
        table.add_row(step.name, step.action, step.status, seconds, step.failure_message or step.note or "")
    console.print(table)
    if execution.dry_run:
        changes = [(service, operation, params) for service, operation, params in execution.api_calls
                   if not is_read_only(operation)]
        console.print("Changes this run would make (not sent):" if changes else "No change: a real run would only read.")
        for service, operation, params in changes:
            console.print(f"  {service} {operation} {json.dumps(params, default=str, sort_keys=True)}", markup=False)
    if execution.failure_message:
        console.print(f"[red]{execution.failure_message}[/]")
    console.print(f"{outcome.rule} {outcome.resource_id}: {_state(outcome.before)} -> {_state(outcome.after)}")
