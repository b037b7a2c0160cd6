"""The report as CSV: one row per evaluation, then one per error, for spreadsheets and SIEMs.

Errors are rows with compliance ERROR and the message as annotation, so a filter on the
compliance column never mistakes a rule that could not look for one that passed.
"""
import csv
import io

COLUMNS = ("run_id", "rule", "account", "region", "resource_type", "resource_id", "compliance", "annotation",
           "since_last_run")


def _changes(report) -> dict:
    """(rule, account, region, resource_type, resource_id) -> the since_last_run list it is in."""
    return {
        (e["rule"], e["account"], e["region"], e["resource_type"], e["resource_id"]): change
        for change in ("newly_non_compliant", "fixed", "new")
        for e in report["since_last_run"][change]
    }


def render_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    run_id = report["run"]["id"]
    changes = _changes(report)
    for e in report["evaluations"]:
        key = (e["rule"], e["account"], e["region"], e["resource_type"], e["resource_id"])
        writer.writerow(dict(e, run_id=run_id, since_last_run=changes.get(key, "")))
    for e in report["errors"]:
        writer.writerow({"run_id": run_id, "rule": e["rule"], "account": e["account"], "region": e["region"],
                         "compliance": "ERROR", "annotation": e["message"]})
    return out.getvalue()
