"""The catalog: rules/, remediation-documents/ and conformance-packs/ read into one model.

Everything else in clearsight reads the catalog, never the folders, so a malformed file is
reported once, here, with the file and the field that is wrong.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType

import yaml

SHARED_DIR = "_shared"
FOLDERS = ("rules", "remediation-documents", "conformance-packs")


class CatalogError(Exception):
    """A catalog file that cannot be read; names the file, the field and what would fix it."""

    def __init__(self, path, field_name, message):
        self.path = Path(path)
        self.field = field_name
        self.message = message
        where = f"{self.path}: {field_name}: " if field_name else f"{self.path}: "
        super().__init__(where + message)


class NotACatalog(Exception):
    """A root that holds no catalog: a mistyped --root or CLEARSIGHT_ROOT must not look like a clean run."""


def default_root() -> Path:
    """CLEARSIGHT_ROOT, else the checkout this package is installed from (editable install)."""
    configured = os.environ.get("CLEARSIGHT_ROOT")
    return Path(configured) if configured else Path(__file__).resolve().parents[2]


def catalog_root(root=None) -> Path:
    """root (default: default_root()) when it holds a catalog folder; NotACatalog otherwise."""
    root = Path(root) if root else default_root()
    if not any((root / folder).is_dir() for folder in FOLDERS):
        raise NotACatalog(f"{root} holds no clearsight catalog: looked for {', '.join(f + '/' for f in FOLDERS)} "
                          "there and found none; point --root (or CLEARSIGHT_ROOT) at a clearsight checkout")
    return root


def _json_object_string(path, params, key):
    """rdk stores InputParameters/OptionalParameters as JSON-encoded strings of string values."""
    raw = params.get(key)
    if raw in (None, ""):
        return {}
    if not isinstance(raw, str):
        raise CatalogError(path, f"Parameters.{key}", "must be a JSON-encoded string, as rdk writes it")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CatalogError(path, f"Parameters.{key}", f"is not valid JSON ({error.msg})") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise CatalogError(path, f"Parameters.{key}", "must encode an object whose values are strings")
    return value


@dataclass(frozen=True)
class Rule:
    """One rdk rule directory."""

    name: str
    directory: Path
    parameters: dict  # parameters.json "Parameters", as written

    @property
    def module_path(self) -> Path:
        return self.directory / f"{self.name}.py"

    @property
    def parameters_path(self) -> Path:
        return self.directory / "parameters.json"

    @property
    def policy_path(self) -> Path:
        return self.directory / "policy.json"

    @property
    def description(self) -> str:
        return self.parameters.get("Description", "")

    @property
    def input_parameters(self) -> dict:
        return _json_object_string(self.parameters_path, self.parameters, "InputParameters")

    @property
    def optional_parameters(self) -> dict:
        return _json_object_string(self.parameters_path, self.parameters, "OptionalParameters")

    @property
    def effective_parameters(self) -> dict:
        """What rdk deploy sends as the rule's InputParameters: optional ones only when non-empty."""
        merged = dict(self.input_parameters)
        merged.update({k: v for k, v in self.optional_parameters.items() if v != ""})
        return merged

    @property
    def resource_types(self) -> tuple[str, ...]:
        events = self.parameters.get("SourceEvents") or ""
        return tuple(t.strip() for t in events.split(",") if t.strip())

    @property
    def periodic(self) -> str | None:
        return self.parameters.get("SourcePeriodic")

    @property
    def remediation(self) -> dict | None:
        return self.parameters.get("Remediation")

    @property
    def document_name(self) -> str | None:
        return (self.remediation or {}).get("TargetId")

    @cached_property
    def policy(self) -> dict | None:
        return _load_json(self.policy_path) if self.policy_path.exists() else None

    def load_module(self) -> ModuleType:
        """Import the rule module as rdk and Lambda do: its directory on sys.path, named after the rule."""
        if self.name in sys.modules:
            return sys.modules[self.name]
        if str(self.directory) not in sys.path:
            sys.path.insert(0, str(self.directory))
        spec = importlib.util.spec_from_file_location(self.name, self.module_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.name] = module
        writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in a Lambda zip
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[self.name]
            raise
        finally:
            sys.dont_write_bytecode = writes_bytecode
        return module


@dataclass(frozen=True)
class RemediationDocument:
    """An SSM Automation document and the IAM policy its assume role needs."""

    name: str
    path: Path
    content: dict
    text: str

    @property
    def policy_path(self) -> Path:
        return self.path.with_name(f"{self.name}.policy.json")

    @cached_property
    def policy(self) -> dict | None:
        return _load_json(self.policy_path) if self.policy_path.exists() else None

    @property
    def notify_only(self) -> bool:
        """Its role may only use SNS: it tells a person about a finding no API can fix (root MFA), and
        the finding stays until they act. Its policy, not its prose, says so."""
        statements = (self.policy or {}).get("Statement") or []
        actions = [a for s in statements for a in ([s.get("Action")] if isinstance(s.get("Action"), str) else s.get("Action") or [])]
        return bool(actions) and all(str(action).lower().startswith("sns:") for action in actions)


@dataclass(frozen=True)
class Pack:
    """A conformance pack template as committed."""

    name: str
    path: Path
    template: dict
    text: str


@dataclass
class Catalog:
    root: Path
    rules: dict[str, Rule] = field(default_factory=dict)
    documents: dict[str, RemediationDocument] = field(default_factory=dict)
    packs: dict[str, Pack] = field(default_factory=dict)

    def rule(self, name: str) -> Rule:
        try:
            return self.rules[name]
        except KeyError:
            raise KeyError(f"no rule {name!r} in {self.root / 'rules'}; known: {', '.join(sorted(self.rules))}") from None

    def document_for(self, rule: Rule) -> RemediationDocument | None:
        return self.documents.get(rule.document_name) if rule.document_name else None


def read_text(path: Path) -> str:
    """A catalog file's text; CatalogError naming the file when it is not UTF-8 (a binary dropped in)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError(path, f"byte {error.start}", "is not UTF-8 text (a binary file?); "
                           "replace it with the text file or remove it") from None


def _load_json(path: Path):
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise CatalogError(path, f"line {error.lineno}", f"invalid JSON: {error.msg}") from None


def load_yaml(path: Path) -> tuple[dict, str]:
    """A YAML mapping and its text; CatalogError naming the line otherwise."""
    text = read_text(path)
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        if "could not determine a constructor for the tag '!" in str(error):
            problem += "; write CloudFormation functions as plain maps (Ref: X, Fn::If: [...]), not short-form tags"
        raise CatalogError(path, where, f"invalid YAML: {problem}; fix the syntax") from None
    if not isinstance(content, dict):
        raise CatalogError(path, "", "must be a YAML mapping at the top level")
    return content, text


def load_rule(directory: Path) -> Rule:
    path = directory / "parameters.json"
    if not path.exists():
        raise CatalogError(path, "", "missing: every rule directory needs the parameters.json rdk reads")
    document = _load_json(path)
    params = document.get("Parameters") if isinstance(document, dict) else None
    if not isinstance(params, dict):
        raise CatalogError(path, "Parameters", "must be an object, as rdk create writes it")
    rule = Rule(name=directory.name, directory=directory, parameters=params)
    if not rule.module_path.exists():
        raise CatalogError(rule.module_path, "", f"missing: rdk deploys {rule.name}.py as the Lambda handler module")
    return rule


def load_catalog(root: Path | None = None, on_error=None) -> Catalog:
    """Read the repository. A file that cannot be read raises CatalogError, unless on_error is
    given: then on_error(error, kind) is told (kind: rule, document or pack) and the rest is read."""
    root = Path(root) if root else default_root()
    catalog = Catalog(root=root)

    def read(kind, load):
        try:
            return load()
        except CatalogError as error:
            if on_error is None:
                raise
            on_error(error, kind)
            return None

    for directory in sorted((root / "rules").glob("*/")):
        if directory.name != SHARED_DIR and not directory.name.startswith("."):
            if rule := read("rule", lambda: load_rule(directory)):
                catalog.rules[directory.name] = rule
    for path in sorted((root / "remediation-documents").glob("*.yaml")):
        if loaded := read("document", lambda: load_yaml(path)):
            catalog.documents[path.stem] = RemediationDocument(path.stem, path, *loaded)
    for path in sorted((root / "conformance-packs").glob("*.yaml")):
        if loaded := read("pack", lambda: load_yaml(path)):
            catalog.packs[path.stem] = Pack(path.stem, path, *loaded)
    return catalog
