"""``regionatlas analyse …`` end to end on the bundle store (CliRunner)."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from regionatlas.cli.main import app

runner = CliRunner()


def _run(args: list[str], db: Path):
    return runner.invoke(app, ["analyse", *args, "--db", str(db)])


def test_flows_kreis_writes_csv_with_basis_and_sources(region_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "kreis.csv"
    result = _run(["flows", "--level", "kreis", "-o", str(out)], region_db)
    assert result.exit_code == 0, result.output
    assert "basis: official" in result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 25
    kassel = next(r for r in rows if r["ags"] == "06611")  # AGS stays text
    assert float(kassel["out_commuters"]) > 0
    assert {r["basis"] for r in rows} == {"official"}
    assert all("Bundesagentur" in r["attribution"] for r in rows)


def test_bad_level_exits_2(region_db: Path) -> None:
    result = _run(["flows", "--level", "bezirk"], region_db)
    assert result.exit_code == 2
    assert "--level" in result.output


def test_unknown_region_file_exits_2(region_db: Path, tmp_path: Path) -> None:
    result = _run(["flows", "--region", str(tmp_path / "nowhere.toml")], region_db)
    assert result.exit_code == 2
    assert "region file not found" in result.output


def test_crossborder_state_matrix(region_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "states.csv"
    result = _run(["crossborder", "--table", "states", "-o", str(out)], region_db)
    assert result.exit_code == 0, result.output
    assert "basis: official" in result.output
    with out.open(encoding="utf-8") as fh:
        rows = {r["origin"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"03", "05", "06", "16"}
    assert rows["06"]["origin_name"] == "Hessen"
    assert float(rows["06"]["05"]) > 0 and rows["06"]["06"] == ""  # diagonal unknown, not 0


def test_regions_needs_flows_within_districts_or_an_assumption(
    region_db: Path, tmp_path: Path
) -> None:
    result = _run(["regions"], region_db)
    assert result.exit_code == 2
    assert "within districts" in result.output
    out = tmp_path / "areas.xlsx"
    result = _run(["regions", "--employment-rate", "0.4", "-o", str(out)], region_db)
    assert result.exit_code == 0, result.output
    assert "basis: modelled estimate" in result.output
    assert "Leiden" in result.output
    assert out.stat().st_size > 0


def test_hubs_and_central_places(region_db: Path, tmp_path: Path) -> None:
    result = _run(["hubs", "--level", "kreis", "--table", "knotenpunkte"], region_db)
    assert result.exit_code == 0, result.output
    assert "straight lines" in result.output
    out = tmp_path / "cp.csv"
    result = _run(
        ["central-places", "--employment-rate", "0.4", "--table", "matrix", "-o", str(out)],
        region_db,
    )
    assert result.exit_code == 0, result.output
    assert "modelled estimate" in result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["designated"] == "3 Oberzentrum"
