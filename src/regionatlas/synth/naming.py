"""Names and kinds of synthetic units: every name starts with ``Synth``.

Kinds (BEZ/IBZ of VG5000, Textkennzeichen of GV100AD) follow the official code lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from regionatlas.synth.profiles import VERBAND_CODES, StateProfile

if TYPE_CHECKING:
    from regionatlas.synth.model import Country

TOWN_POPULATION = 10_000  # places from this size on are "Stadt"


def name_units(country: Country, profiles: tuple[StateProfile, ...]) -> None:
    """Add name/bez/ibz/bem/gv_tk columns to the frames of ``country`` (in place)."""
    gm = country.municipalities
    width = max(4, len(str(len(gm))))
    number = np.arange(1, len(gm) + 1)
    kreisfrei = gm["kreisfrei"].to_numpy()
    in_verband = gm["in_verband"].to_numpy()
    town = kreisfrei | (gm["population"].to_numpy() >= TOWN_POPULATION)
    gm["name"] = [
        f"{'Synthstadt' if t else 'Synthgemeinde'} {k:0{width}d}"
        for t, k in zip(town, number, strict=True)
    ]
    gm["bez"] = np.where(town, "Stadt", "Gemeinde")
    gm["ibz"] = np.select(
        [kreisfrei, town & ~in_verband, ~town & ~in_verband, town & in_verband],
        [60, 61, 62, 63],
        64,
    )
    gm["bem"] = np.select([kreisfrei, in_verband], ["kreisfrei", "gemeinschaftsangehörig"], "--")
    gm["gv_tk"] = np.select([kreisfrei, town], ["61", "63"], "64")

    d = country.districts
    city_name = gm.loc[gm["kreisfrei"], ["kreis", "name"]].set_index("kreis")["name"]
    kf = d["kreisfrei"].to_numpy()
    d["name"] = np.where(kf, d["kreis"].map(city_name), "Synthkreis " + d["kreis"])
    d["bez"] = np.where(kf, "Kreisfreie Stadt", "Landkreis")
    d["ibz"] = np.where(kf, 40, 43)
    d["gv_tk"] = np.where(kf, "41", "44")

    s = country.states
    s["name"] = "Synthland " + s["land"]

    v = country.verbaende
    by_prof = {p.key: p for p in profiles}
    first = gm.groupby("vwg", sort=True).agg(
        name=("name", "first"),
        members=("ags", "size"),
        kreisfrei=("kreisfrei", "first"),
        in_verband=("in_verband", "first"),
    )
    first = first.reindex(v["vwg"])
    names, bez, ibz, bem, tk = [], [], [], [], []
    for vwg, row in zip(v["vwg"], first.itertuples(), strict=True):
        if row.in_verband:
            kind = by_prof[vwg[:2]].verband or "Verwaltungsgemeinschaft"
            names.append(f"Synthverband {vwg}")
            bez.append(kind)
            ibz.append(VERBAND_CODES[kind][0])
            tk.append(VERBAND_CODES[kind][1])
            bem.append("--")
        else:
            names.append(row.name)
            bez.append("Einheitsgemeinde")
            ibz.append(81 if row.kreisfrei else 86)
            tk.append("50")
            bem.append("kreisfrei" if row.kreisfrei else "gemeinschaftsfrei")
    v["name"] = names
    v["bez"] = bez
    v["ibz"] = ibz
    v["bem"] = bem
    v["gv_tk"] = tk
