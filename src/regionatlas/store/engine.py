"""Semantics both engines share: batches, de-duplication, rollback, reads with history.

An engine (GeoPackage, PostGIS) subclasses ``SqlStore`` and supplies a handful of primitives:
a write transaction, plain queries, a bulk insert and geometry (de)coding. Everything users can
observe — what a re-import does, what rollback removes, which row a read returns — lives here,
so both engines behave the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.model.schema import (
    BATCH,
    FLOW,
    INDICATOR,
    OBSERVATION,
    STORE_CRS,
    TABLES,
    UNIT,
    UNIT_CHANGE,
    Table,
)
from regionatlas.model.source_data import SourceData
from regionatlas.store import resolve
from regionatlas.store.base import BatchInfo, ImportResult, Progress
from regionatlas.store.sql import Dialect, quote, where_clause
from regionatlas.store.validate import prepare, prepare_frame

CHUNK_ROWS = 100_000
_BY_NAME = {t.name: t for t in TABLES}
_DATA_TABLES = (UNIT, UNIT_CHANGE, OBSERVATION, FLOW)
_MAX_IN_LIST = 500  # longer filter lists are applied in pandas after reading


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def canonical_frame(
    rows: Sequence[Sequence[Any]], table: Table, columns: list[str]
) -> pd.DataFrame:
    """Rows from a query -> frame with canonical dtypes (text 'str', real float64, int int64)."""
    kinds = {c.name: c.type for c in table.columns}
    frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)
    dtypes = {
        name: {"real": "float64", "integer": "int64", "geometry": object}.get(kinds[name], "str")
        for name in columns
    }
    return frame.astype(dtypes)


class SqlStore:
    """Engine-independent part of a store; see ``store.base.Store`` for the contract."""

    url: str
    engine: str
    dialect: ClassVar[Dialect]

    # ---- primitives an engine provides -------------------------------------------------
    def _write(self) -> AbstractContextManager[None]:
        """One write transaction holding the store's write lock; rolls back on any error."""
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _exec(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        raise NotImplementedError

    def _insert_batch(self, values: dict[str, object]) -> int:
        raise NotImplementedError

    def _bulk_insert(
        self, table: Table, frame: pd.DataFrame, on_chunk: Callable[[int], None]
    ) -> None:
        """Insert a validated frame (with batch_id); call on_chunk(rows) after each chunk."""
        raise NotImplementedError

    def _frame(
        self, sql: str, params: Sequence[object], table: Table, columns: list[str]
    ) -> pd.DataFrame:
        """A query's result as a canonical frame (engines may stream it faster)."""
        return canonical_frame(self._rows(sql, params), table, columns)

    def _geometry_expr(self, column: str) -> str:
        return quote(column)

    def _decode_geometry(self, values: Sequence[Any]) -> np.ndarray:
        raise NotImplementedError

    def _after_write(self, tables: Iterable[str]) -> None:
        """Engine bookkeeping after data changed (GeoPackage: gpkg_contents)."""

    def close(self) -> None:
        raise NotImplementedError

    # ---- writes ------------------------------------------------------------------------
    def import_source(self, data: SourceData, progress: Progress | None = None) -> ImportResult:
        """Import one file's content as one batch, all or nothing; same SHA-256 -> no-op."""
        existing = self._batch_by_sha(data.sha256)
        if existing is not None:
            return ImportResult(existing, created=False)
        frames = prepare(data)  # raises before anything is written
        counts = {name: len(frame) for name, frame in frames.items()}
        total = sum(counts.values())
        done = 0

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(done, total)

        with self._write():
            existing = self._batch_by_sha(data.sha256)  # another process may have won
            if existing is not None:
                return ImportResult(existing, created=False)
            batch_id = self._insert_batch(
                {
                    "source": data.source,
                    "file_name": Path(data.file).name,
                    "file_sha256": data.sha256,
                    "publisher": data.publisher,
                    "licence": data.licence,
                    "attribution": data.attribution,
                    "vintage": data.vintage,
                    "imported_at": utc_now(),
                    "row_counts": json.dumps(counts, sort_keys=True),
                    "synthetic": int(bool(data.synthetic)),
                }
            )
            if progress is not None:
                progress(0, total)
            for name, frame in frames.items():
                table = _BY_NAME[name]
                self._bulk_insert(table, self._with_batch(table, frame, batch_id), advance)
            self._after_write([BATCH.name, *frames])
        return ImportResult(self.batch(batch_id), created=True)

    @staticmethod
    def _with_batch(table: Table, frame: pd.DataFrame, batch_id: int) -> pd.DataFrame:
        cols = table.column_names
        return frame.assign(batch_id=batch_id)[cols]

    def rollback(self, batch_id: int) -> BatchInfo:
        """Remove one batch and all its rows, in one transaction."""
        info = self.batch(batch_id)
        with self._write():
            for table in _DATA_TABLES:
                self._exec(
                    f"DELETE FROM {quote(table.name)} WHERE batch_id = {self._ph}", [batch_id]
                )
            if self._exec(f"DELETE FROM batch WHERE id = {self._ph}", [batch_id]) != 1:
                raise NotFoundError(f"batch {batch_id} not found", batch=batch_id)
            self._after_write([BATCH.name, *(t.name for t in _DATA_TABLES)])
        return info

    def set_indicators(self, catalogue: pd.DataFrame) -> None:
        """Replace the indicator catalogue (columns of schema.INDICATOR), one transaction."""
        missing = [c for c in INDICATOR.column_names if c not in catalogue.columns]
        if missing:
            raise ParameterError(
                f"indicator catalogue lacks columns {missing}", expected=INDICATOR.column_names
            )
        frame = catalogue[INDICATOR.column_names].reset_index(drop=True)
        frame = frame.assign(polarity=pd.to_numeric(frame["polarity"]).astype("int64"))
        dup = frame["id"].duplicated()
        if dup.any():
            raise ParameterError(
                "indicator catalogue lists an id twice", value=str(frame["id"][dup].iloc[0])
            )
        with self._write():
            self._exec("DELETE FROM indicator")
            self._bulk_insert(INDICATOR, frame, lambda _n: None)
            self._after_write([INDICATOR.name])

    # ---- batches -----------------------------------------------------------------------
    @property
    def _ph(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"

    def _batch_rows(self, where: str = "", params: Sequence[object] = ()) -> list[BatchInfo]:
        cols = BATCH.column_names
        rows = self._rows(
            f"SELECT {', '.join(quote(c) for c in cols)} FROM batch{where} ORDER BY id", params
        )
        out = []
        for row in rows:
            rec = dict(zip(cols, row, strict=True))
            rec["row_counts"] = json.loads(rec["row_counts"])
            rec["synthetic"] = bool(rec["synthetic"])
            rec["id"] = int(rec["id"])
            out.append(BatchInfo(**rec))
        return out

    def _batch_by_sha(self, sha: str) -> BatchInfo | None:
        found = self._batch_rows(f" WHERE file_sha256 = {self._ph}", [sha])
        return found[0] if found else None

    def batches(self) -> list[BatchInfo]:
        """All batches, ascending id."""
        return self._batch_rows()

    def batch(self, batch_id: int) -> BatchInfo:
        """One batch; NotFoundError if unknown."""
        found = self._batch_rows(f" WHERE id = {self._ph}", [int(batch_id)])
        if not found:
            raise NotFoundError(f"batch {batch_id} not found", batch=batch_id)
        return found[0]

    # ---- reads -------------------------------------------------------------------------
    def _select(
        self,
        table: Table,
        conditions: list[tuple[str, Iterable[str] | None]],
        extra_where: str = "",
        extra_params: Sequence[object] = (),
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        columns = columns or table.column_names
        sql_conds: list[tuple[str, Sequence[object]]] = []
        post: list[tuple[str, list[str]]] = []
        for col, values in conditions:
            if values is None:
                continue
            vals = [values] if isinstance(values, str) else list(values)
            (post if len(vals) > _MAX_IN_LIST else sql_conds).append((col, vals))
        where, params = where_clause(sql_conds, self.dialect)
        if extra_where:
            where = (where + " AND " if where else " WHERE ") + extra_where
            params.extend(extra_params)
        select = ", ".join(self._geometry_expr(c) if c == "geometry" else quote(c) for c in columns)
        frame = self._frame(
            f"SELECT {select} FROM {quote(table.name)}{where}", params, table, columns
        )
        for col, vals in post:
            frame = frame[frame[col].isin(vals)]
        return frame.reset_index(drop=True)

    def units(
        self,
        level: str | None = None,
        ags: Iterable[str] | None = None,
        *,
        geometry: bool = False,
        as_of: str | None = None,
        include_ended: bool = False,
    ) -> pd.DataFrame:
        """Current units (GeoDataFrame in STORE_CRS when geometry=True).

        Units ended by a territorial reform (``valid_to``) are left out unless
        ``include_ended``.
        """
        cols = [c for c in UNIT.column_names if geometry or c != "geometry"]
        extra_where, extra_params = (f"as_of <= {self._ph}", [as_of]) if as_of else ("", [])
        frame = self._select(
            UNIT,
            [("level", None if level is None else [level]), ("ags", ags)],
            extra_where,
            extra_params,
            columns=cols,
        )
        if geometry:
            frame["geometry"] = self._decode_geometry(frame["geometry"].to_numpy())
        frame = resolve.latest_units(
            frame, geometry=geometry, include_ended=include_ended, as_of=as_of
        )
        if geometry:
            return gpd.GeoDataFrame(frame, geometry="geometry", crs=STORE_CRS)
        return frame

    def observations(
        self,
        indicators: Iterable[str] | None = None,
        ags: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """ags, indicator, period, value, flag, batch_id."""
        frame = self._select(
            OBSERVATION, [("indicator", indicators), ("ags", ags), ("period", periods)]
        )
        frame = resolve.latest_observations(frame)
        return frame[["ags", "indicator", "period", "value", "flag", "batch_id"]]

    def flows(
        self,
        level: str | None = None,
        period: str | None = None,
        grp: str = "total",
        origins: Iterable[str] | None = None,
        destinations: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """origin, destination, period, grp, level, persons, flag, reported_by, batch_id."""
        frame = self._select(
            FLOW,
            [
                ("period", None if period is None else [period]),
                ("level", None if level is None else [level]),
                ("grp", None if grp is None else [grp]),
                ("origin", origins),
                ("destination", destinations),
            ],
        )
        frame = resolve.preferred_flows(frame)
        return frame[
            ["origin", "destination", "period", "grp", "level", "persons", "flag",
             "reported_by", "batch_id"]
        ]  # fmt: skip

    def periods(self, table: str) -> list[str]:
        """Distinct periods of 'observation' or 'flow', ascending."""
        if table not in ("observation", "flow"):
            raise ParameterError(
                f"periods of table {table!r}?", value=table, expected="observation or flow"
            )
        rows = self._rows(f"SELECT DISTINCT period FROM {quote(table)} ORDER BY period")
        return [r[0] for r in rows]

    def unit_changes(self) -> pd.DataFrame:
        """old_ags, new_ags, date, share, share_basis, batch_id."""
        frame = self._select(UNIT_CHANGE, [])
        cols = ["old_ags", "new_ags", "date", "share", "share_basis", "batch_id"]
        return frame[cols].sort_values(["date", "old_ags", "new_ags"]).reset_index(drop=True)

    def indicators(self) -> pd.DataFrame:
        """The indicator catalogue."""
        return self._select(INDICATOR, []).sort_values("id").reset_index(drop=True)

    def table_counts(self) -> dict[str, int]:
        """Rows per canonical table (for status pages and tests)."""
        return {
            t.name: int(self._rows(f"SELECT count(*) FROM {quote(t.name)}")[0][0]) for t in TABLES
        }

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_chunks(frame: pd.DataFrame, size: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


__all__ = ["SqlStore", "canonical_frame", "iter_chunks", "prepare_frame", "utc_now"]
