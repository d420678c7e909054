"""The cited list of territorial changes: real file and refused input."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionatlas.data import shipped
from regionatlas.errors import SourceFormatError
from regionatlas.sources import detect
from regionatlas.sources import unit_changes as reader

REAL = shipped("unit-changes", "region-der-mitte.csv")
HEADER = ",".join(reader.COLUMNS)
GOOD = "16056000,Eisenach,16063105,Eisenach,2021-07-01,1,full,Title,https://x,note"


def test_shipped_file_reads_and_is_detected() -> None:
    assert detect(REAL) is reader
    data = reader.read(REAL)
    data.check_columns()
    changes = data.unit_changes
    assert changes is not None
    # keys stay strings with leading zeros
    assert "03153007" in set(changes["old_ags"])
    assert changes.loc[changes["old_ags"] == "16056000", "new_ags"].item() == "16063105"
    assert changes["share"].between(0, 1, inclusive="right").all()


@pytest.mark.realdata
def test_changes_are_visible_in_the_official_files(shared_data: Path) -> None:
    """Every old key is in VG5000 2021 and not in GV100AD 2023; every new key is in 2023."""
    from regionatlas.sources import read

    vg = read(shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101" / "VG5000_GEM.shp")[0]
    gv = read(shared_data / "destatis-gv100ad-2023" / "GV100AD_301123.txt")[0]
    old_keys = set(vg.units["ags"])
    new_keys = set(gv.units.loc[gv.units["level"] == "gemeinde", "ags"])
    changes = reader.read(REAL).unit_changes
    assert set(changes["old_ags"]) <= old_keys
    assert not set(changes["old_ags"]) & new_keys
    assert set(changes["new_ags"]) <= new_keys


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (f"{HEADER}\n{GOOD.replace('16056000', '1605600')}\n", 2, "not a municipality key"),
        (f"{HEADER}\n{GOOD.replace(',1,full', ',1.5,full')}\n", 2, "share out of range"),
        (f"{HEADER}\n{GOOD.replace(',1,full', ',eins,full')}\n", 2, "share out of range"),
        (f"{HEADER}\n{GOOD.replace('2021-07-01', '01.07.2021')}\n", 2, "bad date"),
        (f"{HEADER}\n{GOOD}\n{GOOD}\n", 3, "duplicate change"),
        (f"{HEADER}\n{GOOD.replace('Title', '')}\n", 2, "needs its source"),
        (f"{HEADER.replace('share,', 'anteil,')}\n{GOOD}\n", 1, "unexpected column header"),
        (f"{HEADER}\n{GOOD},extra\n", 2, "wrong number of fields"),
    ],
)
def test_bad_rows_are_refused_with_their_line(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    f = tmp_path / "changes.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(SourceFormatError, match=message) as info:
        reader.read(f)
    assert info.value.line == line
    assert str(f) in str(info.value)


def test_latin1_is_refused_with_position(tmp_path: Path) -> None:
    f = tmp_path / "changes.csv"
    f.write_bytes(f"{HEADER}\n{GOOD.replace('Title', 'Grenzänderung')}\n".encode("latin-1"))
    with pytest.raises(SourceFormatError, match="not valid utf-8") as info:
        reader.read(f)
    assert info.value.line == 2
