"""Checks a SourceData before anything is written: the store never half-writes bad input.

``prepare`` returns the canonical frames (columns in schema order, batch_id still missing)
keyed by table name, or raises SourceFormatError naming the file, the row, the column, the
value found and what was expected. Row numbers are 1-based positions in the reader's frame.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import (
    FLOW,
    FLOW_GROUPS,
    LEVELS,
    OBSERVATION,
    REPORTED_BY,
    STORE_CRS,
    UNIT,
    UNIT_CHANGE,
    Table,
)
from regionatlas.model.source_data import SourceData

# insert order: units first (others may refer to them), then the rest
FRAME_TABLES: tuple[tuple[str, Table], ...] = (
    ("units", UNIT),
    ("unit_changes", UNIT_CHANGE),
    ("observations", OBSERVATION),
    ("flows", FLOW),
)

_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("unit", "level"): LEVELS,
    ("flow", "level"): LEVELS,
    ("flow", "grp"): FLOW_GROUPS,
    ("flow", "reported_by"): REPORTED_BY,
    ("unit_change", "share_basis"): ("population", "area", "full"),
}


def _fail(data: SourceData, table: str, problem: str, **kw: object) -> SourceFormatError:
    return SourceFormatError(data.file, f"{table}: {problem}", **kw)  # type: ignore[arg-type]


def _row_of(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def _text(data: SourceData, table: Table, name: str, col: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col.dtype) and not col.isna().all():
        raise _fail(
            data, table.name, "column holds numbers, not text", column=name,
            value=col.dropna().iloc[0], expected="text (AGS keys keep their leading zeros)",
        )  # fmt: skip
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) not in (
        "string",
        "empty",
    ):
        bad = ~col.map(lambda v: v is None or isinstance(v, str) or v is pd.NA or v != v)
        if bad.any():
            row = _row_of(bad.to_numpy())
            raise _fail(
                data, table.name, f"row {row}: not a text value", column=name,
                value=col.iloc[row - 1], expected="text",
            )  # fmt: skip
    return col.astype("str")


def _geometry(data: SourceData, table: Table, frame: pd.DataFrame, name: str) -> pd.Series:
    """(Multi)Polygons in STORE_CRS (reprojected if the frame says another CRS) or None."""
    active = frame._geometry_column_name if isinstance(frame, gpd.GeoDataFrame) else None
    if active == name and frame.crs is not None and not frame.crs.equals(STORE_CRS):
        frame = frame.to_crs(STORE_CRS)
    values = frame[name].reset_index(drop=True).to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    is_geom = np.array([v is None or isinstance(v, shapely.Geometry) for v in values])
    if not is_geom.all():
        row = _row_of(~is_geom)
        raise _fail(
            data, table.name, f"row {row}: not a geometry", column=name,
            value=str(values[row - 1])[:60], expected="a shapely (Multi)Polygon or None",
        )  # fmt: skip
    kinds = shapely.get_type_id(values)
    bad = ~np.isin(kinds, [-1, shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    if bad.any():
        row = _row_of(bad)
        raise _fail(
            data, table.name, f"row {row}: wrong geometry type", column=name,
            value=values[row - 1].geom_type, expected="Polygon or MultiPolygon",
        )  # fmt: skip
    return pd.Series(values, dtype=object)


def _number(data: SourceData, table: Table, name: str, col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col.dtype):
        raise _fail(data, table.name, "boolean column", column=name, expected="a number")
    try:
        return pd.to_numeric(col, errors="raise").astype("float64")
    except (ValueError, TypeError):
        num = pd.to_numeric(col, errors="coerce")
        bad = (num.isna() & col.notna()).to_numpy()
        row = _row_of(bad)
        raise _fail(
            data,
            table.name,
            f"row {row}: not a number",
            column=name,
            value=col.iloc[row - 1],
            expected="a number, or an empty value with the marker in the flag column",
        ) from None


def prepare_frame(data: SourceData, table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """One canonical frame, validated, in schema column order (without batch_id)."""
    cols = [c for c in table.columns if c.name != "batch_id"]
    missing = [c.name for c in cols if c.name not in frame.columns]
    if missing:
        raise _fail(
            data, table.name, "frame lacks canonical columns", column=", ".join(missing),
            expected=", ".join(c.name for c in cols),
        )  # fmt: skip
    out: dict[str, pd.Series] = {}
    for c in cols:
        col = frame[c.name].reset_index(drop=True)
        if c.type == "geometry":
            out[c.name] = _geometry(data, table, frame, c.name)
            continue
        col = (
            _number(data, table, c.name, col)
            if c.type == "real"
            else (_text(data, table, c.name, col))
        )
        if not c.nullable and col.isna().any():
            row = _row_of(col.isna().to_numpy())
            raise _fail(
                data, table.name, f"row {row}: required value missing", column=c.name,
                expected="a value",
            )  # fmt: skip
        allowed = _ENUMS.get((table.name, c.name))
        if allowed is not None:
            bad = ~(col.isin(allowed) | col.isna())
            if bad.any():
                row = _row_of(bad.to_numpy())
                raise _fail(
                    data, table.name, f"row {row}: unknown value", column=c.name,
                    value=col.iloc[row - 1], expected="one of " + ", ".join(allowed),
                )  # fmt: skip
        out[c.name] = col
    result = pd.DataFrame(out)
    key = [k for k in table.primary_key if k != "batch_id"]
    dup = result.duplicated(subset=key, keep="first")
    if dup.any():
        row = _row_of(dup.to_numpy())
        raise _fail(
            data, table.name, f"row {row}: the same key appears twice", column=", ".join(key),
            value=" | ".join(str(result[k].iloc[row - 1]) for k in key),
            expected="one row per key",
        )  # fmt: skip
    if table is UNIT_CHANGE:
        share = result["share"]
        bad = ~((share > 0) & (share <= 1))
        if bad.any():
            row = _row_of(bad.to_numpy())
            raise _fail(
                data, table.name, f"row {row}: share out of range", column="share",
                value=share.iloc[row - 1], expected="0 < share <= 1",
            )  # fmt: skip
    return result


def prepare(data: SourceData) -> dict[str, pd.DataFrame]:
    """All frames of ``data`` validated, keyed by table name, in insert order."""
    frames: dict[str, pd.DataFrame] = {}
    for attr, table in FRAME_TABLES:
        frame = getattr(data, attr)
        if frame is not None:
            frames[table.name] = prepare_frame(data, table, frame)
    return frames
