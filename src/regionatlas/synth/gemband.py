"""Write the BA ``gemband`` workbook of the synthetic country (layout: docs/formats/gemband.md).

``gemband_table(country)`` (pure) gives the rows of the sheet ``Gemeindedaten``: Deutschland,
then per Land its row, per Kreis its row followed by its Gemeinden (a kreisfreie Stadt only
as its 5-digit row). Employees at residence and workplace, Wohnort gleich Arbeitsort, Ein-
and Auspendler come from the synthetic commuter flows (Gemeinde rows: across the Gemeinde
border; Kreis/Land rows: across their own border). Sex and nationality come from the flows
too; the three age groups and the number of Betriebe are not in the model and are drawn by
code (seeded, so deterministic). Values 1 and 2 are shown as ``*`` and 0 as ``-``, as the BA
does. ``write_gemband`` streams the rows with xlsxwriter.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from regionatlas.synth.krpend import CREATED, title_line
from regionatlas.synth.model import Country

SHEET = "Gemeindedaten"
VALUES = (
    "employed",
    "men",
    "women",
    "german",
    "foreign",
    "age_u20",
    "age_20_25",
    "age_55plus",
    "jobs",
    "internal",
    "in_commuters",
    "out_commuters",
    "establishments",
)
GROUP_HEADER = {
    2: "Sozialversicherungspflichtig Beschäftigte am Wohnort",
    10: "Sozialversicherungspflichtig Beschäftigte am Arbeitsort",
    14: "Zahl der Betriebe",
}
SUB_HEADER = {
    2: "Insgesamt",
    3: "Männer",
    4: "Frauen",
    5: "Deutsche",
    6: "Ausländer",
    7: "unter 20 Jahre",
    8: "20 bis unter 25 Jahre",
    9: "55 Jahre und älter",
    10: "Insgesamt",
    11: "Wohnort gleich Arbeitsort",
    12: "Einpendler",
    13: "Auspendler",
}
SMALL_CELL = 3  # values below are shown as "*"
# shares of the SV-employed at residence by age group (synthetic, drawn around these)
AGE_SHARES = {"age_u20": 0.025, "age_20_25": 0.07, "age_55plus": 0.24}
MEAN_ESTABLISHMENT_SIZE = 11.0  # synthetic: jobs per establishment, drawn around this


def _borders(flows: pd.DataFrame, width: int) -> pd.DataFrame:
    """Per unit (key = first ``width`` digits): residents, jobs, internal, in, out."""
    o = flows["origin"].str[:width]
    d = flows["destination"].str[:width]
    total = flows["total"]
    same = o.to_numpy() == d.to_numpy()
    res = total.groupby(o.to_numpy()).sum()
    work = total.groupby(d.to_numpy()).sum()
    internal = total[same].groupby(o[same].to_numpy()).sum()
    out = pd.DataFrame({"employed": res, "jobs": work}).fillna(0)
    out["internal"] = internal.reindex(out.index, fill_value=0)
    out["in_commuters"] = out["jobs"] - out["internal"]
    out["out_commuters"] = out["employed"] - out["internal"]
    groups = flows.groupby(o.to_numpy())[["men", "women", "german", "foreign"]].sum()
    out = out.join(groups).fillna(0)
    return out.astype(np.int64)


def _drawn(country: Country, gem: pd.DataFrame) -> pd.DataFrame:
    """Age groups and establishments per Gemeinde: not in the model, drawn by code."""
    rng = np.random.default_rng([country.seed, 0x6E6D])  # own stream: other files unchanged
    employed = gem["employed"].to_numpy()
    out = pd.DataFrame(index=gem.index)
    left = employed.copy()
    for name, share in AGE_SHARES.items():
        p = np.clip(rng.normal(share, share * 0.2, len(gem)), 0.0, 1.0)
        out[name] = np.minimum(rng.binomial(employed, p), left)
        left = left - out[name].to_numpy()
    jobs = gem["jobs"].to_numpy()
    size = MEAN_ESTABLISHMENT_SIZE * rng.lognormal(0.0, 0.25, len(gem))
    est = np.maximum(np.rint(jobs / size), (jobs > 0).astype(float)).astype(np.int64)
    out["establishments"] = est
    return out


def gemband_table(country: Country) -> pd.DataFrame:
    """The sheet's data rows in order: key, name and the thirteen values (integers)."""
    gm = country.municipalities.set_index("ags")
    gem = _borders(country.flows, 8).reindex(gm.index, fill_value=0)
    gem = gem.join(_drawn(country, gem))
    additive = ["men", "women", "german", "foreign", *AGE_SHARES, "establishments"]
    kreis_of = pd.Series(gm.index.str[:5], index=gm.index)
    parts = {}
    for width, key_of in ((5, kreis_of), (2, kreis_of.str[:2])):
        borders = _borders(country.flows, width)
        summed = gem[additive].groupby(key_of.to_numpy()).sum()
        parts[width] = borders.drop(columns=["men", "women", "german", "foreign"]).join(summed)
    de = parts[2].sum().to_frame().T
    de["internal"] = de["employed"] = de["jobs"] = int(country.flows["total"].sum())
    de["in_commuters"] = de["out_commuters"] = 0
    de.index = pd.Index([""])
    names_k = dict(zip(country.districts["kreis"], country.districts["name"], strict=True))
    free = dict(zip(country.districts["kreis"], country.districts["kreisfrei"], strict=True))
    names_l = dict(zip(country.states["land"], country.states["name"], strict=True))
    rows: list[tuple[str, str, pd.Series]] = [("", "Deutschland", de.iloc[0])]
    for land in sorted(names_l):
        rows.append((land, names_l[land], parts[2].loc[land]))
        for kreis in sorted(k for k in names_k if k[:2] == land):
            if kreis not in parts[5].index:
                continue
            rows.append((kreis, names_k[kreis], parts[5].loc[kreis]))
            if free[kreis]:
                continue
            for ags in gm.index[gm.index.str[:5] == kreis]:
                rows.append((ags, gm.at[ags, "name"], gem.loc[ags]))
    table = pd.DataFrame([r[2][list(VALUES)].to_numpy() for r in rows], columns=list(VALUES))
    table.insert(0, "name", [r[1] for r in rows])
    table.insert(0, "key", [r[0] for r in rows])
    return table


def _cell(v: int) -> object:
    if v == 0:
        return "-"
    return "*" if v < SMALL_CELL else int(v)


def write_gemband(country: Country, directory: Path, stichtag: date) -> list[Path]:
    """Write ``gemband-dlk-0-YYYYMM-xlsx.xlsx``; returns its path in a list."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"gemband-dlk-0-{stichtag.strftime('%Y%m')}-xlsx.xlsx"
    table = gemband_table(country)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties(
        {
            "title": "Gemeindedaten – synthetische Daten",
            "subject": title_line(country.seed),
            "author": "regionatlas synth",
            "comments": "Synthetic data in the layout of BA gemband workbooks; "
            "not official statistics.",
            "created": CREATED,
        }
    )
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(SHEET)
    ws.set_column(0, 0, 11)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 14, 12)
    title = [
        title_line(country.seed),
        "Gemeindedaten der sozialversicherungspflichtig Beschäftigten nach Wohn- und "
        "Arbeitsort – Deutschland, Länder, Kreise und Gemeinden",
        f"Stichtag: {stichtag.strftime('%d.%m.%Y')}",
        "Alter und Betriebe: synthetisch gezogen; * = Wert unter 3 anonymisiert; "
        "- = nichts vorhanden.",
    ]
    for r, text in enumerate(title):
        ws.write_string(r, 0, text, bold if r == 0 else None)
    ws.write_string(5, 0, "Regionalschlüssel", bold)
    ws.write_string(5, 1, "Region", bold)
    for c, text in GROUP_HEADER.items():
        ws.write_string(5, c, text, bold)
    for c, text in SUB_HEADER.items():
        ws.write_string(6, c, text, bold)
    row = 8
    values = table[list(VALUES)].to_numpy(dtype=np.int64)
    for k, (key, name) in enumerate(zip(table["key"], table["name"], strict=True)):
        if key:
            ws.write_string(row, 0, key)
        ws.write_string(row, 1, name)
        for j, v in enumerate(values[k]):
            cell = _cell(int(v))
            if isinstance(cell, str):
                ws.write_string(row, 2 + j, cell)
            else:
                ws.write_number(row, 2 + j, cell)
        row += 1
    footer = [
        "© Statistik der Bundesagentur für Arbeit (Tabellenformat) – die Zahlen sind "
        "synthetisch (regionatlas synth), keine amtliche Statistik",
        f"Erstellungsdatum: {CREATED.strftime('%d.%m.%Y')}",
    ]
    for text in footer:
        row += 1
        ws.write_string(row, 0, text)
    wb.close()
    return [path]
