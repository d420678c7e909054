"""The survey commands end to end on the small synthetic store: synth -> import -> results,
the same synthetic file refused on a second import (exit 2, nothing changed), a malformed file
refused with its line."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from regionatlas.cli.main import app


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_synth_import_results(tmp_path, web_store, region_file):
    out, lss, xlsx = tmp_path / "f.csv", tmp_path / "f.lss", tmp_path / "r.xlsx"
    platform = f"sqlite:///{tmp_path / 'p.sqlite'}"
    store = ["--db", str(web_store), "--region", str(region_file)]
    r = _run("survey", "synth", "--questionnaire", "firms", "--responses", "40", "--seed", "3",
             "-o", str(out), "--structure", str(lss), *store)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "SYNTHETIC" in r.output and out.read_text().startswith('"id","token","submitdate"')
    again = tmp_path / "g.csv"
    _run("survey", "synth", "--questionnaire", "firms", "--responses", "40", "--seed", "3",
         "-o", str(again), *store)  # fmt: skip
    assert again.read_bytes() == out.read_bytes()  # deterministic
    r = _run("survey", "import", str(out), "--structure", str(lss), "--questionnaire", "firms",
             "--platform-url", platform, *store)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "imported 40 responses (40 complete)" in r.output
    r = _run("survey", "import", str(out), "--questionnaire", "firms", "--platform-url", platform,
             *store)  # fmt: skip
    assert r.exit_code == 2 and "imported before" in r.output
    r = _run("survey", "results", "firms", "-o", str(xlsx), "--platform-url", platform, *store)
    assert r.exit_code == 0, r.output
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype=str, engine="calamine")
    assert set(sheets) == {"results", "comparisons", "sources"}
    res = sheets["results"]
    assert res["note"].str.contains("SYNTHETIC").all()
    size = res[(res["question"] == "SIZE") & (res["group_by"] == "all")]
    assert (size["n"] == "40").all()
    assert "x" in set(sheets["results"]["count"])  # small cells suppressed, not 0


def test_malformed_file_is_refused_with_its_line(tmp_path, web_store, region_file):
    bad = tmp_path / "bad.csv"
    bad.write_text('"id","submitdate","SECTOR"\n"1","2026-01-01","C"\n"2","2026-01-01","Q7"\n')
    r = _run("survey", "import", str(bad), "--questionnaire", "firms", "--platform-url",
             f"sqlite:///{tmp_path / 'p.sqlite'}", "--db", str(web_store), "--region",
             str(region_file))  # fmt: skip
    assert r.exit_code == 2
    assert "line 3, question SECTOR: not an answer code" in " ".join(r.output.split())
