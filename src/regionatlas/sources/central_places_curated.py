"""The cited central-place file ``data/central-places/central-places.csv`` (regionatlas's own).

No state publishes its central-place designations machine-readably for this region, so the
project keeps a curated CSV (UTF-8, comma-separated, header row, AGS as text) in which every
row says where its designation comes from (data/central-places/README.md):

    ags, name, state, category_state, level, plan, plan_version, section, page,
    source_kind, source_url_or_title, checked, note

``category_state`` is the state's own term (vocabulary per Land in
``analysis.central_places.STATE_CATEGORIES``), ``level`` the harmonised level it maps to,
``source_kind`` is ``plan`` (read in the plan itself) or starts with ``secondary`` (read in a
source that reports the plan's designation), ``checked`` the ISO date the source was read.
A municipality without a cited designation has no row (unknown is not "none").

Output: observations ``central_place_level`` (value = harmonised level, period = ``checked``);
:func:`read_rows` gives the validated rows with their citations for the analysis.
"""

from __future__ import annotations

import csv
import io
import re
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
    "category_state",
    "level",
    "plan",
    "plan_version",
    "section",
    "page",
    "source_kind",
    "source_url_or_title",
    "checked",
    "note",
]
REQUIRED_TEXT = ("name", "plan", "plan_version", "source_kind", "source_url_or_title", "checked")
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
    """Every row validated (all text; ``level`` as int); raises SourceFormatError on the first
    problem, naming line (1-based, header = line 1) and column."""
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
    frame["level"] = frame["level"].astype(int)
    return frame


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
    if rec["category_state"] not in vocab:
        fail("category_state", "category not in this Land's vocabulary", " | ".join(vocab))
    if rec["level"] != str(vocab[rec["category_state"]]):
        fail(
            "level",
            "harmonised level does not match the category",
            str(vocab[rec["category_state"]]),
        )
    for col in REQUIRED_TEXT:
        if not rec[col]:
            fail(
                col,
                "citation field is empty",
                "the plan, its version, the source and the date read",
            )
    if not (rec["section"] or rec["page"]):
        fail("section", "neither section nor page given", "the plan's section/Anlage or a page")
    kind = rec["source_kind"]
    if kind != "plan" and not kind.startswith("secondary"):
        fail("source_kind", "unknown source kind", "'plan' or 'secondary, …'")
    if not _DATE.fullmatch(rec["checked"]):
        fail("checked", "date is not ISO", "YYYY-MM-DD")


def read(path: Path) -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    rows = read_rows(path)
    obs = pd.DataFrame(
        {
            "ags": rows["ags"].astype(str),
            "indicator": INDICATOR,
            "period": rows["checked"].astype(str),
            "value": rows["level"].astype(float),
            "flag": None,
        }
    )[OBSERVATION_COLUMNS]
    secondary = int((rows["source_kind"] != "plan").sum())
    prov = provenance(path, OFFICIAL)  # a SYNTHETIC.txt marker beside the file wins
    out = source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=max(rows["checked"]) if len(rows) else None,
        observations=obs,
        notes=[
            f"{len(rows)} cited designations ({secondary} from secondary sources citing the "
            "plans); municipalities without a row have no cited designation (unknown, not 'none')"
        ],
    )
    out.check_columns()
    return out


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the file's content, gzip decompressed."""
    return content_sha256(path)
