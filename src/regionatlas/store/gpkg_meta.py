"""The GeoPackage 1.3 frame around our tables: core tables, SRS, contents, R-tree index.

Everything QGIS, GDAL/``ogrinfo`` and other GeoPackage readers need to see ``unit`` as a
feature layer (EPSG:25832) and every other table as an attribute table.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from regionatlas.model.schema import STORE_SRID, TABLES, Table
from regionatlas.store import gpkg_geometry
from regionatlas.store.sql import GPKG_FID, quote

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3.0

_WKT_4326 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
_WKT_25832 = (
    'PROJCS["ETRS89 / UTM zone 32N",GEOGCS["ETRS89",DATUM["European_Terrestrial_Reference_'
    'System_1989",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],'
    'AUTHORITY["EPSG","6258"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4258"]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",9],PARAMETER["scale_factor",0.9996],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],'
    'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],'
    'AUTHORITY["EPSG","25832"]]'
)

_UNDEF = "undefined"
SRS_ROWS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, _UNDEF, "undefined cartesian CRS"),
    ("Undefined geographic SRS", 0, "NONE", 0, _UNDEF, "undefined geographic CRS"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, _WKT_4326, "longitude/latitude on WGS 84"),
    ("ETRS89 / UTM zone 32N", STORE_SRID, "EPSG", STORE_SRID, _WKT_25832, "store CRS"),
)

CORE_DDL = (
    """CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def register_functions(con: sqlite3.Connection) -> None:
    """The SQL functions the gpkg_rtree_index triggers call (GDAL registers its own)."""

    def _env(blob: bytes | None, i: int) -> float | None:
        env = gpkg_geometry.envelope(blob)
        return None if env is None else env[i]

    def _is_empty(blob: bytes | None) -> int | None:
        return None if blob is None else int(gpkg_geometry.envelope(blob) is None)

    con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    con.create_function("ST_MinX", 1, lambda b: _env(b, 0), deterministic=True)
    con.create_function("ST_MaxX", 1, lambda b: _env(b, 1), deterministic=True)
    con.create_function("ST_MinY", 1, lambda b: _env(b, 2), deterministic=True)
    con.create_function("ST_MaxY", 1, lambda b: _env(b, 3), deterministic=True)


def rtree_ddl(table: str, column: str, fid: str = GPKG_FID) -> list[str]:
    """R-tree table and the six triggers of the gpkg_rtree_index extension (1.3)."""
    rt = f"rtree_{table}_{column}"
    t, c, i = quote(table), quote(column), quote(fid)
    vals = f"NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    return [
        f"CREATE VIRTUAL TABLE {quote(rt)} USING rtree(id, minx, maxx, miny, maxy)",
        f"""CREATE TRIGGER {quote(rt + "_insert")} AFTER INSERT ON {t}
WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN INSERT OR REPLACE INTO {quote(rt)} VALUES ({vals}); END""",
        f"""CREATE TRIGGER {quote(rt + "_update1")} AFTER UPDATE OF {c} ON {t}
WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN INSERT OR REPLACE INTO {quote(rt)} VALUES ({vals}); END""",
        f"""CREATE TRIGGER {quote(rt + "_update2")} AFTER UPDATE OF {c} ON {t}
WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
BEGIN DELETE FROM {quote(rt)} WHERE id = OLD.{i}; END""",
        f"""CREATE TRIGGER {quote(rt + "_update3")} AFTER UPDATE ON {t}
WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
BEGIN DELETE FROM {quote(rt)} WHERE id = OLD.{i};
INSERT OR REPLACE INTO {quote(rt)} VALUES ({vals}); END""",
        f"""CREATE TRIGGER {quote(rt + "_update4")} AFTER UPDATE ON {t}
WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
BEGIN DELETE FROM {quote(rt)} WHERE id IN (OLD.{i}, NEW.{i}); END""",
        f"""CREATE TRIGGER {quote(rt + "_delete")} AFTER DELETE ON {t}
WHEN old.{c} NOT NULL
BEGIN DELETE FROM {quote(rt)} WHERE id = OLD.{i}; END""",
    ]


def geometry_column(table: Table) -> str | None:
    return next((c.name for c in table.columns if c.type == "geometry"), None)


def init_geopackage(con: sqlite3.Connection, tables: tuple[Table, ...] = TABLES) -> list[str]:
    """Statements that turn an empty SQLite file into our GeoPackage (run inside one txn)."""
    from regionatlas.store.sql import create_table

    stmts = [
        f"PRAGMA application_id = {APPLICATION_ID}",
        f"PRAGMA user_version = {USER_VERSION}",
        *CORE_DDL,
    ]
    for t in tables:
        stmts.extend(create_table(t, "sqlite"))
        geom = geometry_column(t)
        if geom:
            stmts.extend(rtree_ddl(t.name, geom))
    return stmts


def register_tables(con: sqlite3.Connection, tables: tuple[Table, ...] = TABLES) -> None:
    """Rows in gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns, gpkg_extensions."""
    con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", SRS_ROWS)
    stamp = now_iso()
    for t in tables:
        geom = geometry_column(t)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,"
            " last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)",
            (t.name, "features" if geom else "attributes", t.name, t.doc, stamp,
             STORE_SRID if geom else None),
        )  # fmt: skip
        if geom:
            con.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?, ?, 'MULTIPOLYGON', ?, 0, 0)",
                (t.name, geom, STORE_SRID),
            )
            con.execute(
                "INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index',"
                " 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                (t.name, geom),
            )


def touch_contents(con: sqlite3.Connection, table: str, geometry_column: str | None) -> None:
    """Update last_change (and the extent of a feature table) after a write."""
    if geometry_column:
        rt = quote(f"rtree_{table}_{geometry_column}")
        con.execute(
            "UPDATE gpkg_contents SET last_change = ?, min_x = b.a, max_x = b.b,"
            f" min_y = b.c, max_y = b.d FROM (SELECT min(minx) a, max(maxx) b, min(miny) c,"
            f" max(maxy) d FROM {rt}) b WHERE table_name = ?",
            (now_iso(), table),
        )
    else:
        con.execute(
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (now_iso(), table)
        )
