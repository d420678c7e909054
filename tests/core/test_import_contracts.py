"""The import contracts of pyproject.toml ([tool.importlinter]) catch what they forbid.

scripts/test.sh runs ``lint-imports`` on the real package, where every contract is kept;
this module shows that each contract would fail: it copies the package's modules, plants one
forbidden import in the copy and runs ``lint-imports`` on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "regionatlas"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# contract id -> (module planted in the copy, its forbidden import)
PLANTS = {
    "entry-points-through-workflows": [
        ("cli/planted.py", "from regionatlas.analysis.lma_params import DEFAULT_LMA\n"),
        ("web/planted.py", "import regionatlas.analysis.harmonise\n"),
    ],
    "pure-analysis": [("analysis/planted.py", "import sqlite3\n")],
    "neutral-model": [("model/planted.py", "from regionatlas.settings import load_settings\n")],
    "layers": [("store/planted.py", "import regionatlas.workflows.lma\n")],
}


def _only_python(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()}


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with pyproject.toml and src/regionatlas (its Python modules only)."""
    root = tmp_path_factory.mktemp("contracts")
    shutil.copytree(
        PACKAGE,
        root / "src" / "regionatlas",
        ignore=lambda folder, names: _only_python(folder, names) | {"__pycache__"},
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    yield root


def _lint(root: Path, contract: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--contract", contract],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("contract", "module", "line"),
    [(c, m, line) for c, plants in PLANTS.items() for m, line in plants],
)
def test_a_planted_import_breaks_the_contract(
    copy: Path, contract: str, module: str, line: str
) -> None:
    clean = _lint(copy, contract)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 broken" in clean.stdout

    planted = copy / "src" / "regionatlas" / module
    planted.write_text(line)
    try:
        broken = _lint(copy, contract)
    finally:
        planted.unlink()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "1 broken" in broken.stdout
    dotted = "regionatlas." + module.removesuffix(".py").replace("/", ".")
    assert dotted in broken.stdout  # the report names the planted module


def test_the_copy_is_what_lint_imports_reads(copy: Path) -> None:
    """The planted module is found in the copy, not in the installed checkout."""
    code = "import regionatlas, sys; sys.stdout.write(regionatlas.__file__)"
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=copy, env=env, capture_output=True, text=True
    )
    assert done.stdout == str(copy / "src" / "regionatlas" / "__init__.py")


def test_every_contract_has_a_planted_import() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ids = {c["id"] for c in config["tool"]["importlinter"]["contracts"]}
    assert ids == set(PLANTS)
