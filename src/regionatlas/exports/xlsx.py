"""XLSX: sheet "Daten - Data" (the table, header frozen) and "Quellen - Sources".

Written with xlsxwriter directly; the workbook's created date is the table's reference
date (xlsxwriter's zip entries carry a fixed date), so the same table gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import xlsxwriter

from regionatlas.exports.table import ExportTable, prepared, sources_frame

DATA_SHEET = "Daten - Data"
SOURCES_SHEET = "Quellen - Sources"


def _cell(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    return v


def _write_sheet(book: Any, name: str, frame: pd.DataFrame, bold: Any) -> None:
    ws = book.add_worksheet(name)
    for j, col in enumerate(frame.columns):
        ws.write_string(0, j, str(col), bold)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, v in enumerate(row):
            v = _cell(v)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, int | float):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    ws.freeze_panes(1, 0)


def sheets_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], created: dt.date) -> bytes:
    """Several named sheets in one workbook (names up to 31 characters, unique)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties(
        {"created": dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)}
    )
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for name, frame in sheets:
        safe = "".join(c for c in name if c not in "[]:*?/\\")[:31]
        while safe in used:
            safe = safe[:29] + "_" + str(len(used))
        used.add(safe)
        _write_sheet(book, safe, frame, bold)
    book.close()
    return buf.getvalue()


def xlsx_bytes(table: ExportTable) -> bytes:
    return sheets_bytes(
        [(DATA_SHEET, prepared(table)), (SOURCES_SHEET, sources_frame(table))], table.date
    )
