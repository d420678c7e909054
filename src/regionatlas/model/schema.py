"""The canonical data model on one page.

Every reader yields these rows; both store engines (GeoPackage, PostGIS) create exactly these
tables; every analysis reads them. AGS codes are strings with leading zeros, always.

Unit keys by level (``ags`` column):
    staat "DE" · land "06" · rbz "064" · kreis "06611" · vwg 9 chars (ARS[:5] + ARS[5:9]) ·
    gemeinde 8 chars (AGS). Pseudo partners published by the BA ("Übrige Kreise", key "010xx")
    appear only as flow partners, flagged ``pooled``.

Dates and periods are ISO strings ``YYYY-MM-DD`` (a reference date, e.g. "2023-06-30").

Flags (``flag`` columns) keep what the publisher wrote instead of a number, plus three words:
    "-"  nothing (exactly zero)            "." unknown or secret    "x" locked / not meaningful
    "*"  suppressed for confidentiality    "/" too uncertain        "…" not yet available
    "pooled"     a row collecting partners below the confidentiality threshold ("Übrige …")
    "estimated"  a modelled estimate (never official)
    "derived"    computed by regionatlas from other observations
A flagged value of "-" is stored with value NULL and counts as 0 only where an analysis says so;
every other marker is never counted as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

STORE_CRS = "EPSG:25832"  # ETRS89 / UTM 32N: the official CRS of German authorities
STORE_SRID = 25832
WEB_CRS = "EPSG:4326"

LEVELS = ("staat", "land", "rbz", "kreis", "vwg", "gemeinde")
AGS_LENGTH = {"land": 2, "rbz": 3, "kreis": 5, "vwg": 9, "gemeinde": 8}

MARKERS = ("-", ".", "x", "*", "/", "…")
FLAG_POOLED = "pooled"
FLAG_ESTIMATED = "estimated"
FLAG_DERIVED = "derived"

FLOW_GROUPS = ("total", "men", "women", "german", "foreign", "trainees")
REPORTED_BY = ("residence", "workplace")  # which side's table published the flow


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | integer | real | geometry
    nullable: bool = True
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    # bulk tables get their key checked on import (store.validate) instead of by a unique
    # index in the embedded engine, which keeps only the batch_id index (for rollback):
    # index upkeep dominated the import time of large batches, and a scan is cheap
    bulk: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column

BATCH = Table(
    "batch",
    "One import of one file: who published it, under which licence, when it came in.",
    (
        C("id", "integer", False, "batch number, ascending"),
        C("source", "text", False, "reader id, e.g. 'ba-pendleratlas-csv'"),
        C("file_name", "text", False, "file name as imported"),
        C("file_sha256", "text", False, "SHA-256 of the file's bytes; re-import is a no-op"),
        C("publisher", "text", False),
        C("licence", "text", False),
        C("attribution", "text", False, "text to show on every map and download"),
        C("vintage", "text", True, "reference date of the data"),
        C("imported_at", "text", False, "UTC ISO timestamp"),
        C("row_counts", "text", False, "JSON object: table -> rows"),
        C("synthetic", "integer", False, "1 for generated data"),
    ),
    ("id",),
    (("file_sha256",),),
)

UNIT = Table(
    "unit",
    "Territorial units as reported by a source at its Gebietsstand (as_of).",
    (
        C("ags", "text", False, "key by level, see module doc"),
        C("as_of", "text", False, "Gebietsstand of the source"),
        C("batch_id", "integer", False),
        C("name", "text", False),
        C("level", "text", False, "one of LEVELS"),
        C("parent", "text", True, "ags of the enclosing unit (gemeinde -> kreis -> land)"),
        C("state", "text", True, "two-digit Land key"),
        C("ars", "text", True, "12-digit regional key where published"),
        C("kind", "text", True, "e.g. Stadt, Gemeinde, Landkreis, Kreisfreie Stadt"),
        C("valid_from", "text", True, "date of legal effect where published"),
        C("valid_to", "text", True, "end of validity where known"),
        C("geometry", "geometry", True, "MultiPolygon in STORE_CRS"),
    ),
    ("ags", "as_of", "batch_id"),
    (("level",), ("parent",), ("batch_id",)),
)

INDICATOR = Table(
    "indicator",
    "The indicator catalogue (from the shipped indicator-catalogue.toml).",
    (
        C("id", "text", False),
        C("name_de", "text", False),
        C("name_en", "text", False),
        C("unit", "text", False),
        C("definition_de", "text", False),
        C("definition_en", "text", False),
        C("formula", "text", True, "expression over base indicators; NULL for base data"),
        C("source", "text", False),
        C("polarity", "integer", False, "+1 more is better, -1 less is better, 0 neutral"),
        C("topic", "text", False),
    ),
    ("id",),
)

OBSERVATION = Table(
    "observation",
    "One value of one indicator for one unit and period.",
    (
        C("ags", "text", False),
        C("indicator", "text", False),
        C("period", "text", False),
        C("batch_id", "integer", False),
        C("value", "real", True, "NULL when flagged with a marker"),
        C("flag", "text", True, "see module doc"),
    ),
    ("ags", "indicator", "period", "batch_id"),
    (("indicator", "period"), ("batch_id",)),
    bulk=True,
)

FLOW = Table(
    "flow",
    "Commuters from residence (origin) to workplace (destination).",
    (
        C("origin", "text", False, "residence ags (or pooled key)"),
        C("destination", "text", False, "workplace ags (or pooled key)"),
        C("period", "text", False),
        C("grp", "text", False, "one of FLOW_GROUPS"),
        C("reported_by", "text", False, "one of REPORTED_BY"),
        C("batch_id", "integer", False),
        C("level", "text", False, "kreis or gemeinde"),
        C("persons", "real", True, "NULL when flagged with a marker"),
        C("flag", "text", True),
    ),
    ("origin", "destination", "period", "grp", "reported_by", "batch_id"),
    # no destination index: a scan of the flow table is cheap, index upkeep on import is not
    (("period", "level", "grp"), ("batch_id",)),
    bulk=True,
)

UNIT_CHANGE = Table(
    "unit_change",
    "Territorial reforms: old unit's share going to a new unit at a date.",
    (
        C("old_ags", "text", False),
        C("new_ags", "text", False),
        C("date", "text", False),
        C("batch_id", "integer", False),
        C("share", "real", False, "share of the old unit that goes to the new one (0..1]"),
        C("share_basis", "text", False, "population | area | full"),
    ),
    ("old_ags", "new_ags", "date", "batch_id"),
)

TABLES: tuple[Table, ...] = (BATCH, UNIT, INDICATOR, OBSERVATION, FLOW, UNIT_CHANGE)

# Column lists of the canonical frames readers yield (batch_id is added by the store).
UNIT_COLUMNS = [c for c in UNIT.column_names if c != "batch_id"]
OBSERVATION_COLUMNS = [c for c in OBSERVATION.column_names if c != "batch_id"]
FLOW_COLUMNS = [c for c in FLOW.column_names if c != "batch_id"]
UNIT_CHANGE_COLUMNS = [c for c in UNIT_CHANGE.column_names if c != "batch_id"]
