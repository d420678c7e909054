"""What the BA workbook readers (``ba_gemband``, ``ba_krpend``) share.

Both formats come as ``.xlsx``/``.xlsb`` or as a ``.zip`` holding one such workbook, are
hashed over the workbook's own bytes (so the zip and the bare workbook are one batch), and
carry a title block with the reference date (else the date is in the file name) and, when
written by ``regionatlas synth``, a ``SYNTHETISCHE DATEN … seed N`` line.

    open_workbook(path) -> (book, bytes, name)     the workbook, its bytes, its own name
    sheet_names(path) -> set[str]                  for sniffing: empty for foreign files
    workbook_sha256(path) -> str                   the batch hash without reading sheets
    cell_text(cell) -> str                         a cell as text (1.0 -> "1")
    title_info(where, texts, ...) -> (date, seed)  reference date and synthetic seed
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import python_calamine as calamine

from regionatlas.errors import SourceFormatError
from regionatlas.sources._common import month_end, sha256_bytes

WORKBOOK_SUFFIXES = (".xlsx", ".xlsb")
SYNTH_TITLE = re.compile(r"SYNTHETISCHE DATEN.*?seed\W{0,3}(\d+)", re.IGNORECASE)


def open_workbook(path: Path) -> tuple[calamine.CalamineWorkbook, bytes, str]:
    """The workbook, the bytes hashed for the batch, and the workbook's own name."""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith(WORKBOOK_SUFFIXES)]
                if len(members) != 1:
                    raise SourceFormatError(
                        path,
                        f"zip holds {len(members)} workbooks",
                        value=", ".join(members),
                        expected="exactly one .xlsx or .xlsb workbook",
                    )
                data, name = zf.read(members[0]), members[0]
        except (zipfile.BadZipFile, EOFError) as exc:
            raise SourceFormatError(
                path, f"damaged or truncated zip ({exc})", expected="a complete zip file"
            ) from None
    else:
        data, name = path.read_bytes(), path.name
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine: ZipError, XmlError, CalamineError, ValueError …
        raise SourceFormatError(
            path,
            f"cannot open the workbook ({type(exc).__name__}: {exc}); truncated?",
            expected="a complete .xlsx or .xlsb workbook",
        ) from None
    return book, data, name


def sheet_names(path: Path) -> set[str]:
    """The sheet names of a workbook (or zipped workbook); empty for any other file."""
    if Path(path).suffix.lower() not in (*WORKBOOK_SUFFIXES, ".zip"):
        return set()
    try:
        return set(open_workbook(Path(path))[0].sheet_names)
    except Exception:  # foreign or damaged files are simply not ours
        return set()


def workbook_sha256(path: Path) -> str:
    """The batch hash: SHA-256 of the workbook's bytes (taken out of a .zip)."""
    return sha256_bytes(open_workbook(Path(path))[1])


def cell_text(cell: object) -> str:
    """A cell as text: empty for no value, whole floats without ``.0``, stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def title_info(
    where: str,
    texts: Iterable[str],
    date_in: Callable[[str], str | None],
    file_name: str,
    name_date: re.Pattern[str],
    expected: str,
) -> tuple[str, str | None]:
    """The reference date (ISO) and the synthetic seed (None for official data).

    The date is the first one ``date_in`` finds in the title ``texts``, else the year and
    month (groups ``year`` and ``month`` of ``name_date``) in the workbook's ``file_name``,
    as the month's last day; neither is an error (``expected`` says what was looked for).
    """
    period = seed = None
    for t in texts:
        if period is None:
            period = date_in(t)
        m = SYNTH_TITLE.search(t)
        if m:
            seed = m.group(1)
    if period is None:
        m = name_date.search(file_name)
        if m:
            period = month_end(int(m.group("year")), int(m.group("month")))
    if period is None:
        raise SourceFormatError(
            where, "no reference date in the title block or the file name", expected=expected
        )
    return period, seed
