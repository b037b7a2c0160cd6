"""`clearsight validate`: every artifact checked against what AWS enforces only at deploy time.

Artifacts are loaded one by one, so a file that does not parse is a finding (file and line)
and the rest are still checked. One module a kind: rules, remediation, documents, packs.
Paths inside a catalog are checked with the catalog around them and this project's
conventions; any other file or directory is recognised by its content (files.py) and held to
what AWS enforces, plus the conventions with strict.
"""
from __future__ import annotations

from pathlib import Path

from ..catalog import Catalog, CatalogError, Pack, RemediationDocument, Rule, default_root, load_catalog
from . import documents, files, manifest, packs, remediation, rules  # noqa: F401  (registers the checks)
from .registry import CHECKS, Finding, conventions, run_checks
from .remediation import Site

FOLDERS = {"rules": "rule", "remediation-documents": "document", "conformance-packs": "pack"}
LOAD_CHECKS = {"CS-R000": "rule", "CS-D000": "document", "CS-P000": "pack"}
UNREADABLE = "CS-F000"  # a file outside a catalog that is not valid YAML/JSON
UNCLASSIFIED = "CS-F001"  # a file that is no artifact validate checks
NOT_READ = "CS-F002"


class UsageError(ValueError):
    """A path or root validate cannot work with."""


def _rescue(error: CatalogError, kind: str):
    """What the catalog refused but AWS accepts: a pack written with short-form tags, a managed rule."""
    try:
        if kind == "pack" and "short-form tags" in error.message:
            content, text = files.read(error.path)
            return Pack(error.path.stem, error.path, content, text) if isinstance(content, dict) else None
        if kind == "rule" and files.managed(error.path.parent):
            return files.load_rule(error.path.parent)
    except CatalogError:
        return None
    return None


def load(root: Path) -> tuple[Catalog, list[Finding]]:
    """The catalog at root, and a finding (CS-R000/CS-D000/CS-P000) for each artifact that cannot be read."""
    findings, rescued = [], []
    load_check = {kind: check_id for check_id, kind in LOAD_CHECKS.items()}

    def report(error, kind):
        artifact = _rescue(error, kind)
        if artifact is not None:
            rescued.append(artifact)
        if artifact is None or kind == "pack":  # clearsight's own commands cannot read short-form tags
            findings.append(Finding(error.path, error.field or "-", load_check[kind], error.message))

    catalog = load_catalog(root, on_error=report)
    for artifact in rescued:
        (catalog.rules if isinstance(artifact, Rule) else catalog.packs)[artifact.name] = artifact
    return catalog, findings


def _check_rule(rule, catalog):
    findings = run_checks("rule", rule.parameters_path, rule, catalog)
    block = rule.remediation
    if block is not None and not isinstance(block, dict):
        return findings + [Finding(rule.parameters_path, "Parameters.Remediation", "CS-M000", "must be an object of "
                                   "RemediationConfiguration properties, as rdk writes it")]
    if block is not None:
        findings += run_checks("remediation", rule.parameters_path, Site(block, "Parameters.Remediation", (rule.name,), catalog))
    return findings


def _catalog_root(path: Path) -> Path | None:
    """The catalog a path is in (or is), if any."""
    for candidate in (path, *path.parents):
        if any((candidate / folder).is_dir() for folder in FOLDERS) and (
                candidate == path or path.relative_to(candidate).parts[0] in FOLDERS):
            return candidate
    return None


def _locate(path: Path) -> tuple[Path, str, str | None] | None:
    """(catalog root, kind, artifact name or None for all) of a path in a catalog; None outside one."""
    root = _catalog_root(path)
    if root is None:
        return None
    if root == path:
        return root, "all", None
    relative = path.relative_to(root).parts
    kind = FOLDERS[relative[0]]
    if len(relative) == 1:
        return root, kind, None
    if kind == "rule":
        return root, kind, relative[1]
    if kind == "pack" and relative[1] == manifest.FOLDER:
        return root, "manifest", None
    if path.suffix != ".yaml" and not path.name.endswith(".policy.json"):
        return root, "file", str(path)
    return root, kind, path.name.removesuffix(".policy.json") if path.name.endswith(".policy.json") else path.stem


def _unreadable(finding: Finding) -> tuple[str, str]:
    """(kind, name) of the artifact a loading finding is about."""
    kind = LOAD_CHECKS[finding.check]
    return kind, finding.file.parent.name if kind == "rule" else finding.file.stem


def _not_read(root: Path) -> list[Path]:
    """Files in the catalog's document and pack folders that the catalog does not read (not .yaml)."""
    found = []
    for folder in ("remediation-documents", "conformance-packs"):
        for path in sorted((root / folder).glob("*")):
            if path.is_file() and path.suffix in files.SUFFIXES and path.suffix != ".yaml" and \
                    not path.name.endswith(".policy.json"):
                found.append(path)
    return found


def _not_read_finding(path: Path) -> Finding:
    return Finding(path, "-", NOT_READ, f"the catalog reads only .yaml files here, so build, remediate and deploy "
                   f"skip this one and nothing was checked: rename it to {path.stem}.yaml")


def _validate_root(root: Path, selections: set) -> list[Finding]:
    catalog, findings = load(root)
    everything = ("all", None) in selections

    def wanted(kind, name):
        return everything or (kind, None) in selections or (kind, name) in selections

    findings = [f for f in findings if wanted(*_unreadable(f))]
    findings += [_not_read_finding(p) for p in _not_read(root) if wanted("file", str(p))
                 or wanted({"remediation-documents": "document", "conformance-packs": "pack"}[p.parent.name], None)]
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


def _validate_loose(paths: list[Path], strict: bool) -> list[Finding]:
    """Files and directories outside any catalog, each recognised by its content."""
    findings, artifacts = [], []
    for given in paths:
        found = list(files.walk(given)) if given.is_dir() else [given]
        if not found:
            findings.append(Finding(given, "-", UNCLASSIFIED, "holds no YAML/JSON file and no rule directory: nothing "
                                    "was checked; give conformance packs, Automation documents or rdk rule directories"))
        for path in found:
            try:
                artifacts.append(files.load(path, named=path == given))
            except CatalogError as error:
                findings.append(Finding(error.path, error.field or "-", "CS-R000" if path.is_dir() else UNREADABLE,
                                        error.message))
    catalog = Catalog(root=Path.cwd(), rules={a.name: a for a in artifacts if isinstance(a, Rule)},
                      documents={a.name: a for a in artifacts if isinstance(a, RemediationDocument)})
    with conventions(strict):
        for artifact in artifacts:
            if isinstance(artifact, files.Unclassified):
                findings.append(Finding(artifact.path, "-", UNCLASSIFIED, artifact.message,
                                        "error" if artifact.named else "warning"))
            elif isinstance(artifact, Rule):
                findings += _check_rule(artifact, catalog)
            elif isinstance(artifact, RemediationDocument):
                findings += run_checks("document", artifact.path, artifact, catalog)
            else:
                findings += run_checks("pack", artifact.path, artifact, catalog)
    return findings


def validate(paths=(), root: Path | None = None, strict: bool = False) -> list[Finding]:
    """Findings for the given paths (none: the whole catalog at root). Inside a catalog this project's
    conventions apply; elsewhere only what AWS enforces, unless strict."""
    if not paths:
        root = Path(root or default_root()).resolve()
        if _catalog_root(root) != root:
            raise UsageError(f"{root} holds no rules/, remediation-documents/ or conformance-packs/, so there is no "
                             "catalog to validate: give --root a catalog, or name files and directories to check")
    by_root: dict[Path, set] = {}
    loose = []
    for path in [Path(p).resolve() for p in paths] or [Path(root).resolve()]:
        located = _locate(path)
        if located is None:
            loose.append(path)
        else:
            by_root.setdefault(located[0], set()).add(located[1:])
    findings = [finding for catalog_root, selections in by_root.items() for finding in _validate_root(catalog_root, selections)]
    return findings + (_validate_loose(loose, strict) if loose else [])


__all__ = ["CHECKS", "Finding", "UsageError", "load", "validate"]
