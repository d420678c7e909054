"""Write Regionalstatistik table 13111-07-05-4 for the synthetic country.

Layout: docs/formats/regionalstatistik-13111.md (employees at workplace by WZ 2008 sector
group, Deutschland, Länder, Regierungsbezirke and Kreise, one Stichtag). The Kreis totals are
the synthetic jobs (column sums of the synthetic commuter flows, as in the gemband workbook);
the sector split, the few employees without a sector, sex and nationality are not in the
model and are drawn by code (seeded, so deterministic) around the shares below, which are
synthetic parameters, not statistics. Land, Regierungsbezirk and Deutschland rows are sums of
their Kreise; B–F, G–U and the total are sums of their parts, C is drawn within B–E. A count
of 0 is written as ``-`` (nichts vorhanden).

    sectors_table(country) -> DataFrame   key, name, group, six counts per row (pure)
    write_sectors(country, directory, stichtag) -> [path]
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.synth.genesis_csv import write_genesis_csv
from regionatlas.synth.krpend import title_line
from regionatlas.synth.model import Country

FILE_NAME = "13111-07-05-4.csv"
# synthetic mean shares of the ten groups that add up (drawn around these per Kreis)
SHARES = {
    "A": 0.01,
    "B-E": 0.22,
    "F": 0.06,
    "G-I": 0.22,
    "J": 0.035,
    "K": 0.03,
    "L": 0.01,
    "M-N": 0.14,
    "O-Q": 0.23,
    "R-U": 0.045,
}
CONCENTRATION = 200.0  # Dirichlet concentration: higher = Kreise closer to the mean shares
C_WITHIN_BE = 0.8  # synthetic mean share of C in B-E
UNASSIGNED = 0.0005  # synthetic share of employees without a sector
MEN, FOREIGN, FOREIGN_MEN = 0.53, 0.13, 0.6  # synthetic mean shares
# label as the export shows it, code (or "Insgesamt"), in the table's order
LABELS = [
    ("Insgesamt", "Insgesamt"),
    ("Land- und Forstwirtschaft, Fischerei (A)", "A"),
    ("Produzierendes Gewerbe (B-F)", "B-F"),
    ("Produzierendes Gewerbe ohne Baugewerbe (B-E)", "B-E"),
    ("Verarbeitendes Gewerbe (C)", "C"),
    ("Baugewerbe (F)", "F"),
    ("Dienstleistungsbereiche (G-U)", "G-U"),
    ("Handel, Gastgewerbe, Verkehr (G-I)", "G-I"),
    ("Information und Kommunikation (J)", "J"),
    ("Erbringung von Finanz- und Vers.leistungen (K)", "K"),
    ("Grundstücks- und Wohnungswesen (L)", "L"),
    ("Freiberufl,wissenschaftl. techn. Dienstl.,sonst.DL", "M-N"),
    ("Öff.Verw.,Verteidig.,Sozialvers.,Erz.-u.Unterricht", "O-Q"),
    ("Kunst, Unterhaltung, Erholung, Priv. Haush.,usw.", "R-U"),
]
SUMS = {"B-F": ("B-E", "F"), "G-U": ("G-I", "J", "K", "L", "M-N", "O-Q", "R-U")}
COUNTS = ("total", "men", "women", "foreign", "foreign_men", "foreign_women")


def _split(rng: np.random.Generator, n: np.ndarray, share: float) -> np.ndarray:
    """Binomial part of ``n`` with a per-cell probability drawn around ``share``."""
    p = np.clip(rng.normal(share, share * 0.1, len(n)), 0.0, 1.0)
    return rng.binomial(n, p)


def _kreis_counts(country: Country) -> dict[str, pd.DataFrame]:
    """Per group (code, "unassigned"): Kreis x (total, men, foreign, foreign_men)."""
    rng = np.random.default_rng([country.seed, 0x1311])  # own stream: other files unchanged
    kreise = sorted(country.districts["kreis"])
    f = country.flows
    jobs = f["total"].groupby(f["destination"].str[:5].to_numpy()).sum()
    jobs = jobs.reindex(kreise, fill_value=0).to_numpy(dtype=np.int64)
    unassigned = rng.binomial(jobs, UNASSIGNED)
    alpha = np.array(list(SHARES.values())) * CONCENTRATION
    parts = np.array(
        [rng.multinomial(n, rng.dirichlet(alpha)) for n in jobs - unassigned], dtype=np.int64
    ).reshape(len(kreise), len(SHARES))
    out: dict[str, pd.DataFrame] = {}
    for j, code in enumerate([*SHARES, "unassigned"]):
        total = parts[:, j] if code != "unassigned" else unassigned
        foreign = _split(rng, total, FOREIGN)
        out[code] = pd.DataFrame(
            {
                "total": total,
                "men": _split(rng, total, MEN),
                "foreign": foreign,
                "foreign_men": _split(rng, foreign, FOREIGN_MEN),
            },
            index=kreise,
        )
    be = out["B-E"]
    c_total = _split(rng, be["total"].to_numpy(), C_WITHIN_BE)
    c_foreign = rng.hypergeometric(be["foreign"], be["total"] - be["foreign"], c_total)
    out["C"] = pd.DataFrame(
        {
            "total": c_total,
            "men": rng.hypergeometric(be["men"], be["total"] - be["men"], c_total),
            "foreign": c_foreign,
            "foreign_men": rng.hypergeometric(
                be["foreign_men"], be["foreign"] - be["foreign_men"], c_foreign
            ),
        },
        index=kreise,
    )
    for code, members in SUMS.items():
        out[code] = sum(out[m] for m in members)
    out["Insgesamt"] = sum(out[c] for c in SHARES) + out["unassigned"]
    return out


def sectors_table(country: Country) -> pd.DataFrame:
    """Rows in the table's order: key, name, group code, and the six counts (integers)."""
    by_group = _kreis_counts(country)
    d = country.districts
    names_k = dict(zip(d["kreis"], d["name"], strict=True))
    rbz_of = dict(zip(d["kreis"], d["rbz"], strict=True))
    names_r = dict(zip(country.rbs["rbz"], country.rbs["name"], strict=True))
    names_l = dict(zip(country.states["land"], country.states["name"], strict=True))
    units: list[tuple[str, str, list[str]]] = [("DG", "Deutschland", sorted(names_k))]
    for land in sorted(names_l):
        members = sorted(k for k in names_k if k[:2] == land)
        units.append((land, names_l[land], members))
        rbs = sorted({rbz_of[k] for k in members if rbz_of[k] in names_r})
        for rb in rbs:
            in_rb = [k for k in members if rbz_of[k] == rb]
            units.append((rb, names_r[rb], in_rb))
            units += [(k, names_k[k], [k]) for k in in_rb]
        units += [(k, names_k[k], [k]) for k in members if rbz_of[k] not in names_r]
    rows = []
    for key, name, members in units:
        for _, code in LABELS:
            s = by_group[code].loc[members].sum()
            t, m, fo, fm = (int(s[c]) for c in ("total", "men", "foreign", "foreign_men"))
            rows.append((key, name, code, t, m, t - m, fo, fm, fo - fm))
    return pd.DataFrame(rows, columns=["key", "name", "group", *COUNTS])


def _cell(v: int) -> str:
    return "-" if v == 0 else str(v)


def write_sectors(country: Country, directory: Path, stichtag: date) -> list[Path]:
    """Write ``13111-07-05-4.csv`` (Latin-1, CRLF) into ``directory``; its path in a list."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    table = sectors_table(country)
    label = {code: text for text, code in LABELS}
    lines = [
        "13111-07-05-4: Sozialversicherungspflichtig Beschäftigte am Arbeitsort nach "
        "Geschlecht, Nationalität und Wirtschaftszweigen (WZ 2008) - Stichtag 30.06. - "
        "regionale Tiefe: Kreise und krfr. Städte",
        title_line(country.seed).replace("–", "-"),
        "Sozialversicherungspflichtig Beschäftigte (Anzahl), Sektoren, Geschlecht und "
        "Nationalität synthetisch gezogen",
        "Regionaldatenbank Deutschland (Tabellenformat) - keine amtliche Statistik",
        "",
        "",
        f"Stichtag: {stichtag.strftime('%d.%m.%Y')}",
        ";;;" + ";".join(["Nationalität"] * 6),
        ";;;" + ";".join(["Insgesamt"] * 3 + ["Ausländer(innen)"] * 3),
        ";;;" + ";".join(["Geschlecht"] * 6),
        ";;;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich",
    ]
    for row in table.itertuples(index=False):
        counts = ";".join(_cell(int(getattr(row, c))) for c in COUNTS)
        lines.append(f"{row.key};{row.name};{label[row.group]};{counts}")
    return [write_genesis_csv(path, lines)]
