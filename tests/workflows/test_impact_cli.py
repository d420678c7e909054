"""``regionatlas brief`` and ``goals check`` end to end, and the import hook that recomputes
the goals (CliRunner on copies of the bundle store)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from regionatlas.cli.main import app
from regionatlas.settings import DEFAULT_REGION

runner = CliRunner()


def test_brief_pdf_and_json(region_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    r = runner.invoke(app, ["brief", "06633028", "-o", str(out), "--db", str(region_db),
                            "--no-scenarios"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF-")
    data = tmp_path / "c.json"
    r = runner.invoke(app, ["brief", "--corridor", "06633028", "05762036", "--json", "-o",
                            str(data), "--db", str(region_db), "--no-scenarios"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(data.read_text())["subject"]["crosses_state_border"] is True


def test_brief_bad_input(region_db: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["brief", "09162000", "-o", str(tmp_path / "x.pdf"), "--db",
                            str(region_db)])  # fmt: skip
    assert r.exit_code == 3 and "not a municipality or district" in r.output
    assert not (tmp_path / "x.pdf").exists()
    r = runner.invoke(app, ["brief", "--db", str(region_db)])
    assert r.exit_code == 2 and "exactly one" in r.output
    r = runner.invoke(app, ["brief", "06633028", "--lang", "fr", "--db", str(region_db)])
    assert r.exit_code == 2


def test_goals_check_and_import_hook(region_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "atlas.gpkg"
    shutil.copy(region_db, db)
    cache = tmp_path / "cache" / "monitoring.json"
    r = runner.invoke(app, ["goals", "check", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "shorter-commutes / out-lk-kassel: grey" in r.output
    first = json.loads(cache.read_text())
    cache.unlink()
    # an import (here: a file seen before, so no new batch) recomputes and saves again
    unit_changes = DEFAULT_REGION.parent.parent / "unit-changes" / "region-der-mitte.csv"
    r = runner.invoke(app, ["import", str(unit_changes), "--db", str(db), "--quiet"])
    assert r.exit_code == 0, r.output
    assert json.loads(cache.read_text())["store_version"] == first["store_version"]
    # ... and saves the briefs' region-wide inputs for that store state
    facts = json.loads((tmp_path / "cache" / "brief-facts.json").read_text())
    assert facts["store_version"] == first["store_version"] and facts["units"]["data"]


def test_goals_check_with_the_platforms_survey_responses(region_db: Path, tmp_path: Path) -> None:
    """The example goal bound to the firms' survey (COOP = Y, region) is computed from the
    responses stored in the platform database beside the store: three complete responses
    are fewer than 5, so the value stays withheld and the light grey."""
    from regionatlas.platform.db import Database
    from regionatlas.workflows.surveys import import_limesurvey

    db = tmp_path / "atlas.gpkg"
    shutil.copy(region_db, db)
    r = runner.invoke(app, ["goals", "check", "--db", str(db), "--platform"])
    assert r.exit_code == 2 and "no migrated platform database" in r.output
    pdb = Database(f"sqlite:///{tmp_path / 'platform.sqlite'}")
    pdb.upgrade()
    data = Path(__file__).resolve().parents[1] / "data" / "surveys" / "firms-responses.csv"
    places = {"06611000", "06633001", "06633002", "06633003", "03159001", "03159002", "05774001"}
    report = import_limesurvey(pdb, places, "firms", data.read_bytes(), "firms.csv")
    pdb.dispose()
    assert report.complete == 3
    r = runner.invoke(app, ["goals", "check", "--db", str(db), "--platform", "--json"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    goal = next(g for g in payload["goals"] if g["id"] == "cross-border-cooperation")
    ind = goal["indicators"][0]
    assert ind["source"] == "survey" and ind["survey_available"] is True
    assert ind["status"] == "grey" and ind["reason"] == "newest value withheld"
    assert ind["points"][0]["value"] is None and ind["points"][0]["flag"] == "x"
    assert ind["basis"] == "survey"
    # without --platform the files alone: the survey result is not available
    r = runner.invoke(app, ["goals", "check", "--db", str(db), "--json"])
    plain = json.loads(r.output)
    goal = next(g for g in plain["goals"] if g["id"] == "cross-border-cooperation")
    assert goal["indicators"][0]["survey_available"] is False
