"""JSONPath selection (Selector / PropertySelector) and typing of step outputs.

A path that names one place ($.A.B[0]) yields that value; a path that can name many
(wildcards, slices, deep scan ..) always yields a list, as AWS documents for deep scan.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonpath_ng import Child, Fields, Index, Root, This
from jsonpath_ng.ext import parse

from .errors import StepFailed

OUTPUT_TYPES = ("String", "Integer", "Boolean", "StringList", "StringMap", "MapList")
NOT_FOUND = object()


@lru_cache(maxsize=256)
def compile_path(path: str):
    """The parsed JSONPath; ValueError with the parser's message when it does not parse."""
    try:
        return parse(path)
    except Exception as error:  # JsonPathParserError, and bare Exceptions from the lexer
        raise ValueError(f"invalid JSONPath {path!r}: {error}") from error


def _singular(expression) -> bool:
    if isinstance(expression, (Root, This)):
        return True
    if isinstance(expression, Child):
        return _singular(expression.left) and _singular(expression.right)
    if isinstance(expression, Fields):
        return len(expression.fields) == 1 and expression.fields[0] != "*"
    if isinstance(expression, Index):
        return len(expression.indices) == 1
    return False


def select(data: Any, path: str) -> Any:
    """The value at `path`, a list for a many-valued path, or NOT_FOUND."""
    expression = compile_path(path)
    values = [match.value for match in expression.find(data)]
    if _singular(expression):
        return values[0] if values else NOT_FOUND
    return values


def typed_output(value: Any, type_name: str, name: str) -> Any:
    """Check a selected value against the output's declared Type, the way Automation types outputs."""
    ok = {
        "String": lambda v: isinstance(v, str),
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Boolean": lambda v: isinstance(v, bool),
        "StringList": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
        "StringMap": lambda v: isinstance(v, dict),
        "MapList": lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
    }[type_name]
    if type_name in ("StringList", "MapList") and not isinstance(value, list):
        value = [value]
    if not ok(value):
        raise StepFailed(f"output {name}: selected value {value!r} is not of declared Type {type_name}")
    return value


def collect_outputs(declared: list[dict], data: Any) -> dict[str, Any]:
    """Apply each declared {Name, Selector, Type} to `data`. A selector matching nothing leaves its output
    unset, as AWS does (ASR's runbooks rely on it): only a later step that uses the output fails."""
    outputs = {}
    for output in declared:
        value = select(data, output["Selector"])
        if value is not NOT_FOUND:
            outputs[output["Name"]] = typed_output(value, output["Type"], output["Name"])
    return outputs
