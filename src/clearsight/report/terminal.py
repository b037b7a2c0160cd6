"""Scan and remediation results for the terminal: errors listed apart, never as results.

A wide terminal gets tables, one row per evaluation. Below WIDE columns a table's free-text
cells shrink to a few characters and every annotation becomes a column of fragments, so
narrow terminals get the same content grouped instead: a heading per rule, one line per
resource, and the annotation wrapped on its own indented lines.
"""
import json

from rich.console import Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..remediate import would_change

STYLES = {"COMPLIANT": "green", "NON_COMPLIANT": "bold red", "NOT_APPLICABLE": "dim"}
WIDE = 120  # columns from which tables read well (rule names alone take up to 46)
INDENT = 4


def _wide(console) -> bool:
    return console.width >= WIDE


def _compliance(value: str) -> Text:
    return Text(value, style=STYLES.get(value, ""))


def _indented(text, style="") -> Padding:
    return Padding(Text(text, style=style), (0, 0, 0, INDENT), expand=False)


def _grouped(title, items, heading, line, detail):
    """title, then per heading(item) a rule line, each item's line and its detail indented below."""
    parts, current = [Text(title, style="bold")], None
    for item in items:
        if heading(item) != current:
            current = heading(item)
            parts.append(Rule(current, align="left", style="dim"))
        parts.append(line(item))
        if detail(item):
            parts.append(_indented(detail(item)))
    return Group(*parts)


def evaluations_table(result, title="Evaluations"):
    many_accounts = len({e.account for e in result.evaluations}) > 1
    table = Table(title=title, show_lines=False)
    table.add_column("Rule", no_wrap=True)
    if many_accounts:
        table.add_column("Account", no_wrap=True)
    table.add_column("Region", no_wrap=True)
    table.add_column("Resource", overflow="fold")
    table.add_column("Compliance", no_wrap=True)
    table.add_column("Annotation", overflow="fold", ratio=1)
    for e in result.evaluations:
        style = STYLES.get(e.compliance, "")
        account = [e.account] if many_accounts else []
        table.add_row(e.rule, *account, e.region, e.resource_id, f"[{style}]{e.compliance}[/]", e.annotation)
    return table


def evaluations_grouped(result, title="Evaluations"):
    many_accounts = len({e.account for e in result.evaluations}) > 1

    def line(e):
        where = f"  {e.account} {e.region}" if many_accounts else f"  {e.region}"
        return Text.assemble(_compliance(f"{e.compliance:<15}"), e.resource_id, (where, "dim"))

    return _grouped(title, result.evaluations, heading=lambda e: e.rule, line=line, detail=lambda e: e.annotation)


ERRORS_TITLE = "Errors (these rules could not look: no result is reported for them)"


def errors_table(result):
    table = Table(title=ERRORS_TITLE)
    for column in ("Rule", "Account", "Region", "Message"):
        table.add_column(column, overflow="fold")
    for e in result.errors:
        table.add_row(e.rule, e.account, e.region, f"[red]{e.message}[/]")
    return table


def errors_grouped(result):
    return _grouped(ERRORS_TITLE, result.errors, heading=lambda e: e.rule,
                    line=lambda e: Text(f"{e.region}  account {e.account}", style="red"), detail=lambda e: e.message)


def print_scan(console, result, title="Evaluations"):
    wide = _wide(console)
    console.print(evaluations_table(result, title) if wide else evaluations_grouped(result, title))
    if result.errors:
        console.print(errors_table(result) if wide else errors_grouped(result))
    counts = {}
    for e in result.evaluations:
        counts[e.compliance] = counts.get(e.compliance, 0) + 1
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) or "no evaluations"
    console.print(f"{summary}; {len(result.errors)} error(s)")


def state(value, reason: str = "") -> Text:
    """What the rule said of the resource: its compliance, its error, or that it did not report it (and why)."""
    if value is None:
        return Text(f"not reported{f' ({reason})' if reason else ''}", style="dim")
    if hasattr(value, "compliance"):
        return _compliance(value.compliance)
    return Text(f"error: {value.message}", style="red")


def outcome_line(outcome) -> Text:
    """before -> after; a dry run has no after: it says what a real run would change."""
    line = Text.assemble(f"{outcome.rule} {outcome.resource_id}: ", state(outcome.before, outcome.unreported_reason))
    if outcome.execution.dry_run:
        changes = [f"{service} {operation}" for service, operation, _ in would_change(outcome.execution)]
        return line.append(f"; dry run, would change: {', '.join(changes)}" if changes
                           else "; dry run: a real run would change nothing")
    if outcome.execution.status == "Cancelled":
        return line.append("; the run was cancelled (Ctrl-C) and not evaluated again")
    return line.append(" -> ").append_text(state(outcome.after, outcome.unreported_reason))


def _step_detail(step) -> str:
    """Why a step failed (or what it noted), then what its script printed, as the SSM console shows."""
    return "\n".join(part for part in (step.failure_message or step.note, step.console.rstrip()) if part)


def _steps_table(execution, title):
    table = Table(title=title)
    for column in ("Step", "Action", "Status", "Seconds"):
        table.add_column(column, no_wrap=True)
    table.add_column("Detail", overflow="fold", ratio=1)
    for step in execution.steps:
        seconds = f"{step.duration:.2f}" if step.duration is not None else ""
        table.add_row(step.name, step.action, step.status, seconds, Text(_step_detail(step)))
    return table


def _steps_grouped(execution, title):
    def line(step):
        seconds = f"  {step.duration:.2f}s" if step.duration is not None else ""
        return Text.assemble((f"{step.status:<10}", "red" if step.status == "Failed" else ""), step.name,
                             (f"  {step.action}{seconds}", "dim"))

    return _grouped(title, execution.steps, heading=lambda _: "Steps", line=line, detail=_step_detail)


def print_execution(console, execution, title):
    """A run's steps as the SSM console shows them (with what scripts printed), then its failure."""
    mode = " (dry run)" if execution.dry_run else ""
    title = f"{title}{mode}: {execution.status}"
    console.print(_steps_table(execution, title) if _wide(console) else _steps_grouped(execution, title))
    if execution.dry_run:
        changes = would_change(execution)
        console.print("Changes this run would make (not sent):" if changes else "No change: a real run would only read.")
        for service, operation, params in changes:
            console.print(f"  {service} {operation} {json.dumps(params, default=str, sort_keys=True)}", markup=False)
    if execution.failure_message:
        console.print(Text(execution.failure_message, style="red"))


def print_remediation(console, outcome):
    """The document's steps as the SSM console shows them, then before -> after."""
    print_execution(console, outcome.execution, f"{outcome.document} on {outcome.resource_id}")
    console.print(outcome_line(outcome))


REMEDIATIONS_TITLE = "2. Remediations (local Automation engine, step by step)"


def remediations_table(outcomes):
    table = Table(title=REMEDIATIONS_TITLE)
    for column in ("Rule", "Resource", "Document", "Execution", "Steps", "Before -> after"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        table.add_row(o.rule, o.resource_id, o.document, o.execution.status, str(len(o.execution.steps)),
                      Text.assemble(state(o.before, o.unreported_reason), " -> ", state(o.after, o.unreported_reason)))
    return table


def remediations_grouped(outcomes):
    return _grouped(
        REMEDIATIONS_TITLE, outcomes, heading=lambda o: o.rule,
        line=lambda o: Text.assemble(o.resource_id, ": ", state(o.before, o.unreported_reason), " -> ", state(o.after, o.unreported_reason)),
        detail=lambda o: f"{o.document}: {o.execution.status}, {len(o.execution.steps)} steps",
    )


def print_remediations(console, outcomes):
    console.print(remediations_table(outcomes) if _wide(console) else remediations_grouped(outcomes))
