"""Checks of the pack manifest (CS-B*): it builds, and the committed packs are what it builds."""
from __future__ import annotations

from pathlib import Path

from .registry import Problem, check

FOLDER = "manifest"
PATH = Path("conformance-packs") / FOLDER / "packs.yaml"


def _build(catalog):
    from ..packs import BuildError, build_all, load_manifest  # the builder imports validate: import late

    try:
        return build_all(catalog, load_manifest(catalog.root)), None
    except BuildError as error:
        return None, str(error)


@check("CS-B001", "manifest", "the manifest does not build")
def builds(catalog):
    _, error = _build(catalog)
    if error:
        yield Problem("-", f"{error}")


@check("CS-B002", "manifest", "a committed pack differs from a fresh build")
def up_to_date(catalog):
    built, _ = _build(catalog)
    for path, text in sorted((built or {}).items()):
        if not path.exists() or path.read_bytes() != text.encode():
            state = "missing" if not path.exists() else "out of date"
            yield Problem("-", f"{state}: run `clearsight build` and commit the result", path)
