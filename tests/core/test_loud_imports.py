"""A module that cannot be imported is an error, never a silently missing command or reader."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regionatlas import sources

BLOCK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {name!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Block())
import {importer}
"""


def _import_without(name: str, importer: str) -> subprocess.CompletedProcess[str]:
    code = BLOCK.format(name=name, importer=importer)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("missing", "importer"),
    [
        ("regionatlas.cli.lma_cmd", "regionatlas.cli.main"),
        ("regionatlas.sources.unit_changes", "regionatlas.sources"),
    ],
)
def test_a_missing_module_fails_loudly(missing: str, importer: str) -> None:
    done = _import_without(missing, importer)
    assert done.returncode != 0
    assert f"No module named '{missing}'" in done.stderr


def test_every_listed_reader_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(sources.FORMATS) == len(sources._MODULES)
    monkeypatch.setattr(sources, "_MODULES", (*sources._MODULES, "no_such_reader"))
    with pytest.raises(ModuleNotFoundError, match="no_such_reader"):
        sources._load()
