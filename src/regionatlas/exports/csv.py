"""CSV: plain (UTF-8, ``,``, decimal point) and for German Excel (UTF-8 BOM, ``;``, decimal
comma). One table per file; geometry only as WKT when the table asks for it."""

from __future__ import annotations

import pandas as pd

from regionatlas.exports.table import ExportTable, prepared


def _frame(table: ExportTable) -> pd.DataFrame:
    frame = prepared(table)
    if table.wkt_in_csv and table.geometry is not None:
        wkt = [None if g is None else g.wkt for g in table.geometry]
        frame.insert(len(frame.columns) - 2, "geometry_wkt", wkt)
    return frame


def frame_csv(frame: pd.DataFrame, excel_de: bool = False) -> bytes:
    """Any frame as CSV bytes, newline ``\\n`` on every platform."""
    if excel_de:
        text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        return "\ufeff".encode() + text.encode("utf-8")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def csv_bytes(table: ExportTable) -> bytes:
    return frame_csv(_frame(table))


def excel_csv_bytes(table: ExportTable) -> bytes:
    """The CSV German Excel opens by double-click: BOM, semicolons, decimal commas, CRLF."""
    return frame_csv(_frame(table), excel_de=True)
