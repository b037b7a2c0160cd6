"""Checks of SSM Automation documents (CS-D*): what cfn-lint and moto let through (config-ssm-formats.md §5-7)."""
from __future__ import annotations

import json
import re
from functools import cache

import botocore.session

from ..automation.actions.branch import OPERATORS
from ..automation.actions.spec import SPECS, runtime_problem
from ..automation.awsapi import service_name
from ..automation.parameters import anchored, compile_pattern, is_parameter_store, limit_violation, limits_problem
from ..automation.selectors import OUTPUT_TYPES, compile_path
from ..automation.variables import REFERENCE, SYSTEM_VARIABLES, references as variable_references
from ..catalog import CatalogError, read_text
from . import reference
from .iam import allows, iam_action, policy_problems
from .registry import Problem, check

NAME = re.compile(r"^[a-zA-Z0-9_\-.]{3,128}$")
STEP_NAME = re.compile(r"^[a-zA-Z0-9_]+$")
PARAMETER_TYPES = (
    "String", "StringList", "Integer", "Boolean", "StringMap", "MapList",
    "AWS::EC2::Instance::Id", "List<AWS::EC2::Instance::Id>", "AWS::IAM::Role::Arn", "AWS::S3::Bucket::Name",
)
SAMPLE_ROLE = "arn:aws:iam::123456789012:role/clearsight-remediation"
NOT_ROLES = ("not-an-arn", "arn:aws:iam::123456789012:user/clearsight", "arn:aws:s3:::clearsight-bucket")
ROLE_TYPES = ("String", "AWS::IAM::Role::Arn")

API_ACTIONS = tuple(name for name, spec in SPECS.items() if spec.open_inputs)
API_RESERVED = {"Service", "Api", "PropertySelector", "DesiredValues"}


def _steps(document):
    steps = document.content.get("mainSteps")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def _parameters(document):
    value = document.content.get("parameters")
    return value if isinstance(value, dict) else {}


def _at(index, step, *keys):
    return ".".join((f"mainSteps[{index}]({step.get('name', '?')})",) + keys)


@check("CS-D001", "document", "schemaVersion is not 0.3")
def schema_version(document, catalog):
    if document.content.get("schemaVersion") != "0.3":
        yield Problem("schemaVersion", f"is {document.content.get('schemaVersion')!r}; Automation documents need "
                      "schemaVersion: '0.3' (quoted, a string)")


@check("CS-D002", "document", "assumeRole is not {{ AutomationAssumeRole }}", convention=True)
def assume_role(document, catalog):
    if REFERENCE.sub(lambda m: "{{%s}}" % m.group(1), str(document.content.get("assumeRole"))) != "{{AutomationAssumeRole}}":
        yield Problem("assumeRole", "must be '{{ AutomationAssumeRole }}' so Config's remediation role runs the steps")


@check("CS-D003", "document", "AutomationAssumeRole missing or without an ARN allowedPattern", convention=True)
def role_parameter(document, catalog):
    spec = _parameters(document).get(reference.ASSUME_ROLE)
    pattern = spec.get("allowedPattern") if isinstance(spec, dict) else None
    try:
        strict = (isinstance(pattern, str) and bool(compile_pattern(pattern).search(SAMPLE_ROLE))
                  and not any(compile_pattern(pattern).search(other) for other in NOT_ROLES))
    except re.error:
        strict = False
    if not strict or spec.get("type") not in ROLE_TYPES:
        yield Problem(f"parameters.{reference.ASSUME_ROLE}", "needs type String and an allowedPattern that accepts only "
                      f"role ARNs, e.g. '{reference.ROLE_ARN_PATTERN}'")


@check("CS-D004", "document", "parameter type unknown")
def parameter_types(document, catalog):
    for name, spec in _parameters(document).items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind not in PARAMETER_TYPES:
            yield Problem(f"parameters.{name}.type", f"is {kind!r}; use one of {', '.join(PARAMETER_TYPES[:6])}")


@check("CS-D027", "document", "allowedPattern is not a valid regular expression")
def pattern_compiles(document, catalog):
    for name, spec in _parameters(document).items():
        pattern = spec.get("allowedPattern") if isinstance(spec, dict) else None
        try:
            if pattern is not None:
                compile_pattern(str(pattern))
        except re.error as error:
            yield Problem(f"parameters.{name}.allowedPattern", f"{pattern!r} is not a valid regular expression ({error}); "
                          "fix it: no value could be checked against it")


@check("CS-D005", "document", "String parameter without an anchored allowedPattern", convention=True)
def parameter_patterns(document, catalog):
    for name, spec in _parameters(document).items():
        if not isinstance(spec, dict) or spec.get("type") != "String" or "allowedValues" in spec:
            continue
        pattern = spec.get("allowedPattern")
        try:
            fenced = isinstance(pattern, str) and anchored(pattern)
        except re.error:
            continue  # CS-D027 reports it
        if not fenced:
            yield Problem(f"parameters.{name}.allowedPattern", "every String parameter needs an allowedPattern anchored "
                          "at both ends ('^...$', or allowedValues): Automation passes anything else straight into API "
                          "calls")


def _default_problem(spec):
    default, kind = spec["default"], spec.get("type")
    if is_parameter_store(default):
        return None  # Automation reads it from Parameter Store when the run starts
    if kind == "Boolean" and not isinstance(default, bool):
        return f"default {default!r} is not a Boolean (true/false)"
    if kind == "Integer" and (isinstance(default, bool) or not isinstance(default, int)):
        return f"default {default!r} is not an Integer"
    items = default if kind == "StringList" and isinstance(default, list) else [default]
    allowed = spec.get("allowedValues")
    if isinstance(allowed, list) and any(item not in allowed for item in items):
        return f"default {default!r} is not one of its allowedValues {allowed}"
    pattern = spec.get("allowedPattern")
    for item in items if isinstance(pattern, str) else ():
        try:
            if isinstance(item, str) and not compile_pattern(pattern).search(item):
                return f"default {item!r} does not match its own allowedPattern {pattern!r}"
        except re.error:
            return None  # CS-D027 reports it
    violation = limit_violation(spec, default) if not limits_problem(spec) else None
    return f"default {violation}" if violation else None


@check("CS-D006", "document", "default violates its own allowedPattern/allowedValues/type/length limits")
def parameter_defaults(document, catalog):
    for name, spec in _parameters(document).items():
        if isinstance(spec, dict) and "default" in spec:
            problem = _default_problem(spec)
            if problem:
                yield Problem(f"parameters.{name}.default", f"{problem}; running without the parameter would fail: fix one of them")


@check("CS-D022", "document", "allowedValues not a list, or minChars/maxChars/minItems/maxItems not whole numbers "
       "with min <= max")
def parameter_limits(document, catalog):
    for name, spec in _parameters(document).items():
        if isinstance(spec, dict) and "allowedValues" in spec and not isinstance(spec["allowedValues"], list):
            yield Problem(f"parameters.{name}.allowedValues", f"must be a list of the values allowed, got "
                          f"{spec['allowedValues']!r}; write it as [a, b]")
        problem = limits_problem(spec) if isinstance(spec, dict) else None
        if problem:
            yield Problem(f"parameters.{name}", f"{problem}; AWS counts characters and items with these, write them as "
                          "plain whole numbers")


@check("CS-D007", "document", "mainSteps missing or empty")
def has_steps(document, catalog):
    steps = document.content.get("mainSteps")
    if not isinstance(steps, list) or not steps or len(_steps(document)) != len(steps):
        yield Problem("mainSteps", "must be a non-empty list of steps (mappings with name, action, inputs)")


@check("CS-D008", "document", "step name invalid or duplicated")
def step_names(document, catalog):
    seen = set()
    for index, step in enumerate(_steps(document)):
        name = step.get("name")
        if not isinstance(name, str) or not STEP_NAME.match(name):
            yield Problem(_at(index, step, "name"), f"{name!r} must match [a-zA-Z0-9_]+; rename the step")
        elif name in seen:
            yield Problem(_at(index, step, "name"), f"{name!r} is used twice; step names must be unique")
        seen.add(name)


@check("CS-D009", "document", "unknown action")
def known_actions(document, catalog):
    for index, step in enumerate(_steps(document)):
        if step.get("action") not in SPECS:
            yield Problem(_at(index, step, "action"), f"{step.get('action')!r} is not an Automation action"
                          f"{reference.suggest(step.get('action'), SPECS)}; use one of {', '.join(SPECS)}")


def _inputs(step):
    inputs = step.get("inputs")
    return inputs if isinstance(inputs, dict) else {}


@check("CS-D010", "document", "action missing a required input, or given one it does not take")
def required_inputs(document, catalog):
    for index, step in enumerate(_steps(document)):
        spec = SPECS.get(step.get("action"))
        if spec is None:
            continue
        for key in spec.required:
            if key not in _inputs(step):
                yield Problem(_at(index, step, "inputs"), f"{step['action']} needs input {key}; add it")
        given = [key for key in spec.one_of if key in _inputs(step)]
        if spec.one_of and len(given) != 1:
            yield Problem(_at(index, step, "inputs"), f"{step['action']} needs exactly one of "
                          f"{' or '.join(spec.one_of)}, got {len(given)}")
        for key in sorted(set(_inputs(step)) - spec.inputs if not spec.open_inputs else ()):
            yield Problem(_at(index, step, "inputs", str(key)), f"{step['action']} takes no input {key!r}"
                          f"{reference.suggest(key, spec.inputs)}; it takes: {', '.join(sorted(spec.inputs)) or 'none'}")


@cache
def _botocore():
    return botocore.session.get_session()


@cache
def _service_model(service):
    name = service_name(service)
    return _botocore().get_service_model(name) if name else None


def _api_steps(document):
    for index, step in enumerate(_steps(document)):
        if step.get("action") in API_ACTIONS and isinstance(_inputs(step).get("Service"), str):
            yield index, step


@check("CS-D011", "document", "Service or Api unknown to botocore")
def api_exists(document, catalog):
    for index, step in enumerate(_steps(document)):
        service = _inputs(step).get("Service")
        if step.get("action") in API_ACTIONS and service is not None and not isinstance(service, str):
            yield Problem(_at(index, step, "inputs", "Service"), f"{service!r} is not a boto3 service name (e.g. s3, "
                          "s3control, logs)")
    for index, step in _api_steps(document):
        service, api = _inputs(step)["Service"], _inputs(step).get("Api")
        model = _service_model(service)
        if model is None:
            yield Problem(_at(index, step, "inputs", "Service"), f"{service!r} is not a boto3 service name (e.g. s3, s3control, logs)")
        elif api not in model.operation_names:
            pascal = "".join(part.title() for part in str(api).split("_"))
            hint = f"use the PascalCase name {pascal}" if pascal in model.operation_names else "check the operation name"
            yield Problem(_at(index, step, "inputs", "Api"), f"{service} has no operation {api!r}: {hint}")


@check("CS-D012", "document", "API parameters unknown or required ones missing")
def api_parameters(document, catalog):
    for index, step in _api_steps(document):
        model = _service_model(_inputs(step)["Service"])
        api = _inputs(step).get("Api")
        if model is None or api not in model.operation_names:
            continue
        shape = model.operation_model(api).input_shape
        members = shape.members if shape else {}
        given = set(_inputs(step)) - API_RESERVED
        for name in sorted(given - set(members)):
            yield Problem(_at(index, step, "inputs", name), f"{api} has no parameter {name!r}; it takes: "
                          f"{', '.join(members) or 'none'}")
        for name in sorted(set(shape.required_members if shape else ()) - given):
            yield Problem(_at(index, step, "inputs"), f"{api} requires parameter {name}; add it")


@check("CS-D013", "document", "executeScript Runtime not allowed")
def script_runtime(document, catalog):
    for index, step in enumerate(_steps(document)):
        runtime = _inputs(step).get("Runtime")
        problem = runtime_problem(runtime) if step.get("action") == "aws:executeScript" else None
        if problem and "{{" not in str(runtime):
            yield Problem(_at(index, step, "inputs", "Runtime"), problem)


@check("CS-D026", "document", "executeScript Script does not compile")
def script_compiles(document, catalog):
    for index, step in enumerate(_steps(document)):
        script, runtime = _inputs(step).get("Script"), str(_inputs(step).get("Runtime"))
        if step.get("action") != "aws:executeScript" or not isinstance(script, str) or not runtime.startswith("python"):
            continue
        try:
            compile(script, "Script", "exec")
        except SyntaxError as error:
            hint = " (an unexpanded %%SCRIPT=...%% placeholder: build the runbook first)" if "%%" in script else ""
            yield Problem(_at(index, step, "inputs", "Script"), f"does not compile: {error.msg} at script line "
                          f"{error.lineno}{hint}; the step would fail when it runs")


@check("CS-D023", "document", "step property of the wrong type")
def step_properties(document, catalog):
    for index, step in enumerate(_steps(document)):
        for key in ("maxAttempts", "timeoutSeconds"):
            value = step.get(key)
            if key in step and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                yield Problem(_at(index, step, key), f"must be a positive integer (unquoted), got {value!r}")
        for key in ("isEnd", "isCritical"):
            if key in step and not isinstance(step[key], bool):
                yield Problem(_at(index, step, key), f"must be true or false (unquoted), got {step[key]!r}")
        if "nextStep" in step and not isinstance(step["nextStep"], str):
            yield Problem(_at(index, step, "nextStep"), f"must be a step name (a string), got {step['nextStep']!r}")


def _condition_problems(condition, where, top):
    """(place, message) of what is wrong with one aws:branch condition (a Choice when top)."""
    if not isinstance(condition, dict):
        yield where, "must be a mapping: Variable with one operator, or And/Or/Not"
        return
    if top and not isinstance(condition.get("NextStep"), str):
        yield f"{where}.NextStep", "every choice needs NextStep, the name of the step to run when it matches"
    keys = set(condition) - {"NextStep"} if top else set(condition)
    combinators = keys & {"And", "Or", "Not"}
    if combinators:
        if len(keys) != 1:
            yield where, f"{'/'.join(sorted(combinators))} must be the only condition here, got {sorted(map(str, keys))}"
            return
        (name,) = combinators
        if name == "Not":
            yield from _condition_problems(condition["Not"], f"{where}.Not", False)
        elif not isinstance(condition[name], list) or not condition[name]:
            yield f"{where}.{name}", "must be a non-empty list of conditions"
        else:
            for number, item in enumerate(condition[name]):
                yield from _condition_problems(item, f"{where}.{name}[{number}]", False)
        return
    unknown = sorted(map(str, keys - {"Variable"} - set(OPERATORS)))
    for key in unknown:
        yield where, (f"{key!r} is not an aws:branch operator{reference.suggest(key, OPERATORS)}; use one of "
                      f"{', '.join(OPERATORS)}, or And/Or/Not")
    operators = keys & set(OPERATORS)
    if len(operators) > 1 or not operators and not unknown:
        yield where, f"needs exactly one operator ({', '.join(OPERATORS)}), got {len(operators)}"
    if "Variable" not in keys:
        yield where, "needs Variable, the value the operator tests (e.g. '{{ Step.Output }}')"


@check("CS-D024", "document", "aws:branch Choices or Default malformed")
def branch_choices(document, catalog):
    for index, step in enumerate(_steps(document)):
        if step.get("action") != "aws:branch" or "Choices" not in _inputs(step):
            continue
        choices = _inputs(step)["Choices"]
        if not isinstance(choices, list) or not choices:
            yield Problem(_at(index, step, "inputs", "Choices"), "must be a non-empty list of choices (NextStep, "
                          "Variable and one operator each)")
            continue
        for number, choice in enumerate(choices):
            for where, message in _condition_problems(choice, _at(index, step, "inputs", f"Choices[{number}]"), True):
                yield Problem(where, message)
        if "Default" in _inputs(step) and not isinstance(_inputs(step)["Default"], str):
            yield Problem(_at(index, step, "inputs", "Default"), f"must be a step name (a string), got "
                          f"{_inputs(step)['Default']!r}")


@check("CS-D025", "document", "step output without Name/Selector/Type, or with an unknown Type or broken Selector")
def step_outputs(document, catalog):
    for index, step in enumerate(_steps(document)):
        outputs = step.get("outputs")
        if outputs is None:
            continue
        if not isinstance(outputs, list):
            yield Problem(_at(index, step, "outputs"), "must be a list of {Name, Selector, Type}")
            continue
        for number, output in enumerate(outputs):
            where = _at(index, step, f"outputs[{number}]")
            if not isinstance(output, dict) or not {"Name", "Selector", "Type"} <= set(output):
                yield Problem(where, "every output needs Name, Selector and Type")
                continue
            if output["Type"] not in OUTPUT_TYPES:
                yield Problem(f"{where}.Type", f"{output['Type']!r} is not one of {', '.join(OUTPUT_TYPES)}")
            try:
                compile_path(str(output["Selector"]))
            except ValueError as error:
                yield Problem(f"{where}.Selector", f"{error}; write a JSONPath such as $.Payload.key")


def _outputs(step):
    declared = [o.get("Name") for o in step.get("outputs") or [] if isinstance(o, dict)]
    spec = SPECS.get(step.get("action"))
    return set(declared) | set(spec.outputs if spec else ())


@check("CS-D014", "document", "{{ reference }} resolves to nothing")
def references(document, catalog):
    known = set(_parameters(document)) | SYSTEM_VARIABLES
    for index, step in enumerate(_steps(document)):
        for name in variable_references({k: v for k, v in step.items() if k != "name"}):
            if name.startswith("ssm:"):
                yield Problem(_at(index, step), f"{{{{ {name} }}}}: Parameter Store values work only as parameter "
                              "defaults; add a parameter whose default is it")
            elif name not in known:
                yield Problem(_at(index, step), f"{{{{ {name} }}}} is not a parameter, an earlier step's output or a "
                              "global:/automation: variable; declare it or fix the name")
        known |= {f"{step.get('name')}.{output}" for output in _outputs(step)}


def _jumps(step):
    """(key path, target) of every step a step may jump to."""
    for key in ("onFailure", "onCancel"):
        value = step.get(key)
        if isinstance(value, str) and value.startswith("step:"):
            yield key, value[len("step:"):]
    if "nextStep" in step:
        yield "nextStep", step["nextStep"]
    if step.get("action") == "aws:branch":
        for number, choice in enumerate(_inputs(step).get("Choices") or []):
            if isinstance(choice, dict):
                yield f"inputs.Choices[{number}].NextStep", choice.get("NextStep")
        if "Default" in _inputs(step):
            yield "inputs.Default", _inputs(step)["Default"]


@check("CS-D015", "document", "jump to a step that does not exist")
def jump_targets(document, catalog):
    names = {step.get("name") for step in _steps(document)}
    for index, step in enumerate(_steps(document)):
        for key, target in _jumps(step):
            if not isinstance(target, str) or target not in names:
                yield Problem(_at(index, step, key), f"goes to {target!r}, which is not a step; use one of {', '.join(sorted(map(str, names)))}")


@check("CS-D016", "document", "onFailure/onCancel value invalid")
def failure_values(document, catalog):
    allowed = {"onFailure": ("Abort", "Continue"), "onCancel": ("Abort",)}
    for index, step in enumerate(_steps(document)):
        for key, values in allowed.items():
            value = step.get(key)
            if value is not None and value not in values and not (isinstance(value, str) and value.startswith("step:")):
                yield Problem(_at(index, step, key), f"{value!r} is not valid; use {', '.join(values)} or step:<name>")


def _successors(steps, index):
    step = steps[index]
    following = steps[index + 1]["name"] if index + 1 < len(steps) else None
    targets = [target for _, target in _jumps(step)]
    jumps_away = "nextStep" in step or (step.get("action") == "aws:branch" and "Default" in _inputs(step))
    if following and step.get("isEnd") is not True and (not jumps_away or step.get("onFailure") == "Continue"):
        targets.append(following)
    return [target for target in targets if isinstance(target, str)]


@check("CS-D017", "document", "step unreachable")
def reachable(document, catalog):
    steps = _steps(document)
    if not steps:
        return
    index_of = {step.get("name"): i for i, step in enumerate(steps)}
    seen, todo = set(), [0]
    while todo:
        index = todo.pop()
        if index not in seen:
            seen.add(index)
            todo.extend(index_of[t] for t in _successors(steps, index) if t in index_of)
    for index, step in enumerate(steps):
        if index not in seen:
            yield Problem(_at(index, step), "no step leads here (check nextStep/isEnd/branch targets); wire it in or delete it")


@check("CS-D018", "document", "document outputs name no step output")
def document_outputs(document, catalog):
    outputs = document.content.get("outputs") or []
    if not isinstance(outputs, list):
        yield Problem("outputs", f"must be a list of Step.OutputName strings, not {type(outputs).__name__}")
        return
    available = {f"{step.get('name')}.{o}" for step in _steps(document) for o in _outputs(step)}
    for index, name in enumerate(outputs):
        if not isinstance(name, str) or name not in available:
            yield Problem(f"outputs[{index}]", f"{name!r} is not an output of any step; write Step.OutputName")


@check("CS-D019", "document", "content larger than 64 KB")
def size(document, catalog):
    size = len(document.text.encode())
    if size > reference.DOCUMENT_BYTES:
        yield Problem("", f"{size} bytes; SSM accepts at most {reference.DOCUMENT_BYTES}: move scripts to attachments")


@check("CS-D028", "document", "file name is not a document name SSM accepts", convention=True)
def name(document, catalog):
    if not NAME.match(document.name):
        yield Problem("", f"document name {document.name!r} must match {NAME.pattern}; rename the file")


def _load_policy(document):
    try:
        return json.loads(read_text(document.policy_path)), None
    except FileNotFoundError:
        return None, Problem("", f"missing: write the assume role's least-privilege policy as {document.policy_path.name}",
                             document.policy_path)
    except json.JSONDecodeError as error:
        return None, Problem(f"line {error.lineno}", f"invalid JSON: {error.msg}", document.policy_path)
    except CatalogError as error:
        return None, Problem(error.field, error.message, document.policy_path)


@check("CS-D020", "document", "policy file missing or not an IAM policy", convention=True)
def policy_shape(document, catalog):
    policy, problem = _load_policy(document)
    if problem:
        yield problem
    elif policy is not None:
        for item in policy_problems(policy):
            yield Problem(item.location, item.message, document.policy_path)


@check("CS-D021", "document", "an API the document calls is not allowed by its policy", convention=True)
def policy_covers_calls(document, catalog):
    policy, _ = _load_policy(document)
    if not isinstance(policy, dict) or policy_problems(policy):
        return
    for index, step in _api_steps(document):
        service = _inputs(step)["Service"]
        action = iam_action(service_name(service) or service, str(_inputs(step).get("Api")))
        if not allows(policy, action):
            yield Problem(_at(index, step), f"calls {action}, which {document.policy_path.name} does not allow; add it "
                          "to an Allow statement")
