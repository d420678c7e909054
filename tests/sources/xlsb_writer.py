"""A minimal Excel binary workbook (.xlsb, BIFF12) writer, for test fixtures only.

No Python library writes .xlsb, and the BA shipped its older krpend workbooks in that format,
so the tests write their own. Records follow [MS-XLSB] 2.1.4 (record = varint type, varint
size, payload) and 2.4 (record ids):

    workbook.bin  BrtBeginBook 0x83 · BrtBeginBundleShs 0x8F · BrtBundleSh 0x9C per sheet ·
                  BrtEndBundleShs 0x90 · BrtEndBook 0x84
    sheetN.bin    BrtBeginSheet 0x81 · BrtWsDim 0x94 · BrtBeginSheetData 0x91 · per row
                  BrtRowHdr 0x00, then per cell BrtCellReal 0x05 / BrtCellRk 0x02 (integers) /
                  BrtCellSt 0x06 (inline string) · BrtEndSheetData 0x92 · BrtEndSheet 0x82

Strings are written inline (BrtCellSt), so no sharedStrings.bin and no styles.bin are needed.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

Cell = str | int | float | None

BRT_ROW_HDR = 0x00
BRT_CELL_RK = 0x02
BRT_CELL_REAL = 0x05
BRT_CELL_ST = 0x06
BRT_BEGIN_SHEET = 0x81
BRT_END_SHEET = 0x82
BRT_BEGIN_BOOK = 0x83
BRT_END_BOOK = 0x84
BRT_BEGIN_BUNDLE_SHS = 0x8F
BRT_END_BUNDLE_SHS = 0x90
BRT_BEGIN_SHEET_DATA = 0x91
BRT_END_SHEET_DATA = 0x92
BRT_WS_DIM = 0x94
BRT_BUNDLE_SH = 0x9C


def _varint(value: int, max_bytes: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            break
    assert len(out) <= max_bytes, "record type or size too large"
    return bytes(out)


def record(rec_type: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: type (1-2 bytes), size (1-4 bytes), payload."""
    return _varint(rec_type, 2) + _varint(len(payload), 4) + payload


def wide_string(text: str) -> bytes:
    """XLWideString: 4-byte character count, UTF-16LE characters."""
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def _cell_header(col: int) -> bytes:
    return struct.pack("<I", col) + struct.pack("<I", 0)  # column, iStyleRef 0 + flags 0


def cell(col: int, value: Cell) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return record(BRT_CELL_ST, _cell_header(col) + wide_string(value))
    if isinstance(value, int) and -(2**29) <= value < 2**29:
        rk = (value << 2) | 0x2  # fInt = 1, fX100 = 0
        return record(BRT_CELL_RK, _cell_header(col) + struct.pack("<i", rk))
    return record(BRT_CELL_REAL, _cell_header(col) + struct.pack("<d", float(value)))


def sheet_bin(rows: Sequence[Sequence[Cell]]) -> bytes:
    width = max((len(r) for r in rows), default=1)
    parts = [
        record(BRT_BEGIN_SHEET),
        record(BRT_WS_DIM, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, max(width - 1, 0))),
        record(BRT_BEGIN_SHEET_DATA),
    ]
    for r, row in enumerate(rows):
        if all(v is None or v == "" for v in row):
            continue
        # BrtRowHdr: rw, ixfe, miyRw (height in twips), flags (3 bytes), ccolspan 0
        parts.append(
            record(
                BRT_ROW_HDR, struct.pack("<IIH", r, 0, 300) + b"\x00\x00\x00" + struct.pack("<I", 0)
            )
        )
        parts.extend(cell(c, v) for c, v in enumerate(row) if v is not None and v != "")
    parts += [record(BRT_END_SHEET_DATA), record(BRT_END_SHEET)]
    return b"".join(parts)


def workbook_bin(names: Sequence[str]) -> bytes:
    parts = [record(BRT_BEGIN_BOOK), record(BRT_BEGIN_BUNDLE_SHS)]
    for i, name in enumerate(names, start=1):
        payload = struct.pack("<II", 0, i) + wide_string(f"rId{i}") + wide_string(name)
        parts.append(record(BRT_BUNDLE_SH, payload))
    parts += [record(BRT_END_BUNDLE_SHS), record(BRT_END_BOOK)]
    return b"".join(parts)


CT_MAIN = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
CT_SHEET = "application/vnd.ms-excel.worksheet"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_xlsb(path: Path, sheets: dict[str, Sequence[Sequence[Cell]]]) -> Path:
    """Write a workbook with the given sheets (name -> rows of cells) to ``path``."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="{CT_SHEET}"/>'
        for i in range(1, len(names) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.main"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.bin" ContentType="{CT_MAIN}"/>{overrides}</Types>'
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{REL_PKG}"><Relationship Id="rId1" '
        f'Type="{REL_DOC}/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{REL_PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{REL_DOC}/worksheet" '
            f'Target="worksheets/sheet{i}.bin"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.bin", workbook_bin(names))
        zf.writestr("xl/_rels/workbook.bin.rels", book_rels)
        for i, name in enumerate(names, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.bin", sheet_bin(sheets[name]))
    return path
