"""Destatis GV100AD reader: record layout, levels, observations, and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from gv100_layout import file_text, hessen_lines, record

from regionatlas.errors import SourceFormatError
from regionatlas.sources import destatis_gv100ad as reader


def _write(tmp_path: Path, text: str | bytes, name: str = "GV100AD_301123.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_units_of_every_level_with_parents(tmp_path: Path) -> None:
    data = reader.read(_write(tmp_path, file_text()))
    data.check_columns()
    units = data.units.set_index(["level", "ags"])
    assert units.loc[("land", "06"), "name"] == "Hessen"
    assert units.loc[("rbz", "066"), "parent"] == "06"
    assert units.loc[("kreis", "06633"), "kind"] == "Landkreis"
    assert units.loc[("kreis", "06633"), "parent"] == "06"
    assert units.loc[("vwg", "066330003"), "parent"] == "06633"
    gem = units.loc[("gemeinde", "06633003")]
    assert gem["name"] == "Baunatal, Stadt"
    assert gem["parent"] == "06633" and gem["state"] == "06"
    assert gem["kind"] == "Stadt"
    assert gem["ars"] == "066330003003"
    assert units.loc[("gemeinde", "06633001"), "kind"] == "Kreisangehörige Gemeinde"
    assert data.units.as_of.eq("2023-11-30").all()
    assert data.vintage == "2023-11-30"
    assert len(data.units) == 10


def test_observations_area_in_km2_and_population(tmp_path: Path) -> None:
    data = reader.read(_write(tmp_path, file_text()))
    obs = data.observations.set_index(["ags", "indicator"]).value
    assert obs[("06611000", "area_km2")] == pytest.approx(106.79)
    assert obs[("06611000", "population")] == 204202
    assert obs[("06633001", "population_male")] == 3960
    assert set(data.observations.period) == {"2023-11-30"}
    assert len(data.observations) == 3 * 3


def test_gemeinde_attributes_keep_postcodes_as_text(tmp_path: Path) -> None:
    attrs = reader.gemeinde_attributes(_write(tmp_path, file_text())).set_index("ags")
    assert attrs.loc["06633001", "postcode"] == "34292"
    assert bool(attrs.loc["06611000", "several_postcodes"])


def test_gzip_has_the_hash_of_the_plain_file(tmp_path: Path) -> None:
    text = file_text()
    plain = reader.read(_write(tmp_path, text))
    gz = _write(tmp_path, gzip.compress(text.encode("utf-8")), "GV100AD_301123.txt.gz")
    assert reader.sniff(gz)
    packed = reader.read(gz)
    assert packed.sha256 == plain.sha256
    assert packed.units.equals(plain.units)


def test_latin1_bytes_are_an_error_naming_line_and_column(tmp_path: Path) -> None:
    lines = hessen_lines()
    lines[3] = record("50", "06611", "Kassel, Städtchen", vwg="0000", text_key="50")
    path = _write(tmp_path, file_text(lines).encode("latin-1"))
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    err = info.value
    assert err.line == 4
    assert err.column == 23 + len("Kassel, St")
    # and the caller may say the file is Latin-1
    data = reader.read(path, encoding="latin-1")
    assert (data.units.name == "Kassel, Städtchen").any()


def _error(tmp_path: Path, lines: list[str]) -> SourceFormatError:
    path = _write(tmp_path, file_text(lines))
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    assert str(path) in str(info.value)
    return info.value


def test_truncated_record(tmp_path: Path) -> None:
    lines = hessen_lines()
    lines[-1] = lines[-1][:150]
    err = _error(tmp_path, lines)
    assert err.line == len(lines) and "150 characters" in err.message


def test_truncated_file_mid_record(tmp_path: Path) -> None:
    path = _write(tmp_path, file_text()[:-100])
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    assert info.value.line == 10


@pytest.mark.parametrize(
    ("pos", "char", "column"),
    [(135, "x", 136), (140, "-", 141), (11, "A", 12), (5, " ", 6)],
)
def test_non_numeric_field_names_the_character_column(
    tmp_path: Path, pos: int, char: str, column: int
) -> None:
    lines = hessen_lines()
    line = lines[4]
    lines[4] = line[:pos] + char + line[pos + 1 :]
    err = _error(tmp_path, lines)
    assert err.line == 5 and err.column == column


def test_unknown_satzart(tmp_path: Path) -> None:
    lines = hessen_lines()
    lines[2] = "70" + lines[2][2:]
    err = _error(tmp_path, lines)
    assert err.line == 3 and err.column == 1


def test_duplicate_key(tmp_path: Path) -> None:
    lines = [*hessen_lines(), hessen_lines()[7]]
    err = _error(tmp_path, lines)
    assert err.line == 11 and err.value == "06633003" and "line 8" in err.expected


@pytest.mark.parametrize(
    ("drop", "missing"), [(5, "06633"), (0, "06"), (1, "066"), (6, "066330003")]
)
def test_unknown_ags_when_a_parent_record_is_missing(
    tmp_path: Path, drop: int, missing: str
) -> None:
    lines = [line for i, line in enumerate(hessen_lines()) if i != drop]
    err = _error(tmp_path, lines)
    assert "unknown AGS" in err.message and err.value == missing


def test_mixed_dates(tmp_path: Path) -> None:
    lines = hessen_lines()
    lines[3] = lines[3][:2] + "20221231" + lines[3][10:]
    err = _error(tmp_path, lines)
    assert err.line == 4 and err.column == 3


def test_sniff(tmp_path: Path) -> None:
    assert reader.sniff(_write(tmp_path, file_text()))
    assert not reader.sniff(_write(tmp_path, "Land;Name\n06;Hessen\n", "x.txt"))


@pytest.mark.realdata
def test_real_file(shared_data: Path) -> None:
    data = reader.read(shared_data / "destatis-gv100ad-2023" / "GV100AD_301123.txt")
    data.check_columns()
    counts = data.units.level.value_counts()
    # record counts by Satzart, counted with `cut -c1-2 | sort | uniq -c` on the file
    assert counts["land"] == 16 and counts["rbz"] == 29 and counts["kreis"] == 400
    assert counts["vwg"] == 4597 and counts["gemeinde"] == 10981
    assert data.units.ags.map(len).eq(data.units.level.map(reader_len)).all()
    obs = data.observations.set_index(["ags", "indicator"]).value
    assert obs[("06611000", "population")] == 204202
    assert not data.observations.value.isna().any()
    assert data.sha256 and data.vintage == "2023-11-30"


def reader_len(level: str) -> int:
    return {"land": 2, "rbz": 3, "kreis": 5, "vwg": 9, "gemeinde": 8}[level]
