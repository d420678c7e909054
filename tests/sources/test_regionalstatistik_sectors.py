"""Regionalstatistik 13111-07-05-4 CSV reader (employees at workplace by WZ 2008 sector
group), layout docs/formats/regionalstatistik-13111.md; files from sectors_layout.py."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sectors_layout as lay
from source_asserts import imported_observations, read_error
from source_asserts import observation as value

from regionatlas.errors import SourceFormatError
from regionatlas.indicators.catalogue import catalogue
from regionatlas.sources import detect
from regionatlas.sources import regionalstatistik_age as age_reader
from regionatlas.sources import regionalstatistik_sectors as reader

IDS = {
    "Insgesamt": "jobs",
    "A": "jobs_sector_a",
    "B-F": "jobs_sector_b_f",
    "B-E": "jobs_sector_b_e",
    "C": "jobs_sector_c",
    "F": "jobs_sector_f",
    "G-U": "jobs_sector_g_u",
    "G-I": "jobs_sector_g_i",
    "J": "jobs_sector_j",
    "K": "jobs_sector_k",
    "L": "jobs_sector_l",
    "M-N": "jobs_sector_m_n",
    "O-Q": "jobs_sector_o_q",
    "R-U": "jobs_sector_r_u",
}
FIRST = lay.HEADER_LINES + 1  # line number of the first data line


def error(path: Path) -> SourceFormatError:
    return read_error(reader, path)


def test_reads_the_layout(tmp_path: Path) -> None:
    data = reader.read(lay.write(tmp_path / "13111-07-05-4.csv", lay.body()))
    data.check_columns()
    assert data.vintage == "2023-06-30" and not data.synthetic
    assert "13111-07-05-4" in data.attribution and "30.06.2023" in data.attribution
    o = data.observations
    assert set(o["ags"]) == {"06611", "06633"}
    assert (o["period"] == "2023-06-30").all()
    assert len(o) == 2 * 14 and not o.duplicated(["ags", "indicator"]).any()
    assert set(o["indicator"]) == set(reader.indicator_ids()) == set(IDS.values())
    # hand-made figures, by code (the labels for M-N, O-Q, R-U carry no code)
    assert value(data, "06633", "jobs_sector_a").value == 910
    assert value(data, "06633", "jobs_sector_c").value == 24_800
    assert value(data, "06611", "jobs_sector_m_n").value == 19_700
    assert value(data, "06611", "jobs_sector_o_q").value == 36_400
    assert value(data, "06633", "jobs_sector_r_u").value == 2_300
    # sums written by hand-rule in the file: B-F = B-E + F, total = parts + unassigned
    assert value(data, "06633", "jobs_sector_b_f").value == 31_400 + 6_200
    assert value(data, "06633", "jobs").value == 83_210 + 9
    assert value(data, "06633", "jobs_sector_g_u").value == 44_700


def test_every_unit_and_group_matches_the_file(tmp_path: Path) -> None:
    data = reader.read(lay.write(tmp_path / "a.csv", lay.body()))
    for ags, groups in lay.expected().items():
        for code, v in groups.items():
            got = value(data, ags, IDS[code])
            if isinstance(v, int):
                assert got.value == v and got.flag is None, (ags, code)
            else:
                assert math.isnan(got.value) and got.flag == v, (ags, code)


def test_the_partition_adds_up_to_the_total(tmp_path: Path) -> None:
    data = reader.read(lay.write(tmp_path / "a.csv", lay.body()))
    o = data.observations.set_index(["ags", "indicator"])["value"]
    parts = sum(o[("06633", i)] for i in reader.partition_ids())
    assert o[("06633", "jobs")] - parts == lay.UNITS["06633"][3]  # not assignable to a sector
    assert o[("06633", "jobs_sector_c")] <= o[("06633", "jobs_sector_b_e")]


def test_catalogue_carries_the_sector_chart() -> None:
    cat = catalogue().set_index("id")
    for ind in reader.indicator_ids():
        row = cat.loc[ind]
        assert row["unit"] == "Personen" and row["topic"] == "labour"
    for ind in reader.indicator_ids()[1:]:
        assert cat.loc[ind, "polarity"] == 0 and "13111-07-05-4" in cat.loc[ind, "source"]
        assert cat.loc[ind, "name_de"] and cat.loc[ind, "name_en"]
    chart = cat[cat["structure"] == "sectors"].sort_values("structure_order")
    assert list(chart.index) == reader.partition_ids()
    assert list(chart["structure_order"]) == list(range(1, 11))
    # the sums and the "darunter" position stay out of the chart, and so does the total
    for ind in ("jobs", "jobs_sector_b_f", "jobs_sector_c", "jobs_sector_g_u"):
        assert cat.loc[ind, "structure"] is None


def test_markers_survive(tmp_path: Path) -> None:
    data = reader.read(lay.write(tmp_path / "a.csv", lay.body()))
    dash = value(data, "06611", "jobs_sector_a")
    dot = value(data, "06611", "jobs")
    assert math.isnan(dash.value) and dash.flag == "-"
    assert math.isnan(dot.value) and dot.flag == "."
    o = data.observations
    assert o.loc[o.flag.notna(), "value"].isna().all() and (o.value != 0).all()
    assert o.flag.notna().sum() == 2  # A and Insgesamt of the Stadt


def test_germany_land_regierungsbezirk_and_thousands_separators(tmp_path: Path) -> None:
    lines = lay.body()
    dg = [line.replace("06633;Kassel, Landkreis", "DG;Deutschland") for line in lines[14:]]
    rb = [
        line.replace("06633;Kassel, Landkreis", "064;Kassel, Regierungsbezirk")
        for line in lines[14:]
    ]
    land = [line.replace("06633;Kassel, Landkreis", "06;Hessen") for line in lines[14:]]
    dg[0] = dg[0].replace(";83219;", ";83.219;", 1)
    data = reader.read(lay.write(tmp_path / "a.csv", dg + land + rb + lines))
    assert value(data, "DE", "jobs").value == 83_219
    assert value(data, "06", "jobs_sector_k").value == 1_100
    assert value(data, "064", "jobs_sector_f").value == 6_200
    assert set(data.observations["ags"]) == {"DE", "06", "064", "06611", "06633"}


def test_iso_date_utf8_gzip_and_sniffing(tmp_path: Path) -> None:
    latin = reader.read(lay.write(tmp_path / "a.csv", lay.body()))
    header = [*lay.TITLE[:-1], "Stichtag: 2023-06-30;;;;;;;;", *lay.COLUMN_HEADER]
    utf = reader.read(lay.write(tmp_path / "b.csv.gz", lay.body(), "utf-8", header))
    assert utf.observations.equals(latin.observations)
    assert reader.sniff(tmp_path / "a.csv") and reader.sniff(tmp_path / "b.csv.gz")
    assert detect(tmp_path / "a.csv") is reader and detect(tmp_path / "b.csv.gz") is reader
    assert reader.fingerprint(tmp_path / "b.csv.gz") == utf.sha256
    assert not age_reader.sniff(tmp_path / "a.csv")
    age = tmp_path / "12411-02-03-5.csv"
    age.write_text("12411-02-03-5: Bevölkerung\n;;;;Insgesamt;männlich;weiblich\n", "latin-1")
    assert not reader.sniff(age)
    other = tmp_path / "other.csv"
    other.write_text('"Land";"Hessen"\n', encoding="utf-8")
    assert not reader.sniff(other)


def test_labels_with_other_spacing_and_a_code_are_recognised(tmp_path: Path) -> None:
    lines = lay.body()
    lines[11] = lines[11].replace(
        "Freiberufl,wissenschaftl. techn. Dienstl.,sonst.DL",
        "Freiberufliche, wissenschaftliche, technische und sonstige Dienstleister ( M - N )",
    )
    lines[12] = lines[12].replace(
        "Öff.Verw.,Verteidig.,Sozialvers.,Erz.-u.Unterricht",
        "Öff.Verw.,Verteidig.,Sozialvers.,Erz.-u.Unterricht ",
    )
    data = reader.read(lay.write(tmp_path / "a.csv", lines))
    assert value(data, "06611", "jobs_sector_m_n").value == 19_700
    assert value(data, "06611", "jobs_sector_o_q").value == 36_400


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    ["Bergbau (B)", "Keine Zuordnung möglich", "Dienstleistungen (J-U)", "Energie", ""],
)
def test_unknown_sector_label(tmp_path: Path, label: str) -> None:
    lines = lay.body()
    lines[16] = lines[16].replace("Produzierendes Gewerbe (B-F)", label)  # Landkreis' B-F
    err = error(lay.write(tmp_path / "a.csv", lines))
    assert err.line == FIRST + 16 and err.column == 3 and err.value == label
    assert "unknown sector group" in err.message and "a.csv" in err.message


def test_header_drift(tmp_path: Path) -> None:
    sex = lay.COLUMN_HEADER[3]
    for wrong in (sex.replace("männlich;weiblich;Insg", "weiblich;männlich;Insg"), ";;;x"):
        header = [*lay.TITLE, *lay.COLUMN_HEADER[:3], wrong]
        err = error(lay.write(tmp_path / "a.csv", lay.body(), header=header))
        assert "no column header" in err.message
    header = [*lay.TITLE, *lay.COLUMN_HEADER[:3], sex.removeprefix(";")]
    err = error(lay.write(tmp_path / "b.csv", lay.body(), header=header))
    assert err.line == lay.HEADER_LINES and "unexpected column header" in err.message
    nat = lay.COLUMN_HEADER[1].replace("Ausländer(innen)", "Deutsche")
    header = [*lay.TITLE, lay.COLUMN_HEADER[0], nat, *lay.COLUMN_HEADER[2:]]
    err = error(lay.write(tmp_path / "c.csv", lay.body(), header=header))
    assert err.line == lay.HEADER_LINES - 2 and "nationality" in err.message


@pytest.mark.parametrize(("field", "raw"), [(4, "12a"), (5, "-3"), (6, "2,5"), (9, "")])
def test_non_numeric_count(tmp_path: Path, field: int, raw: str) -> None:
    lines = lay.body()
    parts = lines[20].split(";")
    parts[field - 1] = raw
    lines[20] = ";".join(parts)
    err = error(lay.write(tmp_path / "a.csv", lines))
    assert err.line == FIRST + 20 and err.column == field and err.value == raw


@pytest.mark.parametrize("key", ["6633", "066330", "0663A", "06633003", "1"])
def test_key_not_an_ags(tmp_path: Path, key: str) -> None:
    lines = lay.body()
    lines[18] = lines[18].replace("06633", key, 1)
    err = error(lay.write(tmp_path / "a.csv", lines))
    assert err.line == FIRST + 18 and err.column == 1 and err.value == key


def test_duplicate_unit_and_group(tmp_path: Path) -> None:
    lines = lay.body()
    lines.insert(20, lines[17])
    err = error(lay.write(tmp_path / "a.csv", lines))
    assert err.line == FIRST + 20 and f"line {FIRST + 17}" in err.message and err.column == 3


def test_wrong_field_count(tmp_path: Path) -> None:
    lines = lay.body()
    lines[3] += ";99"
    err = error(lay.write(tmp_path / "a.csv", lines))
    assert err.line == FIRST + 3 and "10 fields" in err.message


def test_reference_date_missing_or_twice(tmp_path: Path) -> None:
    header = [*lay.TITLE[:-1], "Stichtag", *lay.COLUMN_HEADER]
    err = error(lay.write(tmp_path / "a.csv", lay.body(), header=header))
    assert "no reference date" in err.message
    header = [*lay.TITLE, "30.06.2022", *lay.COLUMN_HEADER]
    err = error(lay.write(tmp_path / "b.csv", lay.body(), header=header))
    assert "more than one reference date" in err.message and err.line == len(lay.TITLE) + 1
    header = [*lay.TITLE[:-1], "Stichtag: 31.06.2023", *lay.COLUMN_HEADER]
    err = error(lay.write(tmp_path / "c.csv", lay.body(), header=header))
    assert err.value == "31.06.2023" and err.line == len(lay.TITLE)


def test_data_after_the_footer_and_no_data(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    text = "\r\n".join([*lay.HEADER, *lay.body(), *lay.FOOTER[:2], lay.body()[0]])
    path.write_bytes(text.encode("latin-1"))
    err = error(path)
    assert "footer" in err.message and err.line == lay.HEADER_LINES + len(lay.body()) + 3
    assert "no data lines" in error(lay.write(tmp_path / "b.csv", [])).message
    # a one-word note after the footer is footer, not data
    path.write_bytes("\r\n".join([*lay.HEADER, *lay.body(), *lay.FOOTER, "Hinweis"]).encode())
    assert len(reader.read(path).observations) == 2 * 14


def test_round_trip_through_import_into_a_geopackage(tmp_path: Path) -> None:
    path = lay.write(tmp_path / "13111-07-05-4.csv", lay.body())
    o = imported_observations(path, tmp_path / "atlas.gpkg", ["06611", "06633"])
    assert o.loc[("06633", "jobs_sector_g_i"), "value"] == 17_800
    assert o.loc[("06611", "jobs_sector_b_f"), "value"] == 14_200 + 3_900
    flagged = o.loc[("06611", "jobs_sector_a")]
    assert flagged["flag"] == "-" and math.isnan(flagged["value"])
    assert (o["period"] == "2023-06-30").all() and len(o) == 2 * 14
