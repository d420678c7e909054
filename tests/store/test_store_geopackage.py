"""The store file is a real GeoPackage 1.3 that GDAL/QGIS open directly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from store_samples import flows, source, units

from regionatlas.errors import StoreError
from regionatlas.model.schema import TABLES
from regionatlas.store import open_store

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")


def _need(tool: str | None, what: str) -> str:
    if tool:
        return tool
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} missing (CI=true: install Debian gdal-bin)")
    pytest.skip(f"{what} missing (Debian gdal-bin)")


@pytest.fixture
def filled(gpkg_url_factory) -> str:
    url = gpkg_url_factory()
    with open_store(url) as s:
        s.import_source(
            source(
                "gv",
                units=units(["03159016", "06611000"]),
                flows=flows([("03159016", "06611000", 5.0, None)]),
            )
        )
    return url


def test_header_and_registration(filled):
    con = sqlite3.connect(filled)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
        assert contents == {
            t.name: ("features" if t.name == "unit" else "attributes") for t in TABLES
        }
        geom = con.execute("SELECT * FROM gpkg_geometry_columns").fetchall()
        assert geom == [("unit", "geometry", "MULTIPOLYGON", 25832, 0, 0)]
        srs = con.execute(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys"
            " WHERE srs_id = 25832"
        ).fetchone()
        assert srs == ("EPSG", 25832)
        # the R-tree holds one box per unit, and the layer extent matches it
        assert con.execute("SELECT count(*) FROM rtree_unit_geometry").fetchone()[0] == 2
        extent = con.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'unit'"
        ).fetchone()
        assert extent == (500_000.0, 5_700_000.0, 502_000.0, 5_701_000.0)
    finally:
        con.close()


def test_gdal_lists_every_layer(filled):
    ogrinfo = _need(shutil.which("ogrinfo"), "ogrinfo")
    out = subprocess.run(
        [ogrinfo, "-ro", filled], capture_output=True, text=True, check=True
    ).stdout
    assert "unit (Multi Polygon)" in out
    for t in TABLES:
        if t.name != "unit":
            assert f"{t.name} (None)" in out
    layers = dict(pyogrio.list_layers(filled))
    assert layers["unit"] == "MultiPolygon"
    assert set(layers) == {t.name for t in TABLES}


def test_gdal_validator_accepts_the_file(filled):
    _need(str(VALIDATOR) if VALIDATOR.exists() else None, "GDAL's validate_gpkg.py")
    result = subprocess.run(
        ["/usr/bin/python3", str(VALIDATOR), filled], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_geopandas_reads_units_and_attribute_tables(filled):
    frame = gpd.read_file(filled, layer="unit")
    assert frame.crs.to_epsg() == 25832
    assert frame["ags"].tolist() == ["03159016", "06611000"]
    assert shapely.equals(frame.geometry.iloc[0], units(["03159016"]).geometry.iloc[0])
    flow = pyogrio.read_dataframe(filled, layer="flow")
    assert flow["origin"].tolist() == ["03159016"]
    assert pyogrio.read_dataframe(
        filled, layer="unit", bbox=(500_100, 5_700_100, 500_200, 5_700_200)
    )["ags"].tolist() == ["03159016"]


def test_a_file_edited_by_gdal_still_opens(filled):
    """QGIS/GDAL write through the R-tree triggers; our store must still read the file."""
    extra = units(["05774032"]).assign(batch_id=1)
    pyogrio.write_dataframe(extra, filled, layer="unit", append=True, promote_to_multi=True)
    with open_store(filled) as s:
        assert "05774032" in s.units()["ags"].tolist()
    con = sqlite3.connect(filled)
    try:
        assert con.execute("SELECT count(*) FROM rtree_unit_geometry").fetchone()[0] == 3
    finally:
        con.close()


def test_other_files_are_refused(tmp_path):
    plain = tmp_path / "plain.sqlite"
    con = sqlite3.connect(plain)
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a GeoPackage"):
        open_store(plain)
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError):
        open_store(junk)
    with pytest.raises(StoreError, match="no GeoPackage"):
        open_store(tmp_path / "missing.gpkg", create=False)
    assert not (tmp_path / "missing.gpkg").exists()


def test_store_switches_a_wal_file_back_to_one_file(filled):
    con = sqlite3.connect(filled)
    assert con.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    con.close()
    with open_store(filled) as s:
        assert s.con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert s.units()["ags"].tolist() == ["03159016", "06611000"]
    assert not Path(filled + "-wal").exists()
