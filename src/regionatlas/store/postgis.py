"""The server engine: PostgreSQL + PostGIS through psycopg 3, the same tables as the GeoPackage.

Tables live in the connection's current schema (set ``options=-csearch_path=…`` in the URL to
choose one). Bulk loads use COPY; every import is one transaction holding a lock on ``batch``,
so concurrent imports queue up and a failed or killed import leaves nothing behind.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import shapely

from regionatlas.errors import DependencyError, StoreError
from regionatlas.model.schema import STORE_SRID, TABLES, Table
from regionatlas.store import gpkg_geometry
from regionatlas.store.engine import SqlStore, iter_chunks
from regionatlas.store.sql import Dialect, create_all, quote

try:  # psycopg is a dependency, but keep the error readable if it is missing
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None  # type: ignore[assignment]

_NULL = r"\N"


def _copy_text(frame: pd.DataFrame, table: Table) -> str:
    """A chunk as CSV for ``COPY … (FORMAT csv, NULL '\\N')``; geometry as hex EWKB."""
    kinds = {c.name: c.type for c in table.columns}
    out = frame
    for name in frame.columns:
        if kinds[name] == "geometry":
            geoms = gpkg_geometry.to_multipolygons(frame[name].to_numpy(dtype=object))
            geoms = shapely.set_srid(geoms, STORE_SRID)
            out = out.assign(**{name: shapely.to_wkb(geoms, hex=True, include_srid=True)})
    buf = io.StringIO()
    out.to_csv(buf, header=False, index=False, na_rep=_NULL, float_format="%.17g")
    return buf.getvalue()


class PostgisStore(SqlStore):
    engine = "postgis"
    dialect: ClassVar[Dialect] = "postgres"

    def __init__(self, url: str, create: bool = True) -> None:
        if psycopg is None:  # pragma: no cover
            raise DependencyError("psycopg (3) is not installed; PostGIS needs it")
        self.url = url
        try:
            self.con = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
        try:
            self._check_or_create(create)
        except BaseException:
            self.con.close()
            raise

    def _check_or_create(self, create: bool) -> None:
        have = {
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
        }
        missing = [t.name for t in TABLES if t.name not in have]
        if not missing:
            return
        if len(missing) < len(TABLES):
            raise StoreError(
                f"the database holds an incomplete regionatlas schema (lacks {missing})"
            )
        if not create:
            raise StoreError("the database holds no regionatlas store")
        try:
            with self.con.transaction():
                self.con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            raise DependencyError(f"PostGIS is not available in this database: {exc}") from exc
        with self.con.transaction():
            self.con.execute("SELECT pg_advisory_xact_lock(hashtext('regionatlas-schema'))")
            if self.con.execute("SELECT to_regclass('batch')").fetchone()[0] is None:  # type: ignore[index]
                for stmt in create_all("postgres"):
                    self.con.execute(stmt)

    # ---- primitives --------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[None]:
        try:
            with self.con.transaction():
                self.con.execute("LOCK TABLE batch IN SHARE ROW EXCLUSIVE MODE")
                yield
        except psycopg.errors.IntegrityError as exc:
            raise StoreError(f"rows conflict with the store's keys: {exc}".strip()) from exc
        except psycopg.Error as exc:
            raise StoreError(f"PostgreSQL failed: {exc}".strip()) from exc

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or None).fetchall()

    def _exec(self, sql: str, params: Sequence[object] = ()) -> int:
        return self.con.execute(sql, params or None).rowcount

    def _insert_batch(self, values: dict[str, object]) -> int:
        cols = list(values)
        row = self.con.execute(
            f"INSERT INTO batch ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join(['%s'] * len(cols))}) RETURNING id",
            list(values.values()),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _bulk_insert(
        self, table: Table, frame: pd.DataFrame, on_chunk: Callable[[int], None]
    ) -> None:
        sql = (
            f"COPY {quote(table.name)} ({', '.join(quote(c) for c in frame.columns)}) "
            f"FROM STDIN (FORMAT csv, NULL '{_NULL}')"
        )
        with self.con.cursor() as cur:
            for chunk in iter_chunks(frame):
                with cur.copy(sql) as copy:
                    copy.write(_copy_text(chunk, table))
                on_chunk(len(chunk))

    def _frame(
        self, sql: str, params: Sequence[object], table: Table, columns: list[str]
    ) -> pd.DataFrame:
        """Stream the result with COPY … TO STDOUT (CSV): much faster than row fetching."""
        query = psycopg.ClientCursor(self.con).mogrify(sql, params or None)
        buf = io.BytesIO()
        with self.con.cursor() as cur:
            copy_sql = f"COPY ({query}) TO STDOUT (FORMAT csv, NULL '{_NULL}')"
            with cur.copy(copy_sql) as copy:
                for block in copy:
                    buf.write(block)
        buf.seek(0)
        kinds = {c.name: c.type for c in table.columns}
        dtypes = {n: {"real": "float64", "integer": "int64"}.get(kinds[n], "str") for n in columns}
        frame = pd.read_csv(
            buf, header=None, names=columns, dtype=dtypes, keep_default_na=False,
            na_values=[_NULL], encoding="utf-8",
        )  # fmt: skip
        if "geometry" in columns:  # bytea arrives as "\x<hex>"
            frame["geometry"] = [
                None if pd.isna(v) else bytes.fromhex(v[2:]) for v in frame["geometry"]
            ]
        return frame

    def _geometry_expr(self, column: str) -> str:
        return f"ST_AsBinary({quote(column)})"

    def _decode_geometry(self, values: Sequence[Any]) -> np.ndarray:
        wkbs = np.asarray([None if v is None else bytes(v) for v in values], dtype=object)
        return shapely.from_wkb(wkbs)

    def close(self) -> None:
        self.con.close()
