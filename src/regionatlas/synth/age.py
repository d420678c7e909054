"""Write Regionalstatistik table 12411-02-03-5 for the synthetic country.

Layout: docs/formats/regionalstatistik-12411-02-03-5.md (population by sex and 17 age
groups, GENESIS table CSV: Latin-1, CRLF, five title lines, the column header
``;;;;Insgesamt;männlich;weiblich``, 18 lines per unit, a footer). Units in the order of
the Regionaldatenbank: Deutschland (``DG``), per Land the Land, then per Kreis the Kreis
and its Gemeinden; kreisfreie Städte only as Kreis rows (no Regierungsbezirke).

Per Gemeinde, population and male population are exactly those of the synthetic GV100AD
(``male_population``); the age split is not in the model and is drawn by code (seeded, so
deterministic) from a smooth age profile per sex (synthetic cohort sizes times a Gompertz
survival curve; parameters below are synthetic, not statistics), tilted older or younger per
Gemeinde, with more young adults in larger places. Kreis, Land and Deutschland rows are sums
of their Gemeinden. Every count is written as a number (``0`` too): the file has no markers.

    male_population(country) -> ndarray           male inhabitants per Gemeinde (GV100AD)
    age_counts(country) -> (male, female)         Gemeinde x 17 band counts (pure)
    age_table(country) -> DataFrame               key, name, band, male, female (pure)
    write_age_table(country, directory, stichtag) -> Path
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.synth.genesis_csv import write_genesis_csv
from regionatlas.synth.krpend import title_line
from regionatlas.synth.model import Country

FILE_NAME = "12411-02-03-5.csv"
TABLE = "12411-02-03-5"
# lower bounds of the 17 age groups; the last one is open ("75 Jahre und mehr")
BOUNDS = (0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 75)
MAX_AGE = 100  # single years 0..MAX_AGE build the profile
LABELS = (
    ["unter 3 Jahre"]
    + [f"{lo} bis unter {hi} Jahre" for lo, hi in pairwise(BOUNDS[1:])]
    + [f"{BOUNDS[-1]} Jahre und mehr"]
)
# synthetic profile parameters (a smooth shape, not statistics)
GOMPERTZ = {"male": (3.5e-5, 0.095), "female": (1.2e-5, 0.105)}  # hazard B * exp(G * age)
BOOM_AGE, BOOM_WIDTH, BOOM_HEIGHT = 59.0, 9.0, 0.45  # large cohorts around this age
FEWER_BIRTHS, BIRTHS_DECAY = 0.25, 25.0  # younger cohorts smaller by up to this share
TILT_SD = 0.12  # per Gemeinde: older (> 0) or younger (< 0) than the profile
YOUNG_ADULT_AGE, YOUNG_ADULT_WIDTH = 26.0, 6.0  # larger places attract this age
YOUNG_ADULT_PER_DECADE = 0.15  # log weight per tenfold population above 10,000
BAND_NOISE_SD = 0.04  # lognormal noise per Gemeinde, sex and band
# the male share of the synthetic GV100AD (gv100ad.py draws it the same way)
GV100AD_MALE_SHARE = 0.493
GV100AD_SEED_OFFSET = 100_003


def male_population(country: Country) -> np.ndarray:
    """Male inhabitants per Gemeinde (order of ``country.municipalities``), as in GV100AD.

    The same seeded draw as ``gv100ad.gv100ad_lines``; tests check both files agree.
    """
    rng = np.random.Generator(np.random.PCG64(country.seed + GV100AD_SEED_OFFSET))
    return rng.binomial(country.municipalities["population"].to_numpy(), GV100AD_MALE_SHARE)


def _base_profile(sex: str) -> np.ndarray:
    """Relative number of people per single year of age 0..MAX_AGE (synthetic shape)."""
    age = np.arange(MAX_AGE + 1, dtype=float)
    b, g = GOMPERTZ[sex]
    survival = np.exp(-b / g * (np.exp(g * age) - 1.0))
    cohort = 1.0 + BOOM_HEIGHT * np.exp(-(((age - BOOM_AGE) / BOOM_WIDTH) ** 2))
    cohort *= 1.0 - FEWER_BIRTHS * np.exp(-age / BIRTHS_DECAY)
    return cohort * survival


def _band_shares(sex: str, tilt: np.ndarray, young: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Gemeinde x 17 probabilities from the profile, tilted and varied per Gemeinde."""
    age = np.arange(MAX_AGE + 1, dtype=float)
    log_w = (
        np.log(_base_profile(sex))[None, :]
        + tilt[:, None] * (age[None, :] - 40.0) / 40.0
        + young[:, None] * np.exp(-(((age - YOUNG_ADULT_AGE) / YOUNG_ADULT_WIDTH) ** 2))[None, :]
    )
    by_band = np.add.reduceat(np.exp(log_w), list(BOUNDS), axis=1) * noise
    return by_band / by_band.sum(axis=1, keepdims=True)


def age_counts(country: Country) -> tuple[np.ndarray, np.ndarray]:
    """(male, female): Gemeinde x 17 counts adding up to the GV100AD population by sex."""
    rng = np.random.default_rng([country.seed, 0x12411])  # own stream: other files unchanged
    pop = country.municipalities["population"].to_numpy().astype(np.int64)
    male = male_population(country).astype(np.int64)
    n, k = len(pop), len(BOUNDS)
    tilt = rng.normal(0.0, TILT_SD, n)
    size = np.clip(np.log10(np.maximum(pop, 1) / 10_000), -1.5, 2.0)
    young = YOUNG_ADULT_PER_DECADE * size
    out = []
    for sex, total in (("male", male), ("female", pop - male)):
        noise = rng.lognormal(0.0, BAND_NOISE_SD, (n, k))
        p = _band_shares(sex, tilt - 0.5 * young, young, noise)
        out.append(rng.multinomial(total, p).astype(np.int64))
    return out[0], out[1]


def _units(country: Country) -> list[tuple[str, str, np.ndarray]]:
    """(key, name, Gemeinde row indices) in table order."""
    gm = country.municipalities
    d = country.districts
    kreis_of = gm["kreis"].to_numpy()
    rows_of = {k: np.flatnonzero(kreis_of == k) for k in d["kreis"]}
    g_names = [
        f"{n}, Stadt" if b == "Stadt" else n for n, b in zip(gm["name"], gm["bez"], strict=True)
    ]
    names_l = dict(zip(country.states["land"], country.states["name"], strict=True))
    units: list[tuple[str, str, np.ndarray]] = [("DG", "Deutschland", np.arange(len(gm)))]
    for land in sorted(names_l):
        in_land = d[d["land"] == land].sort_values("kreis")
        units.append((land, names_l[land], np.flatnonzero(gm["land"].to_numpy() == land)))
        for kreis, name, kf in zip(
            in_land["kreis"], in_land["name"], in_land["kreisfrei"], strict=True
        ):
            members = rows_of[kreis]
            units.append((kreis, f"{name}, kreisfreie Stadt" if kf else name, members))
            if not kf:
                units += [(gm["ags"].iat[i], g_names[i], np.array([i])) for i in members]
    return units


def age_table(country: Country) -> pd.DataFrame:
    """One row per unit and age group in table order: key, name, band (0..16), male, female."""
    male, female = age_counts(country)
    units = _units(country)
    k = len(BOUNDS)
    m = np.stack([male[idx].sum(axis=0) for _, _, idx in units])
    f = np.stack([female[idx].sum(axis=0) for _, _, idx in units])
    return pd.DataFrame(
        {
            "key": np.repeat([u[0] for u in units], k),
            "name": np.repeat([u[1] for u in units], k),
            "band": np.tile(np.arange(k), len(units)),
            "male": m.ravel(),
            "female": f.ravel(),
        }
    )


def write_age_table(country: Country, directory: Path, stichtag: date) -> Path:
    """Write ``12411-02-03-5.csv`` (Latin-1, CRLF) into ``directory``; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    table = age_table(country)
    day = stichtag.strftime("%d.%m.%Y")
    lines = [
        f"{TABLE}: Bevölkerung nach Geschlecht und Altersgruppen (17) - Stichtag 31.12. - "
        "regionale Tiefe: Gemeinden",
        title_line(country.seed).replace("–", "-"),
        "Bevölkerungsstand (Anzahl): Einwohner und Männer wie im synthetischen GV100AD, "
        "Altersgruppen synthetisch gezogen",
        "Regionaldatenbank Deutschland (Tabellenformat) - keine amtliche Statistik",
        "",
        ";;;;Insgesamt;männlich;weiblich",
    ]
    k = len(BOUNDS)
    keys, names = table["key"].to_numpy(), table["name"].to_numpy()
    male, female = table["male"].to_numpy(), table["female"].to_numpy()
    for start in range(0, len(table), k):
        head = f"{day};{keys[start]};{names[start]};"
        m, f = male[start : start + k], female[start : start + k]
        lines += [
            f"{head}{label};{a + b};{a};{b}"
            for label, a, b in zip(LABELS, m.tolist(), f.tolist(), strict=True)
        ]
        sm, sf = int(m.sum()), int(f.sum())
        lines.append(f"{head}Insgesamt;{sm + sf};{sm};{sf}")
    return write_genesis_csv(path, lines)
