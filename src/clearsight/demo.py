"""The main job on the embedded account: seed an estate, scan it, show the result."""
from .catalog import Catalog
from .evaluate import scan
from .report.terminal import print_scan
from .sandbox import DEFAULT_REGION, embedded_account, seed_estate


def run_demo(catalog: Catalog, console, region: str = DEFAULT_REGION) -> int:
    with embedded_account(region) as session:
        seeded = seed_estate(session, region)
        console.print(f"Embedded account (moto) seeded with {len(seeded)} resources in {region}.")
        result = scan(list(catalog.rules.values()), session, [region])
        print_scan(console, result, title="Scan of the embedded account")
    return 0
