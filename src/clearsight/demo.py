"""The main job on the embedded account: seed, scan, remediate what is non-compliant, scan again,
store both scans and write the dashboard."""
from pathlib import Path

from .catalog import Catalog
from .evaluate import scan
from .remediate import remediate
from .report.html import render_html
from .report.model import report_from_store
from .report.terminal import print_remediations, print_scan
from .results import open_store, scan_recording
from .sandbox import DEFAULT_REGION, embedded_account, remediation_parameters, seed_estate

DEMO_DB = Path(".clearsight") / "demo.db"  # apart from results.db: the embedded account is not yours
DEMO_DASHBOARD = Path(".clearsight") / "demo-dashboard.html"


def _remediation_order(seeded):
    """Prerequisites first (Seeded.after), then each resource before the account: an account-wide
    fix would hide which resources were exposed."""
    first = {rule for entry in seeded for rule in entry.after}
    return lambda finding: (finding.rule not in first, finding.resource_type == "AWS::::Account", finding.rule, finding.resource_id)


def _stored_scan(store, rules, session, region):
    with scan_recording(store, session, [region], rules) as recorder:
        return scan(rules, session, [region], on_result=recorder, account=recorder.accounts[0])


def _write_dashboard(store, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report_from_store(store)), encoding="utf-8")
    return path


def run_demo(catalog: Catalog, console, region: str = DEFAULT_REGION, db=DEMO_DB, dashboard=DEMO_DASHBOARD) -> int:
    """0 when every remediable finding was fixed (or, notify-only, told) and the second scan agrees; 1 otherwise.

    Both scans are stored as runs in db (kept across demos, so the trend grows) and the
    dashboard of the second, with what it fixed since the first, is written to dashboard.
    """
    with embedded_account(region) as session, open_store(db) as store:
        seeded = seed_estate(session, region)
        parameters = remediation_parameters(seeded)
        console.print(f"Embedded account (moto) seeded with {len(seeded)} resources in {region}.")
        rules = list(catalog.rules.values())
        first = _stored_scan(store, rules, session, region)
        print_scan(console, first, title="1. Scan of the embedded account")

        outcomes = []
        for finding in sorted(first.evaluations, key=_remediation_order(seeded)):
            if finding.compliance == "NON_COMPLIANT" and catalog.document_for(catalog.rule(finding.rule)):
                outcomes.append(remediate(catalog, finding.rule, finding.resource_id, session, region,
                                          parameters.get(finding.rule, {})))
        print_remediations(console, outcomes)

        second = _stored_scan(store, rules, session, region)
        print_scan(console, second, title="3. Scan after remediation")
        written = _write_dashboard(store, Path(dashboard))
        console.print("4. Both scans are stored as runs; the report and the dashboard of the second:")
        # a command and a path to copy: never folded
        console.print(f"   clearsight report --db {db}\n   Dashboard: {written.resolve()}", soft_wrap=True)
    notified = {rule.name for rule in rules if (document := catalog.document_for(rule)) and document.notify_only}
    fixed = all(o.fixed or (o.rule in notified and o.execution.status == "Success") for o in outcomes)
    return 0 if outcomes and fixed and not second.errors else 1
