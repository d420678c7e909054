"""BA gemband reader (.xlsx, .xlsb, .zip) against the layout in docs/formats/gemband.md.

The workbooks are written here in exactly that layout: eight title/header rows (group header
``… am Wohnort`` over C–J, sub-headers), data from row 9, a footer. Values are hand-made.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from krpend_layout import write_workbook
from source_asserts import observation as obs
from source_asserts import read_error

from regionatlas.errors import SourceFormatError, UnknownFormatError
from regionatlas.sources import FORMATS, detect
from regionatlas.sources import ba_gemband as reader

FIRST_DATA = 9  # 1-based row of the first data row
HEADER_GROUP_ROW = 6
HEADER_SUB_ROW = 7

# A=key, B=name, C..J employees at residence (total, men, women, German, foreign, <20,
# 20-25, 55+), K at workplace, L Wohnort = Arbeitsort, M Einpendler, N Auspendler, O Betriebe
DATA: list[list[object]] = [
    [
        None,
        "Deutschland",
        35000000,
        18400000,
        16600000,
        30500000,
        4500000,
        800000,
        2300000,
        8000000,
        35300000,
        14000000,
        21300000,
        21000000,
        3100000,
    ],
    [
        "06",
        "Hessen",
        2700000,
        1420000,
        1280000,
        2250000,
        450000,
        60000,
        170000,
        620000,
        2800000,
        1100000,
        1700000,
        1600000,
        170000,
    ],
    [
        "06611",
        "Kassel, documenta-Stadt",
        60000,
        31000,
        29000,
        52000,
        8000,
        1500,
        4200,
        13000,
        110000,
        40000,
        70000,
        20000,
        9000,
    ],
    [
        "06633",
        "Kassel, Landkreis",
        100000,
        53000,
        47000,
        93000,
        7000,
        2500,
        6500,
        24000,
        70000,
        1000,
        30000,
        60000,
        6500,
    ],
    [
        "06633003",
        "Baunatal, Stadt",
        12000,
        6500,
        5500,
        10500,
        1500,
        300,
        900,
        2700,
        25000,
        5000,
        20000,
        7000,
        700,
    ],
    ["06633022", "Söhrewald", 2100, 1100, 1000, 2000, "*", "*", 150, 500, 400, "*", 300, 2000, "-"],
]
FULL = [
    "employed_residents",
    "employed_residents.men",
    "employed_residents.women",
    "employed_residents.german",
    "employed_residents.foreign",
    "employed_residents.age_u20",
    "employed_residents.age_20_25",
    "employed_residents.age_55plus",
    "jobs",
    "internal_commuters",
    "in_commuters",
    "out_commuters",
    "establishments",
]
AGGREGATE = [i for i in FULL if i not in ("internal_commuters", "in_commuters", "out_commuters")]


def header_rows(stichtag: str | None = "30.06.2023") -> list[list[object]]:
    title = "Gemeindedaten der sozialversicherungspflichtig Beschäftigten nach Wohn- und Arbeitsort"
    return [
        [title],
        ["Deutschland, Länder, Kreise und Gemeinden"],
        [f"Stichtag: {stichtag}" if stichtag else "Jahreszahlen"],
        [],
        [],
        [
            "Regionalschlüssel",
            "Region",
            "Sozialversicherungspflichtig Beschäftigte am Wohnort",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Sozialversicherungspflichtig Beschäftigte am Arbeitsort",
            None,
            None,
            None,
            "Zahl der Betriebe",
        ],
        [
            None,
            None,
            "Insgesamt",
            "Männer",
            "Frauen",
            "Deutsche",
            "Ausländer",
            "unter 20 Jahre",
            "20 bis unter 25 Jahre",
            "55 Jahre und älter",
            "Insgesamt",
            "Wohnort gleich Arbeitsort",
            "Einpendler",
            "Auspendler",
            None,
        ],
        [],
    ]


def sheet(data=None, stichtag: str | None = "30.06.2023", footer: bool = True):
    rows = header_rows(stichtag) + [list(r) for r in (DATA if data is None else data)]
    if footer:
        rows += [
            [],
            ["© Statistik der Bundesagentur für Arbeit"],
            ["* Aus Datenschutzgründen und Gründen der statistischen Geheimhaltung anonymisiert."],
        ]
    return rows


def book(tmp_path: Path, ext: str = "xlsx", rows=None, name="gemband-dlk-0-202306-xlsx"):
    sheets = {"Impressum": [["Statistik der BA"]], "Gemeindedaten": rows or sheet()}
    return write_workbook(tmp_path / f"{name}.{ext}", sheets)


def error(path: Path) -> SourceFormatError:
    return read_error(reader, path)


@pytest.mark.parametrize("ext", ["xlsx", "xlsb"])
def test_reads_the_layout(tmp_path: Path, ext: str) -> None:
    data = reader.read(book(tmp_path, ext))
    data.check_columns()
    assert data.vintage == "2023-06-30" and not data.synthetic
    o = data.observations
    assert (o.period == "2023-06-30").all()
    assert obs(data, "06633003", "jobs").value == 25000
    assert obs(data, "06633003", "in_commuters").value == 20000
    assert obs(data, "06633003", "out_commuters").value == 7000
    assert obs(data, "06633003", "internal_commuters").value == 5000
    assert obs(data, "06633003", "establishments").value == 700
    assert obs(data, "06633003", "employed_residents.age_55plus").value == 2700
    assert obs(data, "06", "employed_residents").value == 2700000
    assert obs(data, "DE", "establishments").value == 3100000
    # every row gives exactly the indicators of its level
    per_unit = o.groupby("ags")["indicator"].apply(set)
    assert per_unit["06633003"] == set(FULL) and per_unit["06633022"] == set(FULL)
    for agg in ("DE", "06", "06633"):
        assert per_unit[agg] == set(AGGREGATE), agg
    # the kreisfreie Stadt has only its 5-digit row: all indicators under both keys
    assert per_unit["06611"] == set(FULL) and per_unit["06611000"] == set(FULL)
    assert obs(data, "06611000", "in_commuters").value == 70000
    assert obs(data, "06611", "internal_commuters").value == 40000
    # three aggregate rows; two Gemeinden and the kreisfreie Stadt under two keys
    assert len(o) == 3 * len(AGGREGATE) + 4 * len(FULL)
    assert not o.duplicated(["ags", "indicator", "period"]).any()
    assert o["ags"].str.fullmatch(r"DE|\d{2}|\d{5}|\d{8}").all()


def test_markers_survive_as_flags_never_zero(tmp_path: Path) -> None:
    data = reader.read(book(tmp_path))
    for indicator, flag in [
        ("employed_residents.foreign", "*"),
        ("employed_residents.age_u20", "*"),
        ("internal_commuters", "*"),
        ("establishments", "-"),
    ]:
        row = obs(data, "06633022", indicator)
        assert math.isnan(row.value) and row.flag == flag, indicator
    o = data.observations
    assert o.loc[o.flag.isna(), "value"].notna().all()
    assert o.loc[o.flag.notna(), "value"].isna().all()
    assert (o.value != 0).all()


def test_empty_cells_give_no_observation_and_text_numbers_count(tmp_path: Path) -> None:
    rows = [list(r) for r in DATA]
    rows[4][14] = None  # Baunatal: Betriebe empty
    rows[4][10] = "25.000"  # text with a thousands dot
    rows[4][12] = "20000"  # text digits
    data = reader.read(book(tmp_path, rows=sheet(rows)))
    o = data.observations
    assert o[(o.ags == "06633003") & (o.indicator == "establishments")].empty
    assert obs(data, "06633003", "jobs").value == 25000
    assert obs(data, "06633003", "in_commuters").value == 20000


def test_xlsx_xlsb_and_zip_agree(tmp_path: Path) -> None:
    a = reader.read(book(tmp_path))
    b_path = book(tmp_path, "xlsb", name="gemband_dlk_0")
    b = reader.read(b_path)
    zpath = tmp_path / "gemband-dlk-0-202306-zip.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(b_path, "gemband_dlk_0.xlsb")
    z = reader.read(zpath)
    assert z.sha256 == b.sha256  # the zip and the bare workbook are one batch
    for other in (b, z):
        assert other.observations.equals(a.observations)


def test_date_from_the_file_name_when_the_title_has_none(tmp_path: Path) -> None:
    path = book(tmp_path, rows=sheet(stichtag=None), name="gemband-dlk-0-202206-xlsx")
    assert reader.read(path).vintage == "2022-06-30"
    path = book(tmp_path, rows=sheet(stichtag=None), name="beschaeftigte")
    err = error(path)
    assert "reference date" in err.message and "Gemeindedaten" in err.file


def test_synthetic_marker_and_title(tmp_path: Path) -> None:
    rows = sheet()
    rows[0] = ["SYNTHETISCHE DATEN – synthetic data (regionatlas synth, seed 7)"]
    data = reader.read(book(tmp_path, rows=rows))
    assert data.synthetic and "Seed 7" in data.attribution
    folder = tmp_path / "marked"
    folder.mkdir()
    (folder / "SYNTHETIC.txt").write_text("SYNTHETISCHE DATEN\n", encoding="utf-8")
    assert reader.read(book(folder)).synthetic


def test_sniff_and_registry(tmp_path: Path) -> None:
    path = book(tmp_path)
    assert reader.sniff(path)
    assert "ba-gemband" in FORMATS and detect(path) is reader
    krpend = write_workbook(tmp_path / "krpend-06-0-202306.xlsx", {"Einpendler Kreise": [["x"]]})
    assert not reader.sniff(krpend)
    csv = tmp_path / "x.csv"
    csv.write_text("a;b\n", encoding="utf-8")
    assert not reader.sniff(csv)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert not reader.sniff(broken)
    with pytest.raises(UnknownFormatError):
        detect(broken)


# --- bad input: every error names file, sheet, row and column -----------------------------


def test_missing_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "gemband.xlsx", {"Tabelle1": sheet()})
    err = error(path)
    assert "Gemeindedaten" in err.message and "Tabelle1" in str(err.value)


@pytest.mark.parametrize("ext", ["xlsx", "xlsb"])
def test_header_drift(tmp_path: Path, ext: str) -> None:
    rows = sheet()
    sub = rows[HEADER_SUB_ROW - 1]
    sub[12], sub[13] = sub[13], sub[12]  # Einpendler and Auspendler swapped
    err = error(book(tmp_path, ext, rows))
    assert err.column == "M" and "Auspendler" in str(err.value) and "Einpendler" in err.expected
    assert "Gemeindedaten" in err.file and err.line == 8


def test_inserted_column_shifts_the_header(tmp_path: Path) -> None:
    rows = sheet()
    for r in rows[HEADER_GROUP_ROW - 1 : HEADER_SUB_ROW]:
        r.insert(2, "Bevölkerung")
    for r in rows[FIRST_DATA - 1 : FIRST_DATA - 1 + len(DATA)]:
        r.insert(2, 1000)
    err = error(book(tmp_path, rows=rows))
    assert err.column is not None and "header" in err.message


def test_wohnort_group_must_head_columns_c_to_j(tmp_path: Path) -> None:
    rows = sheet()
    rows[HEADER_GROUP_ROW - 1][2] = "Sozialversicherungspflichtig Beschäftigte"
    err = error(book(tmp_path, rows=rows))
    assert err.column == "C" and "Wohnort" in err.expected


@pytest.mark.parametrize(
    ("value", "ext"), [("zwölf", "xlsx"), ("12a", "xlsb"), (-5, "xlsx"), (2.5, "xlsb")]
)
def test_non_numeric_cell(tmp_path: Path, value, ext: str) -> None:
    rows = [list(r) for r in DATA]
    rows[4][11] = value
    err = error(book(tmp_path, ext, sheet(rows)))
    assert err.line == FIRST_DATA + 4 and err.column == "L"
    assert "Gemeindedaten" in err.file and "internal_commuters" in err.expected


def test_duplicate_ags(tmp_path: Path) -> None:
    rows = [list(r) for r in DATA] + [list(DATA[4])]
    err = error(book(tmp_path, rows=sheet(rows)))
    assert err.line == FIRST_DATA + 6 and err.column == "A" and err.value == "06633003"
    assert f"row {FIRST_DATA + 4}" in err.message


@pytest.mark.parametrize("key", ["0663300", "066330031", "06633ABC", "6633"])
def test_key_not_an_ags(tmp_path: Path, key: str) -> None:
    rows = [list(r) for r in DATA]
    rows[4][0] = key
    err = error(book(tmp_path, rows=sheet(rows)))
    assert err.line == FIRST_DATA + 4 and err.column == "A" and err.value == key


@pytest.mark.parametrize("ext", ["xlsx", "xlsb"])
def test_numeric_key_gets_its_leading_zero_back(tmp_path: Path, ext: str) -> None:
    rows = [list(r) for r in DATA]
    rows[4][0] = 6633003  # Excel turned the text key into a number
    rows[3][0] = 6633
    data = reader.read(book(tmp_path, ext, sheet(rows)))
    assert obs(data, "06633003", "jobs").value == 25000
    assert obs(data, "06633", "jobs").value == 70000


@pytest.mark.parametrize("number", [663300, 66, 123456789])
def test_numeric_key_that_cannot_be_restored(tmp_path: Path, number: int) -> None:
    rows = [list(r) for r in DATA]
    rows[4][0] = number
    err = error(book(tmp_path, rows=sheet(rows)))
    assert err.line == FIRST_DATA + 4 and err.column == "A"


def test_values_without_a_key(tmp_path: Path) -> None:
    rows = [list(r) for r in DATA]
    rows[4][0] = None
    err = error(book(tmp_path, rows=sheet(rows)))
    assert err.line == FIRST_DATA + 4 and err.column == "A" and "without" in err.message


def test_keyed_row_after_the_footer(tmp_path: Path) -> None:
    rows = [*sheet(), list(DATA[4])]
    rows[-1][0] = "06633004"
    err = error(book(tmp_path, rows=rows))
    assert err.line == len(rows) and "footer" in err.message


def test_no_data_rows(tmp_path: Path) -> None:
    err = error(book(tmp_path, rows=[*header_rows(), ["© Statistik der BA"]]))
    assert "no data row" in err.message and "Gemeindedaten" in err.file


def test_truncated_workbook_and_zip(tmp_path: Path) -> None:
    path = book(tmp_path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    assert "truncated" in error(path).message
    zpath = tmp_path / "two.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("a.xlsx", raw)
        zf.writestr("b.xlsx", raw)
    assert "2 workbooks" in error(zpath).message


def test_round_trip_through_import_into_a_geopackage(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from regionatlas.cli.main import app
    from regionatlas.store import open_store

    path = book(tmp_path)
    db = tmp_path / "atlas.gpkg"
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    store = open_store(db)
    try:
        batches = [b for b in store.batches() if b.source == "ba-gemband"]
        assert len(batches) == 1
        o = store.observations(ags=["06633022", "06611000", "06633003"])
    finally:
        store.close()
    assert set(o["ags"]) == {"06633022", "06611000", "06633003"}  # leading zeros kept
    got = o.set_index(["ags", "indicator"])
    assert got.loc[("06633003", "jobs"), "value"] == 25000
    assert got.loc[("06611000", "out_commuters"), "value"] == 20000
    flagged = got.loc[("06633022", "internal_commuters")]
    assert flagged["flag"] == "*" and math.isnan(flagged["value"])
    assert got.loc[("06633022", "establishments"), "flag"] == "-"
    assert len(o) == 3 * len(FULL)
    # the same file again is the same batch
    again = runner.invoke(app, ["import", str(path), "--db", str(db), "--quiet"])
    assert again.exit_code == 0, again.output
    store = open_store(db)
    try:
        assert len([b for b in store.batches() if b.source == "ba-gemband"]) == 1
    finally:
        store.close()


def test_fingerprint_is_the_batch_hash(tmp_path: Path) -> None:
    path = book(tmp_path, "xlsb")
    zpath = tmp_path / "g.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(path, "gemband_dlk_0.xlsb")
    assert reader.fingerprint(path) == reader.read(path).sha256 == reader.fingerprint(zpath)
