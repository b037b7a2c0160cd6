"""rules/_shared/sweep.py: the annotation of a resource a rule could not read."""
import importlib.util
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "sweep.py"
if str(_path.parent) not in sys.path:
    sys.path.append(str(_path.parent))  # sweep imports its sibling bounded_reads, as in a rule's zip
_spec = importlib.util.spec_from_file_location("sweep_under_test", _path)
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)


@pytest.mark.parametrize(
    "error, named",
    [(ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetBucketPolicy"), "AccessDenied on GetBucketPolicy"),
     (ValueError("x" * 1000), "ValueError: xxx")],
)
def test_unreadable_annotation_names_the_failure_and_fits(error, named):
    annotation = sweep.unreadable(error)
    assert annotation.startswith(sweep.UNREADABLE + named)
    assert annotation.endswith(sweep.FIX)
    assert len(annotation) == 255 if isinstance(error, ValueError) else len(annotation) < 255
