"""The report in a terminal: counts as narrow tables, findings as text that wraps at 80 columns."""
from itertools import groupby

from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from .model import COMPLIANCE, run_name

STYLES = {"COMPLIANT": "green", "NON_COMPLIANT": "bold red", "NOT_APPLICABLE": "dim", "errors": "yellow"}
HEADERS = {"COMPLIANT": "OK", "NON_COMPLIANT": "Non-compl.", "NOT_APPLICABLE": "N/A", "errors": "Errors"}
CHANGES = (("newly_non_compliant", "newly non-compliant"), ("fixed", "fixed"), ("new", "new"), ("gone", "gone"))


def _counts_table(title: str, rows: list[dict], field: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(field.replace("_", " ").capitalize(), overflow="fold", ratio=1)
    columns = [*COMPLIANCE, "errors"] if field != "resource_type" else list(COMPLIANCE)  # errors name no resource
    for column in columns:
        table.add_column(HEADERS[column], justify="right", no_wrap=True)
    for row in rows:
        table.add_row(escape(row[field]), *(f"[{STYLES[c]}]{row[c]}[/]" if row[c] else "0" for c in columns))
    return table


def _indented(console, text: str, indent: int, style: str = "") -> None:
    """Text folded at the terminal's width, every line of it indented (a hanging indent)."""
    console.print(Padding(text, (0, 0, 0, indent)), style=style)


def _by_rule(console, entries, describe, indent: int = 1) -> None:
    """Entries grouped under their rule: the resource, then what describe(entry) says of it."""
    for rule, group in groupby(entries, key=lambda e: e["rule"]):
        _indented(console, f"[bold]{escape(rule)}[/]", indent)
        for e in group:
            where = f"[dim]({e['account']}, {e['region']})[/]"
            _indented(console, f"{escape(e['resource_id'])} {where}" if "resource_id" in e else where, indent + 2)
            detail, style = describe(e)
            if detail:
                _indented(console, escape(detail), indent + 4, style)


def print_report(console, report: dict) -> None:
    run = report["run"]
    state = "complete" if run["complete"] else "[yellow]INCOMPLETE: the scan stopped before the end[/]"
    console.print(f"[bold]{run_name(run)}[/] ({state}), started {run['started']}, clearsight {run['version']}")
    console.print(f"Accounts {', '.join(run['accounts']) or 'none'}; regions {', '.join(run['regions']) or 'none'}; "
                  f"{len(run['rules'])} rules")
    summary = report["summary"]
    console.print(", ".join(f"[{STYLES[c]}]{summary[c]} {c}[/]" for c in COMPLIANCE) + f"; {summary['errors']} error(s)")
    for field in ("rule", "account", "region", "resource_type"):
        console.print(_counts_table(f"By {field.replace('_', ' ')}", report[f"by_{field}"], field))

    findings = [e for e in report["evaluations"] if e["compliance"] == "NON_COMPLIANT"]
    console.print(f"\n[bold]Non-compliant resources ({len(findings)})[/]")
    _by_rule(console, findings, lambda e: (e["annotation"], "dim"))
    if report["errors"]:
        console.print(f"\n[bold]Errors: rules that could not look ({len(report['errors'])})[/]")
        _by_rule(console, report["errors"], lambda e: (e["message"], "yellow"))

    previous = report["previous_run"]
    if run["id"] is None:
        return  # read from AWS Config: no stored run to compare with
    if previous is None:
        console.print("\nSince the last run: no earlier complete run of the same accounts, regions and rules.")
        return
    changes = report["since_last_run"]
    console.print(f"\n[bold]Since run {previous['id']}[/] (started {previous['started']})")
    console.print(" " + ", ".join(f"{len(changes[key])} {label}" for key, label in CHANGES))
    for key, label in CHANGES:
        if changes[key]:
            console.print(f" {label.capitalize()} ({len(changes[key])})")
            _by_rule(console, changes[key], lambda e: ("", ""), indent=3)
