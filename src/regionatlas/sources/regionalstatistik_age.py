"""Regionalstatistik table 12411-02-03-5 as GENESIS CSV: population by sex and 17 age groups.

Binding layout: docs/formats/regionalstatistik-12411-02-03-5.md. Semicolon-separated,
Latin-1, a header block, the column header ``;;;;Insgesamt;männlich;weiblich``, then one
line per unit and age group (date; key; name; age group; total; male; female) and a footer.

Output: observations ``population_male_age_<band>`` / ``population_female_age_<band>`` for the
17 bands (``0_3`` … ``75plus``). Kreisfreie Städte (5-digit rows, no 8-digit rows of the same
Kreis) are stored under the Kreis and the Gemeinde key. Markers give value NULL with the
marker as flag.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.source_data import SourceData
from regionatlas.sources import _genesis_csv as genesis
from regionatlas.sources._common import (
    content_sha256,
    german_date_to_iso,
    observation_frame,
    read_bytes,
    regional_key,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "regionalstatistik-12411-02-03-5"
TABLE = "12411-02-03-5"
OFFICIAL = genesis.official(
    "Quelle: Statistische Ämter des Bundes und der Länder, Regionaldatenbank Deutschland, "
    f"Tabelle {TABLE}; eigene Berechnungen"
)
# (lower bound, upper bound or None) -> band id; in display order, youngest first
BANDS: dict[tuple[int, int | None], str] = {
    (0, 3): "0_3",
    (3, 6): "3_6",
    (6, 10): "6_10",
    (10, 15): "10_15",
    (15, 18): "15_18",
    (18, 20): "18_20",
    (20, 25): "20_25",
    (25, 30): "25_30",
    (30, 35): "30_35",
    (35, 40): "35_40",
    (40, 45): "40_45",
    (45, 50): "45_50",
    (50, 55): "50_55",
    (55, 60): "55_60",
    (60, 65): "60_65",
    (65, 75): "65_75",
    (75, None): "75plus",
}
HEADER_TAIL = ("insgesamt", "männlich", "weiblich")
HEADER_SEARCH_LINES = 15
COLUMN_NAMES = ("date", "key", "name", "age group", "Insgesamt", "männlich", "weiblich")
N_FIELDS = len(COLUMN_NAMES)
UNDER = re.compile(r"unter\s+(\d+)(\s+Jahren?)?", re.IGNORECASE)
BETWEEN = re.compile(r"(\d+)\s+bis\s+unter\s+(\d+)(\s+Jahren?)?", re.IGNORECASE)
AND_OVER = re.compile(r"(\d+)(\s+Jahre)?\s+(und\s+mehr|und\s+älter|und\s+darüber)", re.IGNORECASE)
DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")
KEY_LENGTHS = (2, 5, 8)


def indicator_ids() -> list[str]:
    """All indicator ids this reader produces, male then female, youngest band first."""
    return [f"population_{sex}_age_{band}" for sex in ("male", "female") for band in BANDS.values()]


def sniff(path: Path) -> bool:
    text = genesis.sniff_head(path)
    if text is None:
        return False
    return TABLE in text or (";;;;insgesamt;männlich;weiblich" in text and "unter 3" in text)


def read(path: Path) -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    lines = genesis.split_lines(data)
    header = _header_line(path, lines)
    rows = _data_lines(path, lines, header + 1)
    observations, period = _observations(path, rows)
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        genesis.table_provenance(path, OFFICIAL, TABLE, period),
        vintage=period,
        observations=observations,
        notes=[f"{observations['ags'].nunique()} regions, 17 age groups by sex"],
    )


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives (the content, gzip decompressed)."""
    return content_sha256(path)


def _header_line(path: Path, lines: list[list[str]]) -> int:
    for i, fields in enumerate(lines[:HEADER_SEARCH_LINES]):
        cells = [f.strip() for f in fields]
        if len(cells) >= 3 and tuple(c.lower() for c in cells[-3:]) == HEADER_TAIL:
            if len(cells) != N_FIELDS or any(cells[:4]):
                raise SourceFormatError(
                    path,
                    "unexpected column header",
                    line=i + 1,
                    value=";".join(fields),
                    expected="';;;;Insgesamt;männlich;weiblich' (four empty fields, three "
                    "value columns)",
                )
            return i
    raise SourceFormatError(
        path,
        f"no column header in the first {HEADER_SEARCH_LINES} lines",
        expected="a line ';;;;Insgesamt;männlich;weiblich' after the title block "
        f"(GENESIS CSV export of table {TABLE})",
    )


def _is_data(fields: list[str]) -> bool:
    return len(fields) >= 1 and bool(DATE.fullmatch(fields[0].strip()))


def _data_lines(path: Path, lines: list[list[str]], start: int) -> list[tuple[int, list[str]]]:
    return genesis.data_lines(
        path,
        lines,
        start,
        is_data=_is_data,
        column_names=COLUMN_NAMES,
        example="lines 'DD.MM.YYYY;key;name;…'",
    )


def _band(path: Path, label: str, line: int) -> str | None:
    """Band id of an age-group label; None for the total line."""
    t = " ".join(label.split())
    if t.lower() == "insgesamt":
        return None
    bounds: tuple[int, int | None] | None = None
    if m := BETWEEN.fullmatch(t):
        bounds = (int(m.group(1)), int(m.group(2)))
    elif m := UNDER.fullmatch(t):
        bounds = (0, int(m.group(1)))
    elif m := AND_OVER.fullmatch(t):
        bounds = (int(m.group(1)), None)
    if bounds not in BANDS:
        raise SourceFormatError(
            path,
            "unknown age group",
            line=line,
            column=4,
            value=label,
            expected="one of the 17 groups 'unter 3 Jahre', '3 bis unter 6 Jahre', …, "
            "'65 bis unter 75 Jahre', '75 Jahre und mehr', or 'Insgesamt'",
        )
    return BANDS[bounds]


def _key(path: Path, raw: str, line: int) -> str:
    return regional_key(
        path,
        raw,
        line,
        2,
        KEY_LENGTHS,
        "8 digits (Gemeinde), 5 (Kreis), 2 (Land) or DG (Deutschland), as text with leading zeros",
    )


def _count(path: Path, raw: str, line: int, column: int) -> tuple[float, str | None]:
    return genesis.count(path, raw, line, column, COLUMN_NAMES[column - 1])


def _observations(path: Path, rows: list[tuple[int, list[str]]]) -> tuple[pd.DataFrame, str]:
    periods: set[str] = set()
    seen: dict[tuple[str, str, str], int] = {}
    parsed: list[tuple[str, str, str, tuple[float, str | None], tuple[float, str | None]]] = []
    for line, f in rows:
        period = german_date_to_iso(f[0])
        if period is None:  # pragma: no cover - DATE matched already
            raise SourceFormatError(path, "bad date", line=line, column=1, value=f[0])
        key = _key(path, f[1], line)
        band = _band(path, f[3], line)
        ident = (key, period, band or "Insgesamt")
        if ident in seen:
            raise SourceFormatError(
                path,
                f"age group twice for this unit and date (first in line {seen[ident]})",
                line=line,
                column=4,
                value=f"{key} {f[3].strip()}",
                expected="each unit, date and age group once",
            )
        seen[ident] = line
        _count(path, f[4], line, 5)  # the total column is checked, not stored
        male, female = _count(path, f[5], line, 6), _count(path, f[6], line, 7)
        periods.add(period)
        if band is not None:
            parsed.append((key, period, band, male, female))
    gemeinde_kreise = {k[:5] for k, *_ in parsed if len(k) == 8}
    ags, ind, per, val, flag = [], [], [], [], []
    for key, period, band, male, female in parsed:
        keys = [key, f"{key}000"] if len(key) == 5 and key not in gemeinde_kreise else [key]
        for sex, (v, fl) in (("male", male), ("female", female)):
            for k in keys:
                ags.append(k)
                ind.append(f"population_{sex}_age_{band}")
                per.append(period)
                val.append(v)
                flag.append(fl)
    return observation_frame(ags, ind, per, val, flag), max(periods)
