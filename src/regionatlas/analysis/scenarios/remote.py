"""Lever: remote work. A share of commuters works d days a week at home.

Parameters (TOML ``[levers.remote_work]``):
    share = 0.25                 share of commuters who work remotely (0..1)
    days_per_week = 2            remote days per week of those (0..calendar.days_per_week)
    share_by_settlement_type = { "städtisch" = 0.3, ... }   optional, by the residence's
                                 settlement_type; places of other types use ``share``
    min_km = 0                   only commutes at least this long (one-way road km)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.levers import LeverOutcome, check_keys, fraction, number
from regionatlas.analysis.scenarios.parameters import Parameters
from regionatlas.errors import ParameterError

KEYS = {"share", "days_per_week", "share_by_settlement_type", "min_km"}


def apply_remote_work(
    trips: pd.DataFrame, ctx: ScenarioContext, params: Parameters, spec: dict[str, Any]
) -> LeverOutcome:
    what = "levers.remote_work"
    check_keys(spec, KEYS, what)
    share = fraction(spec.get("share", 0.0), f"{what}.share")
    week = params["calendar.days_per_week"]
    days = number(spec.get("days_per_week", 0.0), f"{what}.days_per_week", upper=week)
    min_km = number(spec.get("min_km", 0.0), f"{what}.min_km")
    shares = np.full(len(trips), share)
    by_type = spec.get("share_by_settlement_type") or {}
    if by_type:
        if "settlement_type" not in ctx.units:
            raise ParameterError(
                f"{what}.share_by_settlement_type: places carry no settlement_type",
                parameter=f"{what}.share_by_settlement_type",
            )
        types = ctx.units["settlement_type"].astype("str").reindex(trips["origin"]).to_numpy()
        for name, value in by_type.items():
            v = fraction(value, f"{what}.share_by_settlement_type.{name}")
            shares = np.where(types == str(name), v, shares)
    shares = np.where(trips["km"].to_numpy() >= min_km, shares, 0.0)
    factor = 1.0 - shares * days / week
    out = trips.copy()
    out["persons"] = trips["persons"].to_numpy() * factor
    removed = float((trips["persons"] - out["persons"]).sum())
    return LeverOutcome(
        "remote_work",
        out,
        details={
            "share": share,
            "days_per_week": days,
            "share_by_settlement_type": {str(k): float(v) for k, v in by_type.items()},
            "min_km": min_km,
            "commute_days_replaced_per_day": round(removed, 3),
        },
        remote_person_days=removed,
    )
