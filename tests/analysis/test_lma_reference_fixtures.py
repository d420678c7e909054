"""Our LMAs against partitions computed by the reference R package LabourMarketAreas 3.4.

The fixtures in tests/data/lma_reference/ (inputs and R's output, made by the command in
its README) let the first test run without R. The second test (marker ``peer``) runs R
itself and is skipped unless ``REGIONATLAS_LMA_REF_LIB`` names the R library holding the
package (see shared/design/lma-peer.md). Partitions are compared, not cluster ids.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from regionatlas.analysis.lma import LmaParams, areas_table, find_lma
from regionatlas.sources.od_table import read_od_csv

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "lma_reference"
R_SCRIPT = ROOT / "benchmarks" / "lma_reference_run.R"
LIB_ENV = "REGIONATLAS_LMA_REF_LIB"
CASES = json.loads((FIXTURES / "cases.json").read_text())


def partition(areas: pd.DataFrame) -> tuple[frozenset, frozenset, frozenset]:
    """(set of areas as sets of communities, not assigned, zero list)."""
    lma = areas[areas["status"] == "lma"]
    groups = frozenset(frozenset(g["community"]) for _, g in lma.groupby("cluster"))
    rest = [
        frozenset(areas.loc[areas["status"] == s, "community"])
        for s in ("not_assigned", "zero_list")
    ]
    return groups, rest[0], rest[1]


def ours(od_path: Path, params: dict, method: str = "reference") -> pd.DataFrame:
    flows = read_od_csv(od_path)  # the CLI path: ids are text
    return areas_table(find_lma(flows, LmaParams(**params), method=method))


def test_fixture_set_covers_generated_and_constructed_inputs() -> None:
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"generated", "constructed"}
    sizes = [c["communities"] for c in CASES if c["kind"] == "generated"]
    assert len(sizes) >= 10 and min(sizes) >= 50


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_partition_equals_reference(case: dict) -> None:
    expected = pd.read_csv(FIXTURES / f"{case['name']}.reference.csv", dtype={"community": str})
    got = ours(FIXTURES / f"{case['name']}.od.csv.gz", case["params"])
    assert partition(got) == partition(expected)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_area_ids_equal_reference(case: dict) -> None:
    """Stricter than the partition: LMA ids are surviving initial ranks in both, so
    equal ids mean both took the same joins in the same order."""
    expected = pd.read_csv(FIXTURES / f"{case['name']}.reference.csv", dtype={"community": str})
    got = ours(FIXTURES / f"{case['name']}.od.csv.gz", case["params"])
    key = ["community", "cluster", "status"]
    assert (
        got[key].sort_values(key).values.tolist() == expected[key].sort_values(key).values.tolist()
    )


@pytest.mark.parametrize("name", ["c_zero_row_link", "c_split_cluster"])
def test_constructed_inputs_separate_the_reference_from_the_written_method(name: str) -> None:
    """Each constructed input shows one point where the reference departs from the
    written method: the written method gives another partition there."""
    case = next(c for c in CASES if c["name"] == name)
    expected = pd.read_csv(FIXTURES / f"{name}.reference.csv", dtype={"community": str})
    written = ours(FIXTURES / f"{name}.od.csv.gz", case["params"], method="written")
    assert partition(written) != partition(expected)


def _peer_lib() -> str:
    lib = os.environ.get(LIB_ENV)
    if not lib or not Path(lib, "LabourMarketAreas").is_dir() or not shutil.which("Rscript"):
        pytest.skip(f"reference R package not available (set {LIB_ENV}; Rscript on PATH)")
    return lib


@pytest.mark.peer
@pytest.mark.parametrize("name", ["c_numeric_id_order", "c_zero_row_link", "g00_n50"])
def test_partition_equals_reference_run_now(name: str, tmp_path: Path) -> None:
    lib = _peer_lib()
    case = next(c for c in CASES if c["name"] == name)
    od = tmp_path / "od.csv"
    od.write_bytes(gzip.decompress((FIXTURES / f"{name}.od.csv.gz").read_bytes()))
    p = case["params"]
    cmd = ["Rscript", str(R_SCRIPT), str(od), str(tmp_path)]
    cmd += [str(p[k]) for k in ("min_size", "min_sc", "target_size", "target_sc")]
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "LMA_LIB": lib})
    cl = pd.read_csv(tmp_path / "cluster_list.csv", dtype={"community": str})
    zero = pd.read_csv(tmp_path / "zero_list.csv", dtype={"community": str})["community"]
    status = ["not_assigned" if c == 0 else "lma" for c in cl["cluster"]]
    parts = [
        pd.DataFrame({"community": cl["community"], "cluster": cl["cluster"], "status": status})
    ]
    if len(zero):
        parts.append(pd.DataFrame({"community": zero, "cluster": 0, "status": "zero_list"}))
    r_areas = pd.concat(parts)
    assert partition(ours(od, p)) == partition(r_areas)
    committed = pd.read_csv(FIXTURES / f"{name}.reference.csv", dtype={"community": str})
    assert partition(committed) == partition(r_areas)
