"""GeoPackage: the table as a layer plus an attribute table ``sources``.

GDAL stamps ``gpkg_contents.last_change`` with the clock unless ``OGR_CURRENT_DATE`` is set:
it is set to the table's reference date for the write, so the file is reproducible.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pyogrio

from regionatlas.exports.table import ExportTable, geo_frame, sources_frame

SOURCES_TABLE = "sources"
_GDAL_LOCK = threading.Lock()  # the GDAL config option is process-wide


def gpkg_bytes(table: ExportTable) -> bytes:
    g = geo_frame(table)
    has_geometry = table.geometry is not None
    stamp = table.date.isoformat() + "T00:00:00Z"
    with tempfile.TemporaryDirectory() as tmp, _GDAL_LOCK:
        path = Path(tmp) / "export.gpkg"
        old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
        try:
            if has_geometry:
                pyogrio.write_dataframe(
                    g, path, layer=table.name, driver="GPKG", promote_to_multi=True
                )
            else:
                plain = g.drop(columns=g.geometry.name)
                pyogrio.write_dataframe(plain, path, layer=table.name, driver="GPKG")
            pyogrio.write_dataframe(
                sources_frame(table).astype({"batch": "float64"}),
                path,
                layer=SOURCES_TABLE,
                driver="GPKG",
                append=True,
            )
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})
        return path.read_bytes()
