"""Consistency of the cited central-place file with the Gemeindeverzeichnis GV100AD 2023."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from regionatlas.data import shipped
from regionatlas.model.central_places import STATE_CATEGORIES
from regionatlas.settings import DEFAULT_REGION
from regionatlas.sources.central_places_curated import read_rows

CURATED = shipped("central-places", "central-places.csv")
README = shipped("central-places", "README.md")


def gemeinden(gv100: Path) -> dict[str, str]:
    """AGS -> name from Satzart 60 records (AGS = chars 11-18, name from char 23, 50 wide)."""
    out: dict[str, str] = {}
    with open(gv100, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("60"):
                out[line[10:18]] = line[22:72].strip()
    return out


@pytest.mark.realdata
def test_every_entry_is_a_municipality_of_the_region(shared_data: Path) -> None:
    names = gemeinden(shared_data / "destatis-gv100ad-2023" / "GV100AD_301123.txt")
    assert len(names) > 10_000  # the parse found the whole country
    region = tomllib.loads(DEFAULT_REGION.read_text(encoding="utf-8"))
    core = {k["ags"] for k in region["region"]["core"]}
    rows = read_rows(CURATED)
    merged = rows["note"].str.contains("merged into", regex=False)
    for rec in rows.itertuples():
        if rec.ags not in names:
            assert merged[rec.Index], f"{rec.ags} not in GV100AD 2023 and not documented as merged"
            continue
        assert rec.name == names[rec.ags], f"{rec.ags}: {rec.name!r} != {names[rec.ags]!r}"
        assert rec.ags[:5] in core, f"{rec.ags} {rec.name} is outside the region's core"


def test_citations_vocabulary_and_uniqueness() -> None:
    rows = read_rows(CURATED)  # the reader enforces the per-row rules; check them again here
    assert rows["ags"].is_unique
    for rec in rows.itertuples():
        assert rec.category_state in STATE_CATEGORIES[rec.state]
        assert rec.level == STATE_CATEGORIES[rec.state][rec.category_state]
        assert rec.plan and rec.source_url_or_title and (rec.section or rec.page)
        assert rec.source_kind == "plan" or rec.source_kind.startswith("secondary")


def test_readme_coverage_table_matches_the_file() -> None:
    """The README states per-state, per-level counts; they must match the file."""
    rows = read_rows(CURATED)
    text = README.read_text(encoding="utf-8")
    for (state, level), n in rows.groupby(["state", "level"]).size().items():
        assert f"| {state} | {level} | {n} |" in text, f"README lacks coverage row {state}/{level}"
    assert f"Total: {len(rows)} rows" in text


def test_curated_file_feeds_the_comparison() -> None:
    from regionatlas.analysis.central_places import curated_designations

    rows = read_rows(CURATED)
    des = curated_designations(rows)
    assert len(des) == len(rows)
    assert set(des["level"]) <= {0, 1, 2, 3}
    # the sources name only Kassel, Göttingen and Paderborn as Oberzentren in the region
    assert set(des.loc[des["level"] == 3, "ags"]) <= {"06611000", "03159016", "05774032"}
