"""The test-only .xlsb writer produces workbooks calamine reads back cell for cell."""

from __future__ import annotations

from pathlib import Path

import python_calamine as calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsb_writer import record, write_xlsb


def test_record_header_varints() -> None:
    # [MS-XLSB] 2.1.4: ids >= 0x80 take two bytes, sizes are 7-bit varints
    assert record(0x00, b"") == b"\x00\x00"
    assert record(0x9C, b"ab") == b"\x9c\x01\x02ab"
    assert record(0x05, b"x" * 200)[:3] == b"\x05\xc8\x01"


def test_round_trip(tmp_path: Path) -> None:
    rows = [
        ["Überschrift – Pendler", None, "Ä"],
        [],
        ["06611000", 12, 2.5, -7, 2**40, "*"],
    ]
    path = write_xlsb(tmp_path / "t.xlsb", {"Erstes Blatt": rows, "Zweites": [[1]]})
    book = calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Erstes Blatt", "Zweites"]
    got = book.get_sheet_by_name("Erstes Blatt").to_python(skip_empty_area=False)
    assert got[0][:3] == ["Überschrift – Pendler", "", "Ä"]
    assert all(v == "" for v in got[1])
    assert got[2] == ["06611000", 12, 2.5, -7, 2**40, "*"]
    assert book.get_sheet_by_name("Zweites").to_python() == [[1]]


cells = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=6))
def test_round_trip_property(tmp_path: Path, rows: list[list[object]]) -> None:
    path = write_xlsb(tmp_path / "p.xlsb", {"S": rows})
    got = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    grid = got.to_python(skip_empty_area=False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            back = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
            if value is None:
                assert back == ""
            else:
                assert back == value, (r, c, value, back)
