"""Strict parsing of rule parameters, shared by every clearsight rule.

AWS Config hands every parameter over as a string; a typo in a key or a value must come back
to the user as InvalidParametersError naming the key and the fix, never as a silent default.
"""
import re

from rdklib import InvalidParametersError

# Keys rdklib itself reads (assume-role control); every rule accepts them.
RDKLIB_KEYS = frozenset({"AssumeRoleMode", "ExecutionRoleName", "ExecutionRoleRegion"})

KMS_KEY_OR_ALIAS_ARN = re.compile(
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$"
)
ACCOUNT_ID = re.compile(r"^\d{12}$")


def reject_unknown(params, accepted):
    """Fail on any key the rule does not read, naming the keys it does."""
    unknown = sorted(set(params) - set(accepted) - RDKLIB_KEYS)
    if unknown:
        raise InvalidParametersError(
            f"Unknown parameter(s) {', '.join(unknown)}; this rule accepts: {', '.join(sorted(accepted))}."
        )


def parse_bool(params, key, default):
    """'true'/'false' in any case; empty or absent means the default."""
    value = str(params.get(key, "")).strip()
    if not value:
        return default
    if value.lower() not in ("true", "false"):
        raise InvalidParametersError(f"Parameter {key} must be 'true' or 'false', got {value!r}.")
    return value.lower() == "true"


def parse_csv(params, key, pattern=None, expected=""):
    """Comma-separated list, blanks dropped; each item must match pattern when one is given."""
    items = [item.strip() for item in str(params.get(key, "")).split(",") if item.strip()]
    for item in items:
        if pattern is not None and not pattern.match(item):
            raise InvalidParametersError(f"Parameter {key}: {item!r} is not {expected}.")
    return items


def parse_accounts(params, key):
    """Comma-separated 12-digit account ids."""
    return parse_csv(params, key, ACCOUNT_ID, "a 12-digit AWS account id")


def parse_int(params, key, default, minimum, maximum):
    """A whole number within [minimum, maximum]; empty or absent means the default."""
    value = str(params.get(key, "")).strip()
    if not value:
        return default
    if not re.fullmatch(r"\d+", value) or not minimum <= int(value) <= maximum:
        raise InvalidParametersError(f"Parameter {key} must be a whole number from {minimum} to {maximum}, got {value!r}.")
    return int(value)
