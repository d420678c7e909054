"""Write BA ``krpend-LL-0-YYYYMM.xlsx`` workbooks (layout: docs/formats/krpend.md).

One workbook per Land with the sheets ``Auspendler Gemeinden``, ``Einpendler Gemeinden``,
``Auspendler Kreise``, ``Einpendler Kreise`` (blocks = the Land's own units, partners
anywhere) and an ``Impressum``. xlsxwriter in constant-memory mode streams the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from regionatlas.synth.model import Country
from regionatlas.synth.publish import (
    GROUP_COLUMNS,
    SMALL_CELL,
    THRESHOLD,
    VALUE_COLUMNS,
    Sheet,
    kreis_flows,
    publish_sheet,
)

HEADER_GROUPS = ("Insgesamt", "Männer", "Frauen", "Deutsche", "Ausländer", "Auszubildende")
CREATED = datetime(2024, 1, 31, 12, 0, 0)  # fixed, so that equal seeds give equal bytes


def title_line(seed: int) -> str:
    return f"SYNTHETISCHE DATEN – synthetic data (regionatlas synth, seed {seed})"


def publish_all(country: Country) -> list[Sheet]:
    """The four published sheets for the whole country (pure)."""
    gm, d = country.municipalities, country.districts
    gnames = dict(zip(gm["ags"], gm["name"], strict=True))
    knames = dict(zip(d["kreis"], d["name"], strict=True))
    kf = kreis_flows(country.flows)
    return [
        publish_sheet(country.flows, gnames, knames, level="gemeinde", outgoing=True),
        publish_sheet(country.flows, gnames, knames, level="gemeinde", outgoing=False),
        publish_sheet(kf, knames, knames, level="kreis", outgoing=True),
        publish_sheet(kf, knames, knames, level="kreis", outgoing=False),
    ]


def _cells(sheet: Sheet, lo: int, hi: int) -> Iterator[list[object]]:
    """Rows lo..hi-1 of a sheet as cell values (A/B only on a block's first row)."""
    r = sheet.rows.iloc[lo:hi]
    blocks = r["block_key"].to_numpy()
    first = np.ones(len(r), dtype=bool)
    first[1:] = blocks[1:] != blocks[:-1]
    names = r["block_name"].to_numpy()
    pkeys = r["partner_key"].to_numpy()
    pnames = r["partner_name"].to_numpy()
    vals = r[list(VALUE_COLUMNS)].to_numpy()
    star = sheet.star.iloc[lo:hi][list(VALUE_COLUMNS)].to_numpy()
    for k in range(len(r)):
        row: list[object] = [blocks[k], names[k]] if first[k] else [None, None]
        row.append(pkeys[k] or None)
        row.append(pnames[k])
        for c in range(len(VALUE_COLUMNS)):
            v = int(vals[k, c])
            row.append("*" if star[k, c] else ("-" if v == 0 else v))
        yield row


def _write_sheet(
    wb: xlsxwriter.Workbook,
    sheet: Sheet,
    lo: int,
    hi: int,
    land_name: str,
    seed: int,
    stichtag: date,
    fmt: dict[str, object],
) -> int:
    ws = wb.add_worksheet(sheet.name)
    ws.set_column(0, 0, 11)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 11)
    ws.set_column(3, 3, 44)
    ws.set_column(4, 9, 12)
    kind = "Gemeindegrenzen" if sheet.name.endswith("Gemeinden") else "Kreisgrenzen"
    side = "Wohnort" if sheet.block_label == "Wohnort" else "Arbeitsort"
    title = [
        title_line(seed),
        f"Sozialversicherungspflichtig Beschäftigte – Pendler über {kind}",
        land_name,
        f"Stichtag: {stichtag.strftime('%d.%m.%Y')}",
        None,
        f"{sheet.name}: {side} in {land_name}, Gegenseite in ganz Synthdeutschland",
        f"Partner mit weniger als {THRESHOLD} Pendlern sind in „Übrige …“-Zeilen "
        f"zusammengefasst; * = Wert unter {SMALL_CELL} anonymisiert; - = nichts vorhanden.",
        None,
    ]
    row = 0
    for text in title:
        if text is not None:
            ws.write_string(row, 0, text, fmt["bold"] if row == 0 else None)
        row += 1
    header = [
        sheet.block_label,
        f"Name {sheet.block_label}",
        sheet.partner_label,
        f"Name {sheet.partner_label}",
        *HEADER_GROUPS,
    ]
    ws.write_row(row, 0, header, fmt["bold"])
    row += 1
    for cells in _cells(sheet, lo, hi):
        ws.write_row(row, 0, cells)
        row += 1
    footer = [
        None,
        "© Statistik der Bundesagentur für Arbeit (Tabellenformat) – die Zahlen sind "
        "synthetisch (regionatlas synth), keine amtliche Statistik",
        "Aus Datenschutzgründen werden Werte kleiner 3 anonymisiert (*); kleine Partner sind "
        "zusammengefasst.",
        f"Erstellungsdatum: {CREATED.strftime('%d.%m.%Y')}",
    ]
    for text in footer:
        if text is not None:
            ws.write_string(row, 0, text)
        row += 1
    return hi - lo


def _block_ranges(sheet: Sheet, land_of_block: pd.Series) -> dict[str, tuple[int, int]]:
    """Row range per Land: rows are sorted by block key, so each Land is contiguous."""
    lands = land_of_block.to_numpy()
    out: dict[str, tuple[int, int]] = {}
    if len(lands) == 0:
        return out
    change = np.flatnonzero(lands[1:] != lands[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(lands)]])
    for s, e in zip(starts, ends, strict=True):
        out[str(lands[s])] = (int(s), int(e))
    return out


def _write_workbook(
    path: Path, land_name: str, seed: int, stichtag: date, parts: list[Sheet]
) -> Path:
    """One Land's workbook: the four data sheets (rows of this Land only) and Impressum."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties(
        {
            "title": f"Pendler {land_name} – synthetische Daten",
            "subject": title_line(seed),
            "author": "regionatlas synth",
            "comments": "Synthetic data in the layout of BA krpend workbooks; "
            "not official statistics.",
            "created": CREATED,
        }
    )
    fmt = {"bold": wb.add_format({"bold": True})}
    for part in parts:
        _write_sheet(wb, part, 0, len(part.rows), land_name, seed, stichtag, fmt)
    imp = wb.add_worksheet("Impressum")
    imp.write_string(0, 0, title_line(seed), fmt["bold"])
    imp.write_string(
        1,
        0,
        "Erzeugt von regionatlas synth; keine amtliche Statistik. "
        "Generated by regionatlas synth; not official statistics.",
    )
    imp.write_string(2, 0, f"Gruppen: {', '.join(GROUP_COLUMNS)}")
    wb.close()
    return path


def write_krpend(
    country: Country,
    directory: Path,
    stichtag: date,
    sheets: list[Sheet] | None = None,
    workers: int = 1,
) -> list[Path]:
    """Write one ``krpend-LL-0-YYYYMM.xlsx`` per Land; returns the paths.

    ``workers > 1`` writes several workbooks at once in worker processes (same bytes).
    """
    directory.mkdir(parents=True, exist_ok=True)
    sheets = sheets if sheets is not None else publish_all(country)
    ranges = [_block_ranges(s, s.rows["block_key"].str[:2]) for s in sheets]
    jobs: list[tuple[Path, str, int, date, list[Sheet]]] = []
    for land, lname in zip(country.states["land"], country.states["name"], strict=True):
        path = directory / f"krpend-{land}-0-{stichtag.strftime('%Y%m')}.xlsx"
        parts = []
        for sheet, rng in zip(sheets, ranges, strict=True):
            lo, hi = rng.get(land, (0, 0))
            parts.append(
                Sheet(
                    sheet.name,
                    sheet.block_label,
                    sheet.partner_label,
                    sheet.rows.iloc[lo:hi],
                    sheet.star.iloc[lo:hi],
                )
            )
        jobs.append((path, lname, country.seed, stichtag, parts))
    if workers <= 1:
        return [_write_workbook(*job) for job in jobs]
    # biggest first, so that the workers finish at about the same time
    order = sorted(range(len(jobs)), key=lambda k: -sum(len(p.rows) for p in jobs[k][4]))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(_write_workbook, *jobs[k]) for k in order}
        return [futures[k].result() for k in range(len(jobs))]
