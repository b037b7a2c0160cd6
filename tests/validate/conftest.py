"""A copy of the minimal good catalog (good_catalog/) in tmp_path, for one mistake per test."""
import shutil

import pytest

from .edits import GOOD


@pytest.fixture
def good_catalog(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(GOOD, root, symlinks=True)
    return root
