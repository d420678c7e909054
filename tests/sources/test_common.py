"""The helpers the readers share (sources/_common.py, sources/_ba_workbook.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.sources._ba_workbook import cell_text, title_info
from regionatlas.sources._common import (
    Provenance,
    ba_attribution,
    iso_to_german_date,
    provenance,
    regional_key,
    whole_number,
)

OFFICIAL = Provenance("Amt", "Lizenz", "Quelle: Amt")
NAME = re.compile(r"x-(?P<year>\d{4})(?P<month>\d{2})")


def test_provenance_marker_wins_over_seed_and_seed_over_official(tmp_path: Path) -> None:
    f = tmp_path / "a" / "f.csv"
    f.parent.mkdir()
    official = provenance(f, OFFICIAL, attribution="Quelle: Amt, Stichtag 30.06.2023")
    assert official == Provenance("Amt", "Lizenz", "Quelle: Amt, Stichtag 30.06.2023")
    assert provenance(f, OFFICIAL) is OFFICIAL
    seeded = provenance(f, OFFICIAL, attribution="Quelle: Amt, dated", seed="7")
    assert seeded.synthetic and "Seed 7" in seeded.attribution and "Amt" not in seeded.attribution
    (tmp_path / "SYNTHETIC.txt").write_text("seed: 3\n", encoding="utf-8")
    marked = provenance(f, OFFICIAL, attribution="Quelle: Amt, dated", seed="7")
    assert marked.synthetic and "Seed 3" in marked.attribution


def test_dates_and_the_ba_source_statement() -> None:
    assert iso_to_german_date("2023-06-30") == "30.06.2023"
    assert ba_attribution("Pendleratlas") == (
        "Quelle: Statistik der Bundesagentur für Arbeit, Pendleratlas; eigene Berechnungen"
    )
    assert ba_attribution("Pendleratlas", "2021-12-31").endswith(
        "Pendleratlas, Stichtag 31.12.2021; eigene Berechnungen"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0.0), ("275210", 275210.0), ("275.210", 275210.0), ("1.234.567", 1234567.0)],
)
def test_whole_numbers(text: str, expected: float) -> None:
    assert whole_number(text) == expected


@pytest.mark.parametrize("text", ["", "-", ".", "x", "1.23", "1,5", "-3", "12.3456", "١٢"])
def test_no_whole_number(text: str) -> None:
    assert whole_number(text) is None


def test_regional_keys_keep_zeros_and_name_germany() -> None:
    assert regional_key("f", " 06611 ", 3, 2, (5, 8), "x") == "06611"
    assert regional_key("f", "DG", 3, 2, (5,), "x") == "DE"
    with pytest.raises(SourceFormatError, match=r"f, line 3, column B: bad regional key") as e:
        regional_key("f", "0661", 3, "B", (5, 8), "5 or 8 digits")
    assert "'0661'" in str(e.value) and "5 or 8 digits" in str(e.value)


def test_cell_text() -> None:
    assert [cell_text(c) for c in (None, 6611.0, 1.5, " a ", 7)] == ["", "6611", "1.5", "a", "7"]


def test_title_info_date_seed_and_file_name_fallback() -> None:
    def date_in(t: str) -> str | None:
        return "2023-06-30" if "Stichtag" in t else None

    texts = ["SYNTHETISCHE DATEN (seed 12)", "Stichtag", "Stichtag"]
    assert title_info("w", texts, date_in, "x-202106.xlsx", NAME, "e") == ("2023-06-30", "12")
    assert title_info("w", ["Titel"], date_in, "x-202102.xlsx", NAME, "e") == ("2021-02-28", None)
    with pytest.raises(SourceFormatError, match="no reference date") as e:
        title_info("w [sheet]", ["Titel"], date_in, "other.xlsx", NAME, "a Stichtag")
    assert "w [sheet]" in str(e.value) and "a Stichtag" in str(e.value)
