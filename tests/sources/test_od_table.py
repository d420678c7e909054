"""Reading and validating a plain OD table."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.sources.od_table import read_od_csv, read_units

HEADER = "community_live,community_work,amount\n"


def write(tmp_path: Path, text: str, name: str = "od.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_ids_as_strings_with_leading_zeros(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + "03159016,03159016,500\n03159016,09001000,7\n")
    df = read_od_csv(p)
    assert df["community_live"].tolist() == ["03159016", "03159016"]
    assert df["community_work"].tolist() == ["03159016", "09001000"]
    assert df["amount"].tolist() == [500, 7]
    assert str(df["amount"].dtype) == "int64"


def test_semicolon_latin1_gzip_extra_columns_and_blank_lines(tmp_path: Path) -> None:
    text = (
        "amount;community_work;community_live;name\n"
        "5;01001000;01002000;Lübeck\n\n3;01001000;01001000;Lübeck\n"
    )
    p = tmp_path / "od.csv.gz"
    p.write_bytes(gzip.compress(text.encode("latin-1")))
    df = read_od_csv(p)
    assert df.values.tolist() == [["01002000", "01001000", 5], ["01001000", "01001000", 3]]


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("a,a,5\na,b,-3\n", 3, "negative"),
        ("a,a,5\na,b,2.5\n", 3, "not an integer"),
        ("a,a,5\na,b,1.000\n", 3, "not an integer"),
        ("a,a,5\na,b,x\n", 3, "suppressed"),
        ("a,a,5\na,b,\n", 3, "missing"),
        ("a,a,5\n,b,4\n", 3, "community_live is empty"),
        ("a,a,5\na,b\n", 3, "fields"),
    ],
)
def test_bad_rows_name_the_line_and_value(tmp_path: Path, body, line, words) -> None:
    p = write(tmp_path, HEADER + body)
    with pytest.raises(SourceFormatError, match=words) as exc:
        read_od_csv(p)
    assert exc.value.line == line
    assert f"line {line}" in str(exc.value)
    assert str(p) in str(exc.value)


def test_duplicate_pair_names_both_lines(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + "a,a,5\na,b,1\nb,b,4\na,b,2\n")
    with pytest.raises(SourceFormatError, match="first on line 3") as exc:
        read_od_csv(p)
    assert exc.value.line == 5


def test_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, "community_live,community_work,persons\na,a,5\n")
    with pytest.raises(SourceFormatError, match=r"missing column.*amount") as exc:
        read_od_csv(p)
    assert exc.value.line == 1


def test_unknown_units(tmp_path: Path) -> None:
    units = write(tmp_path, "community,name\na,A-Stadt\nb,B-Dorf\n", "units.csv")
    assert read_units(units) == {"a", "b"}
    plain = write(tmp_path, "a\nb\n\n", "units.txt")
    assert read_units(plain) == {"a", "b"}
    p = write(tmp_path, HEADER + "a,a,5\na,b,1\nc,a,2\n")
    with pytest.raises(SourceFormatError, match="unknown unit in community_live") as exc:
        read_od_csv(p, units=read_units(units))
    assert exc.value.line == 4
    assert exc.value.value == "c"


def test_fast_and_row_by_row_readers_agree(tmp_path: Path) -> None:
    from regionatlas.sources.od_table import _read_checked, _read_fast, _text

    text = HEADER + '"01001000", 01002000 ,7\n01002000,01002000,+12\n01002000,01001000,0\n'
    p = write(tmp_path, text)
    fast = _read_fast(_text(p), None)
    assert fast is not None
    assert fast.equals(_read_checked(p, _text(p), None))
    assert fast.values.tolist() == [
        ["01001000", "01002000", 7], ["01002000", "01002000", 12], ["01002000", "01001000", 0]
    ]  # fmt: skip


def test_whitespace_only_line_is_skipped_by_the_fallback(tmp_path: Path) -> None:
    p = write(tmp_path, HEADER + "a,a,5\n   \nb,a,2\n")
    df = read_od_csv(p)
    assert df.values.tolist() == [["a", "a", 5], ["b", "a", 2]]
