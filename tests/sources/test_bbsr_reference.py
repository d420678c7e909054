"""BBSR reference workbook (Gemeinden sheet): central-place and metropolitan-area codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from regionatlas.errors import SourceFormatError
from regionatlas.sources import bbsr_reference as reader

HEADER = [
    "Gemeinden Kennziffer",
    "Gemeinden Name",
    "Zentralörtliche Einstufung (zusammengefasst) Name",
    "Großstadtregionaler Einzugsbereich Name",
]
ROWS = [
    ["06611000", "Kassel, documenta-Stadt", "Oberzentrum und höher", "Zentrum"],
    ["06633003", "Baunatal, Stadt", "Mittelzentrum", "engerer Pendlerverflechtungsraum"],
    ["06633001", "Ahnatal", "Grundzentrum und niedriger", "Ergänzungsgebiet zum Zentrum"],
    [5774032, "Paderborn, Stadt", "Oberzentrum und höher", "nicht zu Großstadtregion gehörend"],
    [
        "03159016",
        "Göttingen, Stadt",
        "keine zentralörtliche Einstufung",
        "weiterer Pendlerverflechtungsbereich",
    ],
]


def write(path: Path, rows=ROWS, header=HEADER, title="Gebietsstand: 31.12.2022") -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Kreise")
    ws = wb.add_worksheet("Gemeinden-Gemeindeverbände")
    ws.write(0, 0, title)
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
    wb.close()
    return path


def test_codes_per_municipality(tmp_path: Path) -> None:
    data = reader.read(write(tmp_path / "raumgliederungen-referenzen-2022.xlsx"))
    data.check_columns()
    obs = data.observations.set_index(["ags", "indicator"]).value
    assert obs[("06611000", "central_place_bbsr")] == 3
    assert obs[("06633003", "central_place_bbsr")] == 2
    assert obs[("06633001", "central_place_bbsr")] == 1
    assert obs[("03159016", "central_place_bbsr")] == 0
    assert obs[("06611000", "metropolitan_area_bbsr")] == 1
    assert obs[("06633001", "metropolitan_area_bbsr")] == 2
    assert obs[("06633003", "metropolitan_area_bbsr")] == 3
    assert obs[("03159016", "metropolitan_area_bbsr")] == 4
    assert obs[("05774032", "metropolitan_area_bbsr")] == 0  # numeric key cell, zero restored
    assert data.vintage == "2022-12-31" and set(data.observations.period) == {"2022-12-31"}
    assert reader.sniff(tmp_path / "raumgliederungen-referenzen-2022.xlsx")


def test_period_from_file_name(tmp_path: Path) -> None:
    data = reader.read(write(tmp_path / "referenz-2021.xlsx", title="Referenz"))
    assert data.vintage == "2021-12-31"


def _error(path: Path) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    assert str(path) in str(info.value)
    return info.value


def test_changed_header(tmp_path: Path) -> None:
    header = [*HEADER[:2], "Zentralörtliche Einstufung Name", HEADER[3]]
    err = _error(write(tmp_path / "r-2022.xlsx", header=header))
    assert err.line == 2 and "Zentralörtliche Einstufung (zusammengefasst)" in err.expected


def test_unknown_category(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][2] = "Unterzentrum"
    err = _error(write(tmp_path / "r-2022.xlsx", rows=rows))
    assert err.line == 4 and err.value == "Unterzentrum"


@pytest.mark.parametrize("key", ["066110", "06611ABC", None])
def test_bad_key(tmp_path: Path, key) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][0] = key
    err = _error(write(tmp_path / "r-2022.xlsx", rows=rows))
    assert err.line == 3 and "unknown AGS" in err.message


def test_duplicate_key(tmp_path: Path) -> None:
    err = _error(write(tmp_path / "r-2022.xlsx", rows=[*ROWS, ROWS[0]]))
    assert err.line == 3 + len(ROWS) and "line 3" in err.expected


def test_truncated_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "r-2022.xlsx")
    path.write_bytes(path.read_bytes()[:500])
    assert "truncated" in _error(path).message
