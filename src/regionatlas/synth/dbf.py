"""A minimal dBASE III writer for the attribute table of VG5000 shapefiles.

GDAL's shapefile driver (through pyogrio) cannot create the exact field widths and Date
fields of BKG's files, so the synthetic writer lets pyogrio write .shp/.shx/.prj/.cpg and
replaces the .dbf with one in BKG's layout (same record order).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

# (name, type, width) exactly as in BKG's VG5000 Ebenen files
VG5000_DBF_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("OBJID", "C", 16),
    ("BEGINN", "D", 8),
    ("ADE", "N", 2),
    ("GF", "N", 2),
    ("BSG", "N", 2),
    ("ARS", "C", 12),
    ("AGS", "C", 8),
    ("SDV_ARS", "C", 12),
    ("GEN", "C", 60),
    ("BEZ", "C", 75),
    ("IBZ", "N", 2),
    ("BEM", "C", 75),
    ("NBD", "C", 4),
    ("SN_L", "C", 2),
    ("SN_R", "C", 1),
    ("SN_K", "C", 2),
    ("SN_V1", "C", 2),
    ("SN_V2", "C", 2),
    ("SN_G", "C", 3),
    ("FK_S3", "C", 2),
    ("NUTS", "C", 5),
    ("ARS_0", "C", 12),
    ("AGS_0", "C", 8),
    ("WSK", "D", 8),
)


def _cell(value: object, kind: str, width: int) -> bytes:
    if kind == "C":
        raw = str(value).encode("utf-8")
        if len(raw) > width:
            raise ValueError(f"{value!r} is longer than {width} bytes")
        return raw.ljust(width, b" ")
    if kind == "N":
        return str(int(value)).rjust(width).encode("ascii")  # type: ignore[call-overload]
    if kind == "D":
        return pd.Timestamp(value).strftime("%Y%m%d").encode("ascii")
    raise ValueError(kind)


def write_dbf(
    path: Path,
    frame: pd.DataFrame,
    fields: Sequence[tuple[str, str, int]] = VG5000_DBF_FIELDS,
    updated: date = date(2023, 1, 1),
) -> None:
    """Write ``frame`` (columns named as ``fields``) as a dBASE III table."""
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray()
    out += struct.pack(
        "<BBBBIHH20x",
        3,
        updated.year - 1900,
        updated.month,
        updated.day,
        len(frame),
        header_len,
        record_len,
    )
    for name, kind, width in fields:
        out += struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode("ascii"), width, 0)
    out += b"\r"
    columns = [frame[name].tolist() for name, _, _ in fields]
    for values in zip(*columns, strict=True):
        out += b" "
        for value, (_, kind, width) in zip(values, fields, strict=True):
            out += _cell(value, kind, width)
    out += b"\x1a"
    path.write_bytes(bytes(out))
