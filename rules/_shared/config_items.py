"""Reading configuration items as AWS Config really sends them.

Supplementary configuration values arrive as objects in Lambda notifications but as JSON
strings once rdklib inflates an oversized item (or a CI comes from the API dialect): accept both.
A null value (or the JSON string "null") carries no data either: it is MISSING, so a rule reads
the resource instead of taking "not captured" for "not configured".
"""
import json

MISSING = object()


def supplementary(configuration_item, key):
    """The decoded supplementaryConfiguration[key], or MISSING when the item does not carry it."""
    value = (configuration_item.get("supplementaryConfiguration") or {}).get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(
                f"supplementaryConfiguration.{key} of {configuration_item.get('resourceType')} "
                f"{configuration_item.get('resourceId')} is neither an object nor a JSON string ({error})."
            ) from error
    return MISSING if value is None else value
