"""`clearsight validate`: every artifact checked against what AWS enforces only at deploy time.

Artifacts are loaded one by one, so a file that does not parse is a finding (file and line)
and the rest are still checked. One module a kind: rules, remediation, documents, packs.
"""
from __future__ import annotations

from pathlib import Path

from ..catalog import Catalog, load_catalog
from . import documents, manifest, packs, remediation, rules  # noqa: F401  (registers the checks)
from .registry import CHECKS, Finding, run_checks
from .remediation import Site

FOLDERS = {"rules": "rule", "remediation-documents": "document", "conformance-packs": "pack"}
LOAD_CHECKS = {"CS-R000": "rule", "CS-D000": "document", "CS-P000": "pack"}


class UsageError(ValueError):
    """A path that is not part of a catalog."""


def load(root: Path) -> tuple[Catalog, list[Finding]]:
    """The catalog at root, and a finding (CS-R000/CS-D000/CS-P000) for each artifact that cannot be read."""
    findings = []
    load_check = {kind: check_id for check_id, kind in LOAD_CHECKS.items()}

    def report(error, kind):
        findings.append(Finding(error.path, error.field or "-", load_check[kind], error.message))

    return load_catalog(root, on_error=report), findings


def _check_rule(rule, catalog):
    findings = run_checks("rule", rule.parameters_path, rule, catalog)
    block = rule.remediation
    if block is not None and not isinstance(block, dict):
        return findings + [Finding(rule.parameters_path, "Parameters.Remediation", "CS-M000", "must be an object of "
                                   "RemediationConfiguration properties, as rdk writes it")]
    if block is not None:
        findings += run_checks("remediation", rule.parameters_path, Site(block, "Parameters.Remediation", (rule.name,), catalog))
    return findings


def _locate(path: Path) -> tuple[Path, str, str | None]:
    """(catalog root, kind, artifact name or None for all) of a path given on the command line."""
    path = path.resolve()
    if any((path / folder).is_dir() for folder in FOLDERS):
        return path, "all", None
    for ancestor in path.parents:
        if ancestor.name in FOLDERS:
            relative = path.relative_to(ancestor).parts
            kind = FOLDERS[ancestor.name]
            if kind == "rule":
                return ancestor.parent, kind, relative[0]
            if kind == "pack" and relative[0] == manifest.FOLDER:
                return ancestor.parent, "manifest", None
            return ancestor.parent, kind, path.name.split(".")[0]
    if path.name in FOLDERS:
        return path.parent, FOLDERS[path.name], None
    raise UsageError(f"{path} is not in a catalog: give a directory holding rules/, remediation-documents/ or "
                     "conformance-packs/, or a file inside one")


def _unreadable(finding: Finding) -> tuple[str, str]:
    """(kind, name) of the artifact a loading finding is about."""
    kind = LOAD_CHECKS[finding.check]
    return kind, finding.file.parent.name if kind == "rule" else finding.file.stem


def _validate_root(root: Path, selections: set) -> list[Finding]:
    catalog, findings = load(root)
    everything = ("all", None) in selections

    def wanted(kind, name):
        return everything or (kind, None) in selections or (kind, name) in selections

    findings = [f for f in findings if wanted(*_unreadable(f))]
    for rule in catalog.rules.values():
        if wanted("rule", rule.name):
            findings += _check_rule(rule, catalog)
    for document in catalog.documents.values():
        if wanted("document", document.name):
            findings += run_checks("document", document.path, document, catalog)
    for pack in catalog.packs.values():
        if wanted("pack", pack.name):
            findings += run_checks("pack", pack.path, pack, catalog)
    if wanted("manifest", None) and (root / manifest.PATH).exists():
        findings += run_checks("manifest", root / manifest.PATH, catalog)
    return findings


def validate(paths=(), root: Path | None = None) -> list[Finding]:
    """Findings for the given paths (none: the whole catalog at root)."""
    located = [_locate(Path(p)) for p in paths] or [(Path(root).resolve(), "all", None)]
    by_root: dict[Path, set] = {}
    for catalog_root, kind, name in located:
        by_root.setdefault(catalog_root, set()).add((kind, name))
    return [finding for catalog_root, selections in by_root.items() for finding in _validate_root(catalog_root, selections)]


__all__ = ["CHECKS", "Finding", "UsageError", "load", "validate"]
