"""The small edits the validator tests make to a good catalog, one mistake each."""
import json
import shutil
from pathlib import Path

import yaml

GOOD = Path(__file__).parent / "good_catalog"
RULE = "rules/GOOD_RULE/parameters.json"
DOCUMENT = "remediation-documents/Clearsight-GoodFix.yaml"
PACK = "conformance-packs/good.yaml"


def _set(data, keys, value):
    """Set (value None: delete) data[k1][k2]...; list indexes as ints."""
    for key in keys[:-1]:
        data = data[key]
    if value is None:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value


def edit(relative, *keys, value):
    """An edit of one JSON or YAML file at a key path."""

    def apply(root):
        path = root / relative
        load, dump = (json.loads, lambda d: json.dumps(d, indent=2)) if path.suffix == ".json" else (
            yaml.safe_load, lambda d: yaml.safe_dump(d, sort_keys=False))
        data = load(path.read_text())
        _set(data, list(keys), value)
        path.write_text(dump(data))

    return apply


def rule(key, value):
    return edit(RULE, "Parameters", key, value=value)


def remediation(*keys, value):
    return edit(RULE, "Parameters", "Remediation", *keys, value=value)


def document(*keys, value):
    return edit(DOCUMENT, *keys, value=value)


def pack(*keys, value):
    return edit(PACK, *keys, value=value)


def write(relative, text):
    def apply(root):
        (root / relative).write_text(text)

    return apply


def replace(relative, old, new):
    def apply(root):
        path = root / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))

    return apply


def rename_rule(new, keep_old=False):
    """The fixture rule under another name (directory, module, class), optionally beside the original."""

    def apply(root):
        old_dir, new_dir = root / "rules/GOOD_RULE", root / "rules" / new
        shutil.copytree(old_dir, new_dir, symlinks=True)
        (new_dir / "GOOD_RULE.py").rename(new_dir / f"{new}.py")
        for path in (new_dir / f"{new}.py", new_dir / "parameters.json"):
            path.write_text(path.read_text().replace("GOOD_RULE", new))
        if not keep_old:
            shutil.rmtree(old_dir)

    return apply


def symlink(relative, target, directory=False):
    def apply(root):
        (root / relative).symlink_to(target, target_is_directory=directory)

    return apply


def both(*changes):
    def apply(root):
        for change in changes:
            change(root)

    return apply
