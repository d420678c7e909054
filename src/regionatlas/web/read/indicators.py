"""Indicators and their observations: the catalogue with the periods and levels present, the
values of one map with its class breaks, and a classified map.

Functions over the read model's context (``web.atlas.Atlas``); cached per store version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.errors import NotFoundError
from regionatlas.web.classify import classify, diverging_colours, palette, preset_breaks, scale_of
from regionatlas.web.read.scope import MAP_LEVELS, PRESET_K, clean_row

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def indicators(atlas: Atlas) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        cat = atlas.store.indicators()
        obs_periods = _indicator_periods(atlas)
        out = []
        for row in cat.to_dict("records"):
            row = clean_row(row)
            info = obs_periods.get(row["id"], {})
            row["periods"] = sorted(info.get("periods", []))
            row["levels"] = [lv for lv in MAP_LEVELS if lv in info.get("levels", set())]
            out.append(row)
        return out

    return atlas.cache.get("indicators", compute)


def _indicator_periods(atlas: Atlas) -> dict[str, dict[str, set]]:
    obs = atlas.observations_all()
    u = atlas.units().set_index("ags")["level"]
    lv = obs["ags"].map(u)
    out: dict[str, dict[str, set]] = {}
    for (ind, per, level), _ in obs.assign(level=lv).groupby(
        ["indicator", "period", "level"], sort=False
    ):
        d = out.setdefault(ind, {"periods": set(), "levels": set()})
        d["periods"].add(per)
        d["levels"].add(level)
    return out


def observations_all(atlas: Atlas) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        o = atlas.store.observations()
        o = o.assign(ags=o["ags"].astype(str))
        names = set(atlas.units()["ags"]) | {"DE"}  # Germany: a reference, not always a unit
        return o[o["ags"].isin(names).to_numpy()].reset_index(drop=True)

    return atlas.cache.get("observations", compute)


def indicator(atlas: Atlas, indicator_id: str) -> dict[str, Any]:
    for row in atlas.indicators():
        if row["id"] == indicator_id:
            return row
    raise NotFoundError(
        f"unknown indicator {indicator_id!r}",
        value=indicator_id,
        expected="an id of /api/v1/indicators",
    )


def resolve_period(atlas: Atlas, ind: dict[str, Any], period: str | None) -> str:
    if not ind["periods"]:
        raise NotFoundError(f"indicator {ind['id']!r} has no data in this atlas")
    if period is None or period == "latest":
        return ind["periods"][-1]
    if period not in ind["periods"]:
        raise NotFoundError(
            f"indicator {ind['id']!r} has no data for period {period!r}",
            value=period,
            expected=", ".join(ind["periods"]),
        )
    return period


def values(
    atlas: Atlas, indicator_id: str, level: str, period: str | None = None
) -> dict[str, Any]:
    """Values of one indicator at one level and period, with state and Germany references."""
    atlas.check_level(level)
    ind = atlas.indicator(indicator_id)
    per = atlas.resolve_period(ind, period)

    def compute() -> dict[str, Any]:
        obs = atlas.observations_all()
        obs = obs[(obs["indicator"] == indicator_id) & (obs["period"] == per)]
        u = atlas.units()
        lvl_units = u[u["level"] == level][["ags", "name", "parent"]]
        merged = lvl_units.merge(obs[["ags", "value", "flag"]], on="ags", how="left")
        rows = [
            {
                "ags": r["ags"],
                "name": r["name"],
                "value": None if pd.isna(r["value"]) else float(r["value"]),
                "flag": r["flag"] if isinstance(r["flag"], str) else None,
            }
            for r in merged.to_dict("records")
        ]
        refs = obs[obs["ags"].str.len() <= 2]
        names = atlas.names()
        references = [
            {
                "ags": a,
                "name": names.get(a, "Deutschland" if a == "DE" else a),
                "value": None if pd.isna(v) else float(v),
                "flag": f if isinstance(f, str) else None,
            }
            for a, v, f in zip(refs["ags"], refs["value"], refs["flag"], strict=True)
        ]
        nums = [r["value"] for r in rows]
        scale = scale_of(nums, ind["unit"], int(ind.get("polarity") or 0))
        presets = preset_breaks(nums, scale, PRESET_K)
        return {
            "indicator": indicator_id,
            "level": level,
            "period": per,
            "unit": ind["unit"],
            "rows": rows,
            "references": references,
            "breaks": presets,
            "scale": scale,
        }

    return atlas.cache.get(("values", indicator_id, level, per), compute)


def classified(
    atlas: Atlas,
    indicator_id: str,
    level: str,
    period: str | None,
    method: str = "quantiles",
    k: int = 5,
    breaks: list[float] | None = None,
    scheme: str = "viridis",
) -> dict[str, Any]:
    v = atlas.values(indicator_id, level, period)
    sc = v["scale"]
    c = classify(
        [r["value"] for r in v["rows"]],
        method,
        k,
        breaks,
        centre=sc["centre"],
        digits=sc["digits"],
    )
    if c.diverging:
        colours = list(diverging_colours(c.n_below, c.k - c.n_below, sc["polarity"]))
    else:
        colours = list(palette(scheme, max(c.k, 1)))
    return {
        **v,
        "classification": {**c.to_dict(), "colours": colours, "scheme": scheme},
        "classes": c.classes,
    }
