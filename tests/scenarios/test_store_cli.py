"""The store glue and the CLI on a real GeoPackage store (synthetic content, labelled)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from regionatlas.cli.main import app
from regionatlas.errors import NotFoundError
from regionatlas.model.schema import STORE_CRS
from regionatlas.model.source_data import SourceData
from regionatlas.store import open_store
from regionatlas.workflows.scenarios import context_from_store

# 4 municipalities: two in district 06611 (region), one in 05774 (region), one outside
PLACES = [
    ("06611000", "Kassel", 0, 0),
    ("06611001", "Vorort", 12, 0),
    ("05774032", "Paderborn", 0, 40),
    ("03241001", "Hannover", 60, 60),
]
FLOWS = [
    ("06611001", "06611000", 500.0, None),
    ("05774032", "06611000", 80.0, None),
    ("06611000", "05774032", 40.0, None),
    ("06611000", "03241001", 30.0, None),
    ("06611001", "05774032", None, "*"),  # suppressed: must stay out, not become 0
]


def _source(tmp: Path, flag: str | None = "estimated") -> SourceData:
    x0, y0 = 530_000, 5_690_000
    units = gpd.GeoDataFrame(
        {
            "ags": [p[0] for p in PLACES],
            "as_of": "2023-06-30",
            "name": [p[1] for p in PLACES],
            "level": "gemeinde",
            "parent": [p[0][:5] for p in PLACES],
            "state": [p[0][:2] for p in PLACES],
            "ars": None,
            "kind": "Gemeinde",
            "valid_from": None,
            "valid_to": None,
        },
        geometry=[
            box(
                x0 + p[2] * 1000 - 2000,
                y0 + p[3] * 1000 - 2000,
                x0 + p[2] * 1000 + 2000,
                y0 + p[3] * 1000 + 2000,
            )
            for p in PLACES
        ],
        crs=STORE_CRS,
    )
    obs = pd.DataFrame(
        {
            "ags": [p[0] for p in PLACES] * 2,
            "indicator": ["population"] * 4 + ["area_km2"] * 4,
            "period": "2023-06-30",
            "value": [200_000.0, 5_000.0, 150_000.0, 500_000.0] + [16.0] * 4,
            "flag": None,
        }
    )
    flows = pd.DataFrame(
        {
            "origin": [f[0] for f in FLOWS],
            "destination": [f[1] for f in FLOWS],
            "period": "2023-06-30",
            "grp": "total",
            "reported_by": "residence",
            "level": "gemeinde",
            "persons": [f[2] for f in FLOWS],
            "flag": [f[3] if f[3] else flag for f in FLOWS],
        }
    )
    f = tmp / "synthetic-scenario-test.csv"
    f.write_text("synthetic test content\n", encoding="utf-8")
    return SourceData(
        source="synthetic-scenario-test",
        file=f,
        sha256="0" * 63 + "1",
        publisher="regionatlas tests (synthetic)",
        licence="CC0",
        attribution="synthetic test data",
        vintage="2023-06-30",
        units=units,
        observations=obs,
        flows=flows,
        synthetic=True,
    )


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "atlas.gpkg"
    store = open_store(path)
    try:
        store.import_source(_source(tmp_path))
    finally:
        store.close()
    return path


def test_context_from_store(store, tmp_path):
    """Runs once per engine (GeoPackage; PostGIS where a server can be started)."""
    store.import_source(_source(tmp_path))
    ctx = context_from_store(store, ["06611", "05774"])
    assert ctx.estimate_basis == "modelled estimate"
    assert ctx.period == "2023-06-30"
    assert set(ctx.units.index) == {p[0] for p in PLACES}
    assert ctx.units.loc["03241001", "in_region"] == False  # noqa: E712 - numpy bool
    assert ctx.units.loc["06611000", "population"] == 200_000
    assert len(ctx.od) == 4 and len(ctx.excluded) == 1
    assert ctx.excluded["reason"].iloc[0] == "no number (marker *)"
    # centroids in EPSG:25832 metres
    assert ctx.units.loc["05774032", "y"] - ctx.units.loc["06611000", "y"] == pytest.approx(40_000)


def test_context_from_an_empty_store(tmp_path):
    store = open_store(tmp_path / "empty.gpkg")
    try:
        with pytest.raises(NotFoundError, match="no commuter flows"):
            context_from_store(store, ["06611"])
    finally:
        store.close()


def _scenario(tmp_path: Path, name: str, share: float) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'[scenario]\nname = "{name}"\nversion = "1"\nregion = "region-der-mitte"\n'
        f"[levers.remote_work]\nshare = {share}\ndays_per_week = 2\n"
        "[levers.satellite_offices]\nk = 1\neligible_share = 0.5\ndays_per_week = 1\n",
        encoding="utf-8",
    )
    return path


def test_cli_run_prints_json_and_exports(db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "brief.xlsx"
    res = runner.invoke(
        app,
        ["scenario", "run", str(_scenario(tmp_path, "A", 0.2)), "--db", str(db), "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["estimate_basis"] == "modelled estimate"
    assert data["change"]["commuter_km_day"] < 0
    assert [lv["lever"] for lv in data["levers"]] == ["remote_work", "satellite_offices"]
    assert out.exists()


def test_cli_compare(db, tmp_path):
    res = CliRunner().invoke(
        app,
        [
            "scenario",
            "compare",
            str(_scenario(tmp_path, "A", 0.1)),
            str(_scenario(tmp_path, "B", 0.3)),
            "--db",
            str(db),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    km = next(r for r in data["totals"] if r["indicator"] == "commuter_km_day")
    assert km["difference_b_minus_a"] < 0


def test_cli_bad_scenario_exits_without_traceback(db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[scenario]\nname = "x"\nversion = "1"\n[levers.remote_work]\nshare = -1\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["scenario", "run", str(bad), "--db", str(db)])
    assert res.exit_code == 2
    assert "remote_work.share" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("kind", ["fifo", "chardev", "devnull", "stdout"])
def test_cli_export_to_stdout_devices_and_fifos(db, tmp_path, kind):
    """--out -, /dev/null, a FIFO or a character device is written in place, never replaced;
    with --out - the CSV owns stdout and the JSON goes to stderr."""
    from tests.output_targets import special_target, written

    scenario = _scenario(tmp_path, "A", 0.2)
    with special_target(kind, tmp_path) as target:
        res = CliRunner().invoke(
            app, ["scenario", "run", str(scenario), "--db", str(db), "--out", target.path]
        )
        assert res.exit_code == 0, res.output
        assert target.still_special()
        if kind in ("fifo", "stdout"):
            assert "commuter_km_day" in written(target, res).decode("utf-8")
    if kind == "stdout":
        assert json.loads(res.stderr)["estimate_basis"] == "modelled estimate"
