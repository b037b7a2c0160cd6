"""Parameter parsing shared by the fixture rule (linked in as a file symlink, as real rules do)."""
from rdklib import InvalidParametersError

MODES = ("strict", "lenient")


def parse_mode(params):
    mode = params.get("Mode") or "strict"
    if mode not in MODES:
        raise InvalidParametersError(f"Parameter Mode must be one of {', '.join(MODES)}, got {mode!r}.")
    return mode
