"""Regionalstatistik 12411-02-03-5 CSV reader, layout docs/formats/regionalstatistik-*.md.

Files are written here in exactly that layout (Latin-1, semicolons, five header lines, the
column header ``;;;;Insgesamt;männlich;weiblich``, 18 lines per unit, four footer lines).
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest
from source_asserts import imported_observations, read_error
from source_asserts import observation as value

from regionatlas.errors import SourceFormatError
from regionatlas.indicators.catalogue import catalogue
from regionatlas.sources import detect
from regionatlas.sources import regionalstatistik_age as reader

LABELS = [
    "unter 3 Jahre",
    "3 bis unter 6 Jahre",
    "6 bis unter 10 Jahre",
    "10 bis unter 15 Jahre",
    "15 bis unter 18 Jahre",
    "18 bis unter 20 Jahre",
    "20 bis unter 25 Jahre",
    "25 bis unter 30 Jahre",
    "30 bis unter 35 Jahre",
    "35 bis unter 40 Jahre",
    "40 bis unter 45 Jahre",
    "45 bis unter 50 Jahre",
    "50 bis unter 55 Jahre",
    "55 bis unter 60 Jahre",
    "60 bis unter 65 Jahre",
    "65 bis unter 75 Jahre",
    "75 Jahre und mehr",
]
HEADER = [
    "12411-02-03-5: Bevölkerung nach Geschlecht und Altersgruppen (17) - Stichtag 31.12. - "
    "regionale Tiefe: Gemeinden",
    "Fortschreibung des Bevölkerungsstandes",
    "Bevölkerungsstand (Anzahl)",
    "Regionaldatenbank Deutschland",
    "",
    ";;;;Insgesamt;männlich;weiblich",
]
FOOTER = [
    "__________",
    "(C)opyright Statistische Ämter des Bundes und der Länder, 2024",
    "Stand: 14.06.2024 / 10:12:31",
    "",
]
HEADER_LINES = 6


def unit_lines(key: str, name: str, male: list[object], female: list[object]) -> list[str]:
    """The 18 lines of one unit: 17 age groups and Insgesamt (totals hand-added)."""
    out = []
    for label, m, f in zip(LABELS, male, female, strict=True):
        total = m + f if isinstance(m, int) and isinstance(f, int) else "."
        out.append(f"31.12.2023;{key};{name};{label};{total};{m};{f}")
    ints = all(isinstance(v, int) for v in male + female)
    tot = (sum(male) + sum(female), sum(male), sum(female)) if ints else (".", ".", ".")
    out.append(f"31.12.2023;{key};{name};Insgesamt;{tot[0]};{tot[1]};{tot[2]}")
    return out


# Baunatal-like Gemeinde (hand-made numbers), a kreisfreie Stadt (Kreis row only), a Kreis
BAUNATAL_M = [
    400,
    410,
    560,
    700,
    420,
    300,
    780,
    820,
    860,
    850,
    800,
    880,
    1100,
    1200,
    1000,
    1500,
    1900,
]
BAUNATAL_F = [
    380,
    390,
    530,
    660,
    400,
    280,
    720,
    800,
    840,
    830,
    790,
    870,
    1080,
    1190,
    1050,
    1700,
    2800,
]
SMALL_M = [3, "-", 5, 7, 4, ".", 6, 8, 9, 9, 10, 12, 14, 15, 13, 20, 18]
SMALL_F = [2, 4, 5, 6, 3, 2, 5, 7, 8, 9, 11, 12, 13, 14, 14, 22, 30]
KASSEL_M = [2900 + i for i in range(17)]
KASSEL_F = [2800 + i for i in range(17)]


def body() -> list[str]:
    return (
        unit_lines("06611", "  Kassel, documenta-Stadt", KASSEL_M, KASSEL_F)
        + unit_lines("06633003", "      Baunatal, Stadt", BAUNATAL_M, BAUNATAL_F)
        + unit_lines("06633022", "      Söhrewald", SMALL_M, SMALL_F)
    )


def write(path: Path, lines: list[str], encoding: str = "latin-1") -> Path:
    text = "\r\n".join(HEADER + lines + FOOTER)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def error(path: Path) -> SourceFormatError:
    return read_error(reader, path)


def test_reads_the_layout(tmp_path: Path) -> None:
    data = reader.read(write(tmp_path / "12411-02-03-5.csv", body()))
    data.check_columns()
    assert data.vintage == "2023-12-31" and not data.synthetic
    assert "12411-02-03-5" in data.attribution
    assert value(data, "06633003", "population_male_age_0_3").value == 400
    assert value(data, "06633003", "population_female_age_75plus").value == 2800
    assert value(data, "06633003", "population_female_age_18_20").value == 280
    assert value(data, "06633003", "population_male_age_65_75").value == 1500
    # the kreisfreie Stadt under the Kreis and the Gemeinde key
    assert value(data, "06611", "population_male_age_3_6").value == 2901
    assert value(data, "06611000", "population_female_age_75plus").value == 2816
    o = data.observations
    assert set(o["ags"]) == {"06611", "06611000", "06633003", "06633022"}
    assert len(o) == 4 * 34 and not o.duplicated(["ags", "indicator"]).any()
    assert set(o["indicator"]) == set(reader.indicator_ids())


def test_every_indicator_is_in_the_catalogue_as_a_pyramid_band() -> None:
    cat = catalogue().set_index("id")
    orders = {"male": [], "female": []}
    for ind in reader.indicator_ids():
        row = cat.loc[ind]
        assert row["structure"] == "age_pyramid"
        assert ind.split("_")[1] == row["structure_sex"]
        orders[row["structure_sex"]].append(int(row["structure_order"]))
    assert orders["male"] == orders["female"] == list(range(1, 18))
    assert cat.loc["population_male_age_0_3", "structure_band"] == "0–3"
    assert cat.loc["population_female_age_75plus", "structure_band"] == "75+"


def test_markers_survive(tmp_path: Path) -> None:
    data = reader.read(write(tmp_path / "a.csv", body()))
    dash = value(data, "06633022", "population_male_age_3_6")
    dot = value(data, "06633022", "population_male_age_18_20")
    assert math.isnan(dash.value) and dash.flag == "-"
    assert math.isnan(dot.value) and dot.flag == "."
    o = data.observations
    assert o.loc[o.flag.notna(), "value"].isna().all() and (o.value != 0).all()


def test_utf8_gzip_and_sniffing(tmp_path: Path) -> None:
    latin = reader.read(write(tmp_path / "a.csv", body()))
    utf = reader.read(write(tmp_path / "b.csv.gz", body(), encoding="utf-8"))
    assert utf.observations.equals(latin.observations)
    assert reader.sniff(tmp_path / "a.csv") and reader.sniff(tmp_path / "b.csv.gz")
    assert detect(tmp_path / "a.csv") is reader
    other = tmp_path / "other.csv"
    other.write_text('"Land";"Hessen"\n', encoding="utf-8")
    assert not reader.sniff(other)
    assert reader.fingerprint(tmp_path / "b.csv.gz") == utf.sha256


def test_age_labels_are_recognised_by_their_bounds(tmp_path: Path) -> None:
    lines = body()
    lines[16] = lines[16].replace("75 Jahre und mehr", "75 Jahre und älter")
    lines[1] = lines[1].replace("3 bis unter 6 Jahre", "3 bis unter 6")
    data = reader.read(write(tmp_path / "a.csv", lines))
    assert value(data, "06611", "population_male_age_75plus").value == 2916
    assert value(data, "06611", "population_male_age_3_6").value == 2901


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["5 bis unter 10 Jahre", "unter 18 Jahre", "80 Jahre und mehr", "Kinder"]
)
def test_unknown_age_group(tmp_path: Path, label: str) -> None:
    lines = body()
    lines[19] = lines[19].replace(LABELS[1], label)  # Baunatal's second age group
    assert label in lines[19]
    err = error(write(tmp_path / "a.csv", lines))
    assert err.line == HEADER_LINES + 20 and err.column == 4 and err.value == label


def test_header_drift(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    text = "\r\n".join(HEADER + body() + FOOTER).replace(
        ";;;;Insgesamt;männlich;weiblich", ";;;Insgesamt;männlich;weiblich"
    )
    path.write_bytes(text.encode("latin-1"))
    err = error(path)
    assert err.line == HEADER_LINES and "header" in err.message
    path.write_bytes(
        text.replace(";;;Insgesamt;männlich;weiblich", ";;;;Insgesamt;weiblich").encode("latin-1")
    )
    assert "no column header" in error(path).message


@pytest.mark.parametrize(("field", "raw"), [(5, "12a"), (6, "-3"), (7, "2,5"), (6, "")])
def test_non_numeric_count(tmp_path: Path, field: int, raw: str) -> None:
    lines = body()
    parts = lines[25].split(";")
    parts[field - 1] = raw
    lines[25] = ";".join(parts)
    err = error(write(tmp_path / "a.csv", lines))
    assert err.line == HEADER_LINES + 26 and err.column == field


@pytest.mark.parametrize("key", ["6633003", "066330031", "0663300A", "6611"])
def test_key_not_an_ags(tmp_path: Path, key: str) -> None:
    lines = body()
    lines[20] = lines[20].replace("06633003", key)
    err = error(write(tmp_path / "a.csv", lines))
    assert err.line == HEADER_LINES + 21 and err.column == 2 and err.value == key


def test_duplicate_unit_and_age_group(tmp_path: Path) -> None:
    lines = body()
    lines.insert(22, lines[20])
    err = error(write(tmp_path / "a.csv", lines))
    assert err.line == HEADER_LINES + 23 and f"line {HEADER_LINES + 21}" in err.message


def test_wrong_field_count(tmp_path: Path) -> None:
    lines = body()
    lines[3] += ";99"
    err = error(write(tmp_path / "a.csv", lines))
    assert err.line == HEADER_LINES + 4 and "8 fields" in err.message


def test_data_after_the_footer_and_no_data(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    text = "\r\n".join([*HEADER, *body(), *FOOTER[:2], body()[0]])
    path.write_bytes(text.encode("latin-1"))
    err = error(path)
    assert "footer" in err.message and err.line == HEADER_LINES + len(body()) + 3
    assert "no data lines" in error(write(tmp_path / "b.csv", [])).message


def test_round_trip_through_import_into_a_geopackage(tmp_path: Path) -> None:
    path = write(tmp_path / "12411-02-03-5.csv", body())
    o = imported_observations(path, tmp_path / "atlas.gpkg", ["06633022", "06611000"])
    assert o.loc[("06611000", "population_female_age_0_3"), "value"] == 2800
    flagged = o.loc[("06633022", "population_male_age_18_20")]
    assert flagged["flag"] == "." and math.isnan(flagged["value"])
    assert (o["period"] == "2023-12-31").all() and len(o) == 2 * 34
