"""BA ``gemband`` workbooks: employees by place of residence and work, per municipality.

Binding layout: docs/formats/gemband.md. One data sheet ``Gemeindedaten`` with a title and
header block (rows 1–8 in the known vintages), then one row per region (Deutschland, Länder,
Kreise, Gemeinden; the key's length says the level) with fifteen columns A–O: key, name,
employees at residence (total, men, women, Germans, foreigners, under 20, 20–25, 55+),
employees at workplace, Wohnort gleich Arbeitsort, Einpendler, Auspendler, Betriebe.
``.xlsx``, ``.xlsb`` or a ``.zip`` holding one of them.

Output: observations only. Gemeinde rows (and kreisfreie Städte, which have only their
5-digit row, under both keys) give all thirteen indicators; other aggregate rows give
``jobs``, ``employed_residents[.group]`` and ``establishments`` (their commuter columns may
not mean crossings of their own border). Markers give value NULL with the marker as flag;
empty cells give no observation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import MARKERS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._ba_workbook import (
    cell_text,
    open_workbook,
    sheet_names,
    title_info,
    workbook_sha256,
)
from regionatlas.sources._common import (
    GERMANY_KEYS,
    ba_attribution,
    ba_official,
    german_date_to_iso,
    observation_frame,
    provenance,
    regional_key,
    sha256_bytes,
    source_data,
    whole_number,
)

FORMAT_ID = "ba-gemband"
SHEET = "Gemeindedaten"
PRODUCT = "Gemeindedaten der sozialversicherungspflichtig Beschäftigten"
OFFICIAL = ba_official(PRODUCT)
LETTERS = "ABCDEFGHIJKLMNO"
N_COLUMNS = len(LETTERS)


@dataclass(frozen=True)
class Column:
    letter: str
    indicator: str
    keywords: tuple[str, ...]  # all must occur in the column's header cells
    aggregate: bool  # also read on Kreis/Land/Deutschland rows


VALUE_COLUMNS = (
    Column("C", "employed_residents", ("Wohnort",), True),
    Column("D", "employed_residents.men", ("Männer",), True),
    Column("E", "employed_residents.women", ("Frauen",), True),
    Column("F", "employed_residents.german", ("Deutsche",), True),
    Column("G", "employed_residents.foreign", ("Ausländer",), True),
    Column("H", "employed_residents.age_u20", ("unter 20",), True),
    Column("I", "employed_residents.age_20_25", ("20", "25"), True),
    Column("J", "employed_residents.age_55plus", ("55",), True),
    Column("K", "jobs", ("Arbeitsort",), True),
    Column("L", "internal_commuters", ("Wohnort", "Arbeitsort"), False),
    Column("M", "in_commuters", ("Einpendler",), False),
    Column("N", "out_commuters", ("Auspendler",), False),
    Column("O", "establishments", ("Betriebe",), True),
)
NAME_RE = re.compile(r"gemband[-_]dlk[-_]0[-_](?P<year>\d{4})(?P<month>\d{2})", re.IGNORECASE)
KEY_LEVEL = {8: "gemeinde", 5: "kreis", 3: "rbz", 2: "land"}
NUMERIC_PAD = {7: 8, 4: 5, 1: 2}  # a number that lost its leading zero; unambiguous lengths
HEADER_SEARCH_ROWS = 40


def sniff(path: Path) -> bool:
    return SHEET in sheet_names(path)


def read(path: Path) -> SourceData:
    path = Path(path)
    book, data, inner_name = open_workbook(path)
    if SHEET not in book.sheet_names:
        raise SourceFormatError(
            path,
            f"no sheet {SHEET!r}",
            value=", ".join(book.sheet_names),
            expected=f"a sheet named {SHEET!r} (BA Gemeindedaten)",
        )
    where = f"{path} [{SHEET}]"
    try:
        rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except Exception as exc:
        raise SourceFormatError(
            where, f"the sheet cannot be read ({exc}); truncated?", expected="a complete sheet"
        ) from None
    table = [_padded(r) for r in rows]
    start = _data_start(where, table)
    _check_header(where, table[:start])
    period, seed = _title_info(where, table[:start], inner_name)
    observations = _observations(where, table, start, period)
    prov = provenance(
        path,
        OFFICIAL,
        seed=seed,
        attribution=ba_attribution(PRODUCT, period),
    )
    units = observations["ags"].nunique()
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=period,
        observations=observations,
        notes=[f"sheet {SHEET}: {units} regions"],
    )


def _padded(row: Sequence[object]) -> list[object]:
    return (list(row) + [None] * N_COLUMNS)[:N_COLUMNS]


def _is_number(cell: object) -> TypeGuard[int | float]:
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def _looks_like_key(cell: object) -> bool:
    """A data row's first cell: a key-like word starting with a digit, or the Germany key.

    Footnotes (``1) …``) and the copyright line are no keys; ``06633ABC`` is a (bad) key.
    """
    if _is_number(cell):
        return True
    t = cell_text(cell)
    return (t[:1].isdigit() and t.isalnum()) or t in GERMANY_KEYS


def _is_data_row(row: list[object]) -> bool:
    return _looks_like_key(row[0]) or (
        cell_text(row[0]) == "" and cell_text(row[1]) == "Deutschland"
    )


def _data_start(where: str, rows: list[list[object]]) -> int:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _is_data_row(row):
            if i == 0:
                raise SourceFormatError(
                    where,
                    "data in the first row: no title and column header",
                    line=1,
                    column="A",
                    value=cell_text(row[0]),
                    expected="a title and header block above the data (rows 1–8)",
                )
            return i
    raise SourceFormatError(
        where,
        f"no data row in the first {HEADER_SEARCH_ROWS} rows",
        expected="a row whose column A holds a regional key (e.g. '06611000')",
    )


def _check_header(where: str, header: list[list[object]]) -> None:
    for col in VALUE_COLUMNS:
        j = LETTERS.index(col.letter)
        text = " ".join(cell_text(r[j]) for r in header).casefold()
        missing = [k for k in col.keywords if k.casefold() not in text]
        if missing:
            raise SourceFormatError(
                where,
                "unexpected column header (column moved or missing?)",
                line=len(header),
                column=col.letter,
                value=" ".join(cell_text(r[j]) for r in header if cell_text(r[j])) or "(empty)",
                expected=f"a header naming {' and '.join(repr(k) for k in col.keywords)} "
                f"(column {col.letter} = {col.indicator})",
            )


def _title_info(where: str, head: list[list[object]], inner_name: str) -> tuple[str, str | None]:
    return title_info(
        where,
        (cell_text(cell) for row in head for cell in row),
        german_date_to_iso,
        inner_name,
        NAME_RE,
        "a title with the Stichtag '30.06.YYYY' or a name gemband-dlk-0-YYYYMM",
    )


def _key(where: str, cell: object, line: int) -> str:
    """The regional key of a data row, checked; numbers get their leading zero back."""
    if _is_number(cell):
        if isinstance(cell, float) and not cell.is_integer():
            raise SourceFormatError(
                where, "bad regional key", line=line, column="A", value=cell, expected="an AGS"
            )
        digits = str(int(cell))
        width = NUMERIC_PAD.get(len(digits), len(digits))
        if width not in KEY_LEVEL or (width == 2 and len(digits) == 2 and int(digits) > 16):
            raise SourceFormatError(
                where,
                "regional key stored as a number; its leading zeros cannot be restored",
                line=line,
                column="A",
                value=digits,
                expected="the key as text with leading zeros (8 digits Gemeinde, 5 Kreis, 2 Land)",
            )
        return digits.zfill(width)
    return regional_key(
        where,
        cell_text(cell),
        line,
        "A",
        KEY_LEVEL,
        "8 digits (Gemeinde), 5 (Kreis), 3 (Regierungsbezirk) or 2 (Land)",
    )


def _value(where: str, cell: object, line: int, col: Column) -> tuple[float | None, str | None]:
    """(value, flag); (nan, None) for an empty cell (no observation)."""
    if _is_number(cell):
        v = float(cell)
        if v >= 0 and v.is_integer():
            return v, None
    else:
        t = cell_text(cell)
        if t == "":
            return float("nan"), None
        if t in MARKERS:
            return None, t
        n = whole_number(t)
        if n is not None:
            return n, None
    raise SourceFormatError(
        where,
        "not a count",
        line=line,
        column=col.letter,
        value=cell,
        expected=f"a whole number for {col.indicator!r} or a marker " + " ".join(MARKERS),
    )


def _observations(where: str, rows: list[list[object]], start: int, period: str) -> pd.DataFrame:
    keyed: list[tuple[int, str, list[object]]] = []  # (line, key, row)
    seen: dict[str, int] = {}
    footer_line: int | None = None
    for i in range(start, len(rows)):
        row, line = rows[i], i + 1
        a = row[0]
        if not _looks_like_key(a):
            a_text = cell_text(a)
            if _is_data_row(row):
                a = "DE"
            elif a_text == "":
                if any(cell_text(c) for c in row[2:]):
                    raise SourceFormatError(
                        where,
                        "values without a regional key",
                        line=line,
                        column="A",
                        value="(empty)",
                        expected="a regional key in column A of every data row",
                    )
                continue  # a blank row (or a name-only spacer row)
            else:
                footer_line = footer_line or line
                continue
        if footer_line is not None:
            raise SourceFormatError(
                where,
                "data row after the footer",
                line=line,
                column="A",
                value=cell_text(a),
                expected=f"no keyed rows after the footer text in row {footer_line}",
            )
        key = _key(where, a, line)
        if key in seen:
            raise SourceFormatError(
                where,
                f"duplicate regional key (first in row {seen[key]})",
                line=line,
                column="A",
                value=key,
                expected="each region once",
            )
        seen[key] = line
        keyed.append((line, key, row))
    if not keyed:
        raise SourceFormatError(where, "no data rows", line=start + 1, expected="data rows")
    gemeinde_kreise = {k[:5] for _, k, _ in keyed if len(k) == 8}
    out_ags: list[str] = []
    out_ind: list[str] = []
    out_val: list[float | None] = []
    out_flag: list[str | None] = []
    for line, key, row in keyed:
        kreisfrei = len(key) == 5 and key not in gemeinde_kreise
        full = len(key) == 8 or kreisfrei
        targets = [key, f"{key}000"] if kreisfrei else [key]
        for col in VALUE_COLUMNS:
            if not (full or col.aggregate):
                continue
            value, flag = _value(where, row[LETTERS.index(col.letter)], line, col)
            if value is not None and value != value:  # empty cell: nothing published
                continue
            for ags in targets:
                out_ags.append(ags)
                out_ind.append(col.indicator)
                out_val.append(value)
                out_flag.append(flag)
    return observation_frame(out_ags, out_ind, period, out_val, out_flag)


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without reading the sheet (the
    workbook's bytes, taken out of a .zip)."""
    return workbook_sha256(path)
