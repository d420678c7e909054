"""Write the synthetic Gemeindeverzeichnis in Destatis' GV100AD fixed-width layout.

Records of 220 characters, UTF-8, ``\\n`` line ends, in the order of the real file: per Land
a type-10 record, per Regierungsbezirk a type-20 record, per Kreis a type-40 record followed
by its Gemeindeverbände (50) and Gemeinden (60). Field positions (1-based, inclusive):

    all      1-2 Satzart, 3-10 Gebietsstand (YYYYMMDD), 11-12 Land, 13 RB, 14-15 Kreis
    10/20/40 23-72 name, 73-122 Sitz der Verwaltung, 123-124 Textkennzeichen (40)
    50       19-22 Gemeindeverband, 23-72 name, 73-122 Sitz, 123-124 Textkennzeichen
    60       16-18 Gemeinde, 19-22 Gemeindeverband, 23-72 name, 123-124 Textkennzeichen,
             129-139 area (ha), 140-150 population, 151-161 of which male, 166-170 postcode,
             171-175 ``*****`` when the place has several postcodes, 178-181 Finanzamt,
             182 OLG, 183 LG, 184-185 AG, 186-190 Arbeitsagentur, 191-193/194-196
             Bundestagswahlkreis (from/to)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.synth.model import Country

RECORD_LENGTH = 220
MULTI_POSTCODE_POPULATION = 15_000
_PLZ_REGION = {
    "01": 24,
    "02": 20,
    "03": 30,
    "04": 28,
    "05": 44,
    "06": 35,
    "07": 55,
    "08": 70,
    "09": 85,
    "10": 66,
    "11": 10,
    "12": 14,
    "13": 17,
    "14": 1,
    "15": 39,
    "16": 99,
}


class _Record:
    """A 220-character record filled by 1-based inclusive positions."""

    def __init__(self, satzart: str, stand: str, key: str) -> None:
        self.chars = [" "] * RECORD_LENGTH
        self.put(1, 2, satzart)
        self.put(3, 10, stand)
        self.put(11, 10 + len(key), key)

    def put(self, start: int, end: int, text: str, right: bool = False) -> None:
        width = end - start + 1
        if len(text) > width:
            raise ValueError(f"{text!r} does not fit positions {start}-{end}")
        text = text.rjust(width) if right else text.ljust(width)
        self.chars[start - 1 : end] = list(text)

    def line(self) -> str:
        return "".join(self.chars)


def _seat_names(gm: pd.DataFrame, col: str) -> dict[str, str]:
    biggest = gm.sort_values(["population", "ags"], ascending=[False, True])
    return biggest.drop_duplicates(col).set_index(col)["name"].to_dict()


def gv100ad_lines(country: Country, stand: date) -> list[str]:
    """All records of the synthetic GV100AD file, in file order (pure)."""
    gm = country.municipalities
    st = stand.strftime("%Y%m%d")
    seat = {c: _seat_names(gm, c) for c in ("land", "rbz", "kreis", "vwg")}
    rng = np.random.Generator(np.random.PCG64(country.seed + 100_003))
    male = rng.binomial(gm["population"].to_numpy(), 0.493)
    area_ha = np.maximum(np.round(gm["area_km2"].to_numpy() * 100), 1).astype(np.int64)
    district_no = {k: i for i, k in enumerate(country.districts["kreis"])}
    n_districts = len(district_no)
    rbs = set(country.rbs["rbz"])
    rb_names = dict(zip(country.rbs["rbz"], country.rbs["name"], strict=True))
    lines: list[str] = []
    by_kreis = {k: g for k, g in gm.assign(male_=male, ha_=area_ha).groupby("kreis", sort=True)}
    for land, lname in zip(country.states["land"], country.states["name"], strict=True):
        r = _Record("10", st, land)
        r.put(23, 72, lname)
        r.put(73, 122, seat["land"][land])
        lines.append(r.line())
        districts = country.districts[country.districts["land"] == land]
        last_rb = None
        for kreis, kname, tk in zip(
            districts["kreis"], districts["name"], districts["gv_tk"], strict=True
        ):
            if kreis[:3] != last_rb and kreis[:3] in rbs:
                r = _Record("20", st, kreis[:3])
                r.put(23, 72, rb_names[kreis[:3]])
                r.put(73, 122, seat["rbz"][kreis[:3]])
                lines.append(r.line())
            last_rb = kreis[:3]
            munis = by_kreis[kreis]
            kreisfrei = bool(munis["kreisfrei"].iloc[0])
            r = _Record("40", st, kreis)
            r.put(23, 72, f"{kname}, Stadt" if kreisfrei else kname)
            r.put(73, 122, seat["kreis"][kreis])
            r.put(123, 124, tk)
            lines.append(r.line())
            verb = country.verbaende[country.verbaende["kreis"] == kreis]
            for vwg, vname, vtk in zip(verb["vwg"], verb["name"], verb["gv_tk"], strict=True):
                r = _Record("50", st, kreis)
                r.put(19, 22, vwg[5:9])
                r.put(23, 72, f"{vname}, Stadt" if kreisfrei else vname)
                if vtk != "50":
                    r.put(73, 122, seat["vwg"][vwg])
                r.put(123, 124, vtk)
                lines.append(r.line())
            d_no = district_no[kreis]
            for m in munis.itertuples():
                r = _Record("60", st, kreis)
                r.put(16, 18, m.ags[5:8])
                r.put(19, 22, m.vwg[5:9])
                r.put(23, 72, f"{m.name}, Stadt" if m.bez == "Stadt" else m.name)
                r.put(123, 124, m.gv_tk)
                r.put(129, 139, f"{m.ha_:011d}")
                r.put(140, 150, f"{m.population:011d}")
                r.put(151, 161, f"{m.male_:011d}")
                plz = _PLZ_REGION[land] * 1000 + (int(m.ags[2:8]) * 7) % 1000
                r.put(166, 170, f"{plz:05d}")
                if m.population >= MULTI_POSTCODE_POPULATION:
                    r.put(171, 175, "*****")
                r.put(178, 181, f"{land}{d_no % 90 + 10:02d}")
                r.put(182, 185, f"{d_no % 3 + 1}{d_no % 7 + 1}{d_no % 40 + 10:02d}")
                r.put(186, 190, f"{d_no % 900 + 100:03d}01")
                r.put(191, 193, f"{d_no * 299 // n_districts + 1:03d}")
                lines.append(r.line())
    return lines


def write_gv100ad(country: Country, directory: Path, stand: date) -> Path:
    """Write ``GV100AD_DDMMYY.txt`` into directory; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"GV100AD_{stand.strftime('%d%m%y')}.txt"
    text = "\n".join(gv100ad_lines(country, stand)) + "\n"
    path.write_bytes(text.encode("utf-8"))
    return path
