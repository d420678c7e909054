"""A municipality's commuter figures on its profile: its own in- and out-commuters and main
partners (official municipal flows when imported, else the region's modelled estimate,
labelled as such) beside its district's published figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.web import flowmap, functional

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

DISTRICT_INDICATORS = ("out_commuters", "in_commuters", "commuter_balance")


def _own_flows(atlas: Atlas, ags: str) -> tuple[pd.DataFrame, str, str] | None:
    """(flows of the region at municipal level, basis, period) or None."""
    if "gemeinde" in atlas.flow_levels():
        return atlas.flows("gemeinde"), "official", atlas.resolve_flow_period(None)
    if not functional.available(atlas):
        return None
    fb = functional.flow_basis(atlas)
    f = fb.flows[["origin", "destination", "persons", "flag"]]
    f = f.assign(origin=f["origin"].astype(str), destination=f["destination"].astype(str))
    return f, fb.basis, fb.period


def municipal_commuters(atlas: Atlas, ags: str, top: int = 10) -> dict[str, Any] | None:
    """In/out totals and the strongest partners of one municipality (see module doc)."""
    got = _own_flows(atlas, ags)
    if got is None:
        return None
    f, basis, period = got
    mine = f[(f["origin"] == ags) | (f["destination"] == ags)]
    if mine.empty:
        return None
    names = atlas.all_names("gemeinde")
    ranked = flowmap.ranked(mine, ags, names, top)
    for side in ("in", "out"):  # partners outside the municipal level (pooled, "Übrige")
        for r in ranked[side]:
            r["persons"] = None if r["persons"] is None else round(r["persons"])
    return {
        **ranked,
        "in_total": round(ranked["in_total"]),
        "out_total": round(ranked["out_total"]),
        "balance": round(ranked["in_total"] - ranked["out_total"]),
        "basis": basis,
        "period": period,
        "level": "gemeinde",
    }


def district_commuters(atlas: Atlas, district: str, by_ags: dict) -> dict[str, Any] | None:
    """The district's published commuter figures (newest period) for comparison."""
    series = by_ags.get(district, {})
    rows = []
    for ind in DISTRICT_INDICATORS:
        if series.get(ind):
            per, value, flag = series[ind][-1]
            rows.append({"indicator": ind, "period": per, "value": value, "flag": flag})
    if not rows:
        return None
    return {"ags": district, "name": atlas.names().get(district, district), "rows": rows}
