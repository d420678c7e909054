"""The project's cited list of territorial changes (``data/unit-changes/*.csv``).

CSV, UTF-8, header row, AGS as text::

    old_ags, old_name, new_ags, new_name, date, share, share_basis, source_title,
    source_url, note

Each row: the share (0 < share <= 1) of the old municipality that went to the new one at
``date``. Output: ``unit_changes`` (schema.UNIT_CHANGE_COLUMNS).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import UNIT_CHANGE_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import content_sha256, decode, read_bytes, sha256_bytes

FORMAT_ID = "regionatlas-unit-changes"
COLUMNS = [
    "old_ags", "old_name", "new_ags", "new_name", "date", "share", "share_basis",
    "source_title", "source_url", "note",
]  # fmt: skip
SHARE_BASES = ("full", "population", "area")
_AGS = re.compile(r"^\d{8}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def sniff(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    with open(path, "rb") as fh:
        head = fh.read(200).removeprefix(b"\xef\xbb\xbf")
    return head.startswith(b"old_ags,old_name,new_ags")


def read(path: Path) -> SourceData:
    path = Path(path)
    raw = read_bytes(path)
    text = decode(path, raw)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != COLUMNS:
        raise SourceFormatError(
            path, "unexpected column header", line=1, value=header, expected=",".join(COLUMNS)
        )
    rows = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        if not row or not any(row):
            continue
        if len(row) != len(COLUMNS):
            raise SourceFormatError(
                path,
                "wrong number of fields",
                line=line,
                value=len(row),
                expected=f"{len(COLUMNS)} fields",
            )
        rec = dict(zip(COLUMNS, row, strict=True))
        for col in ("old_ags", "new_ags"):
            if not _AGS.match(rec[col]):
                raise SourceFormatError(
                    path,
                    "not a municipality key",
                    line=line,
                    column=col,
                    value=rec[col],
                    expected="8 digits with leading zeros",
                )
        if not _DATE.match(rec["date"]):
            raise SourceFormatError(
                path,
                "bad date",
                line=line,
                column="date",
                value=rec["date"],
                expected="YYYY-MM-DD",
            )
        try:
            share = float(rec["share"])
        except ValueError:
            share = float("nan")
        if not 0 < share <= 1:
            raise SourceFormatError(
                path,
                "share out of range",
                line=line,
                column="share",
                value=rec["share"],
                expected="a number in (0, 1]",
            )
        if rec["share_basis"] not in SHARE_BASES:
            raise SourceFormatError(
                path,
                "unknown share basis",
                line=line,
                column="share_basis",
                value=rec["share_basis"],
                expected=" | ".join(SHARE_BASES),
            )
        if not rec["source_title"].strip():
            raise SourceFormatError(
                path,
                "every change needs its source",
                line=line,
                column="source_title",
                expected="the title of the document that states the change",
            )
        key = (rec["old_ags"], rec["new_ags"], rec["date"])
        if key in seen:
            raise SourceFormatError(
                path,
                f"duplicate change (first on line {seen[key]})",
                line=line,
                value=",".join(key),
                expected="each old/new/date once",
            )
        seen[key] = line
        rows.append({**rec, "share": share})
    if not rows:
        raise SourceFormatError(path, "no changes listed", line=2, expected="at least one row")
    frame = pd.DataFrame(rows)
    totals = frame.groupby(["old_ags", "date"])["share"].sum()
    over = totals[totals > 1 + 1e-9]
    if len(over):
        (old, date), value = next(iter(over.items())), over.iloc[0]
        raise SourceFormatError(
            path,
            f"shares of {old} at {date} add up to more than 1",
            value=value,
            expected="shares of one old unit summing to at most 1",
        )
    return SourceData(
        source=FORMAT_ID,
        file=path,
        sha256=sha256_bytes(raw),
        publisher="regionatlas (curated from the sources cited per row)",
        licence="CC0-1.0 (facts from official announcements and the press, cited per row)",
        attribution="Gebietsänderungen: zusammengestellt von regionatlas, Quellen je Zeile",
        vintage=str(frame["date"].max()),
        unit_changes=frame[UNIT_CHANGE_COLUMNS].reset_index(drop=True),
    )


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the file's content, gzip decompressed."""
    return content_sha256(path)
