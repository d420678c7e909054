"""The store's interface: what every engine (GeoPackage, PostGIS) offers.

Writes go through ``import_source`` only (one transaction, one batch); everything else reads.
Reads return pandas frames with the canonical columns of ``model.schema`` and resolve the
history for the caller:

* ``units``: the current version of each unit (latest ``as_of`` not after the requested date),
  geometry taken from the latest version that has one.
* ``observations``: one row per (ags, indicator, period) — the latest batch wins.
* ``flows``: one row per (origin, destination, period, grp) — a flow published by the
  residence side wins over the same flow published by the workplace side, then latest batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from regionatlas.model.source_data import SourceData


@dataclass(frozen=True)
class BatchInfo:
    id: int
    source: str
    file_name: str
    file_sha256: str
    publisher: str
    licence: str
    attribution: str
    vintage: str | None
    imported_at: str
    row_counts: dict[str, int] = field(default_factory=dict)
    synthetic: bool = False


@dataclass(frozen=True)
class ImportResult:
    batch: BatchInfo
    created: bool  # False: the same file was imported before, nothing changed


Progress = Callable[[int, int], None]  # (done, total) rows


class Store(Protocol):
    url: str
    engine: str  # "geopackage" | "postgis"

    def import_source(self, data: SourceData, progress: Progress | None = None) -> ImportResult:
        """Import one file's content as one batch, all or nothing; same SHA-256 -> no-op."""

    def batches(self) -> list[BatchInfo]:
        """All batches, ascending id."""

    def batch(self, batch_id: int) -> BatchInfo:
        """One batch; NotFoundError if unknown."""

    def rollback(self, batch_id: int) -> BatchInfo:
        """Remove one batch and all its rows, in one transaction."""

    def units(
        self,
        level: str | None = None,
        ags: Iterable[str] | None = None,
        *,
        geometry: bool = False,
        as_of: str | None = None,
        include_ended: bool = False,
    ) -> pd.DataFrame:
        """Current units (GeoDataFrame in STORE_CRS when geometry=True); units ended by a
        territorial reform only with include_ended=True."""

    def observations(
        self,
        indicators: Iterable[str] | None = None,
        ags: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """ags, indicator, period, value, flag, batch_id."""

    def flows(
        self,
        level: str | None = None,
        period: str | None = None,
        grp: str = "total",
        origins: Iterable[str] | None = None,
        destinations: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """origin, destination, period, grp, level, persons, flag, reported_by, batch_id."""

    def periods(self, table: str) -> list[str]:
        """Distinct periods of 'observation' or 'flow', ascending."""

    def unit_changes(self) -> pd.DataFrame:
        """old_ags, new_ags, date, share, share_basis, batch_id."""

    def set_indicators(self, catalogue: pd.DataFrame) -> None:
        """Replace the indicator catalogue (columns of schema.INDICATOR), one transaction."""

    def indicators(self) -> pd.DataFrame:
        """The indicator catalogue."""

    def table_counts(self) -> dict[str, int]:
        """Rows per canonical table, all versions and batches included."""

    def close(self) -> None: ...
