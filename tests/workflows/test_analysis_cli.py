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


def test_regions_with_a_stated_employment_rate(region_db: Path, tmp_path: Path) -> None:
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


def test_municipal_analyses_default_to_the_webs_labelled_national_rate(
    region_db: Path, tmp_path: Path
) -> None:
    """Without --employment-rate, regions and central-places run on the national rate the
    web atlas uses, say so with the web's label, and give the web's results."""
    from regionatlas.workflows.assumptions import label, national_employment_rate

    national = national_employment_rate()
    out = tmp_path / "areas.csv"
    result = _run(["regions", "-o", str(out)], region_db)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "basis: modelled estimate" in flat
    assert f"Annahme / assumption: {national.note_de} / {national.note_en} (0.4085)" in flat
    assert " ".join(label(national, "both").split()) in flat
    stated = tmp_path / "stated.csv"
    result = _run(["regions", "--employment-rate", "national", "-o", str(stated)], region_db)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == stated.read_text(encoding="utf-8")
    result = _run(["central-places", "--table", "places", "--employment-rate", "0.45"], region_db)
    assert result.exit_code == 0, result.output
    assert "set by the user" in " ".join(result.output.split())
    assert "(0.4500)" in result.output
