"""Reading the YAML and JSON files artifacts are written in, as AWS reads them.

One reader for the engine and for validate, so both accept the same files: .json is JSON (tabs
and all), anything else YAML with CloudFormation's short-form tags (`!Ref X` reads as {"Ref": "X"}).
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml


class SourceError(ValueError):
    """A file that cannot be read or parsed: where (e.g. 'line 3', or '') and what to fix."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where, self.message = where, message


class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsics."""


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def parse(text: str, json_syntax: bool = False):
    """The parsed content of JSON (json_syntax) or YAML text; SourceError naming the line otherwise."""
    try:
        if json_syntax:
            return json.loads(text)
        return yaml.load(text, Loader=CfnLoader)  # noqa: S506 (a SafeLoader subclass)
    except json.JSONDecodeError as error:
        raise SourceError(f"line {error.lineno}", f"invalid JSON: {error.msg}; fix the syntax") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SourceError(f"line {mark.line + 1}" if mark else "", f"invalid YAML: "
                          f"{getattr(error, 'problem', None) or error}; fix the syntax") from None


def read(path: Path):
    """(content, text) of a YAML or JSON file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError("", f"cannot read it ({error}); give a UTF-8 YAML or JSON file") from None
    return parse(text, json_syntax=Path(path).suffix == ".json"), text
