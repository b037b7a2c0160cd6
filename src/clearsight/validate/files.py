"""Any file or directory, inside a catalog or not: read and recognised by its content.

A conformance pack is a template with Resources, an Automation document has mainSteps or
schemaVersion, an rdk rule is a directory with parameters.json. YAML is read as
CloudFormation reads it (sources.py, the engine's reader too), so short-form tags (!Ref,
!Sub, !If) are the intrinsics they stand for. A file that is none of these is a finding, never skipped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .. import sources
from ..catalog import CatalogError, Pack, RemediationDocument, Rule

SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRECTORIES = ("node_modules", "__pycache__")


def read(path: Path):
    """(content, text) of a YAML or JSON file, read as the engine reads it; CatalogError naming the line otherwise."""
    try:
        return sources.read(path)
    except sources.SourceError as error:
        raise CatalogError(path, error.where, error.message) from None


NOT_AN_ARTIFACT = ("not an Automation document (no mainSteps/schemaVersion), a conformance pack template (no "
                   "Resources) or an rdk rule directory (no parameters.json): nothing was checked; give one of those")


def kind_of(content) -> tuple[str | None, str]:
    """('document' | 'pack' | None, why not) from what a parsed file holds."""
    if not isinstance(content, dict):
        return None, NOT_AN_ARTIFACT
    if "mainSteps" in content or "schemaVersion" in content:
        version = str(content.get("schemaVersion"))
        if version[:1].isdigit() and version != "0.3" and "assumeRole" not in content:
            return None, (f"an SSM document of schemaVersion {version} (Command or Session), not an Automation document "
                          "(0.3): nothing was checked")
        return "document", ""
    resources = content.get("Resources")
    if "Resources" in content or "AWSTemplateFormatVersion" in content:
        types = [r.get("Type") for r in resources.values() if isinstance(r, dict)] if isinstance(resources, dict) else []
        if types and not any(str(t).startswith("AWS::Config::") for t in types):
            return None, ("a CloudFormation template without AWS::Config resources, not a conformance pack: nothing was "
                          "checked; lint it with cfn-lint")
        return "pack", ""
    return None, NOT_AN_ARTIFACT


def managed(directory: Path) -> bool:
    """An rdk directory of an AWS managed rule: parameters.json names a SourceIdentifier, no code."""
    try:
        parameters = json.loads((directory / "parameters.json").read_text()).get("Parameters")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(parameters, dict) and bool(parameters.get("SourceIdentifier"))


def load_rule(directory: Path) -> Rule:
    """An rdk rule directory, custom (with its module) or managed (parameters.json alone)."""
    path = directory / "parameters.json"
    content, _ = read(path)
    params = content.get("Parameters") if isinstance(content, dict) else None
    if not isinstance(params, dict):
        raise CatalogError(path, "Parameters", "must be an object, as rdk create writes it")
    rule = Rule(name=directory.name, directory=directory, parameters=params)
    if not managed(directory) and not rule.module_path.exists():
        raise CatalogError(rule.module_path, "", f"missing: rdk deploys {rule.name}.py as the Lambda handler module "
                           "(a managed rule's parameters.json names its SourceIdentifier instead)")
    return rule


@dataclass(frozen=True)
class Unclassified:
    """A file validate cannot check: what it is not, and how sure we are it is a mistake."""

    path: Path
    message: str
    named: bool  # given on the command line (an error), or met while walking a directory (a warning)


def load(path: Path, named: bool):
    """A Rule, RemediationDocument or Pack for one file or rule directory, else Unclassified."""
    if path.is_dir():
        return load_rule(path)
    if path.name == "parameters.json":
        return load_rule(path.parent)
    content, text = read(path)
    kind, why_not = kind_of(content)
    if kind == "document":
        return RemediationDocument(path.stem, path, content, text)
    if kind == "pack":
        return Pack(path.stem, path, content, text)
    return Unclassified(path, why_not, named)


def walk(directory: Path) -> Iterator[Path]:
    """Rule directories and YAML/JSON files under a directory, in name order."""
    if (directory / "parameters.json").exists():
        yield directory
        return
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name in SKIPPED_DIRECTORIES or path.name.endswith(".policy.json"):
            continue
        if path.is_dir():
            yield from walk(path)
        elif path.suffix in SUFFIXES:
            yield path
