"""BA Pendleratlas CSV exports (Kreis × Kreis commuter flows), as the BA ships them.

Layout (see ../shared/data/README.md): UTF-8 with BOM, ``;``-separated, every field quoted.
A header block of key/value rows (``"Land";…``, ``"Berichtsmonat";"Juni 2023"``,
``"Thema:";"Auspendler Kreise"``), then the column row ``Wohnort;Regionalschlüssel;Arbeitsort;
Regionalschlüssel;Insgesamt;Männer;Frauen;Deutsche;Ausländer;Auszubildende`` (Einpendler
files start with ``Arbeitsort``), the data rows, a blank row and a footer starting with
``"Exportdatum: "``. Numbers may carry thousands dots (``275.210``) or not (``275210``).

Output: flows (level ``kreis``; Auspendler → ``reported_by`` residence, Einpendler →
workplace; six groups). ``… insgesamt`` rows (partner key ``0``) become observations
``out_commuters[.group]`` / ``in_commuters[.group]`` of the block Kreis. ``Übrige …`` rows
(partner keys like ``010xx``) stay flows with the key as published and flag ``pooled``.
A marker instead of a number (``*``, ``-``, ``.``, ``x``) gives persons NULL and the marker
as flag (it wins over ``pooled``). Partners abroad keep the BA's country code as key
(``A``, ``CH``, ``PL`` …), unflagged.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import (
    FLAG_POOLED,
    FLOW_COLUMNS,
    FLOW_GROUPS,
    MARKERS,
    OBSERVATION_COLUMNS,
)
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import (
    ba_attribution,
    ba_official,
    content_sha256,
    decode,
    german_month_to_date,
    provenance,
    read_bytes,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "ba-pendleratlas-csv"
PRODUCT = "Pendleratlas"
OFFICIAL = ba_official(PRODUCT)
VALUE_COLUMNS = ["Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende"]
KEY = "Regionalschlüssel"
HEADERS = {
    "residence": ["Wohnort", KEY, "Arbeitsort", KEY, *VALUE_COLUMNS],
    "workplace": ["Arbeitsort", KEY, "Wohnort", KEY, *VALUE_COLUMNS],
}
INDICATOR = {"residence": "out_commuters", "workplace": "in_commuters"}
TOTAL_NAME = {"residence": "Auspendler insgesamt", "workplace": "Einpendler insgesamt"}
THEMA = {"residence": "Auspendler Kreise", "workplace": "Einpendler Kreise"}
POOLED_KEY = re.compile(r"\d{3}xx")
KREIS_KEY = re.compile(r"\d{5}")
COUNTRY_KEY = re.compile(r"[A-Z]{1,3}")  # partner abroad, international vehicle code (A, CH, PL)
_PARTNER = re.compile(r"\d{5}|\d{3}xx|[A-Z]{1,3}|0")
NUMBER = re.compile(r"\d{1,3}(\.\d{3})+|\d+")
N_COLS = 10
_ANY_MARKER = re.compile(r"[^\d.\n]|(?:^|\n)\.(?:\n|$)")


def sniff(path: Path) -> bool:
    """A BA Pendleratlas export: the first line is ``"Land";…`` and 'Pendler' appears early."""
    name = path.name.lower()
    if not (name.endswith(".csv") or name.endswith(".csv.gz")):
        return False
    try:
        head = read_bytes(path)[:4096].removeprefix(b"\xef\xbb\xbf")
    except (OSError, SourceFormatError):
        return False
    return head.startswith(b'"Land";') and b"Regionale Ebene" in head and b"pendler" in head


def read(path: Path, encoding: str = "utf-8") -> SourceData:
    path = Path(path)
    data = read_bytes(path)
    text = decode(path, data, encoding, "UTF-8 (with BOM)")
    lines = text.splitlines()
    meta, header_idx, direction = _header(path, lines)
    footer_idx = _footer(path, lines, header_idx)
    rows = _rows(path, lines, header_idx + 1, footer_idx)
    if meta.get("Regionale Ebene", "Kreise") != "Kreise":
        raise SourceFormatError(
            path,
            "not a Kreis-level export",
            value=meta.get("Regionale Ebene"),
            expected='"Regionale Ebene";"Kreise" (Gemeinde flows come as krpend workbooks)',
        )
    period = german_month_to_date(meta.get("Berichtsmonat", ""))
    if period is None:
        raise SourceFormatError(
            path,
            "no reference month in the header block",
            value=meta.get("Berichtsmonat"),
            expected='a row "Berichtsmonat";"<Monat> <Jahr>", e.g. "Juni 2023"',
        )
    flows, observations = _canonical(path, rows, header_idx + 2, direction, period)
    prov = provenance(
        path,
        OFFICIAL,
        attribution=ba_attribution(PRODUCT, period),
    )
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=period,
        flows=flows,
        observations=observations,
        notes=[f"{meta.get('Thema:', '')} – {meta.get('Land', '')}".strip(" –")],
    )


def _header(path: Path, lines: list[str]) -> tuple[dict[str, str], int, str]:
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:40]):
        cells = next(csv.reader([line], delimiter=";"), [])
        if cells and cells[0] in ("Wohnort", "Arbeitsort"):
            direction = "residence" if cells[0] == "Wohnort" else "workplace"
            expected = HEADERS[direction]
            for col, (found, want) in enumerate(zip(cells, expected, strict=False), start=1):
                if found != want:
                    raise SourceFormatError(
                        path,
                        "unexpected column header",
                        line=i + 1,
                        column=col,
                        value=found,
                        expected=f"{want!r} (column row {';'.join(expected)})",
                    )
            if len(cells) != len(expected):
                raise SourceFormatError(
                    path,
                    f"column row has {len(cells)} columns",
                    line=i + 1,
                    value=";".join(cells),
                    expected=f"{len(expected)}: {';'.join(expected)}",
                )
            thema = meta.get("Thema:")
            if thema is not None and thema != THEMA[direction]:
                raise SourceFormatError(
                    path,
                    "the topic does not match the column row",
                    line=i + 1,
                    value=thema,
                    expected=THEMA[direction],
                )
            return meta, i, direction
        if len(cells) >= 2 and cells[0]:
            meta[cells[0]] = cells[1]
    raise SourceFormatError(
        path,
        "no column row found in the first 40 lines",
        expected='a row starting "Wohnort";"Regionalschlüssel" or "Arbeitsort";"Regionalschlüssel"',
    )


def _footer(path: Path, lines: list[str], header_idx: int) -> int:
    """Index of the first footer line (the blank row before 'Exportdatum')."""
    for i in range(len(lines) - 1, header_idx, -1):
        if lines[i].startswith('"Exportdatum'):
            j = i
            while j - 1 > header_idx and lines[j - 1].strip() in ("", '""'):
                j -= 1
            return j
    raise SourceFormatError(
        path,
        "the file ends without the BA footer (truncated?)",
        line=len(lines),
        value=lines[-1][:60] if lines else "",
        expected='data rows followed by a footer row "Exportdatum: …"',
    )


_VALUE = r'"(\d{1,3}(?:\.\d{3})+|\d+|[-.x*/…])"'
_ROW = re.compile(
    r'^"([^"\n]*)";"(\d{5})";"([^"\n]*)";"(\d{5}|\d{3}xx|[A-Z]{1,3}|0)";'
    + ";".join([_VALUE] * 6)
    + r"$",
    re.MULTILINE,
)


def _rows(path: Path, lines: list[str], start: int, stop: int) -> np.ndarray:
    """Data rows as an (n, 10) object array; one regex pass, a precise error on a bad row."""
    if stop <= start:
        raise SourceFormatError(path, "no data rows", line=start + 1, expected="data rows")
    block = lines[start:stop]
    found = _ROW.findall("\n".join(block))
    if len(found) != len(block):
        for offset, line in enumerate(block):
            if not _ROW.fullmatch(line):
                _explain_bad_row(path, line, start + offset + 1)
        raise AssertionError("unreachable: a row failed the regex but passed every check")
    return np.array(found, dtype=object)


def _explain_bad_row(path: Path, line: str, lineno: int) -> None:
    row = next(csv.reader([line], delimiter=";"), [])
    if len(row) != N_COLS or not line.endswith('"'):
        raise SourceFormatError(
            path,
            f"data row has {len(row)} fields (cut or changed line)",
            line=lineno,
            value=line[:80],
            expected=f"{N_COLS} quoted fields",
        )
    if not KREIS_KEY.fullmatch(row[1]):
        raise SourceFormatError(
            path,
            "bad Kreis key",
            line=lineno,
            column=2,
            value=row[1],
            expected="a 5-digit Regionalschlüssel",
        )
    if not _PARTNER.fullmatch(row[3]):
        raise SourceFormatError(
            path,
            "bad partner key",
            line=lineno,
            column=4,
            value=row[3],
            expected='a 5-digit key, a pooled key like "064xx", a country code like "CH" or "0"',
        )
    for col in range(4, N_COLS):
        if not (NUMBER.fullmatch(row[col]) or row[col] in MARKERS):
            raise SourceFormatError(
                path,
                "not a number",
                line=lineno,
                column=col + 1,
                value=row[col],
                expected=f"a count for {VALUE_COLUMNS[col - 4]!r} (digits, optionally with "
                f"thousands dots) or a marker {' '.join(MARKERS)}",
            )
    raise SourceFormatError(
        path,
        "malformed data row",
        line=lineno,
        value=line[:80],
        expected="10 fields, each in double quotes, separated by ';'",
    )


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _canonical(
    path: Path, rows: np.ndarray, first_line: int, direction: str, period: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    block, partner_name, partner = rows[:, 1], rows[:, 2], rows[:, 3]
    is_total = (partner == "0") & (partner_name == TOTAL_NAME[direction])
    bad_total = (partner == "0") & ~is_total
    if bad_total.any():
        i = _first_bad(bad_total)
        raise SourceFormatError(
            path,
            "key 0 on a row that is not the total",
            line=first_line + i,
            column=3,
            value=partner_name[i],
            expected=TOTAL_NAME[direction],
        )
    is_pooled = np.array([k.endswith("xx") for k in partner], dtype=bool)
    dup = pd.DataFrame({"b": block, "p": partner}).duplicated().to_numpy()
    if dup.any():
        i = _first_bad(dup)
        raise SourceFormatError(
            path,
            "duplicate pair of places",
            line=first_line + i,
            column=4,
            value=f"{block[i]} / {partner[i]}",
            expected="each pair once",
        )
    raw = rows[:, 4:]
    joined = "\n".join(raw.reshape(-1).tolist())
    if _ANY_MARKER.search(joined):  # the regex admitted digits, dotted digits or a marker
        is_marker = np.isin(raw, list(MARKERS))
        joined = "\n".join(np.where(is_marker, "nan", raw).reshape(-1).tolist())
    else:
        is_marker = np.zeros(raw.shape, dtype=bool)
    parts = joined.replace(".", "").split("\n")
    values = np.fromiter(map(float, parts), dtype=float, count=len(parts)).reshape(raw.shape)
    flags = np.where(is_marker, raw, np.array(None, dtype=object))
    total_mask = is_total
    flows = _long_flows(rows, values, flags, ~total_mask, is_pooled, direction, period)
    observations = _long_totals(rows, values, flags, total_mask, direction, period)
    return flows, observations


def _long_flows(
    rows: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    mask: np.ndarray,
    pooled: np.ndarray,
    direction: str,
    period: str,
) -> pd.DataFrame:
    block = rows[mask, 1]
    partner = rows[mask, 3]
    origin, destination = (block, partner) if direction == "residence" else (partner, block)
    n = int(mask.sum())
    flag = flags[mask].copy()
    pooled_rows = np.repeat(pooled[mask][:, None], 6, axis=1)
    flag[pooled_rows & (flag == None)] = FLAG_POOLED  # noqa: E711 (elementwise)
    out = pd.DataFrame(
        {
            "origin": np.tile(origin, 6),
            "destination": np.tile(destination, 6),
            "period": period,
            "grp": np.repeat(np.array(FLOW_GROUPS, dtype=object), n),
            "reported_by": direction,
            "level": "kreis",
            "persons": values[mask].T.reshape(-1),
            "flag": pd.Series(flag.T.reshape(-1), dtype=object),
        }
    )
    for c in ("origin", "destination", "period", "grp", "reported_by", "level"):
        out[c] = out[c].astype("str")
    return out[FLOW_COLUMNS]


def _long_totals(
    rows: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    mask: np.ndarray,
    direction: str,
    period: str,
) -> pd.DataFrame:
    base = INDICATOR[direction]
    names = [base] + [f"{base}.{g}" for g in FLOW_GROUPS[1:]]
    block = rows[mask, 1]
    n = int(mask.sum())
    out = pd.DataFrame(
        {
            "ags": np.tile(block, 6).astype(str),
            "indicator": np.repeat(np.array(names, dtype=object), n).astype(str),
            "period": period,
            "value": values[mask].T.reshape(-1),
            "flag": pd.Series(flags[mask].T.reshape(-1), dtype=object),
        }
    )
    return out[OBSERVATION_COLUMNS]


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the file's content, gzip decompressed."""
    return content_sha256(path)
