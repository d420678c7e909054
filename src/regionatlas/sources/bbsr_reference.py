"""BBSR "Referenz Gemeinden, Kreise, NUTS" workbook (Raumabgrenzungen): central places.

Layout (../shared/data/README.md, "Not here (yet)"): sheet ``Gemeinden-Gemeindeverbände``;
the column header sits one row below the top (row 2; row 1 holds a title); key column
``Gemeinden Kennziffer`` (8-digit AGS; a numeric cell that lost its leading zero is padded);
the columns ``Zentralörtliche Einstufung (zusammengefasst) Name`` and ``Großstadtregionaler
Einzugsbereich Name``. Other columns and sheets are ignored.

Output: observations per Gemeinde (the labels stay in the code lists below, documented here
and in docs/formats/bbsr-reference.md):

    central_place_bbsr        3 Oberzentrum und höher · 2 Mittelzentrum ·
                              1 Grundzentrum und niedriger · 0 keine zentralörtliche Einstufung
                              (the harmonised scale of analysis.central_places)
    metropolitan_area_bbsr    1 Zentrum · 2 Ergänzungsgebiet zum Zentrum ·
                              3 engerer Pendlerverflechtungsraum/-bereich ·
                              4 weiterer Pendlerverflechtungsraum/-bereich ·
                              0 nicht zu einer Großstadtregion gehörend

The period is the Gebietsstand: a date ``DD.MM.YYYY`` in the title row, else the year in the
file name (``…2022…`` → ``2022-12-31``). An unknown label is an error, never a guess.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from regionatlas.errors import SourceFormatError
from regionatlas.model.central_places import BBSR_CATEGORIES
from regionatlas.model.schema import OBSERVATION_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import (
    DL_DE_BY_2_0,
    Provenance,
    german_date_to_iso,
    provenance,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "bbsr-reference"
SHEET = "Gemeinden-Gemeindeverbände"
KEY_COLUMN = "Gemeinden Kennziffer"
ZO_COLUMN = "Zentralörtliche Einstufung (zusammengefasst) Name"
GSR_COLUMN = "Großstadtregionaler Einzugsbereich Name"
# label prefix (lower case) -> code; BBSR writes "…raum", the data README "…bereich"
METROPOLITAN_PREFIXES = (
    ("zentrum", 1),
    ("ergänzungsgebiet", 2),
    ("engerer pendlerverflechtungs", 3),
    ("weiterer pendlerverflechtungs", 4),
    ("nicht zu", 0),
)
INDICATORS = {ZO_COLUMN: "central_place_bbsr", GSR_COLUMN: "metropolitan_area_bbsr"}
OFFICIAL = Provenance(
    publisher="Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)",
    licence=DL_DE_BY_2_0,
    attribution="Quelle: BBSR, Raumabgrenzungen – Referenz Gemeinden, Kreise, NUTS",
)


def sniff(path: Path) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsb", ".xls"):
        return False
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        return SHEET in book.sheet_names
    except Exception:  # calamine raises assorted errors on foreign files
        return False


def read(path: Path) -> SourceData:
    path = Path(path)
    data = path.read_bytes()
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if SHEET not in book.sheet_names:
            raise SourceFormatError(
                path,
                "the municipal sheet is missing",
                value=", ".join(book.sheet_names),
                expected=f"a sheet {SHEET!r}",
            )
        rows = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    except SourceFormatError:
        raise
    except Exception as exc:
        raise SourceFormatError(
            path,
            f"cannot open the workbook ({type(exc).__name__}: {exc}); truncated?",
            expected="a complete .xlsx workbook",
        ) from None
    where = f"{path} [{SHEET}]"
    if len(rows) < 3:
        raise SourceFormatError(where, "the sheet has no data", expected="title, header, rows")
    header = [str(c).strip() for c in rows[1]]
    columns = {}
    for name in (KEY_COLUMN, ZO_COLUMN, GSR_COLUMN):
        if name not in header:
            raise SourceFormatError(
                where,
                f"column {name!r} not found in the header row",
                line=2,
                value=" | ".join(h for h in header if h)[:200],
                expected=f"the BBSR layout with {name!r} in row 2",
            )
        columns[name] = header.index(name)
    period = _period(path, rows[0])
    body = rows[2:]
    while body and all(c == "" or c is None for c in body[-1]):
        body.pop()
    keys = _keys(where, [r[columns[KEY_COLUMN]] for r in body])
    frames = []
    for name, code_of in ((ZO_COLUMN, _central_code), (GSR_COLUMN, _metro_code)):
        col = columns[name]
        codes = []
        for i, row in enumerate(body):
            label = str(row[col]).strip() if row[col] is not None else ""
            code = code_of(label)
            if code is None:
                raise SourceFormatError(
                    where,
                    "unknown category",
                    line=i + 3,
                    column=name,
                    value=label,
                    expected=_expected(name),
                )
            codes.append(code)
        frames.append(
            pd.DataFrame(
                {
                    "ags": keys,
                    "indicator": INDICATORS[name],
                    "period": period,
                    "value": np.array(codes, dtype=float),
                    "flag": pd.Series([None] * len(codes), dtype=object),
                }
            )
        )
    prov = provenance(path, OFFICIAL)
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=period,
        observations=pd.concat(frames, ignore_index=True)[OBSERVATION_COLUMNS],
        notes=[
            "codes: see regionatlas.model.central_places (BBSR_CATEGORIES) and "
            "regionatlas.sources.bbsr_reference (METROPOLITAN_PREFIXES)"
        ],
    )


def _period(path: Path, title_row: Sequence[object]) -> str:
    for cell in title_row:
        iso = german_date_to_iso(str(cell))
        if iso:
            return iso
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", path.stem)
    if m:
        return f"{m.group(1)}-12-31"
    raise SourceFormatError(
        path, "no Gebietsstand", expected="a date DD.MM.YYYY in row 1 or a year in the file name"
    )


def _keys(where: str, cells: list[object]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        line = i + 3
        if isinstance(cell, float) and cell.is_integer():
            key = str(int(cell)).zfill(8)
        elif isinstance(cell, int):
            key = str(cell).zfill(8)
        else:
            text = str(cell).strip() if cell is not None else ""
            key = text.zfill(8) if text.isascii() and text.isdigit() and len(text) == 7 else text
        if not (len(key) == 8 and key.isascii() and key.isdigit()):
            raise SourceFormatError(
                where,
                "bad municipality key (unknown AGS)",
                line=line,
                column=KEY_COLUMN,
                value=cell,
                expected="an 8-digit Gemeindekennziffer",
            )
        if key in seen:
            raise SourceFormatError(
                where,
                "duplicate municipality key",
                line=line,
                column=KEY_COLUMN,
                value=key,
                expected=f"each key once (first on line {seen[key]})",
            )
        seen[key] = line
        out.append(key)
    return out


def _central_code(label: str) -> int | None:
    return BBSR_CATEGORIES.get(label)


def _metro_code(label: str) -> int | None:
    low = label.lower()
    for prefix, code in METROPOLITAN_PREFIXES:
        if low.startswith(prefix):
            return code
    return None


def _expected(column: str) -> str:
    if column == ZO_COLUMN:
        return " | ".join(BBSR_CATEGORIES)
    return "Zentrum | Ergänzungsgebiet … | engerer/weiterer Pendlerverflechtungs… | nicht zu …"


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the workbook's bytes."""
    return sha256_bytes(Path(path).read_bytes())
