"""The embedded engine: one GeoPackage 1.3 file written with the stdlib ``sqlite3`` module.

QGIS and ``ogrinfo`` open the file directly: ``unit`` is a feature layer (MultiPolygon,
EPSG:25832, R-tree index), every other table an attribute table. The file stays one file
(journal_mode DELETE, no WAL); every write is one ``BEGIN IMMEDIATE … COMMIT`` transaction,
so an error or a killed process leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from regionatlas.errors import StoreError
from regionatlas.model.schema import STORE_SRID, TABLES, Table
from regionatlas.store import gpkg_geometry, gpkg_meta
from regionatlas.store.engine import SqlStore, iter_chunks
from regionatlas.store.sql import Dialect, quote

_BY_NAME = {t.name: t for t in TABLES}
IMPORT_CACHE_KIB = 512 * 1024  # page cache during writes: big imports stay in memory until COMMIT


def _column_values(frame: pd.DataFrame, table: Table) -> list[Any]:
    """Per-column Python sequences ready for executemany (None for missing values)."""
    kinds = {c.name: c.type for c in table.columns}
    cols: list[Any] = []
    for name in frame.columns:
        s = frame[name]
        kind = kinds[name]
        if kind == "geometry":
            multi = gpkg_geometry.to_multipolygons(s.to_numpy(dtype=object))
            cols.append(gpkg_geometry.encode(multi, STORE_SRID))
        elif kind == "integer":
            cols.append([int(v) for v in s.to_numpy()])
        else:
            arr = s.to_numpy(dtype=object, copy=True)
            arr[pd.isna(arr)] = None
            cols.append(arr.tolist())
    return cols


class GeoPackageStore(SqlStore):
    engine = "geopackage"
    dialect: ClassVar[Dialect] = "sqlite"

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        self.url = str(self.path)
        if not self.path.exists():
            if not create:
                raise StoreError(f"no GeoPackage at {self.path}", path=str(self.path))
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path}: {exc}", path=str(self.path)) from exc
        self.con.execute("PRAGMA foreign_keys = OFF")
        self.con.execute("PRAGMA busy_timeout = 30000")  # readers wait while an import commits
        gpkg_meta.register_functions(self.con)
        try:
            self._check_or_create(create)
        except BaseException:
            self.con.close()
            raise

    # ---- file setup --------------------------------------------------------------------
    def _check_or_create(self, create: bool) -> None:
        try:
            app_id = self.con.execute("PRAGMA application_id").fetchone()[0]
            n_tables = self.con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a SQLite/GeoPackage file: {exc}") from exc
        if n_tables == 0:
            if not create:
                raise StoreError(f"{self.path} is empty", path=str(self.path))
            self.con.execute("PRAGMA journal_mode = DELETE")
            with self._write():
                for stmt in gpkg_meta.init_geopackage(self.con):
                    self.con.execute(stmt)
                gpkg_meta.register_tables(self.con)
            return
        if app_id == gpkg_meta.APPLICATION_ID:
            # one file: undo a WAL switch another program (e.g. QGIS editing) may have made
            self.con.execute("PRAGMA journal_mode = DELETE")
        if app_id != gpkg_meta.APPLICATION_ID:
            raise StoreError(
                f"{self.path} is not a GeoPackage (application_id {app_id:#x})",
                path=str(self.path),
            )
        have = {r[0] for r in self.con.execute("SELECT name FROM sqlite_master")}
        missing = [t.name for t in TABLES if t.name not in have]
        if missing:
            raise StoreError(
                f"{self.path} is a GeoPackage but not a regionatlas store (lacks {missing})",
                path=str(self.path),
            )

    # ---- primitives --------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[None]:
        con = self.con

        def rollback() -> None:
            if con.in_transaction:
                con.execute("ROLLBACK")

        con.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path} is locked by another writer: {exc}") from exc
            try:
                yield
                con.execute("COMMIT")
            except sqlite3.Error as exc:
                rollback()
                raise StoreError(f"writing to {self.path} failed: {exc}") from exc
            except BaseException:
                rollback()
                raise
        finally:
            con.execute("PRAGMA cache_size = -2000")
            con.execute("PRAGMA shrink_memory")

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()

    def _exec(self, sql: str, params: Sequence[object] = ()) -> int:
        return self.con.execute(sql, params).rowcount

    def _insert_batch(self, values: dict[str, object]) -> int:
        cols = list(values)
        cur = self.con.execute(
            f"INSERT INTO batch ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})",
            list(values.values()),
        )
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def _bulk_insert(
        self, table: Table, frame: pd.DataFrame, on_chunk: Callable[[int], None]
    ) -> None:
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in frame.columns)}) "
            f"VALUES ({', '.join('?' * len(frame.columns))})"
        )
        for chunk in iter_chunks(frame):
            try:
                self.con.executemany(sql, zip(*_column_values(chunk, table), strict=True))
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"{table.name}: rows conflict with the store's keys: {exc}", table=table.name
                ) from exc
            on_chunk(len(chunk))

    def _decode_geometry(self, values: Sequence[Any]) -> np.ndarray:
        return gpkg_geometry.decode(values)

    def _after_write(self, tables: Iterable[str]) -> None:
        for name in dict.fromkeys(tables):
            gpkg_meta.touch_contents(self.con, name, gpkg_meta.geometry_column(_BY_NAME[name]))

    def close(self) -> None:
        self.con.close()
