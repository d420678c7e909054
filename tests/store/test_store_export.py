"""Every export format reads back with its attribution, its AGS keys and its flags."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from regionatlas.errors import ParameterError
from regionatlas.model.schema import STORE_CRS
from regionatlas.store.export import (
    DATA_SHEET,
    SOURCES_SHEET,
    attribution_sidecar,
    export_table,
)

SOURCES = ["© GeoBasis-DE / BKG 2021 (Daten verändert)", "© Statistik der Bundesagentur für Arbeit"]


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": ["03159016", "06611000", "05774032"],
            "name": ["Göttingen", "Kassel", "Paderborn"],
            "value": [1234.0, None, None],
            "flag": [None, "*", "-"],
        }
    )


def geotable() -> gpd.GeoDataFrame:
    boxes = [
        shapely.box(560_000 + i * 1000, 5_700_000, 561_000 + i * 1000, 5_701_000) for i in range(3)
    ]
    return gpd.GeoDataFrame(table(), geometry=boxes, crs=STORE_CRS)


def check_values(frame: pd.DataFrame) -> None:
    assert frame["ags"].tolist() == ["03159016", "06611000", "05774032"]
    assert frame["value"].iloc[0] == 1234.0
    assert math.isnan(frame["value"].iloc[1]) and frame["flag"].iloc[1] == "*"
    assert math.isnan(frame["value"].iloc[2]) and frame["flag"].iloc[2] == "-"


def test_csv_has_source_column_and_sidecar(tmp_path):
    path = export_table(geotable(), tmp_path / "gemeinden.csv", SOURCES)
    back = pd.read_csv(path, dtype={"ags": str, "flag": str})
    check_values(back)
    assert set(back["source"]) == {" | ".join(SOURCES)}
    assert back["geometry_wkt"].iloc[0].startswith("POLYGON")
    sidecar = attribution_sidecar(path)
    assert sidecar.name == "gemeinden.attribution.txt"
    assert sidecar.read_text(encoding="utf-8").splitlines() == SOURCES
    # the suppressed cell is empty, not 0
    assert path.read_text(encoding="utf-8").splitlines()[2].startswith("06611000,Kassel,,*")


def test_xlsx_has_data_and_sources_sheets(tmp_path):
    path = export_table(table(), tmp_path / "t.xlsx", SOURCES)
    sheets = pd.read_excel(path, sheet_name=None, dtype={"ags": str}, engine="calamine")
    assert list(sheets) == [DATA_SHEET, SOURCES_SHEET]
    check_values(sheets[DATA_SHEET])
    assert sheets[SOURCES_SHEET].iloc[:, 0].tolist() == SOURCES


def test_geojson_has_attribution_member_and_wgs84(tmp_path):
    path = export_table(geotable(), tmp_path / "t.geojson", SOURCES)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["attribution"] == SOURCES
    assert doc["features"][1]["properties"]["value"] is None
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 5 < lon < 16 and 47 < lat < 56  # Germany in WGS 84
    back = gpd.read_file(path)
    check_values(back)
    no_geom = json.loads(export_table(table(), tmp_path / "plain.json", SOURCES).read_text())
    assert no_geom["features"][0]["geometry"] is None


def test_geopackage_has_layer_and_sources_table(tmp_path):
    path = export_table(geotable(), tmp_path / "t.gpkg", SOURCES, layer="gemeinden")
    layers = dict(pyogrio.list_layers(path))
    assert layers["gemeinden"] == "MultiPolygon"
    assert "sources" in layers
    check_values(gpd.read_file(path, layer="gemeinden"))
    assert pyogrio.read_dataframe(path, layer="sources")["attribution"].tolist() == SOURCES
    plain = export_table(table(), tmp_path / "p.gpkg", SOURCES)
    check_values(pyogrio.read_dataframe(plain, layer="data"))


def test_export_refuses_unknown_format_and_missing_attribution(tmp_path):
    with pytest.raises(ParameterError, match="format"):
        export_table(table(), tmp_path / "t.parquet", SOURCES)
    with pytest.raises(ParameterError, match="attribution"):
        export_table(table(), tmp_path / "t.csv", [])
    assert not (tmp_path / "t.csv").exists()
