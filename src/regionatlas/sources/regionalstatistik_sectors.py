"""Regionalstatistik table 13111-07-05-4 as GENESIS CSV: employees at workplace by sector.

Binding layout: docs/formats/regionalstatistik-13111.md. "Sozialversicherungspflichtig
Beschäftigte am Arbeitsort nach Geschlecht, Nationalität und Wirtschaftszweigen (WZ 2008) –
Stichtag 30.06. – regionale Tiefe: Kreise und krfr. Städte", one reference date per file.
Semicolon-separated, Latin-1; a title block holding the reference date, four column-header
lines (Nationalität / Insgesamt, Ausländer(innen) / Geschlecht / Insgesamt, männlich,
weiblich), one line per unit and sector group (key; name; sector; six counts), a footer.

Output: the total (``Insgesamt``, all nationalities and both sexes) as ``jobs`` and one
indicator ``jobs_sector_<group>`` per published WZ 2008 group (``a``, ``b_f``, ``b_e``, ``c``,
``f``, ``g_u``, ``g_i``, ``j``, ``k``, ``l``, ``m_n``, ``o_q``, ``r_u``) for Deutschland
(``DE``), Länder, Regierungsbezirke and Kreise. Markers give value NULL with the marker as
flag, never 0. The sex and nationality columns are checked but not stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.source_data import SourceData
from regionatlas.sources import _genesis_csv as genesis
from regionatlas.sources._common import (
    content_sha256,
    observation_frame,
    read_bytes,
    regional_key,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "regionalstatistik-13111-07-05-4"
TABLE = "13111-07-05-4"
OFFICIAL = genesis.official(
    "Quelle: Statistische Ämter des Bundes und der Länder, Regionaldatenbank Deutschland, "
    f"Tabelle {TABLE} (Beschäftigungsstatistik der Bundesagentur für Arbeit); "
    "eigene Berechnungen"
)
TOTAL_INDICATOR = "jobs"
# WZ 2008 code of each published group -> indicator suffix, in the table's order
GROUPS: dict[str, str] = {
    "A": "a",
    "B-F": "b_f",
    "B-E": "b_e",
    "C": "c",
    "F": "f",
    "G-U": "g_u",
    "G-I": "g_i",
    "J": "j",
    "K": "k",
    "L": "l",
    "M-N": "m_n",
    "O-Q": "o_q",
    "R-U": "r_u",
}
# groups that add up to the total (without employees not assignable to a sector); the
# others are sums (B-F, G-U) or a part ("darunter": C within B-E) of these
PARTITION = ("A", "B-E", "F", "G-I", "J", "K", "L", "M-N", "O-Q", "R-U")
# labels the export shows without a code in brackets (normalised: blanks collapsed, lower)
LABELS_WITHOUT_CODE = {
    "freiberufl,wissenschaftl. techn. dienstl.,sonst.dl": "M-N",
    "öff.verw.,verteidig.,sozialvers.,erz.-u.unterricht": "O-Q",
    "kunst, unterhaltung, erholung, priv. haush.,usw.": "R-U",
}
CODE = re.compile(r"\(\s*([A-U])(?:\s*-\s*([A-U]))?\s*\)$")
COLUMN_NAMES = (
    "key",
    "name",
    "sector",
    "Insgesamt/Insgesamt",
    "Insgesamt/männlich",
    "Insgesamt/weiblich",
    "Ausländer(innen)/Insgesamt",
    "Ausländer(innen)/männlich",
    "Ausländer(innen)/weiblich",
)
N_FIELDS = len(COLUMN_NAMES)
SEX_TAIL = ("insgesamt", "männlich", "weiblich") * 2
HEADER_SEARCH_LINES = 25
KEY_LENGTHS = (2, 3, 5)
KEY_TOKEN = re.compile(r"[0-9A-Za-z]+")
DATES = re.compile(r"(?<![\d.-])(\d{2}\.\d{2}\.\d{4}|\d{4}-\d{2}-\d{2})(?![\d.-]?\d)")


def indicator_ids() -> list[str]:
    """The total (``jobs``) and the 13 sector-group indicators, in the table's order."""
    return [TOTAL_INDICATOR, *(f"jobs_sector_{s}" for s in GROUPS.values())]


def partition_ids() -> list[str]:
    """The sector indicators that add up to the total (the profile's sector chart)."""
    return [f"jobs_sector_{GROUPS[c]}" for c in PARTITION]


def sniff(path: Path) -> bool:
    text = genesis.sniff_head(path)
    if text is None:
        return False
    return TABLE in text or (
        ";;;insgesamt;männlich;weiblich;insgesamt;männlich;weiblich" in text
        and "wirtschaftszweig" in text
    )


def read(path: Path) -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    lines = genesis.split_lines(data)
    first, last = _column_header(path, lines)
    period = _period(path, lines, first)
    rows = genesis.data_lines(
        path,
        lines,
        last + 1,
        is_data=_is_data,
        column_names=COLUMN_NAMES,
        example="lines 'key;name;sector;' and six counts",
    )
    observations = _observations(path, rows, period)
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        genesis.table_provenance(path, OFFICIAL, TABLE, period),
        vintage=period,
        observations=observations,
        notes=[f"{observations['ags'].nunique()} regions, {len(GROUPS)} WZ 2008 sector groups"],
    )


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives (the content, gzip decompressed)."""
    return content_sha256(path)


def _cells(fields: list[str]) -> list[str]:
    return [f.strip() for f in fields]


def _column_header(path: Path, lines: list[list[str]]) -> tuple[int, int]:
    """Indices of the first (Nationalität) and last (Geschlecht values) column-header line."""
    for i, fields in enumerate(lines[:HEADER_SEARCH_LINES]):
        cells = _cells(fields)
        if len(cells) < 6 or tuple(c.lower() for c in cells[-6:]) != SEX_TAIL:
            continue
        expected = (
            "four column-header lines with three empty fields each, ending in "
            "';;;Insgesamt;Insgesamt;Insgesamt;Ausländer(innen);Ausländer(innen);"
            "Ausländer(innen)' (line 2) and ';;;Insgesamt;männlich;weiblich;Insgesamt;"
            "männlich;weiblich' (line 4)"
        )
        if len(cells) != N_FIELDS or any(cells[:3]) or i < 3:
            raise SourceFormatError(
                path,
                "unexpected column header",
                line=i + 1,
                value=";".join(fields),
                expected=expected,
            )
        nat = [c.lower() for c in _cells(lines[i - 2])]
        ok = (
            len(nat) == N_FIELDS
            and not any(nat[:3])
            and nat[3:6] == ["insgesamt"] * 3
            and all(c.startswith("ausländer") for c in nat[6:])
        )
        if not ok:
            raise SourceFormatError(
                path,
                "unexpected column header (nationality line)",
                line=i - 1,
                value=";".join(lines[i - 2]),
                expected=expected,
            )
        return i - 3, i
    raise SourceFormatError(
        path,
        f"no column header in the first {HEADER_SEARCH_LINES} lines",
        expected="a line ';;;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich' after "
        f"the title block (GENESIS CSV export of table {TABLE})",
    )


def _iso(text: str) -> str | None:
    if "-" in text:
        y, m, d = text.split("-")
    else:
        d, m, y = text.split(".")
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _period(path: Path, lines: list[list[str]], end: int) -> str:
    """The one reference date (Stichtag) written in the title block."""
    found: dict[str, int] = {}
    for i, fields in enumerate(lines[:end]):
        for m in DATES.finditer(";".join(fields)):
            iso = _iso(m.group(1))
            if iso is None:
                raise SourceFormatError(
                    path, "not a date", line=i + 1, value=m.group(1), expected="a valid date"
                )
            found.setdefault(iso, i + 1)
    if len(found) > 1:
        second = sorted(found.items(), key=lambda kv: kv[1])[1]
        raise SourceFormatError(
            path,
            "more than one reference date in the title block",
            line=second[1],
            value=", ".join(found),
            expected="one Stichtag per file (export the table for one date)",
        )
    if not found:
        raise SourceFormatError(
            path,
            "no reference date (Stichtag) in the title block",
            line=end + 1 if end else None,
            expected="a date such as 30.06.2023 or 2023-06-30 before the column header",
        )
    return next(iter(found))


def _is_data(fields: list[str]) -> bool:
    """A data line has a key token (digits or DG) and more fields; footer lines do not."""
    return len(fields) >= 3 and bool(KEY_TOKEN.fullmatch(fields[0].strip()))


def _indicator(path: Path, label: str, line: int) -> str:
    text = " ".join(label.split())
    if text.lower() == "insgesamt":
        return TOTAL_INDICATOR
    code = LABELS_WITHOUT_CODE.get(text.lower())
    if code is None and (m := CODE.search(text)):
        code = m.group(1) if m.group(2) is None else f"{m.group(1)}-{m.group(2)}"
    if code not in GROUPS:
        raise SourceFormatError(
            path,
            "unknown sector group",
            line=line,
            column=3,
            value=label,
            expected="'Insgesamt' or a WZ 2008 group of the table, named with its code in "
            "brackets (" + ", ".join(f"({c})" for c in GROUPS) + ") or as the export's "
            "label for M-N, O-Q or R-U",
        )
    return f"jobs_sector_{GROUPS[code]}"


def _observations(path: Path, rows: list[tuple[int, list[str]]], period: str) -> pd.DataFrame:
    seen: dict[tuple[str, str], int] = {}
    ags, ind, val, flag = [], [], [], []
    for line, f in rows:
        key = regional_key(
            path,
            f[0],
            line,
            1,
            KEY_LENGTHS,
            "5 digits (Kreis), 3 (Regierungsbezirk), 2 (Land) or DG (Deutschland), as text "
            "with leading zeros",
        )
        indicator = _indicator(path, f[2], line)
        if (key, indicator) in seen:
            raise SourceFormatError(
                path,
                f"sector group twice for this unit (first in line {seen[(key, indicator)]})",
                line=line,
                column=3,
                value=f"{key} {f[2].strip()}",
                expected="each unit and sector group once",
            )
        seen[(key, indicator)] = line
        cells = [
            genesis.count(path, f[c], line, c + 1, COLUMN_NAMES[c]) for c in range(3, N_FIELDS)
        ]
        v, fl = cells[0]
        ags.append(key)
        ind.append(indicator)
        val.append(v)
        flag.append(fl)
    return observation_frame(ags, ind, period, val, flag)
