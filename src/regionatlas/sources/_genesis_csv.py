"""The GENESIS table CSV that regionalstatistik.de exports, as shared by its readers.

One format, several tables (docs/formats/regionalstatistik-*.md): Latin-1 (UTF-8 accepted),
semicolon-separated, a block of title lines, one or more column-header lines, one data line
per unit (and category), then a footer of a few lines (underscores, copyright, export date).
Counts are whole numbers, optionally with ``.`` as thousands separator; markers (``-``, ``.``,
``x``, ``/``, …) give value NaN with the marker as flag, never 0.

    decode_text(data) -> str                       UTF-8 (with/without BOM), else Latin-1
    split_lines(data) -> list[list[str]]           the semicolon fields of every line
    data_lines(path, lines, start, ...)            data lines (1-based line, fields) up to the
                                                   footer; field count and "no data" checked
    count(path, raw, line, column, name)           (value, flag) of one count cell
    sniff_head(path) -> str | None                 the start of a .csv(.gz), lower-cased
    official(attribution) -> Provenance            the Regionaldatenbank as publisher
    table_provenance(path, official, table, date)  dated attribution, or synthetic
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import MARKERS
from regionatlas.sources._common import (
    Provenance,
    iso_to_german_date,
    provenance,
    read_bytes,
    whole_number,
)

PUBLISHER = "Statistische Ämter des Bundes und der Länder, Regionaldatenbank Deutschland"
LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
SNIFF_BYTES = 4096

Lines = list[list[str]]
DataLines = list[tuple[int, list[str]]]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Latin-1 (the GENESIS export)."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(data: bytes) -> Lines:
    """The semicolon-separated fields of every line (line i + 1 is ``lines[i]``)."""
    return list(csv.reader(io.StringIO(decode_text(data)), delimiter=";"))


def data_lines(
    path: Path,
    lines: Lines,
    start: int,
    *,
    is_data: Callable[[list[str]], bool],
    column_names: Sequence[str],
    example: str,
) -> DataLines:
    """The data lines from index ``start`` on, as (1-based line, fields).

    The first non-empty line that is not a data line starts the footer; a data line after
    it is an error, as is a data line with another number of fields than ``column_names``
    and a file without data lines (``example`` shows what one looks like).
    """
    n_fields = len(column_names)
    out: DataLines = []
    footer: int | None = None
    for i in range(start, len(lines)):
        fields, line = lines[i], i + 1
        if not is_data(fields):
            if footer is None and (out or any(f.strip() for f in fields)):
                footer = line
            continue
        if footer is not None:
            raise SourceFormatError(
                path,
                "data line after the footer",
                line=line,
                column=1,
                value=fields[0],
                expected=f"no data after the footer starting in line {footer}",
            )
        if len(fields) != n_fields:
            raise SourceFormatError(
                path,
                f"{len(fields)} fields",
                line=line,
                value=";".join(fields),
                expected=f"{n_fields} fields: " + ";".join(column_names),
            )
        out.append((line, fields))
    if not out:
        raise SourceFormatError(path, "no data lines", line=start + 1, expected=example)
    return out


def count(path: Path, raw: str, line: int, column: int, name: str) -> tuple[float, str | None]:
    """A whole number (``1.234`` thousands separator allowed) or a marker (NaN, marker)."""
    t = raw.strip()
    if t in MARKERS:
        return float("nan"), t
    n = whole_number(t)
    if n is not None:
        return n, None
    raise SourceFormatError(
        path,
        "not a count",
        line=line,
        column=column,
        value=raw,
        expected=f"a whole number for {name!r} or a marker " + " ".join(MARKERS),
    )


def sniff_head(path: Path) -> str | None:
    """The first 4 KiB of a ``.csv`` or ``.csv.gz`` file (decompressed) as lower-case
    Latin-1 text, for the readers' sniffing; None for other or unreadable files."""
    name = Path(path).name.lower()
    if not (name.endswith(".csv") or name.endswith(".csv.gz")):
        return None
    try:
        head = read_bytes(Path(path))[:SNIFF_BYTES]
    except (OSError, SourceFormatError):
        return None
    return head.decode("latin-1").lower()


def official(attribution: str) -> Provenance:
    """The provenance of a Regionaldatenbank table (publisher and dl-de/by-2-0)."""
    return Provenance(publisher=PUBLISHER, licence=LICENCE, attribution=attribution)


def table_provenance(path: Path, table_official: Provenance, table: str, period: str) -> Provenance:
    """``table_official`` with an attribution naming the table and its Stichtag, or the synthetic
    provenance when a SYNTHETIC.txt marker is beside the file."""
    return provenance(
        path,
        table_official,
        attribution="Quelle: Statistische Ämter des Bundes und der Länder, Regionaldatenbank "
        f"Deutschland, Tabelle {table}, Stichtag {iso_to_german_date(period)}; "
        "eigene Berechnungen",
    )
