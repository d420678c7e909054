"""Every export format: attribution in the same place, markers with their reason, numbers at
their precision, and the same bytes on any day (time-machine moves the clock)."""

from __future__ import annotations

import io
import json
import math
import sqlite3
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import time_machine

from regionatlas import exports
from regionatlas.errors import ParameterError
from regionatlas.exports import ExportTable, Source
from regionatlas.exports.archive import zip_bytes
from regionatlas.exports.pdf import pdf_bytes
from regionatlas.exports.xlsx import DATA_SHEET, SOURCES_SHEET

STORE_CRS = "EPSG:25832"
SOURCES = [
    Source("© GeoBasis-DE / BKG 2021 (Daten verändert)", "dl-de/by-2-0", batch=1),
    Source("© Statistik der Bundesagentur für Arbeit", "Nutzungsbedingungen BA", batch=2),
]
ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert); © Statistik der Bundesagentur für Arbeit"


def table(geometry: bool = True) -> ExportTable:
    frame = pd.DataFrame(
        {
            "ags": ["03159016", "06611000", "05774032"],
            "name": ["Göttingen", "Kassel", "Paderborn"],
            "persons": [144786.6, None, None],
            "km": [2250395662.54, 12.25, None],
            "flag": [None, "x", "-"],
        }
    )
    boxes = [
        shapely.box(560_000 + i * 1000, 5_700_000, 561_000 + i * 1000, 5_701_000) for i in range(3)
    ]
    return ExportTable(
        name="gemeinden",
        frame=frame,
        sources=SOURCES,
        reference_date="2023-06-30",
        geometry=gpd.GeoSeries(boxes, crs=STORE_CRS) if geometry else None,
        precision={"persons": 0, "km": 1},
        value_columns=("persons",),
    )


def check_rows(frame: pd.DataFrame) -> None:
    assert frame["ags"].tolist() == ["03159016", "06611000", "05774032"]
    assert frame["persons"].iloc[0] == 144787  # rounded to whole persons
    assert frame["km"].iloc[0] == pytest.approx(2250395662.5)
    assert pd.isna(frame["persons"].iloc[1]) and frame["flag"].iloc[1] == "x"
    assert frame["missing_reason"].tolist()[1:] == [
        "gesperrt / locked (x)",
        "nichts vorhanden / nothing (-)",
    ]
    columns = [c for c in frame.columns if c != "geometry"]
    assert columns[-2:] == ["attribution", "licence"]
    assert set(frame["attribution"]) == {ATTRIBUTION}


def test_csv_one_table_with_attribution_columns_and_integer_counts():
    body = exports.to_bytes(table(), "csv")
    back = pd.read_csv(io.BytesIO(body), dtype={"ags": str, "flag": str})
    check_rows(back)
    first = body.decode("utf-8").splitlines()[1]
    assert first.startswith("03159016,Göttingen,144787,2250395662.5,,,")  # no "144787.0"


def test_csv_for_german_excel():
    body = exports.to_bytes(table(), "excel.csv")
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("03159016;Göttingen;144787;2250395662,5;")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"ags": str, "flag": str})
    check_rows(back)


def test_xlsx_sheets_and_created_date_from_the_data():
    body = exports.to_bytes(table(), "xlsx")
    sheets = pd.read_excel(io.BytesIO(body), sheet_name=None, dtype={"ags": str}, engine="calamine")
    assert list(sheets) == [DATA_SHEET, SOURCES_SHEET]
    check_rows(sheets[DATA_SHEET])
    assert sheets[SOURCES_SHEET]["attribution"].tolist() == [s.attribution for s in SOURCES]
    core = zipfile.ZipFile(io.BytesIO(body)).read("docProps/core.xml").decode()
    assert "2023-06-30T00:00:00Z" in core


def test_geojson_members_and_wgs84():
    doc = json.loads(exports.to_bytes(table(), "geojson"))
    assert doc["attribution"] == ATTRIBUTION
    assert [s["batch"] for s in doc["sources"]] == [1, 2]
    props = doc["features"][1]["properties"]
    assert props["persons"] is None and props["missing_reason"] == "gesperrt / locked (x)"
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 5 < lon < 16 and 47 < lat < 56
    plain = json.loads(exports.to_bytes(table(geometry=False), "geojson"))
    assert plain["features"][0]["geometry"] is None


def test_geopackage_layer_sources_and_dates(tmp_path):
    path = exports.write(table(), tmp_path / "t.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers["gemeinden"] == "MultiPolygon" and "sources" in layers
    back = gpd.read_file(path, layer="gemeinden")
    check_rows(back)
    assert back.crs.to_epsg() == 25832
    assert pyogrio.read_dataframe(path, layer="sources")["attribution"].tolist() == [
        s.attribution for s in SOURCES
    ]
    with sqlite3.connect(path) as con:
        dates = {r[0] for r in con.execute("SELECT last_change FROM gpkg_contents")}
    assert {d[:10] for d in dates} == {"2023-06-30"}


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_same_bytes_on_another_day(fmt):
    with time_machine.travel("2026-01-02 03:04:05 +0000", tick=False):
        first = exports.to_bytes(table(), fmt)
    with time_machine.travel("2031-07-08 09:10:11 +0000", tick=False):
        second = exports.to_bytes(table(), fmt)
    assert first == second


def test_zip_and_pdf_carry_no_clock():
    files = [("a.csv", b"x\n1\n"), ("b.csv", b"y\n2\n")]
    html = "<!doctype html><html><head><title>t</title></head><body><p>Hallo</p></body></html>"
    import datetime as dt

    date = dt.date(2023, 6, 30)
    with time_machine.travel("2026-01-02 03:04:05 +0000", tick=False):
        z1, p1 = zip_bytes(files, date), pdf_bytes(html, date)
    with time_machine.travel("2031-07-08 09:10:11 +0000", tick=False):
        z2, p2 = zip_bytes(files, date), pdf_bytes(html, date)
    assert z1 == z2 and p1 == p2
    assert [i.date_time for i in zipfile.ZipFile(io.BytesIO(z1)).infolist()] == [
        (2023, 6, 30, 0, 0, 0)
    ] * 2
    assert p1.startswith(b"%PDF-") and b"2026" not in p1


def test_refuses_unknown_format_and_missing_attribution(tmp_path):
    with pytest.raises(ParameterError, match="format"):
        exports.write(table(), tmp_path / "t.parquet")
    with pytest.raises(ParameterError, match="attribution"):
        ExportTable(name="t", frame=table().frame, sources=[])
    assert not list(tmp_path.iterdir())


def test_rounding_is_half_away_from_zero():
    from regionatlas.exports.table import rounded

    s = rounded(pd.Series([0.5, 1.5, 2.5, -0.5, math.nan]), 0)
    assert s.tolist()[:4] == [1, 2, 3, -1] and pd.isna(s.iloc[4])
