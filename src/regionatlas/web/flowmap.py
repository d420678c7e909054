"""Commuter flows for the flow map: aggregation by level, filters, curved line features.

Pure functions over canonical flow frames (``model.schema.FLOW_COLUMNS``). Suppressed flows
(``persons`` NaN with a marker in ``flag``) are kept with their flag and never summed as 0;
an aggregate that contains a suppressed part is flagged ``"incomplete"`` — its sum is a lower
bound. Pooled partners ("Übrige …", pseudo keys) have no location: they stay in tables but are
not drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.web.geo import arc

PREFIX = {"land": 2, "kreis": 5, "gemeinde": 8}
CROSS = ("any", "kreis", "land")
INCOMPLETE = "incomplete"


def aggregate(flows: pd.DataFrame, level: str) -> pd.DataFrame:
    """Flows summed to ``level`` by key prefix; flows inside one unit of that level dropped.

    Output columns: origin, destination, persons, flag, parts, suppressed.
    """
    if level not in PREFIX:
        raise ParameterError(f"unknown flow level {level!r}", value=level, expected="land, kreis")
    n = PREFIX[level]
    f = flows[["origin", "destination", "persons", "flag"]].copy()
    pooled = f["flag"].eq("pooled").to_numpy()
    f["origin"] = f["origin"].astype(str)
    f["destination"] = f["destination"].astype(str)
    real = ~pooled & f["origin"].str.fullmatch(r"\d+") & f["destination"].str.fullmatch(r"\d+")
    f = f[real.to_numpy()]
    f = f.assign(
        origin=f["origin"].str.slice(0, n),
        destination=f["destination"].str.slice(0, n),
        suppressed=f["persons"].isna().astype(int),
    )
    f = f[f["origin"] != f["destination"]]
    g = f.groupby(["origin", "destination"], as_index=False, sort=True).agg(
        persons=("persons", "sum"), parts=("persons", "size"), suppressed=("suppressed", "sum")
    )
    all_suppressed = g["suppressed"] == g["parts"]
    g["persons"] = g["persons"].where(~all_suppressed, np.nan)
    flag = np.where(all_suppressed, "*", np.where(g["suppressed"] > 0, INCOMPLETE, ""))
    g["flag"] = pd.Series(flag, index=g.index).replace("", None)
    return g


def classify_cross(flows: pd.DataFrame) -> pd.DataFrame:
    """Add ``cross_kreis`` and ``cross_land`` (bool) from the keys."""
    o, d = flows["origin"].astype(str), flows["destination"].astype(str)
    return flows.assign(
        cross_kreis=o.str.slice(0, 5) != d.str.slice(0, 5),
        cross_land=o.str.slice(0, 2) != d.str.slice(0, 2),
    )


def select(
    flows: pd.DataFrame,
    *,
    min_persons: float = 0,
    origin: str | None = None,
    destination: str | None = None,
    unit: str | None = None,
    cross: str = "any",
) -> pd.DataFrame:
    """Filter flows: minimum persons, origin/destination prefix, unit (either end), border."""
    if cross not in CROSS:
        raise ParameterError(
            f"unknown cross filter {cross!r}", value=cross, expected="any, kreis, land"
        )
    if min_persons < 0:
        raise ParameterError("min must not be negative", value=min_persons, expected=">= 0")
    f = flows if "cross_land" in flows else classify_cross(flows)
    keep = np.ones(len(f), dtype=bool)
    if min_persons > 0:
        keep &= (f["persons"] >= min_persons).to_numpy()
    if origin:
        keep &= f["origin"].str.startswith(origin).to_numpy()
    if destination:
        keep &= f["destination"].str.startswith(destination).to_numpy()
    if unit:
        keep &= (
            f["origin"].str.startswith(unit) | f["destination"].str.startswith(unit)
        ).to_numpy()
    if cross == "kreis":
        keep &= f["cross_kreis"].to_numpy()
    elif cross == "land":
        keep &= f["cross_land"].to_numpy()
    return f[keep]


def ranked(flows: pd.DataFrame, unit: str, names: dict[str, str], top: int = 20) -> dict:
    """In- and out-flows of one unit, largest first, with partner names."""

    def side(frame: pd.DataFrame, partner_col: str) -> list[dict[str, Any]]:
        frame = frame.sort_values("persons", ascending=False, na_position="last").head(top)
        return [
            {
                "partner": r[partner_col],
                "name": names.get(r[partner_col], r[partner_col]),
                "persons": None if pd.isna(r["persons"]) else float(r["persons"]),
                "flag": r["flag"] if isinstance(r["flag"], str) else None,
            }
            for r in frame.to_dict("records")
        ]

    o, d = flows["origin"].astype(str), flows["destination"].astype(str)
    out_f = flows[(o == unit) & (d != unit)]
    in_f = flows[(d == unit) & (o != unit)]
    return {
        "unit": unit,
        "out": side(out_f, "destination"),
        "in": side(in_f, "origin"),
        "out_total": float(out_f["persons"].sum()),
        "in_total": float(in_f["persons"].sum()),
    }


def line_features(
    flows: pd.DataFrame, points: dict[str, tuple[float, float]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """One curved LineString per flow with both ends located; suppressed flows are skipped
    (they have no width) and listed in tables instead."""
    f = classify_cross(flows)
    feats: list[dict[str, Any]] = []
    for r in f.to_dict("records"):
        a, b = points.get(r["origin"]), points.get(r["destination"])
        if a is None or b is None or pd.isna(r["persons"]):
            continue
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": arc(a, b)},
                "properties": {
                    "o": r["origin"],
                    "d": r["destination"],
                    "on": names.get(r["origin"], r["origin"]),
                    "dn": names.get(r["destination"], r["destination"]),
                    "p": float(r["persons"]),
                    "f": r["flag"] if isinstance(r["flag"], str) else None,
                    "ck": bool(r["cross_kreis"]),
                    "cl": bool(r["cross_land"]),
                },
            }
        )
    feats.sort(key=lambda ft: ft["properties"]["p"])  # big flows drawn last, on top
    return feats
