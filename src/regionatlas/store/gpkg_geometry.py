"""GeoPackage binary geometry (GeoPackage 1.3, clause 2.1.3) <-> shapely, vectorised.

A GeoPackage geometry blob is a header (magic ``GP``, version 0, flags, srs_id, envelope)
followed by standard ISO WKB. We always write little-endian blobs with an XY envelope
(flags 0b0000_0011), or the "empty" flag without envelope for empty geometries.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import shapely

_HEADER = struct.Struct("<2sBBi")
_ENVELOPE = struct.Struct("<4d")
_ENVELOPE_SIZES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_FLAGS_LE_XY = 0b0000_0011
_FLAGS_LE_EMPTY = 0b0001_0001


def to_multipolygons(geoms: Sequence[object] | np.ndarray) -> np.ndarray:
    """Polygons become one-part MultiPolygons; None stays None; other types raise ValueError."""
    arr = np.asarray(geoms, dtype=object)
    out = arr.copy()
    types = shapely.get_type_id(arr)  # -1 for None
    polys = types == shapely.GeometryType.POLYGON
    if polys.any():
        out[polys] = [shapely.MultiPolygon([g]) for g in arr[polys]]
    bad = ~np.isin(types, [-1, shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    if bad.any():
        found = shapely.get_type_id(arr[bad][0])
        raise ValueError(
            f"unit geometry must be (Multi)Polygon, found {shapely.GeometryType(found).name}"
        )
    return out


def encode(geoms: Sequence[object] | np.ndarray, srs_id: int) -> list[bytes | None]:
    """shapely geometries -> GeoPackage blobs (None stays None)."""
    arr = np.asarray(geoms, dtype=object)
    wkbs = shapely.to_wkb(arr, byte_order=1, flavor="iso")
    bounds = shapely.bounds(arr)
    empty = shapely.is_empty(arr)
    out: list[bytes | None] = []
    for wkb, (minx, miny, maxx, maxy), is_empty in zip(wkbs, bounds, empty, strict=True):
        if wkb is None:
            out.append(None)
        elif is_empty:
            out.append(_HEADER.pack(b"GP", 0, _FLAGS_LE_EMPTY, srs_id) + wkb)
        else:
            out.append(
                _HEADER.pack(b"GP", 0, _FLAGS_LE_XY, srs_id)
                + _ENVELOPE.pack(minx, maxx, miny, maxy)
                + wkb
            )
    return out


def wkb_of(blob: bytes) -> bytes:
    """The WKB part of one GeoPackage blob."""
    magic, version, flags, _srs = _HEADER.unpack_from(blob)
    if magic != b"GP" or version != 0:
        raise ValueError(f"not a GeoPackage geometry blob (magic {magic!r}, version {version})")
    return blob[_HEADER.size + _ENVELOPE_SIZES[(flags >> 1) & 0b111] :]


def decode(blobs: Sequence[bytes | None]) -> np.ndarray:
    """GeoPackage blobs -> array of shapely geometries (None stays None)."""
    wkbs = [None if b is None else wkb_of(bytes(b)) for b in blobs]
    return shapely.from_wkb(np.asarray(wkbs, dtype=object))


def envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a blob, None for NULL or empty (used by R-tree triggers)."""
    if blob is None:
        return None
    _magic, _version, flags, _srs = _HEADER.unpack_from(blob)
    if flags & 0b0001_0000:
        return None
    if (flags >> 1) & 0b111:
        order = "<" if flags & 1 else ">"
        return struct.unpack_from(order + "4d", blob, _HEADER.size)
    geom = shapely.from_wkb(wkb_of(blob))
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy
