"""EventBridge event patterns, validated and evaluated against one event.

Why: moto's TestEventPattern is a stub and calling EventBridge's own per rule and sample would
cost a call each, so a rule judges "does this rule catch root sign-ins" here. Pure Python,
shipped in the rule's Lambda through a symlink.

Supported, as the EventBridge user guide documents content filtering: exact values (strings,
numbers, null, booleans), prefix and suffix (each also with equals-ignore-case), anything-but
(a value, a list, prefix, suffix, equals-ignore-case, wildcard), numeric ranges, exists,
cidr, wildcard, equals-ignore-case, `$or`, nested objects, and arrays in the event (an array
matches when any element does). Every key of a pattern must match; within a list, any entry.
Anything else raises UnsupportedPattern, before any matching: never a match.
"""
import ipaddress
import json
import re

NUMERIC_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
MISSING = object()


class UnsupportedPattern(ValueError):
    """The pattern uses syntax this evaluator does not know, or is malformed."""


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar(value):
    return value is None or isinstance(value, (str, bool)) or _number(value)


def _same(expected, value):
    """Exact match as EventBridge compares JSON values: types matter (1 is not "1" nor true)."""
    if _number(expected) and _number(value):
        return float(expected) == float(value)
    return type(expected) is type(value) and expected == value


def _wildcard(text):
    parts = re.split(r"(?<!\\)\*", text)
    return re.compile(".*".join(re.escape(part.replace("\\*", "*")) for part in parts), re.DOTALL)


def _text_test(name, spec, where):
    """prefix/suffix/equals-ignore-case/wildcard as a predicate on strings."""
    if name in ("prefix", "suffix") and isinstance(spec, dict) and list(spec) == ["equals-ignore-case"]:
        wanted = spec["equals-ignore-case"]
        if not isinstance(wanted, str):
            raise UnsupportedPattern(f"{where}: {name} equals-ignore-case needs a string")
        wanted = wanted.lower()
        return (lambda v: v.lower().startswith(wanted)) if name == "prefix" else (lambda v: v.lower().endswith(wanted))
    if not isinstance(spec, str):
        raise UnsupportedPattern(f"{where}: {name} needs a string, got {json.dumps(spec)[:40]}")
    if name == "prefix":
        return lambda v: v.startswith(spec)
    if name == "suffix":
        return lambda v: v.endswith(spec)
    if name == "equals-ignore-case":
        return lambda v: v.lower() == spec.lower()
    regex = _wildcard(spec)
    return lambda v: bool(regex.fullmatch(v))


def _strings_only(test):
    return lambda value: isinstance(value, str) and test(value)


def _anything_but(spec, where):
    if _scalar(spec):
        spec = [spec]
    if isinstance(spec, list):
        if not spec or not all(_scalar(v) and v is not None for v in spec):
            raise UnsupportedPattern(f"{where}: anything-but needs values, a list of values, or one operator")
        return lambda value: value is not None and not any(_same(v, value) for v in spec)
    if isinstance(spec, dict) and len(spec) == 1:
        (name, inner), = spec.items()
        if name in ("prefix", "suffix"):
            test = _text_test(name, inner, where)
        elif name in ("equals-ignore-case", "wildcard"):
            inner = inner if isinstance(inner, list) else [inner]
            tests = [_text_test(name, item, where) for item in inner]
            test = lambda value: any(t(value) for t in tests)  # noqa: E731
        else:
            raise UnsupportedPattern(f"{where}: anything-but does not take {name!r}")
        return lambda value: isinstance(value, str) and not test(value)
    raise UnsupportedPattern(f"{where}: anything-but needs values, a list of values, or one operator")


def _numeric(spec, where):
    if not isinstance(spec, list) or len(spec) not in (2, 4):
        raise UnsupportedPattern(f"{where}: numeric needs [op, number] or [op, number, op, number]")
    bounds = list(zip(spec[::2], spec[1::2]))
    for op, bound in bounds:
        if op not in NUMERIC_OPS or not _number(bound):
            raise UnsupportedPattern(f"{where}: numeric does not take {op!r} {bound!r}")
    return lambda value: _number(value) and all(NUMERIC_OPS[op](value, bound) for op, bound in bounds)


def _cidr(spec, where):
    try:
        network = ipaddress.ip_network(spec, strict=False)
    except (TypeError, ValueError):
        raise UnsupportedPattern(f"{where}: cidr needs a CIDR block such as 10.0.0.0/24, got {spec!r}") from None

    def test(value):
        try:
            return isinstance(value, str) and ipaddress.ip_address(value) in network
        except ValueError:
            return False

    return test


def _operator(entry, where):
    """A leaf-list entry as a predicate on one present value."""
    if _scalar(entry):
        return lambda value: _same(entry, value)
    if not isinstance(entry, dict) or len(entry) != 1:
        raise UnsupportedPattern(f"{where}: each list entry is a value or an object with one operator")
    (name, spec), = entry.items()
    if name in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        return _strings_only(_text_test(name, spec, where))
    if name == "anything-but":
        return _anything_but(spec, where)
    if name == "numeric":
        return _numeric(spec, where)
    if name == "cidr":
        return _cidr(spec, where)
    if name == "exists":
        if not isinstance(spec, bool):
            raise UnsupportedPattern(f"{where}: exists needs true or false")
        return None  # handled against presence, in _leaf
    raise UnsupportedPattern(f"{where}: unsupported operator {name!r}")


def _leaf(entries, where):
    """A list of alternatives as a predicate on the field's value (MISSING when absent)."""
    if not entries:
        raise UnsupportedPattern(f"{where}: an empty list matches nothing; give at least one value")
    tests = []
    for entry in entries:
        test = _operator(entry, where)
        if test is None:
            wanted = entry["exists"]
            tests.append(lambda value, wanted=wanted: (value is not MISSING) is wanted)
        else:
            tests.append(lambda value, test=test: value is not MISSING and _any_element(value, test))
    return lambda value: any(test(value) for test in tests)


def _any_element(value, test):
    if isinstance(value, list):
        return any(test(item) for item in value if not isinstance(item, (dict, list)))
    return not isinstance(value, dict) and test(value)


def _object(pattern, where):
    """A pattern object as a predicate on an event object."""
    if not isinstance(pattern, dict) or not pattern:
        raise UnsupportedPattern(f"{where or 'pattern'}: needs a non-empty JSON object")
    tests = []
    for key, value in pattern.items():
        here = f"{where}.{key}" if where else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise UnsupportedPattern(f"{here}: needs a list of at least two pattern objects")
            branches = [_object(branch, here) for branch in value]
            tests.append(lambda event, branches=branches: any(branch(event) for branch in branches))
        elif isinstance(value, dict):
            inner = _object(value, here)
            tests.append(lambda event, key=key, inner=inner: _nested(event.get(key, MISSING), inner))
        elif isinstance(value, list):
            leaf = _leaf(value, here)
            tests.append(lambda event, key=key, leaf=leaf: leaf(event.get(key, MISSING)))
        else:
            raise UnsupportedPattern(f"{here}: a pattern value is an object or a list, got {json.dumps(value)[:40]}")
    return lambda event: isinstance(event, dict) and all(test(event) for test in tests)


def _nested(value, inner):
    if isinstance(value, list):
        return any(inner(item) for item in value if isinstance(item, dict))
    return isinstance(value, dict) and inner(value)


def compile_pattern(pattern):
    """A predicate event -> bool; pattern is the JSON text or the decoded object."""
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except json.JSONDecodeError as error:
            raise UnsupportedPattern(f"pattern is not JSON: {error}") from None
    return _object(pattern, "")


def matches(pattern, event):
    """Whether the pattern matches the event (UnsupportedPattern if it cannot say)."""
    return compile_pattern(pattern)(event)
