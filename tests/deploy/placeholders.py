"""Values for the Remediation parameters the catalog ships with the placeholder account."""
import yaml

from clearsight.catalog import load_catalog
from clearsight.packs import Builder, load_manifest

PLACEHOLDER, ACCOUNT = "111122223333", "123456789012"
MANAGED_ONLY = {"description": "AWS managed rules only: no Lambda, no remediation.",
                "rules": [{"managed": "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED"}, {"managed": "IAM_ROOT_ACCESS_KEY_CHECK"}]}


def pack_rules(pack: str) -> set[str]:
    catalog = load_catalog()
    return {entry["rule"] for _, entry in Builder(catalog, load_manifest(catalog.root)).entries(pack) if "rule" in entry}


def placeholder_values(pack: str | None = None) -> dict:
    """{rule: {parameter: value}} for every static value naming the placeholder account (the role aside)."""
    wanted = pack_rules(pack) if pack else None
    values = {}
    for name, rule in sorted(load_catalog().rules.items()):
        if wanted is not None and name not in wanted:
            continue
        for key, spec in ((rule.remediation or {}).get("Parameters") or {}).items():
            if key != "AutomationAssumeRole" and PLACEHOLDER in str(spec.get("StaticValue", "")):
                values.setdefault(name, {})[key] = spec["StaticValue"]["Values"][0].replace(PLACEHOLDER, ACCOUNT)
    return values


def placeholder_arguments(pack: str | None = None) -> list[str]:
    return [argument for rule, values in placeholder_values(pack).items() for key, value in values.items()
            for argument in ("--remediation-parameter", f"{rule}.{key}={value}")]


def with_managed_only_pack(root):
    """Add the pack `managed-only` to the manifest of a copied catalog at root."""
    path = root / "conformance-packs" / "manifest" / "packs.yaml"
    manifest = yaml.safe_load(path.read_text())
    manifest["packs"]["managed-only"] = MANAGED_ONLY
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return root
