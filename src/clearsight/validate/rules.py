"""Checks of rdk rule directories (CS-R*): what `rdk create`/`deploy` and rdklib would trip on."""
from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from rdklib import InvalidParametersError

from ..catalog import SHARED_DIR, CatalogError, read_text
from . import reference
from .files import managed
from .iam import policy_problems
from .registry import Problem, check

NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
MAX_STACK_NAME = 46  # RDK-Rule-Function- + name without '_' <= 64 (Lambda name limit)
TOP_LEVEL_KEYS = ("Version", "Parameters", "Tags")
RDK_KEYS = (
    "RuleName", "Description", "SourceRuntime", "EvaluationMode", "CodeKey", "InputParameters",
    "OptionalParameters", "CustomLambdaName", "SourceEvents", "SourcePeriodic", "RuleSets",
    "SourceIdentifier", "ExcludedAccounts", "Remediation", "SSMAutomation", "SourceHandler",
)
RUNTIME = re.compile(r"^(python\d\.\d+)(-lib)?$")


def stack_name(name: str) -> str:
    """rdk's stack and Lambda suffix: the rule name without underscores."""
    return name.replace("_", "")


@check("CS-R001", "rule", "rule name is not an upper-snake-case Python identifier")
def name_is_identifier(rule, catalog):
    if not NAME.match(rule.name):
        yield Problem("directory", f"rule name {rule.name!r} must match ^[A-Z][A-Z0-9_]*$ (it becomes the module and "
                      "class name); rename the directory, module and class")


@check("CS-R002", "rule", "rule name too long for rdk's Lambda name")
def name_fits_lambda(rule, catalog):
    if len(stack_name(rule.name)) > MAX_STACK_NAME:
        yield Problem("directory", f"{rule.name} is {len(stack_name(rule.name))} characters without underscores; "
                      f"rdk deploy fails above {MAX_STACK_NAME} (Lambda name limit): shorten the name")


@check("CS-R003", "rule", "two rule names collide once underscores are removed")
def name_unique(rule, catalog):
    twins = sorted(n for n in catalog.rules if n != rule.name and stack_name(n) == stack_name(rule.name))
    if twins:
        yield Problem("directory", f"{rule.name} and {', '.join(twins)} share the rdk stack name "
                      f"{stack_name(rule.name)}: rename one of them")


def _from_rule_directory(module) -> bool:
    file = getattr(module, "__file__", None)
    return bool(file) and Path(file).parent.parent.name == "rules"


@contextmanager
def _isolated_import():
    """Import a rule as its Lambda would: no module from another rule directory (same-named
    helpers of another catalog), and sys.modules left with the rule modules it had before."""
    saved_path, saved_bytecode = list(sys.path), sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # a __pycache__ in the rule directory would ship in the zip (CS-R013)
    # Lambda always sets a region: module-level boto3 clients (common in plain rdk rules) need one
    region_was_set = "AWS_DEFAULT_REGION" in os.environ
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION", "us-east-1"))
    evicted = {name: module for name, module in sys.modules.items() if _from_rule_directory(module)}
    for name in evicted:
        del sys.modules[name]
    try:
        yield
    finally:
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        if not region_was_set:
            del os.environ["AWS_DEFAULT_REGION"]
        for name in [n for n, m in sys.modules.items() if _from_rule_directory(m)]:
            del sys.modules[name]
        sys.modules.update(evicted)


def _rdklib(rule) -> bool:
    """rdk writes an rdklib rule (a ConfigRule class) for a -lib runtime, a plain lambda_handler otherwise."""
    return str(rule.parameters.get("SourceRuntime", "")).endswith("-lib")


def rule_class(rule):
    """(class, problem): the rule's ConfigRule class, imported as rdk's Lambda imports it (no class, and
    no problem, for a managed rule or a plain rule that has its lambda_handler)."""
    if managed(rule.directory):
        return None, None
    with _isolated_import():
        try:
            module = rule.load_module()
        except Exception as error:  # any import failure is the finding
            return None, f"cannot import {rule.module_path.name}: {type(error).__name__}: {error}; fix the module"
    cls = getattr(module, rule.name, None)
    if not _rdklib(rule):
        handler = callable(getattr(module, "lambda_handler", None))
        return None, None if handler else (f"{rule.module_path.name} must define lambda_handler(event, context): the "
                                           "Lambda handler rdk wires")
    if not isinstance(cls, type):
        return None, f"{rule.module_path.name} must define class {rule.name} (rdk's handler instantiates it by name)"
    if not callable(getattr(module, "lambda_handler", None)):
        return None, f"{rule.module_path.name} must define lambda_handler(event, context): the Lambda handler rdk wires"
    return cls, None


@check("CS-R004", "rule", "module does not define the rule class or lambda_handler")
def module_shape(rule, catalog):
    _, problem = rule_class(rule)
    if problem:
        yield Problem("", problem, rule.module_path)


def _parameters_file(rule):
    return json.loads(read_text(rule.parameters_path))


@check("CS-R005", "rule", "parameters.json holds keys rdk does not read")
def known_keys(rule, catalog):
    for key in _parameters_file(rule):
        if key not in TOP_LEVEL_KEYS:
            yield Problem(key, f"rdk does not read top-level key {key!r}; keep only {', '.join(TOP_LEVEL_KEYS)}")
    for key in rule.parameters:
        if key not in RDK_KEYS:
            yield Problem(f"Parameters.{key}", f"rdk does not read {key!r} (misspelt?); known keys: {', '.join(RDK_KEYS)}")


@check("CS-R006", "rule", "InputParameters/OptionalParameters are not JSON strings of string values")
def parameter_strings(rule, catalog):
    for key in ("InputParameters", "OptionalParameters"):
        raw = rule.parameters.get(key)
        if raw in (None, ""):
            continue
        try:
            value = json.loads(raw) if isinstance(raw, str) else None
        except json.JSONDecodeError as error:
            yield Problem(f"Parameters.{key}", f"is not valid JSON ({error.msg}); write it as a JSON-encoded string")
            continue
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            yield Problem(f"Parameters.{key}", "must be a JSON-encoded string of an object with string values, "
                          'e.g. "{\\"Key\\": \\"value\\"}" (rdk and rdklib hand every value over as a string)')


@check("CS-R007", "rule", "SourceRuntime missing, unknown to rdk, or a deprecated Lambda runtime")
def runtime(rule, catalog):
    if managed(rule.directory):
        return
    value = rule.parameters.get("SourceRuntime")
    match = RUNTIME.match(value) if isinstance(value, str) else None
    if match and match.group(1) in reference.DEPRECATED_LAMBDA_RUNTIMES:
        yield Problem("Parameters.SourceRuntime", f"is {value!r}: {match.group(1)} is a deprecated Lambda runtime, "
                      "so Lambda no longer creates or updates the rule's function; move to python3.12 or newer "
                      "(python3.12-lib for rdklib)")
    elif value is None:
        yield Problem("Parameters.SourceRuntime", "missing: rdk deploy needs it; set it to python3.12-lib or newer")
    elif value not in reference.rdk_runtimes():
        yield Problem("Parameters.SourceRuntime", f"is {value!r}, which rdk {version('rdk')} does not know; use one of "
                      f"{', '.join(r for r in reference.rdk_runtimes() if r.endswith('-lib'))} (rdklib) or a plain "
                      "python3.x runtime")


@check("CS-R018", "rule", "SourceRuntime below this toolkit's python3.12-lib", convention=True)
def toolkit_runtime(rule, catalog):
    value = rule.parameters.get("SourceRuntime")
    match = RUNTIME.match(value) if isinstance(value, str) else None
    floor = "python%d.%d-lib" % reference.MIN_RULE_RUNTIME
    if managed(rule.directory) or value not in reference.rdk_runtimes():
        return  # CS-R007 reports an unknown runtime
    if not match or not match.group(2) or tuple(map(int, match.group(1)[6:].split("."))) < reference.MIN_RULE_RUNTIME:
        yield Problem("Parameters.SourceRuntime", f"is {value!r}; this catalog's rules are rdklib rules tested on "
                      f"{floor} or newer (rdk {version('rdk')} knows {', '.join(reference.rdk_lib_runtimes())}): set "
                      f"it to {floor}")


@check("CS-R008", "rule", "SourceEvents names a resource type rdk does not support")
def source_events(rule, catalog):
    raw = rule.parameters.get("SourceEvents")
    if raw is None:
        return
    if not isinstance(raw, str):
        yield Problem("Parameters.SourceEvents", "must be a comma-separated string of resource types")
        return
    types = rule.resource_types
    if len(types) > 100:
        yield Problem("Parameters.SourceEvents", f"lists {len(types)} resource types; Config accepts at most 100")
    for resource_type in types:
        if resource_type == "ALL":
            yield Problem("Parameters.SourceEvents", "ALL makes rdklib report every item NOT_APPLICABLE: list the types")
        elif resource_type not in reference.rdk_resource_types():
            yield Problem("Parameters.SourceEvents", f"{resource_type!r} is not a resource type AWS Config records "
                          "(rdk/supported_resource_types.yaml); check the spelling, e.g. AWS::S3::Bucket")


@check("CS-R009", "rule", "SourcePeriodic or EvaluationMode outside its enum")
def enums(rule, catalog):
    periodic = rule.parameters.get("SourcePeriodic")
    if periodic is not None and periodic not in reference.FREQUENCIES:
        yield Problem("Parameters.SourcePeriodic", f"{periodic!r} is not a frequency; use one of "
                      f"{', '.join(reference.FREQUENCIES)}")
    mode = rule.parameters.get("EvaluationMode")
    if mode is not None and mode not in reference.EVALUATION_MODES:
        yield Problem("Parameters.EvaluationMode", f"{mode!r} is not valid; use one of {', '.join(reference.EVALUATION_MODES)}")


@check("CS-R010", "rule", "rule has no trigger")
def has_trigger(rule, catalog):
    events = rule.parameters.get("SourceEvents")
    if not (rule.resource_types if isinstance(events, str) else events) and not rule.periodic:
        yield Problem("Parameters", "neither SourceEvents nor SourcePeriodic is set: Config would never run the rule")


def _tags(raw):
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    if isinstance(raw, list) and all(isinstance(t, dict) and set(t) == {"Key", "Value"} for t in raw):
        return raw
    return None


@check("CS-R011", "rule", "Tags is not a Key/Value list")
def tags(rule, catalog):
    document = _parameters_file(rule)
    if "Tags" in document and _tags(document["Tags"]) is None:
        yield Problem("Tags", 'must be [{"Key": "k", "Value": "v"}] (or that list as a JSON string); the '
                      '{"k": "v"} form fails in botocore at deploy')


def _parameter_sets(rule):
    """The declared keys at their declared values, and what rdk deploy sends (empty optionals dropped)."""
    try:
        declared = {**rule.input_parameters, **rule.optional_parameters}
        return [("declared values", declared), ("deployed defaults", rule.effective_parameters)]
    except Exception:  # malformed strings: CS-R006 reports them
        return []


@check("CS-R012", "rule", "evaluate_parameters rejects the parameters the rule declares")
def parameters_accepted(rule, catalog):
    cls, problem = rule_class(rule)
    if cls is None:
        return
    for label, parameters in _parameter_sets(rule):
        try:
            cls().evaluate_parameters(dict(parameters))
        except InvalidParametersError as error:
            yield Problem("Parameters.InputParameters", f"the rule rejects its own {label} {parameters}: {error} "
                          "Fix the value in parameters.json or the parsing in evaluate_parameters")
        except Exception as error:
            yield Problem("Parameters.InputParameters", f"evaluate_parameters raised {type(error).__name__} ({error}) on "
                          f"its {label}; it must raise InvalidParametersError (rdklib catches only that)")


def _deployable(rule, path: Path) -> bool:
    return path.name in (rule.module_path.name, "parameters.json", "policy.json") and not path.is_symlink()


@check("CS-R013", "rule", "rule directory holds files rdk would zip but the Lambda does not need", convention=True)
def only_deployable(rule, catalog):
    for path in sorted(rule.directory.iterdir()):
        if path.is_symlink() or _deployable(rule, path) or path.name in (f"{rule.name}.zip", f"{rule.name}_test.py"):
            continue
        if path.name == "__pycache__":
            fix = "delete it (rdk zips it into the Lambda); set PYTHONDONTWRITEBYTECODE=1 when importing rules"
        elif path.name.endswith("_test.py") or path.name.startswith("test_"):
            fix = "move the test to tests/rules/ (rdk ships everything in the directory)"
        elif path.suffix == ".py":
            fix = "move shared code to rules/_shared/ and link it in as a file symlink"
        else:
            fix = "delete it or move it out: rdk zips the whole directory into the Lambda"
        yield Problem(path.name, f"{path.name} is not a deployable rule file; {fix}", path)


@check("CS-R014", "rule", "symlink is broken, a directory, or points outside rules/_shared", convention=True)
def symlinks(rule, catalog):
    shared = (rule.directory.parent / SHARED_DIR).resolve()
    for path in sorted(p for p in rule.directory.iterdir() if p.is_symlink()):
        target = path.resolve()
        if not target.exists():
            yield Problem(path.name, f"broken symlink to {path.readlink()}; point it at a file in rules/{SHARED_DIR}/", path)
        elif target.is_dir():
            yield Problem(path.name, "is a directory symlink: rdk zips it empty; link each file instead", path)
        elif shared not in target.parents:
            yield Problem(path.name, f"resolves to {target}, outside rules/{SHARED_DIR}/; move the file there and link it", path)


@check("CS-R015", "rule", "a RULE.zip left behind by rdk deploy")
def leftover_zip(rule, catalog):
    path = rule.directory / f"{rule.name}.zip"
    if path.exists():
        yield Problem(path.name, "left by rdk deploy; delete it and git-ignore rules/*/*.zip (it would be zipped "
                      "into the next deploy)", path)


@check("CS-R017", "rule", "Description or InputParameters longer than Config accepts")
def config_lengths(rule, catalog):
    description = rule.parameters.get("Description")
    if isinstance(description, str) and len(description) > reference.RULE_DESCRIPTION_CHARS:
        yield Problem("Parameters.Description", f"is {len(description)} characters; Config accepts at most "
                      f"{reference.RULE_DESCRIPTION_CHARS}: shorten it")
    try:
        sent = json.dumps(rule.effective_parameters)
    except Exception:  # malformed strings: CS-R006 reports them
        return
    if len(sent) > reference.RULE_INPUT_PARAMETERS_CHARS:
        yield Problem("Parameters.InputParameters", f"rdk deploy sends {len(sent)} characters of InputParameters (with the "
                      "non-empty OptionalParameters, as one JSON string); Config accepts at most "
                      f"{reference.RULE_INPUT_PARAMETERS_CHARS}: shorten the values")


@check("CS-R016", "rule", "policy.json missing or not an IAM policy", convention=True)
def rule_policy(rule, catalog):
    if not rule.policy_path.exists():
        yield Problem("", "missing: write the least-privilege IAM policy of the rule's Lambda as policy.json", rule.policy_path)
        return
    try:
        policy = json.loads(read_text(rule.policy_path))
    except json.JSONDecodeError as error:
        yield Problem(f"line {error.lineno}", f"invalid JSON: {error.msg}", rule.policy_path)
        return
    except CatalogError as error:
        yield Problem(error.field, error.message, rule.policy_path)
        return
    for problem in policy_problems(policy):
        yield Problem(problem.location, problem.message, rule.policy_path)
