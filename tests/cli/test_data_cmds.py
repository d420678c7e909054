"""The data commands end to end on the shipped bundle: build, batches, rollback, export, info."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionatlas.cli.main import app
from regionatlas.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "region.gpkg"
    result = runner.invoke(app, ["build", "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def test_build_twice_is_a_no_op(built_db: Path) -> None:
    store = open_store(built_db)
    before = [b.id for b in store.batches()]
    store.close()
    result = runner.invoke(app, ["build", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert "0 neue Batches" in result.output
    store = open_store(built_db)
    assert [b.id for b in store.batches()] == before
    store.close()


def test_region_unit_counts_match_the_official_files(built_db: Path) -> None:
    """Every municipality of the bundle's VG5000 is kept; every 2023 one has an outline."""
    import pyogrio

    from regionatlas.region import load_region
    from regionatlas.settings import BUNDLE_DIR, DEFAULT_REGION
    from regionatlas.sources import read

    region = load_region(DEFAULT_REGION)
    gem = pyogrio.read_dataframe(BUNDLE_DIR / "vg5000" / "VG5000_GEM.shp", read_geometry=False)
    gv = read(BUNDLE_DIR / "GV100AD_301123.txt.gz")[0].units
    gv = gv[(gv["level"] == "gemeinde") & gv["ags"].str[:5].isin(region.all_district_codes)]
    store = open_store(built_db)
    everything = store.units(level="gemeinde", geometry=True, include_ended=True)
    current = store.units(level="gemeinde", geometry=True)
    store.close()
    assert set(gem["AGS"]) <= set(everything.loc[everything.geometry.notna(), "ags"])
    assert everything["ags"].str.len().eq(8).all()
    in_region = current[current["ags"].str[:5].isin(region.all_district_codes)]
    # the Gemeindeverzeichnis 2023 municipalities of the 25 districts, all with an outline
    assert set(gv["ags"]) <= set(in_region.loc[in_region.geometry.notna(), "ags"])
    assert "06611000" in set(current["ags"])


def test_batches_json_lists_sources_and_licences(built_db: Path) -> None:
    result = runner.invoke(app, ["batches", "--db", str(built_db), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    sources = {b["source"] for b in items}
    assert {"bkg-vg", "destatis-gv100ad", "ba-pendleratlas-csv"} <= sources
    assert all(b["licence"] and b["attribution"] and len(b["file_sha256"]) == 64 for b in items)


def test_export_csv_keeps_ags_and_attribution(built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "pop.csv"
    result = runner.invoke(
        app,
        [
            "export",
            "observations",
            "-o",
            str(out),
            "--indicator",
            "population",
            "--level",
            "gemeinde",
            "--db",
            str(built_db),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Destatis" in text or Path(str(out) + ".attribution.txt").exists()
    rows = [r for r in csv.reader(line for line in text.splitlines() if not line.startswith("#"))]
    header = rows[0]
    ags = [r[header.index("ags")] for r in rows[1:]]
    assert "06611000" in ags and all(len(a) == 8 for a in ags)


def test_rollback_removes_exactly_one_batch(tmp_path: Path, built_db: Path) -> None:
    db = tmp_path / "copy.gpkg"
    db.write_bytes(built_db.read_bytes())
    store = open_store(db)
    batches = store.batches()
    target = next(b for b in batches if b.source == "ba-pendleratlas-csv")
    flows_before = len(store.flows(level="kreis"))
    store.close()
    result = runner.invoke(app, ["rollback", str(target.id), "--db", str(db)])
    assert result.exit_code == 0, result.output
    store = open_store(db)
    assert [b.id for b in store.batches()] == [b.id for b in batches if b.id != target.id]
    assert len(store.flows(level="kreis")) <= flows_before
    store.close()
    with sqlite3.connect(db) as con:
        (n,) = con.execute("SELECT count(*) FROM flow WHERE batch_id = ?", (target.id,)).fetchone()
    assert n == 0


def test_rollback_unknown_batch_exits_3(built_db: Path) -> None:
    result = runner.invoke(app, ["rollback", "99999", "--db", str(built_db)])
    assert result.exit_code == 3
    assert "99999" in result.output


def test_import_unknown_file_exits_2(tmp_path: Path, built_db: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(junk), "--db", str(built_db)])
    assert result.exit_code == 2
    assert "junk.txt" in result.output


def test_info_summarises(built_db: Path) -> None:
    result = runner.invoke(app, ["info", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert "gemeinde" in result.output and "2023-06-30" in result.output


def test_build_harmonises_boundaries_of_merged_municipalities(built_db: Path) -> None:
    """Langelsheim (2021 merger of four municipalities) gets the union of their outlines."""
    store = open_store(built_db)
    current = store.units(level="gemeinde", geometry=True).set_index("ags")
    everything = store.units(level="gemeinde", geometry=True, include_ended=True)
    everything = everything.set_index("ags")
    changes = store.unit_changes()
    store.close()
    parts = changes.loc[changes["new_ags"] == "03153019", "old_ags"].tolist()
    assert sorted(parts) == ["03153006", "03153007", "03153009", "03153014"]
    assert not set(parts) & set(current.index)  # predecessors are no longer current
    assert set(parts) <= set(everything.index)  # but kept in the history
    union_area = sum(everything.loc[p, "geometry"].area for p in parts)
    assert current.loc["03153019", "geometry"].area == pytest.approx(union_area, rel=1e-6)


def test_national_employment_rate_assumption_runs_functional_regions(built_db: Path) -> None:
    result = runner.invoke(
        app, ["analyse", "regions", "--employment-rate", "national", "--db", str(built_db)]
    )
    assert result.exit_code == 0, result.output
    assert "modelled" in result.output and "estimate" in result.output


@pytest.mark.parametrize("bad", ["1.5", "0", "viel"])
def test_bad_employment_rate_exits_2(built_db: Path, bad: str) -> None:
    result = runner.invoke(
        app, ["analyse", "regions", "--employment-rate", bad, "--db", str(built_db)]
    )
    assert result.exit_code == 2
    assert "national" in result.output


def test_export_harmonised_to_the_reference_gebietsstand(tmp_path: Path, built_db: Path) -> None:
    """Figures of Langelsheim's four predecessors (2020) are summed onto 03153019."""
    import pandas as pd

    from regionatlas.model.source_data import SourceData

    db = tmp_path / "h.gpkg"
    db.write_bytes(built_db.read_bytes())
    old = {"03153006": 10.0, "03153007": 20.0, "03153009": 30.0, "03153014": 40.0}
    obs = pd.DataFrame(
        {
            "ags": list(old),
            "indicator": "population",
            "period": "2020-12-31",
            "value": list(old.values()),
            "flag": None,
        }
    )
    store = open_store(db)
    store.import_source(
        SourceData(
            source="test-old-keys",
            file=Path("old.csv"),
            sha256="0" * 64,
            publisher="test",
            licence="test",
            attribution="test data",
            vintage="2020-12-31",
            observations=obs,
        )
    )
    store.close()
    out = tmp_path / "h.csv"
    args = ["export", "observations", "--indicator", "population", "--period", "2020-12-31"]
    result = runner.invoke(
        app, [*args, "--harmonise-to", "2023-11-30", "-o", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(line for line in out.read_text().splitlines() if line[:1] != "#"))
    assert [(r["ags"], float(r["value"])) for r in rows] == [("03153019", 100.0)]
