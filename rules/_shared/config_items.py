"""Reading configuration items as AWS Config really sends them.

Supplementary configuration values arrive as objects in Lambda notifications but as JSON
strings once rdklib inflates an oversized item (or a CI comes from the API dialect): accept both.
"""
import json

MISSING = object()


def supplementary(configuration_item, key):
    """The decoded supplementaryConfiguration[key], or MISSING when the item does not carry it."""
    value = (configuration_item.get("supplementaryConfiguration") or {}).get(key, MISSING)
    if isinstance(value, str):
        return json.loads(value)
    return value
