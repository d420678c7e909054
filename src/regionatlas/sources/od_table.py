"""A plain OD table (the input of the LMA command), read and validated.

The OD table is a CSV (``,``, ``;`` or tab separated; UTF-8 or Latin-1; optionally
gzip-compressed) with the columns ``community_live,community_work,amount`` as statistical
offices publish it, intra-community flows included. Ids stay strings (AGS with leading
zeros). Every problem is a :class:`~regionatlas.errors.SourceFormatError` naming the file,
the CSV line, the value and what was expected. A confidentiality marker (``model.schema.MARKERS``)
instead of an amount is refused with its own message: the LMA method needs complete counts.

This is not a registered reader (it yields a plain frame, not a ``SourceData``): the
``regionatlas lma`` command calls it directly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import MARKERS
from regionatlas.sources._common import read_bytes

OD_COLUMNS = ("community_live", "community_work", "amount")
_INT = re.compile(r"^\+?\d+$")


def _text(path: Path) -> str:
    """UTF-8 (with or without BOM), else Latin-1; gzip is decompressed (``read_bytes``)."""
    try:
        raw = read_bytes(path)
    except OSError as exc:
        raise SourceFormatError(path, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _amount(raw: str, file: Path, line: int) -> int:
    s = raw.strip()
    if _INT.match(s):
        return int(s)
    expected = "a non-negative integer number of commuters"
    if s == "" or s in MARKERS:
        raise SourceFormatError(
            file,
            "amount is missing or suppressed; the LMA method needs complete counts "
            "(remove the row or give the value)",
            line=line, column="amount", value=raw, expected=expected,
        )  # fmt: skip
    if re.match(r"^-\s*\d", s):
        raise SourceFormatError(
            file, "negative amount", line=line, column="amount", value=raw, expected=expected
        )
    raise SourceFormatError(
        file, "amount is not an integer (no decimals or thousands separators)", line=line,
        column="amount", value=raw, expected=expected,
    )  # fmt: skip


def read_units(path: str | Path) -> set[str]:
    """Known community ids: one per line, or a CSV with a column ``community``."""
    path = Path(path)
    lines = _text(path).splitlines()
    rows = [ln.strip() for ln in lines]
    if not rows:
        return set()
    header = rows[0]
    delim = _delimiter(header)
    if "community" in [h.strip() for h in header.split(delim)]:
        reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delim)
        return {(r.get("community") or "").strip() for r in reader} - {""}
    return {r for r in rows if r}


def read_od_csv(path: str | Path, units: Iterable[str] | None = None) -> pd.DataFrame:
    """Read and validate an OD table; returns community_live, community_work (str) and
    amount (int64). ``units``: if given, every id must be one of them.

    A vectorised pass (pandas' C parser) accepts clean tables; anything it does not like
    is re-read row by row, which names the exact CSV line of the first problem."""
    path = Path(path)
    text = _text(path)
    known = None if units is None else set(units)
    fast = _read_fast(text, known)
    if fast is not None:
        return fast
    return _read_checked(path, text, known)


def _read_fast(text: str, known: set[str] | None) -> pd.DataFrame | None:
    """The whole table if every check passes, else None (no error text here)."""
    first = text.split("\n", 1)[0]
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=_delimiter(first),
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    df.columns = [str(c).strip() for c in df.columns]
    if any(c not in df.columns for c in OD_COLUMNS) or df.columns.duplicated().any():
        return None
    if df.isna().any().any():
        return None
    live = df["community_live"].str.strip()
    work = df["community_work"].str.strip()
    amount = df["amount"].str.strip()
    if (live == "").any() or (work == "").any():
        return None
    if known is not None and not (live.isin(known).all() and work.isin(known).all()):
        return None
    if not amount.str.fullmatch(r"\+?\d+").all():
        return None
    out = pd.DataFrame(
        {
            "community_live": live.astype("str"),
            "community_work": work.astype("str"),
            "amount": amount.astype(np.int64),
        }
    )
    if out.duplicated(["community_live", "community_work"]).any():
        return None
    return out.reset_index(drop=True)


def _read_checked(path: Path, text: str, known: set[str] | None) -> pd.DataFrame:
    """Row-by-row reading that raises on the first problem with its CSV line."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SourceFormatError(path, "file is empty", line=1) from None
    missing = [c for c in OD_COLUMNS if c not in header]
    if missing:
        raise SourceFormatError(
            path, f"missing column(s) {', '.join(missing)}", line=1, value=",".join(header),
            expected="a header with " + ",".join(OD_COLUMNS),
        )  # fmt: skip
    pos = [header.index(c) for c in OD_COLUMNS]
    width = len(header)
    live: list[str] = []
    work: list[str] = []
    amount: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) < width:
            raise SourceFormatError(
                path, f"row has {len(fields)} fields, header has {width}", line=line,
                value=",".join(fields), expected=",".join(header),
            )  # fmt: skip
        a, b = fields[pos[0]].strip(), fields[pos[1]].strip()
        for col, v in (("community_live", a), ("community_work", b)):
            if not v:
                raise SourceFormatError(
                    path, f"{col} is empty", line=line, column=col, expected="a community id"
                )
            if known is not None and v not in known:
                raise SourceFormatError(
                    path, f"unknown unit in {col}", line=line, column=col, value=v,
                    expected="an id listed in the units file",
                )  # fmt: skip
        x = _amount(fields[pos[2]], path, line)
        key = (a, b)
        if key in seen:
            raise SourceFormatError(
                path, f"duplicate pair ({a}, {b}); first on line {seen[key]}", line=line,
                value=f"{a},{b}", expected="each (community_live, community_work) pair once",
            )  # fmt: skip
        seen[key] = line
        live.append(a)
        work.append(b)
        amount.append(x)
    return pd.DataFrame(
        {
            "community_live": pd.Series(live, dtype="str"),
            "community_work": pd.Series(work, dtype="str"),
            "amount": np.asarray(amount, dtype=np.int64),
        }
    )
