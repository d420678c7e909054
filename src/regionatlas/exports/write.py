"""The format dispatch: ``to_bytes(table, fmt)`` and ``write(table, path, fmt)``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from regionatlas.errors import ParameterError
from regionatlas.exports.csv import csv_bytes, excel_csv_bytes
from regionatlas.exports.geojson import geojson_bytes
from regionatlas.exports.gpkg import gpkg_bytes
from regionatlas.exports.table import ExportTable
from regionatlas.exports.xlsx import xlsx_bytes
from regionatlas.output import output_path

WRITERS: dict[str, Callable[[ExportTable], bytes]] = {
    "csv": csv_bytes,
    "excel.csv": excel_csv_bytes,
    "xlsx": xlsx_bytes,
    "geojson": geojson_bytes,
    "gpkg": gpkg_bytes,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel.csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "zip": "application/zip",
    "pdf": "application/pdf",
}


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format asked for, else the one the file name says (``x.excel.csv``, ``x.json``)."""
    if fmt is None:
        name = path.name.lower()
        fmt = "excel.csv" if name.endswith(".excel.csv") else path.suffix.lstrip(".").lower()
        fmt = fmt or "csv"  # no suffix (e.g. "-", standard output): CSV
    fmt = {"json": "geojson", "excel-csv": "excel.csv"}.get(fmt.lower(), fmt.lower())
    if fmt not in WRITERS:
        raise ParameterError(
            f"unknown export format {fmt!r}", value=fmt, expected=" | ".join(FORMATS)
        )
    return fmt


def to_bytes(table: ExportTable, fmt: str) -> bytes:
    return WRITERS[format_of(Path("x"), fmt)](table)


def write_bytes(path: str | Path, body: bytes) -> Path:
    """Write through ``regionatlas.output``: a regular file is replaced atomically (never
    half-written), ``-``/``/dev/stdout``, a device or a FIFO is written in place."""
    with output_path(path) as tmp:
        tmp.write_bytes(body)
    return Path(path)


def write(table: ExportTable, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``table`` to ``path`` in ``fmt`` (default: from the file name); returns the path."""
    path = Path(path)
    return write_bytes(path, to_bytes(table, format_of(path, fmt)))
