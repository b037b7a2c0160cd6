"""The main job on the embedded account: seed, scan, remediate what is non-compliant, scan again."""
from rich.table import Table

from .catalog import Catalog
from .evaluate import scan
from .remediate import remediate
from .report.terminal import STYLES, print_scan
from .sandbox import DEFAULT_REGION, embedded_account, remediation_parameters, seed_estate


def _remediations_table(outcomes):
    table = Table(title="2. Remediations (local Automation engine, step by step)")
    for column in ("Rule", "Resource", "Document", "Execution", "Steps", "Before -> after"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        after = getattr(o.after, "compliance", "error")
        table.add_row(o.rule, o.resource_id, o.document, o.execution.status, str(len(o.execution.steps)),
                      f"{o.before.compliance} -> [{STYLES.get(after, 'red')}]{after}[/]")
    return table


def _account_level_last(finding):
    """Fix each resource first: an account-wide fix would hide which resources were exposed."""
    return (finding.resource_type == "AWS::::Account", finding.rule, finding.resource_id)


def run_demo(catalog: Catalog, console, region: str = DEFAULT_REGION) -> int:
    """0 when every remediable finding was fixed and the second scan agrees; 1 otherwise."""
    with embedded_account(region) as session:
        seeded = seed_estate(session, region)
        parameters = remediation_parameters(seeded)
        console.print(f"Embedded account (moto) seeded with {len(seeded)} resources in {region}.")
        rules = list(catalog.rules.values())
        first = scan(rules, session, [region])
        print_scan(console, first, title="1. Scan of the embedded account")

        outcomes = []
        for finding in sorted(first.evaluations, key=_account_level_last):
            if finding.compliance == "NON_COMPLIANT" and catalog.document_for(catalog.rule(finding.rule)):
                outcomes.append(remediate(catalog, finding.rule, finding.resource_id, session, region,
                                          parameters.get(finding.rule, {})))
        console.print(_remediations_table(outcomes))

        second = scan(rules, session, [region])
        print_scan(console, second, title="3. Scan after remediation")
    return 0 if outcomes and all(o.fixed for o in outcomes) and not second.errors else 1
