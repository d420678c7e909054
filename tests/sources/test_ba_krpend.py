"""BA krpend workbook reader (.xlsx, .xlsb, .zip) against the layout in docs/formats/krpend.md."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from krpend_layout import AUS_GEMEINDEN, EIN_KREISE, default_sheets, sheet_rows, write_workbook

from regionatlas.errors import SourceFormatError
from regionatlas.sources import ba_krpend as reader

FORMATS = ["xlsx", "xlsb"]


def _book(tmp_path: Path, ext: str, sheets=None, name: str = "krpend-06-0-202306") -> Path:
    return write_workbook(tmp_path / f"{name}.{ext}", sheets or default_sheets())


def _flow(data, origin, destination, grp="total", level=None):
    f = data.flows
    hit = f[(f.origin == origin) & (f.destination == destination) & (f.grp == grp)]
    if level:
        hit = hit[hit.level == level]
    assert len(hit) == 1, (origin, destination, grp, len(hit))
    return hit.iloc[0]


@pytest.mark.parametrize("ext", FORMATS)
def test_reads_the_layout(tmp_path: Path, ext: str) -> None:
    data = reader.read(_book(tmp_path, ext))
    data.check_columns()
    assert data.vintage == "2023-06-30"
    assert "Stichtag 30.06.2023" in data.attribution and not data.synthetic
    # fill-forward: the rows below Kassel's first row belong to Kassel
    assert _flow(data, "06611000", "03159016").persons == 800
    assert _flow(data, "06633003", "06611000").persons == 3100  # second block
    # self-flow
    assert _flow(data, "06611000", "06611000").persons == 70000
    # * stays a marker, never 0
    star = _flow(data, "06611000", "06633003", "trainees")
    assert np.isnan(star.persons) and star.flag == "*"
    # pooled rows: key as published, or Übrige:<block> when empty
    pooled = _flow(data, "06611000", "06611xxx")
    assert pooled.flag == "pooled" and pooled.persons == 15
    assert _flow(data, "06611000", "06611xxx", "men").flag == "*"
    empty = _flow(data, "06611000", "Übrige:06611000")
    assert empty.flag == "pooled" and empty.persons == 400
    # Einpendler sheets: the block is the workplace
    ein = _flow(data, "06633", "06611", level="kreis")
    assert ein.persons == 40000 and ein.reported_by == "workplace"
    assert _flow(data, "064xx", "06611").flag == "pooled"
    # totals are observations, not flows
    obs = data.observations.set_index(["ags", "indicator"]).value
    assert obs[("06611000", "out_commuters")] == 29100
    assert obs[("06611000", "out_commuters.trainees")] == 1090
    assert obs[("06611", "in_commuters")] == 70000
    n_flow_rows = len(AUS_GEMEINDEN) - 2 + len(EIN_KREISE) - 1
    assert len(data.flows) == 6 * n_flow_rows
    assert set(data.flows.level) == {"gemeinde", "kreis"}


def test_xlsx_and_xlsb_give_the_same_frames(tmp_path: Path) -> None:
    a = reader.read(_book(tmp_path, "xlsx"))
    b = reader.read(_book(tmp_path, "xlsb"))
    assert a.flows.equals(b.flows)
    assert a.observations.equals(b.observations)


def test_zip_holding_one_workbook_is_the_same_batch(tmp_path: Path) -> None:
    book = _book(tmp_path, "xlsb")
    archive = tmp_path / "krpend-06-0-202306.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(book, book.name)
    assert reader.sniff(archive)
    packed, bare = reader.read(archive), reader.read(book)
    assert packed.sha256 == bare.sha256
    assert packed.flows.equals(bare.flows)


def test_zip_with_two_workbooks(tmp_path: Path) -> None:
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(_book(tmp_path, "xlsx"), "a.xlsx")
        zf.write(_book(tmp_path, "xlsb"), "b.xlsb")
    with pytest.raises(SourceFormatError, match="2 workbooks"):
        reader.read(archive)


def test_without_subheader_and_date_from_file_name(tmp_path: Path) -> None:
    sheets = {
        "Auspendler Gemeinden": sheet_rows(
            "Auspendler Gemeinden", AUS_GEMEINDEN, subheader=False, stichtag="unbekannt"
        )
    }
    data = reader.read(_book(tmp_path, "xlsx", sheets, name="krpend-06-0-202206"))
    assert data.vintage == "2022-06-30"
    assert _flow(data, "06611000", "06633003").persons == 2500


def test_numeric_key_cells_keep_their_leading_zero(tmp_path: Path) -> None:
    rows = [list(r) for r in AUS_GEMEINDEN]
    rows[0][0] = 6611000  # Excel number: the leading zero is lost in the cell
    rows[2][2] = 6633003
    sheets = {"Auspendler Gemeinden": sheet_rows("Auspendler Gemeinden", rows)}
    data = reader.read(_book(tmp_path, "xlsx", sheets))
    assert _flow(data, "06611000", "06633003").persons == 2500


def test_synthetic_title_and_marker(tmp_path: Path) -> None:
    title = "SYNTHETISCHE DATEN – synthetic data (regionatlas synth, seed 7)"
    sheets = {
        "Auspendler Gemeinden": sheet_rows("Auspendler Gemeinden", AUS_GEMEINDEN, title=title)
    }
    data = reader.read(_book(tmp_path, "xlsx", sheets))
    assert data.synthetic and "Seed 7" in data.attribution and data.licence == "CC0-1.0"
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "SYNTHETIC.txt").write_text("seed = 3\n", encoding="utf-8")
    marked = reader.read(write_workbook(tmp_path / "m" / "k.xlsx", default_sheets()))
    assert marked.synthetic and "Seed 3" in marked.attribution


# ---------------------------------------------------------------- bad input

HEADER_ROW = 8  # 1-based row of the column header in sheet_rows()
FIRST_DATA = 10  # after the sub-header


def _error(path: Path) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    assert str(path) in str(info.value)
    return info.value


def _one_sheet(rows, **kwargs):
    return {"Auspendler Gemeinden": sheet_rows("Auspendler Gemeinden", rows, **kwargs)}


@pytest.mark.parametrize("ext", FORMATS)
def test_truncated_workbook(tmp_path: Path, ext: str) -> None:
    path = _book(tmp_path, ext)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    err = _error(path)
    assert "truncated" in err.message


@pytest.mark.parametrize("ext", FORMATS)
def test_sheet_cut_before_the_footer(tmp_path: Path, ext: str) -> None:
    err = _error(_book(tmp_path, ext, _one_sheet(AUS_GEMEINDEN, footer=False)))
    assert "footer" in err.message and "Auspendler Gemeinden" in err.file


@pytest.mark.parametrize("ext", FORMATS)
def test_changed_header(tmp_path: Path, ext: str) -> None:
    sheets = _one_sheet(AUS_GEMEINDEN)
    sheets["Auspendler Gemeinden"][HEADER_ROW - 1][6] = "Weiblich"
    err = _error(_book(tmp_path, ext, sheets))
    assert err.line == HEADER_ROW and err.column == "G" and err.value == "Weiblich"


def test_header_of_the_other_direction(tmp_path: Path) -> None:
    sheets = {"Auspendler Gemeinden": sheet_rows("Einpendler Gemeinden", AUS_GEMEINDEN)}
    err = _error(_book(tmp_path, "xlsx", sheets))
    assert err.line == HEADER_ROW and err.column == "A"


def test_no_header_at_all(tmp_path: Path) -> None:
    sheets = {"Auspendler Gemeinden": [["Titel"], ["06611000", "Kassel"]]}
    err = _error(_book(tmp_path, "xlsx", sheets))
    assert "Wohnort" in err.expected


@pytest.mark.parametrize("ext", FORMATS)
def test_duplicate_pair(tmp_path: Path, ext: str) -> None:
    rows = [*AUS_GEMEINDEN[:4], AUS_GEMEINDEN[2], *AUS_GEMEINDEN[4:]]
    err = _error(_book(tmp_path, ext, _one_sheet(rows)))
    assert err.line == FIRST_DATA + 4 and err.value == "06633003"


@pytest.mark.parametrize(
    ("value", "ext"),
    [("zwölf", "xlsx"), ("12a", "xlsb"), (-5, "xlsx"), (2.5, "xlsb"), (None, "xlsx")],
)
def test_non_numeric_value(tmp_path: Path, value, ext: str) -> None:
    rows = [list(r) for r in AUS_GEMEINDEN]
    rows[3][6] = value
    err = _error(_book(tmp_path, ext, _one_sheet(rows)))
    assert err.line == FIRST_DATA + 3 and err.column == "G"


@pytest.mark.parametrize(("col", "value"), [(2, "0663300"), (2, "06633ABC"), (0, "6611")])
def test_unknown_ags(tmp_path: Path, col: int, value: str) -> None:
    rows = [list(r) for r in AUS_GEMEINDEN]
    rows[2 if col == 2 else 0][col] = value
    err = _error(_book(tmp_path, "xlsx", _one_sheet(rows)))
    assert "unknown AGS" in err.message
    assert err.line == FIRST_DATA + (2 if col == 2 else 0)
    assert err.column == {0: "A", 2: "C"}[col]


def test_first_row_without_block_key(tmp_path: Path) -> None:
    rows = [list(r) for r in AUS_GEMEINDEN]
    rows[0][0] = None
    err = _error(_book(tmp_path, "xlsx", _one_sheet(rows)))
    assert err.line == FIRST_DATA and err.column == "A"


def test_no_data_sheet(tmp_path: Path) -> None:
    err = _error(_book(tmp_path, "xlsx", {"Impressum": [["x"]]}))
    assert "Auspendler Gemeinden" in err.expected
    assert not reader.sniff(tmp_path / "krpend-06-0-202306.xlsx")


def test_blank_row_inside_the_data(tmp_path: Path) -> None:
    rows = [*AUS_GEMEINDEN[:3], [None] * 10, *AUS_GEMEINDEN[3:]]
    err = _error(_book(tmp_path, "xlsx", _one_sheet(rows)))
    assert err.line == FIRST_DATA + 3 and "blank" in err.message
