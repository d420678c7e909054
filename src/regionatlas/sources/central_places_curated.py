"""The cited central-place file (regionatlas's own, shipped as
``regionatlas/data/central-places/central-places.csv``).

No state publishes its central-place designations machine-readably for this region, so the
project keeps a curated CSV (UTF-8, comma-separated, header row, AGS as text) with one row per
municipality of the region's core, each saying where its designation comes from
(regionatlas/data/central-places/README.md):

    ags, name, state, basis, category_state, level, plan, plan_version, section, page, rule,
    source_kind, source_cites_plan, source_title, source_url, date_read, note

``basis`` says how the row knows the designation:

* ``designated`` — a source names this municipality's designation;
* ``rule`` — the plan designates only the upper levels and assigns the rest by a rule, stated in
  ``rule`` (e.g. every Hessian municipality that is not an Ober- or Mittelzentrum is a
  Grundzentrum); the source cited is the rule's;
* ``not_found`` — neither a source nor a rule was found; ``category_state``, ``level`` and the
  source columns stay empty and ``note`` lists the searches made. Unknown is not "none": such a
  municipality has no designation in the comparison.

``category_state`` is the state's own term (vocabulary per Land in
``analysis.central_places.STATE_CATEGORIES``), ``level`` the harmonised level it maps to,
``source_kind`` one of :data:`SOURCE_KINDS` (``plan``: read in the plan itself; ``official
list``: an official publication other than the plan; ``secondary``: any other source),
``source_cites_plan`` ``yes``/``no`` (whether the source names the plan), ``date_read`` the ISO
date the source was read (for ``not_found`` rows: the date of the searches).

Output: observations ``central_place_level`` for designated and rule rows (value = harmonised
level, period = ``date_read``); :func:`read_rows` gives every validated row with its citation,
:func:`designation_rows` only those that carry a designation.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.central_places import STATE_CATEGORIES
from regionatlas.model.schema import OBSERVATION_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import (
    Provenance,
    content_sha256,
    decode,
    provenance,
    read_bytes,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "regionatlas-central-places"
INDICATOR = "central_place_level"
COLUMNS = [
    "ags",
    "name",
    "state",
    "basis",
    "category_state",
    "level",
    "plan",
    "plan_version",
    "section",
    "page",
    "rule",
    "source_kind",
    "source_cites_plan",
    "source_title",
    "source_url",
    "date_read",
    "note",
]
DESIGNATED, RULE, NOT_FOUND = "designated", "rule", "not_found"
BASES = (DESIGNATED, RULE, NOT_FOUND)
SOURCE_KINDS = ("plan", "official list", "secondary")
# every row names the plan that designates (or would designate) it and the date
ALWAYS = ("name", "plan", "date_read")
# a row with a designation also names its source
SOURCE_FIELDS = ("source_kind", "source_cites_plan", "source_title", "source_url")
PUBLISHER = "regionatlas (curated from published spatial plans and sources citing them)"
LICENCE = (
    "Facts from published spatial plans (amtliche Werke, § 5 UrhG) and sources reporting them; "
    "compilation CC0-1.0"
)
ATTRIBUTION = (
    "Zentrale Orte: Landesentwicklungsplan Hessen, Regionalplan Nordhessen, LEP NRW, "
    "Regionalplan Detmold, LROP Niedersachsen, RROP der Landkreise – zusammengestellt von "
    "regionatlas, Quellen je Zeile"
)
OFFICIAL = Provenance(publisher=PUBLISHER, licence=LICENCE, attribution=ATTRIBUTION)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://\S+")


def sniff(path: Path) -> bool:
    """A .csv whose header row is exactly this format's column row."""
    path = Path(path)
    if not path.name.lower().removesuffix(".gz").endswith(".csv"):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head[:2] == b"\x1f\x8b":
        try:
            head = read_bytes(path)[:4096]
        except SourceFormatError:
            return False
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    return first.decode("utf-8", errors="replace") == ",".join(COLUMNS)


def read_rows(path: Path) -> pd.DataFrame:
    """Every row validated (all text; ``level`` as nullable Int64, <NA> on ``not_found`` rows);
    raises SourceFormatError on the first problem, naming line (1-based, header = line 1) and
    column."""
    path = Path(path)
    text = decode(path, read_bytes(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceFormatError(path, "file is empty", line=1, expected="header row") from None
    if header != COLUMNS:
        raise SourceFormatError(
            path, "header row differs", line=1, value=",".join(header), expected=",".join(COLUMNS)
        )
    rows: list[list[str]] = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise SourceFormatError(
                path,
                f"row has {len(row)} fields",
                line=line_no,
                value=",".join(row)[:80],
                expected=f"{len(COLUMNS)} fields",
            )
        rec = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
        _check_row(path, line_no, rec)
        if rec["ags"] in seen:
            raise SourceFormatError(
                path,
                f"AGS listed twice (first on line {seen[rec['ags']]})",
                line=line_no,
                column="ags",
                value=rec["ags"],
                expected="one row per municipality",
            )
        seen[rec["ags"]] = line_no
        rows.append([rec[c] for c in COLUMNS])
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    frame["level"] = pd.to_numeric(frame["level"].where(frame["level"] != "")).astype("Int64")
    return frame


def designation_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that carry a designation (basis ``designated`` or ``rule``), level as int."""
    out = rows.loc[rows["basis"] != NOT_FOUND].reset_index(drop=True)
    out["level"] = out["level"].astype(int)
    return out


def _check_row(path: Path, line: int, rec: dict[str, str]) -> None:
    def fail(column: str, problem: str, expected: str) -> None:
        raise SourceFormatError(
            path, problem, line=line, column=column, value=rec[column], expected=expected
        )

    if not re.fullmatch(r"\d{8}", rec["ags"]):
        fail("ags", "AGS is not 8 digits", "8-digit municipality key as text, e.g. 06611000")
    vocab = STATE_CATEGORIES.get(rec["state"])
    if vocab is None:
        fail(
            "state", "no central-place vocabulary for this Land", f"one of {list(STATE_CATEGORIES)}"
        )
    assert vocab is not None
    if rec["ags"][:2] != rec["state"]:
        fail(
            "state",
            "Land key does not match the AGS",
            f"{rec['ags'][:2]} (the AGS's first two digits)",
        )
    basis = rec["basis"]
    if basis not in BASES:
        fail("basis", "unknown basis", " | ".join(BASES))
    for col in ALWAYS:
        if not rec[col]:
            fail(col, "field is empty", "the name, the plan and the date read on every row")
    if not _DATE.fullmatch(rec["date_read"]):
        fail("date_read", "date is not ISO", "YYYY-MM-DD")
    if basis == NOT_FOUND:
        _check_not_found(rec, fail)
        return
    if rec["category_state"] not in vocab:
        fail("category_state", "category not in this Land's vocabulary", " | ".join(vocab))
    if rec["level"] != str(vocab[rec["category_state"]]):
        fail(
            "level",
            "harmonised level does not match the category",
            str(vocab[rec["category_state"]]),
        )
    for col in SOURCE_FIELDS:
        if not rec[col]:
            fail(
                col,
                "citation field is empty",
                "the source's kind, whether it names the plan, its title and URL",
            )
    if rec["source_kind"] not in SOURCE_KINDS:
        fail("source_kind", "unknown source kind", " | ".join(SOURCE_KINDS))
    if rec["source_cites_plan"] not in ("yes", "no"):
        fail("source_cites_plan", "not yes/no", "yes | no")
    if not _URL.fullmatch(rec["source_url"]):
        fail("source_url", "not a URL", "http(s)://… of the source read")
    if basis == RULE and not rec["rule"]:
        fail("rule", "a rule row does not state its rule", "the plan's rule that assigns the level")
    if basis == DESIGNATED and rec["rule"]:
        fail("rule", "a designated row states a rule", "empty (use basis=rule)")


def _check_not_found(rec: dict[str, str], fail: Callable[[str, str, str], None]) -> None:
    for col in ("category_state", "level", "rule", *SOURCE_FIELDS):
        if rec[col]:
            fail(col, "a not_found row carries a designation or source", "empty")
    if not rec["note"]:
        fail("note", "a not_found row does not list its searches", "the searches made")


def read(path: Path) -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    rows = read_rows(path)
    found = designation_rows(rows)
    obs = pd.DataFrame(
        {
            "ags": found["ags"].astype(str),
            "indicator": INDICATOR,
            "period": found["date_read"].astype(str),
            "value": found["level"].astype(float),
            "flag": None,
        }
    )[OBSERVATION_COLUMNS]
    n = rows["basis"].value_counts()
    kinds = found["source_kind"].value_counts()
    prov = provenance(path, OFFICIAL)  # a SYNTHETIC.txt marker beside the file wins
    out = source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=max(found["date_read"]) if len(found) else None,
        observations=obs,
        notes=[
            f"{len(rows)} municipalities: {int(n.get(DESIGNATED, 0))} designated by a cited "
            f"source, {int(n.get(RULE, 0))} by a cited rule of the plan, "
            f"{int(n.get(NOT_FOUND, 0))} not found (unknown, not 'none'); sources: "
            + ", ".join(f"{int(kinds.get(k, 0))} {k}" for k in SOURCE_KINDS)
        ],
    )
    out.check_columns()
    return out


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the file's content, gzip decompressed."""
    return content_sha256(path)
