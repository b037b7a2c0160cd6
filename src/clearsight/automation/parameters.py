"""Runtime parameters: checked and coerced to their declared types before anything runs.

Values arrive as Config sends them, strings or lists of strings (StaticValue.Values is a
list, RESOURCE_ID a string), or as Python values. Every rejection names the parameter and
says what would fix it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from .errors import ParameterError

TYPES = ("String", "StringList", "Integer", "Boolean", "StringMap", "MapList")
# documents-syntax-data-elements-parameters.html: (minimum key, maximum key, what they count)
LIMITS = (("minChars", "maxChars", "characters"), ("minItems", "maxItems", "items"))
# StartAutomationExecution's AutomationParameterMap (SSM API model).
API_KEYS, API_VALUES, API_VALUE_CHARS = 200, 50, 512


def _base_type(declared: str) -> str:
    """AWS resource types (AWS::S3::Bucket::Name, AWS::IAM::Role::Arn ...) carry strings."""
    return "String" if declared.startswith("AWS::") else declared


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern:
    """allowedPattern is a Java regex. Java reads `[\\w-\\/]` as \\w, '-', '/'; Python rejects the
    range, so a '-' right after a shorthand class is escaped (AWS's own runbooks rely on this)."""
    return re.compile(_python_syntax(pattern))


def _python_syntax(pattern: str) -> str:
    return re.sub(r"(\\[wWdDsS])-", r"\1\\-", pattern)


PARAMETER_STORE = re.compile(r"^\{\{\s*ssm(-secure)?:[^{}]+\}\}$")


def is_parameter_store(value: Any) -> bool:
    """A default such as '{{ssm:/path}}': Automation reads it from Parameter Store when the run starts."""
    return isinstance(value, str) and bool(PARAMETER_STORE.match(value.strip()))


def anchored(pattern: str) -> bool:
    """True when every match of `pattern` must span the whole value (judged on the parsed pattern, so
    '(?=^.{3,63}$)(^[a-z]+$)' counts as anchored as '^[a-z]+$' does); re.error if it does not parse."""
    from re import _parser as parser  # the stdlib's own parse tree: no second regex grammar to keep

    tree = parser.parse(_python_syntax(pattern))
    return _fenced(list(tree), 0) and _fenced(list(tree), -1)


def _fenced(items: list, end: int) -> bool:
    """Whether the first (end=0) or last (end=-1) element of a parsed sequence pins that end of the value."""
    from re import _constants as c

    if not items:
        return False
    op, value = items[end]
    if op is c.AT:
        return value in ((c.AT_BEGINNING, c.AT_BEGINNING_STRING) if end == 0 else (c.AT_END, c.AT_END_STRING))
    if op is c.SUBPATTERN:
        return _fenced(list(value[-1]), end)
    if op is c.BRANCH:
        return all(_fenced(list(branch), end) for branch in value[1])
    if op is c.ASSERT and end == 0 and value[0] == 1:  # a lookahead at the start: (?=^...$)
        return _fenced(list(value[1]), 0) or _fenced(items[1:], 0)
    if op is c.ASSERT_NOT and end == 0:
        return _fenced(items[1:], 0)
    return False


def declaration_problem(spec: Any) -> str | None:
    """What is wrong with one `parameters:` entry, if anything."""
    if not isinstance(spec, dict) or "type" not in spec:
        return "must be a mapping with a type"
    if _base_type(str(spec["type"])) not in TYPES:
        return f"type {spec['type']!r} is not one of {', '.join(TYPES)} or an AWS:: resource type"
    if "allowedPattern" in spec:
        try:
            compile_pattern(str(spec["allowedPattern"]))
        except re.error as error:
            return f"allowedPattern does not compile as a Python regular expression: {error}"
    if "allowedValues" in spec and not isinstance(spec["allowedValues"], list):
        return "allowedValues must be a list"
    return limits_problem(spec)


def limits_problem(spec: dict) -> str | None:
    """What is wrong with a declaration's minChars/maxChars/minItems/maxItems, if anything."""
    for low, high, _ in LIMITS:
        for key in (low, high):
            value = spec.get(key)
            if key in spec and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                return f"{key} must be a non-negative integer, got {value!r}"
        if low in spec and high in spec and spec[low] > spec[high]:
            return f"{low} {spec[low]} is greater than {high} {spec[high]}; no value could satisfy both"
    return None


def limit_violation(spec: dict, value: Any) -> str | None:
    """How a typed value breaks its declaration's minChars/maxChars (String) or minItems/maxItems
    (StringList, MapList), if it does."""
    kind = _base_type(str(spec.get("type")))
    counted = {"String": LIMITS[0], "StringList": LIMITS[1], "MapList": LIMITS[1]}
    if kind not in counted or not isinstance(value, str if kind == "String" else list):
        return None
    low, high, unit = counted[kind]
    size = len(value)
    shown = f"{size} items"
    if unit == "characters":
        shown = f"{value if size <= 40 else value[:37] + '...'!r} is {size} characters"
    if isinstance(spec.get(low), int) and size < spec[low]:
        return f"{shown}; {low} is {spec[low]}"
    if isinstance(spec.get(high), int) and size > spec[high]:
        return f"{shown}; {high} is {spec[high]}"
    return None


def _api_values(value: Any) -> list[str]:
    """The strings a value takes in StartAutomationExecution's Parameters (a list of strings a key)."""
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, str) else json.dumps(item) if isinstance(item, (dict, list))
            else str(item).lower() if isinstance(item, bool) else str(item) for item in items]


def _check_api_limits(given: dict[str, Any]) -> None:
    if len(given) > API_KEYS:
        raise ParameterError(f"{len(given)} parameters; StartAutomationExecution accepts at most {API_KEYS}: "
                             "pass fewer")
    for name, value in given.items():
        values = _api_values(value)
        if len(values) > API_VALUES:
            raise ParameterError(f"parameter {name}: {len(values)} values; StartAutomationExecution accepts at most "
                                 f"{API_VALUES} a parameter: pass fewer")
        longest = max((len(v) for v in values), default=0)
        if longest > API_VALUE_CHARS:
            raise ParameterError(f"parameter {name}: a value of {longest} characters; StartAutomationExecution accepts "
                                 f"at most {API_VALUE_CHARS} a value: shorten it")


def _from_parameter_store(name: str, default: str, read_parameter) -> str:
    reference = default.strip()[2:-2].strip()
    if read_parameter is None:
        raise ParameterError(f"parameter {name}: its default {default} comes from Parameter Store; pass {name} "
                             "explicitly")
    try:
        return read_parameter(reference.split(":", 1)[1])
    except Exception as error:  # noqa: BLE001 (any failure to read is the user's to fix)
        raise ParameterError(f"parameter {name}: its default {default} could not be read from Parameter Store "
                             f"({error}); create the parameter or pass {name} explicitly") from None


def validate(declared: dict[str, dict], given: dict[str, Any], read_parameter=None) -> dict[str, Any]:
    """Every declared parameter's typed value (given, else default); ParameterError otherwise.

    A '{{ssm:/name}}' default is read with read_parameter(name), as Automation reads Parameter Store."""
    _check_api_limits(given)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}: this document takes "
                             f"{', '.join(declared) or 'no parameters'}")
    values = {}
    for name, spec in declared.items():
        kind = _base_type(str(spec["type"]))
        if name in given:
            value = _coerce(name, kind, given[name])
            _check_allowed(name, spec, kind, value)
            violation = limit_violation(spec, value)
            if violation:
                raise ParameterError(f"parameter {name}: {violation}; pass a value within the limits")
        elif "default" in spec:
            default = spec["default"]
            if is_parameter_store(default):
                default = _from_parameter_store(name, default, read_parameter)
            value = _coerce(name, kind, default)
        else:
            description = f" ({spec['description']})" if spec.get("description") else ""
            raise ParameterError(f"missing required parameter {name}{description}: pass {name}=<{spec['type']}>; "
                                 "it has no default")
        values[name] = value
    return values


def _coerce(name: str, kind: str, value: Any) -> Any:
    if kind != "StringList" and kind != "MapList" and isinstance(value, list):
        if len(value) != 1:
            raise ParameterError(f"parameter {name} is a {kind}: pass one value, not a list of {len(value)}")
        value = value[0]
    try:
        return _CONVERT[kind](value)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"parameter {name} must be of type {kind}: {error}") from None


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"got {type(value).__name__} {value!r}; pass a string")
    return value


def _string_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [_string(item) for item in items]


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise ValueError(f"got {value!r}; pass a whole number such as 30")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"got {value!r}; pass true or false")


def _json(value: Any, expected: type) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"{value!r} is not JSON; pass a JSON {expected.__name__}") from None
    if not isinstance(value, expected):
        raise ValueError(f"got {type(value).__name__}; pass a JSON {expected.__name__}")
    return value


def _map_list(value: Any) -> list[dict]:
    items = value if isinstance(value, list) else _json(value, list)
    return [_json(item, dict) for item in items]


_CONVERT = {
    "String": _string,
    "StringList": _string_list,
    "Integer": _integer,
    "Boolean": _boolean,
    "StringMap": lambda value: _json(value, dict),
    "MapList": _map_list,
}


def _check_allowed(name: str, spec: dict, kind: str, value: Any) -> None:
    items = value if kind == "StringList" else [value]
    if kind in ("StringMap", "MapList"):
        return
    for item in items:
        text = str(item)
        allowed = spec.get("allowedValues")
        if allowed is not None and text not in [str(v) for v in allowed]:
            raise ParameterError(f"parameter {name}: {text!r} is not an allowed value; pass one of "
                                 f"{', '.join(str(v) for v in allowed)}")
        pattern = spec.get("allowedPattern")
        if pattern is not None and not compile_pattern(str(pattern)).fullmatch(text):
            raise ParameterError(f"parameter {name}: {text!r} does not match allowedPattern {pattern}; "
                                 "pass a value that matches it")
