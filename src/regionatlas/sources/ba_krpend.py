"""BA ``krpend`` workbooks: municipal and district commuter flows (.xlsx, .xlsb, or a .zip).

Binding layout: docs/formats/krpend.md. Four data sheets (``Auspendler Gemeinden``,
``Einpendler Gemeinden``, ``Auspendler Kreise``, ``Einpendler Kreise``), each with a title
block (with ``Stichtag: 30.06.YYYY``), a column-header row (A starts with ``Wohnort`` or
``Arbeitsort``), an optional sub-header row, data rows whose block columns A/B are filled only
on the first row of a block, and a footer starting with a blank row.

Output: flows (level gemeinde/kreis, reported_by residence/workplace, six groups) and
observations ``out_commuters[.group]`` / ``in_commuters[.group]`` from the ``Insgesamt`` rows.
``Übrige …`` rows keep their key (``Übrige:<block>`` when empty; a second empty-key pooled row
in the same block gets ``Übrige:<block>:2``) with flag ``pooled``; ``*`` and other markers give
persons NULL with the marker as flag (it wins over ``pooled``). Self-flows (partner = block)
are flows like any other. The batch hash is over the workbook's bytes (inside a zip: the
member's bytes, so the zip and the bare workbook are the same batch).

Speed: calamine reads the sheet into Python lists once; everything after is numpy/pandas.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
from regionatlas.sources._ba_workbook import (
    cell_text,
    open_workbook,
    sheet_names,
    title_info,
    workbook_sha256,
)
from regionatlas.sources._common import (
    ba_attribution,
    ba_official,
    german_date_to_iso,
    provenance,
    sha256_bytes,
    source_data,
)

FORMAT_ID = "ba-krpend"
PRODUCT = "Pendlerverflechtungen"
OFFICIAL = ba_official(PRODUCT)
SHEETS = {  # sheet -> (level, reported_by, key length)
    "Auspendler Gemeinden": ("gemeinde", "residence", 8),
    "Einpendler Gemeinden": ("gemeinde", "workplace", 8),
    "Auspendler Kreise": ("kreis", "residence", 5),
    "Einpendler Kreise": ("kreis", "workplace", 5),
}
FIRST_HEADER = {"residence": ("Wohnort", "Arbeitsort"), "workplace": ("Arbeitsort", "Wohnort")}
VALUE_HEADERS = (
    ("Insgesamt",),
    ("Männer",),
    ("Frauen",),
    ("Deutsche",),
    ("Ausländer",),
    ("Auszubildende", "Azubis"),
)
INDICATOR = {"residence": "out_commuters", "workplace": "in_commuters"}
COLUMN_LETTERS = "ABCDEFGHIJ"
NAME_RE = re.compile(r"krpend-\d{2}-\d-(?P<year>\d{4})(?P<month>\d{2})", re.IGNORECASE)
POOLED_KEY = re.compile(r"\d*x*")  # empty, "06611xxx", "064xx"
COUNTRY_KEY = re.compile(r"[A-Z]{1,3}")


def sniff(path: Path) -> bool:
    return bool(sheet_names(path) & set(SHEETS))


def read(path: Path) -> SourceData:
    path = Path(path)
    book, data, inner_name = open_workbook(path)
    present = [s for s in book.sheet_names if s in SHEETS]
    if not present:
        raise SourceFormatError(
            path,
            "no krpend data sheet",
            value=", ".join(book.sheet_names),
            expected="sheets " + ", ".join(SHEETS),
        )
    flows, observations, periods = [], [], set()
    synthetic_seed: str | None = None
    for sheet_name in present:
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise SourceFormatError(
                path,
                f"sheet {sheet_name!r} cannot be read ({exc}); truncated?",
                expected="a complete worksheet",
            ) from None
        f, o, period, seed = _read_sheet(path, sheet_name, rows, inner_name)
        flows.append(f)
        observations.append(o)
        periods.add(period)
        synthetic_seed = synthetic_seed or seed
    if len(periods) != 1:
        raise SourceFormatError(
            path,
            "sheets carry different reference dates",
            value=", ".join(sorted(periods)),
            expected="one Stichtag for the whole workbook",
        )
    period = periods.pop()
    prov = provenance(
        path,
        OFFICIAL,
        seed=synthetic_seed,
        attribution=ba_attribution(PRODUCT, period),
    )
    return source_data(
        FORMAT_ID,
        path,
        sha256_bytes(data),
        prov,
        vintage=period,
        flows=pd.concat(flows, ignore_index=True),
        observations=pd.concat(observations, ignore_index=True),
        notes=[f"sheets read: {', '.join(present)}"],
    )


def _read_sheet(
    path: Path, sheet: str, rows: Sequence[Sequence[object]], inner_name: str
) -> tuple[pd.DataFrame, pd.DataFrame, str, str | None]:
    level, direction, key_len = SHEETS[sheet]
    where = f"{path} [{sheet}]"
    header = _find_header(where, rows, direction)
    period, seed = _title_info(rows[:header], inner_name, where)
    start = header + 1
    if start < len(rows) and _is_subheader(rows[start]):
        start += 1
    footer = next(
        (
            i
            for i in range(len(rows) - 1, max(start, len(rows) - 30) - 1, -1)
            if any(cell_text(c).startswith("©") for c in rows[i][:3])
        ),
        None,
    )
    if footer is None:
        raise SourceFormatError(
            where,
            "the sheet ends without the BA footer (truncated?)",
            line=len(rows),
            expected="a blank row and '© Statistik der Bundesagentur für Arbeit' after the data",
        )
    stop = footer
    while stop > start and not any(cell_text(c) for c in rows[stop - 1][:10]):
        stop -= 1
    if stop == start:
        raise SourceFormatError(where, "no data rows", line=start + 1, expected="data rows")
    block = rows[start:stop]
    if any(len(r) < 10 for r in (block[0], block[-1])):  # calamine rows are rectangular
        block = [(list(r) + [""] * 10)[:10] for r in block]
    f, o = _canonical(where, block, start + 1, level, direction, key_len, period)
    return f, o, period, seed


def _find_header(where: str, rows: Sequence[Sequence[object]], direction: str) -> int:
    first, third = FIRST_HEADER[direction]
    for i, row in enumerate(rows[:40]):
        a = cell_text(row[0]) if row else ""
        if not a.startswith(("Wohnort", "Arbeitsort")):
            continue
        cells = [cell_text(c) for c in (list(row) + [""] * 10)[:10]]
        if not a.startswith(first):
            raise SourceFormatError(
                where,
                "column header does not fit the sheet",
                line=i + 1,
                column="A",
                value=a,
                expected=f"{first!r} (block column of this sheet)",
            )
        if not cells[2].startswith(third):
            raise SourceFormatError(
                where,
                "unexpected column header",
                line=i + 1,
                column="C",
                value=cells[2],
                expected=f"a cell starting with {third!r}",
            )
        for j, names in enumerate(VALUE_HEADERS):
            if not cells[4 + j].startswith(names):
                raise SourceFormatError(
                    where,
                    "unexpected column header",
                    line=i + 1,
                    column=COLUMN_LETTERS[4 + j],
                    value=cells[4 + j],
                    expected=" or ".join(repr(n) for n in names),
                )
        return i
    raise SourceFormatError(
        where,
        "no column header row in the first 40 rows",
        expected=f"a row whose first cell starts with {first!r} and third with {third!r}",
    )


def _is_subheader(row: Sequence[object]) -> bool:
    cells = [cell_text(c) for c in (list(row) + [""] * 10)[:10]]
    e = cells[4]
    return not (e.isdigit() or e in MARKERS) and not cells[3]


def _title_info(
    rows: Sequence[Sequence[object]], inner_name: str, where: str
) -> tuple[str, str | None]:
    return title_info(
        where,
        (cell_text(cell) for row in rows for cell in row[:3]),
        lambda t: german_date_to_iso(t) if "Stichtag" in t else None,
        inner_name,
        NAME_RE,
        "a title row 'Stichtag: 30.06.YYYY' or a name krpend-LL-0-YYYYMM",
    )


def _key(v: object, key_len: int) -> str:
    """Key cell as text; a numeric cell (lost leading zero) is padded to the key length."""
    if type(v) is str:
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return str(int(v)).zfill(key_len)
    if isinstance(v, int):
        return str(v).zfill(key_len)
    return "" if v is None else str(v).strip()


def _key_series(col: np.ndarray, key_len: int) -> pd.Series:
    """Key column as text; all-text columns (the normal case) pass without per-cell work."""
    if pd.api.types.infer_dtype(col, skipna=False) == "string":
        return pd.Series(col, dtype=object)
    return pd.Series([_key(v, key_len) for v in col], dtype=object)


def _canonical(
    where: str,
    block: Sequence[Sequence[object]],
    first_line: int,
    level: str,
    direction: str,
    key_len: int,
    period: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    try:  # calamine's rows are rectangular: one C-level conversion
        grid = np.array(block, dtype=object)
    except ValueError:
        grid = np.array([(list(r) + [""] * 10)[:10] for r in block], dtype=object)
    if grid.ndim != 2 or grid.shape[1] < 10:
        grid = np.array([(list(r) + [""] * 10)[:10] for r in block], dtype=object)
    cols = [grid[:, j] for j in range(10)]
    # a row without partner name and total is blank (anything else in it fails below)
    blank = np.logical_and.reduce([(col == "") | (col == None) for col in (cols[3], cols[4])])  # noqa: E711
    _raise_first(
        where,
        blank,
        first_line,
        "A",
        pd.Series([""] * len(blank)),
        "blank row inside the data",
        "data rows up to the footer",
    )
    a = _key_series(cols[0], key_len)
    a = a.where(a != "").ffill()
    if pd.isna(a.iloc[0]):
        raise SourceFormatError(
            where,
            "the first data row has no block key",
            line=first_line,
            column="A",
            expected=f"a {key_len}-digit key",
        )
    c = _key_series(cols[2], key_len)
    key_ok = _is_key(a, key_len)
    _raise_first(
        where, ~key_ok, first_line, "A", a, "bad block key (unknown AGS)", f"{key_len} digits"
    )
    is_unit = _is_key(c, key_len)
    odd = np.flatnonzero(~is_unit)
    is_total = np.zeros(len(c), dtype=bool)
    is_pooled = np.zeros(len(c), dtype=bool)
    for i in odd:  # few rows: totals, pooled rows, partners abroad
        key, name = c.iloc[i], cell_text(cols[3][i])
        if key == "" and name.lower() == "insgesamt":
            is_total[i] = True
        elif name.startswith("Übrige") and POOLED_KEY.fullmatch(key):
            is_pooled[i] = True
        elif not COUNTRY_KEY.fullmatch(key):
            raise SourceFormatError(
                where,
                "bad partner key (unknown AGS)",
                line=first_line + int(i),
                column="C",
                value=key,
                expected=f"{key_len} digits, a pooled 'Übrige …' row or an empty "
                "key with 'Insgesamt'",
            )
    empty_pooled = is_pooled & (c == "").to_numpy()
    if empty_pooled.any():
        nth = pd.Series(empty_pooled).groupby(a.to_numpy()).cumsum().to_numpy()
        for i in np.flatnonzero(empty_pooled):
            c.iloc[i] = f"Übrige:{a.iloc[i]}" + (f":{nth[i]}" if nth[i] > 1 else "")
    pair = pd.DataFrame({"a": a, "c": c.where(~is_total, "#total")})
    _raise_first(
        where,
        pair.duplicated().to_numpy(),
        first_line,
        "C",
        c,
        "duplicate pair of places",
        "each pair once",
    )
    values = np.empty((len(c), 6))
    flags = np.full((len(c), 6), None, dtype=object)
    for j in range(6):
        letter = COLUMN_LETTERS[4 + j]
        col = pd.Series(cols[4 + j], dtype=object)
        is_marker = col.isin(MARKERS).to_numpy()
        num = pd.to_numeric(col.where(~is_marker), errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = (np.isnan(num) & ~is_marker) | (num < 0) | (np.mod(num, 1) > 0)
        _raise_first(
            where,
            bad,
            first_line,
            letter,
            col,
            "not a count",
            f"a whole number for {VALUE_HEADERS[j][0]!r} or a marker " + " ".join(MARKERS),
        )
        values[:, j] = num
        flags[is_marker, j] = col[is_marker].to_numpy()
    total = is_total
    a_arr, c_arr = a.to_numpy(dtype=object), c.to_numpy(dtype=object)
    flows = _flows(
        a_arr[~total],
        c_arr[~total],
        values[~total],
        flags[~total],
        is_pooled[~total],
        level,
        direction,
        period,
    )
    obs = _totals(a_arr[total], values[total], flags[total], direction, period)
    return flows, obs


def _is_key(keys: pd.Series, key_len: int) -> np.ndarray:
    """Vectorised 'exactly key_len ASCII digits' (no per-cell regex)."""
    arr = np.array(keys.to_numpy(dtype=object), dtype=str)
    ok = (np.strings.str_len(arr) == key_len) & np.strings.isdecimal(arr)
    if not "".join(arr.tolist()).isascii():  # rare: non-ASCII digits are no AGS
        ok &= np.array([k.isascii() for k in arr.tolist()], dtype=bool)
    result: np.ndarray = ok
    return result


def _raise_first(
    where: str,
    mask: pd.Series,
    first_line: int,
    column: str,
    values: pd.Series,
    problem: str,
    expected: str,
) -> None:
    arr = np.asarray(mask, dtype=bool)
    if arr.any():
        i = int(np.flatnonzero(arr)[0])
        raise SourceFormatError(
            where,
            problem,
            line=first_line + i,
            column=column,
            value=values.iloc[i],
            expected=expected,
        )


def _flows(
    block: np.ndarray,
    partner: np.ndarray,
    values: np.ndarray,
    flags: np.ndarray,
    pooled: np.ndarray,
    level: str,
    direction: str,
    period: str,
) -> pd.DataFrame:
    n = len(block)
    origin, destination = (block, partner) if direction == "residence" else (partner, block)
    flag = flags.copy()
    flag[np.repeat(pooled[:, None], 6, axis=1) & (flag == None)] = FLAG_POOLED  # noqa: E711
    out = pd.DataFrame(
        {
            "origin": np.tile(origin, 6),
            "destination": np.tile(destination, 6),
            "period": period,
            "grp": np.repeat(np.array(FLOW_GROUPS, dtype=object), n),
            "reported_by": direction,
            "level": level,
            "persons": values.T.reshape(-1),
            "flag": pd.Series(flag.T.reshape(-1), dtype=object),
        }
    )
    return out[FLOW_COLUMNS]


def _totals(
    block: np.ndarray, values: np.ndarray, flags: np.ndarray, direction: str, period: str
) -> pd.DataFrame:
    base = INDICATOR[direction]
    names = np.array([base] + [f"{base}.{g}" for g in FLOW_GROUPS[1:]], dtype=object)
    n = len(block)
    out = pd.DataFrame(
        {
            "ags": pd.array(np.tile(block, 6), dtype="str"),
            "indicator": pd.array(np.repeat(names, n), dtype="str"),
            "period": period,
            "value": values.T.reshape(-1),
            "flag": pd.Series(flags.T.reshape(-1), dtype=object),
        }
    )
    return out[OBSERVATION_COLUMNS]


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without reading the sheets (the
    workbook's bytes, taken out of a .zip)."""
    return workbook_sha256(path)
