"""What every writer takes: a table, its sources, its reference date and its precisions.

``prepared(table)`` is the data table exactly as every format writes it: numbers rounded to
their precision (integers where the precision is 0), the reason next to every missing value,
and the attribution as the last two columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from regionatlas.errors import ParameterError

SOURCE_COLUMNS = ("attribution", "licence", "source", "publisher", "vintage", "batch", "synthetic")
MISSING_COLUMN = "missing_reason"
FALLBACK_DATE = dt.date(2000, 1, 1)  # a table without any date: a fixed one, never today

# what a marker instead of a number means (model.schema), German / English (marker)
MARKER_REASONS = {
    "-": "nichts vorhanden / nothing",
    ".": "unbekannt oder geheim / unknown or confidential",
    "x": "gesperrt / locked",
    "*": "geheim gehalten / withheld for confidentiality",
    "/": "nicht sicher genug / not reliable enough",
    "…": "fällt später an / available later",
}
NO_VALUE = "kein Wert / no value"

# decimals of an indicator's values by its unit (catalogue.toml): counts are integers
UNIT_PRECISION = {
    "Personen": 0,
    "Betriebe": 0,
    "%": 1,
    "Einw./km²": 1,
    "je 1.000 Einw.": 1,
    "km²": 2,
    "Verhältnis": 3,
}


def precision_for_unit(unit: str | None, default: int = 2) -> int:
    """Decimals worth showing for a value in ``unit``."""
    return UNIT_PRECISION.get(unit or "", default)


@dataclass(frozen=True)
class Source:
    """One source a table's rows come from (one store batch, or a named basis)."""

    attribution: str
    licence: str = ""
    source: str = ""
    publisher: str = ""
    vintage: str = ""
    batch: int | None = None
    synthetic: bool = False

    @classmethod
    def from_batch(cls, b: Any) -> Source:
        return cls(
            attribution=b.attribution,
            licence=b.licence,
            source=b.source,
            publisher=b.publisher,
            vintage=b.vintage or "",
            batch=int(b.id),
            synthetic=bool(b.synthetic),
        )


def sources_of_batches(batches: Iterable[Any], ids: set[int] | None = None) -> list[Source]:
    """The sources of the batches ``ids`` (all batches when ``ids`` is None or matches none)."""
    batches = list(batches)
    chosen = [b for b in batches if ids is None or b.id in ids] or batches
    return [Source.from_batch(b) for b in chosen]


@dataclass(frozen=True)
class ExportTable:
    """A table to download. ``geometry``: one geometry per row (or None), any CRS it names.

    ``reference_date`` (YYYY-MM-DD) is the date the files carry (XLSX created, GeoPackage
    last_change, zip entries): the data's reference period, never the clock.
    ``value_column``/``flag_column``: where a missing value gets its reason.
    """

    name: str
    frame: pd.DataFrame
    sources: Sequence[Source]
    reference_date: str | None = None
    geometry: gpd.GeoSeries | None = None
    precision: Mapping[str, int] = field(default_factory=dict)
    value_columns: Sequence[str] = ()
    flag_column: str = "flag"
    wkt_in_csv: bool = False

    def __post_init__(self) -> None:
        if not self.sources or not all(
            isinstance(s, Source) and s.attribution.strip() for s in self.sources
        ):
            raise ParameterError(
                "an export needs the attribution of its sources", value=list(self.sources)
            )
        if self.geometry is not None and len(self.geometry) != len(self.frame):
            raise ParameterError(
                f"export {self.name!r}: {len(self.geometry)} geometries for {len(self.frame)} rows",
                expected="one geometry per row",
            )

    @property
    def date(self) -> dt.date:
        if self.reference_date:
            return dt.date.fromisoformat(str(self.reference_date)[:10])
        return FALLBACK_DATE

    @property
    def attribution(self) -> str:
        return "; ".join(dict.fromkeys(s.attribution for s in self.sources))

    @property
    def licence(self) -> str:
        return "; ".join(dict.fromkeys(s.licence for s in self.sources if s.licence))


def sources_frame(table: ExportTable) -> pd.DataFrame:
    rows = [
        {
            "attribution": s.attribution,
            "licence": s.licence,
            "source": s.source,
            "publisher": s.publisher,
            "vintage": s.vintage,
            "batch": s.batch,
            "synthetic": int(s.synthetic),
        }
        for s in dict.fromkeys(table.sources)
    ]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS)).astype({"batch": "Int64"})


def missing_reason(flag: Any) -> str:
    if isinstance(flag, str) and flag:
        return f"{MARKER_REASONS.get(flag, NO_VALUE)} ({flag})"
    return NO_VALUE


def rounded(series: pd.Series, decimals: int) -> pd.Series:
    """``series`` rounded half away from zero; integers (nullable) when ``decimals`` is 0."""
    num = pd.to_numeric(series, errors="coerce").astype("float64")
    scale = 10.0**decimals
    sign = num.where(num >= 0, -1.0).where(num < 0, 1.0)
    out = (num.abs() * scale + 0.5).floordiv(1) / scale * sign
    return out.round(0).astype("Int64") if decimals == 0 else out.round(decimals)


def prepared(table: ExportTable) -> pd.DataFrame:
    """The data table as every format writes it (no geometry)."""
    frame = table.frame.reset_index(drop=True).copy()
    if isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    for col, decimals in table.precision.items():
        if col in frame.columns:
            frame[col] = rounded(frame[col], decimals)
    if table.value_columns:
        missing = pd.Series(False, index=frame.index)
        for col in table.value_columns:
            missing |= frame[col].isna()
        flags = (
            frame[table.flag_column]
            if table.flag_column in frame.columns
            else pd.Series([None] * len(frame))
        )
        reasons = [missing_reason(f) if m else None for m, f in zip(missing, flags, strict=True)]
        at = (
            frame.columns.get_loc(table.flag_column) + 1
            if table.flag_column in frame.columns
            else len(frame.columns)
        )
        frame.insert(int(at), MISSING_COLUMN, reasons)
    for col in frame.columns:  # text columns: None rather than NaN
        if frame[col].dtype == object:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    if {"attribution", "licence"} <= set(frame.columns):  # rows that are sources themselves
        rest = [c for c in frame.columns if c not in ("attribution", "licence")]
        return frame[[*rest, "attribution", "licence"]]
    return frame.assign(attribution=table.attribution, licence=table.licence)


def geo_frame(table: ExportTable) -> gpd.GeoDataFrame:
    """The prepared table with its geometry (None for rows without one)."""
    frame = prepared(table)
    if table.geometry is None:
        return gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs="EPSG:4326")
    geom = gpd.GeoSeries(table.geometry.to_numpy(), crs=table.geometry.crs)
    return gpd.GeoDataFrame(frame, geometry=geom, crs=table.geometry.crs)
