"""Downloads: one table (or map layer) as GeoPackage, CSV, XLSX or GeoJSON, with its sources.

Every format carries the attribution of the sources it was built from, and flags stay
visible: a value column plus a ``flag`` column; a suppressed or unknown value is an empty
cell / null, never 0.

How each format carries the attribution:

* CSV: a ``source`` column (the attributions joined by " | ") plus a sidecar file
  ``<name>.attribution.txt`` next to it with one attribution per line. The CSV itself stays a
  plain table (no comment lines) so any program reads it; UTF-8, comma-separated, geometry
  as WKT in a ``geometry_wkt`` column.
* XLSX: sheet "Daten - Data" with the table and sheet "Quellen - Sources" with the
  attributions (Excel forbids "/" in sheet names). Geometry is left out.
* GeoJSON: RFC 7946 (WGS 84 coordinates) with a top-level ``"attribution"`` member (a list).
* GeoPackage: the table as a layer, plus an attribute table ``sources`` (one row per
  attribution) registered in gpkg_contents, so QGIS shows it next to the layer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyogrio

from regionatlas.errors import ParameterError
from regionatlas.model.schema import WEB_CRS
from regionatlas.output import is_regular_target, output_path

Format = Literal["gpkg", "csv", "xlsx", "geojson"]
FORMATS: tuple[str, ...] = ("gpkg", "csv", "xlsx", "geojson")
SOURCES_TABLE = "sources"
DATA_SHEET = "Daten - Data"
SOURCES_SHEET = "Quellen - Sources"


def attribution_sidecar(path: Path) -> Path:
    """Where the CSV export's attribution file goes: ``x.csv`` -> ``x.attribution.txt``."""
    return path.with_name(path.stem + ".attribution.txt")


def _format_of(path: Path, fmt: str | None) -> str:
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    fmt = {"json": "geojson"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown export format {fmt!r}", value=fmt, expected=" | ".join(FORMATS)
        )
    return fmt


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Without geometry (a plain DataFrame)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return frame


def _write_csv(
    frame: pd.DataFrame, path: Path, attribution: Sequence[str], sidecar: Path | None
) -> None:
    table = frame
    if isinstance(frame, gpd.GeoDataFrame):
        wkt = frame.geometry.to_wkt()
        table = _plain(frame).assign(geometry_wkt=wkt)
    table = table.assign(source=" | ".join(attribution))
    table.to_csv(path, index=False, encoding="utf-8", na_rep="")
    if sidecar is not None:
        with output_path(sidecar) as tmp:
            tmp.write_text("\n".join(attribution) + "\n", encoding="utf-8")


def _write_xlsx(frame: pd.DataFrame, path: Path, attribution: Sequence[str]) -> None:
    sources = pd.DataFrame({"Quelle / Source": list(attribution)})
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        _plain(frame).to_excel(writer, sheet_name=DATA_SHEET, index=False)
        sources.to_excel(writer, sheet_name=SOURCES_SHEET, index=False)
        writer.sheets[DATA_SHEET].freeze_panes(1, 0)


def _write_geojson(frame: pd.DataFrame, path: Path, attribution: Sequence[str]) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        geo = frame.to_crs(WEB_CRS) if frame.crs is not None else frame
    else:
        geo = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=WEB_CRS)
    doc = json.loads(geo.to_json(na="null", drop_id=True))
    doc.pop("crs", None)  # RFC 7946: WGS 84 implied
    doc["attribution"] = list(attribution)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _write_gpkg(frame: pd.DataFrame, path: Path, attribution: Sequence[str], layer: str) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", promote_to_multi=True)
    else:
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                f"CREATE TABLE {SOURCES_TABLE} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
                " attribution TEXT NOT NULL)"
            )
            con.executemany(
                f"INSERT INTO {SOURCES_TABLE} (attribution) VALUES (?)",
                [(a,) for a in attribution],
            )
            con.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
                " VALUES (?, 'attributes', ?, ?)",
                (SOURCES_TABLE, SOURCES_TABLE, "Quellen / Sources: attribution of the data"),
            )
    finally:
        con.close()


def export_table(
    frame: pd.DataFrame,
    path: str | Path,
    attribution: Sequence[str],
    fmt: Format | str | None = None,
    *,
    layer: str = "data",
) -> Path:
    """Write ``frame`` to ``path`` in ``fmt`` (default: from the suffix, else CSV) with its
    sources.

    Replaces an existing file atomically; ``-``, ``/dev/stdout``, a character device or a
    FIFO is written in place (regionatlas.output), without the CSV's attribution side file.
    Returns the path written.
    """
    path = Path(path)
    kind = _format_of(path, fmt)
    if not attribution or not all(isinstance(a, str) and a.strip() for a in attribution):
        raise ParameterError("an export needs the attribution of its sources", value=attribution)
    sidecar = attribution_sidecar(path) if is_regular_target(path) else None
    with output_path(path, suffix="." + kind) as tmp:
        tmp.unlink()  # pyogrio and xlsxwriter create the file themselves
        if kind == "csv":
            _write_csv(frame, tmp, attribution, sidecar)
        elif kind == "xlsx":
            _write_xlsx(frame, tmp, attribution)
        elif kind == "geojson":
            _write_geojson(frame, tmp, attribution)
        else:
            _write_gpkg(frame, tmp, attribution, layer)
    return path
