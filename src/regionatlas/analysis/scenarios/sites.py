"""Lever: satellite offices / co-working sites near where people live.

Commuters whose work could be done at a co-working site (``eligible_share``) go there on
``days_per_week`` days instead of to their workplace, if the site is nearer than the
workplace (and within ``max_site_km``). The lever chooses ``k`` sites among candidate places
to save most commuter-km (p-median with the current workplace as the fallback) or to reach
most commuters within ``radius_km`` (maximal coverage), or evaluates given ``sites``.

Parameters (TOML ``[levers.satellite_offices]``):
    k = 10                         number of sites to choose
    candidates = "all"             place selector (see places.py)
    sites = [...]                  evaluate these sites instead of choosing
    objective = "p-median"         or "coverage"
    radius_km = 15                 coverage radius (road km; objective "coverage")
    eligible_share = 0.3           share of commuters who could work at a site (0..1)
    days_per_week = 2              site days per week of those
    max_site_km = 25               longest acceptable trip to a site (road km)
    capacity = 100                 optional: places per site and day (persons)
    solver = "heuristic"           or "exact" (MIP with PuLP/CBC; small instances)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from regionatlas.analysis.scenarios import location
from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.levers import (
    LeverOutcome,
    check_keys,
    fraction,
    number,
    whole,
)
from regionatlas.analysis.scenarios.metrics import TRIPS_PER_DAY
from regionatlas.analysis.scenarios.parameters import Parameters
from regionatlas.analysis.scenarios.places import select_places
from regionatlas.errors import ParameterError

KEYS = {
    "k",
    "candidates",
    "sites",
    "objective",
    "radius_km",
    "eligible_share",
    "days_per_week",
    "max_site_km",
    "capacity",
    "solver",
}
OBJECTIVES = ("p-median", "coverage")


def site_km(
    ctx: ScenarioContext, params: Parameters, origins: np.ndarray, cands: np.ndarray
) -> np.ndarray:
    """Road km from origin rows to candidate rows (internal km where they coincide)."""
    km = ctx.straight_matrix(origins, cands)
    same = origins[:, None] == cands[None, :]
    if same.any():
        inner = np.nan_to_num(ctx.internal_straight_km(params["distance.internal_radius_factor"]))
        km = np.where(same, inner[origins][:, None], km)
    return km * params["distance.detour_factor"]


def gain_matrix(
    trip_km: np.ndarray,
    eligible: np.ndarray,
    group: np.ndarray,
    dsite: np.ndarray,
    *,
    objective: str,
    radius_km: float,
    max_site_km: float,
) -> np.ndarray:
    """G[origin group, candidate]: daily km saved (p-median) or persons reached (coverage).

    ``group`` numbers each trip row's origin (0..n_groups-1), ``dsite`` is n_groups x cands.
    """
    n_groups, n_cand = dsite.shape
    # rows sorted by (origin group, trip km): per group, the rows longer than a site's
    # distance form a suffix, so sums over them are differences of cumulative sums
    span = float(np.max(trip_km, initial=0.0)) + 1.0
    key = group * span + trip_km
    order = np.argsort(key, kind="stable")
    key = key[order]
    w = eligible[order]
    cum_w = np.concatenate([[0.0], np.cumsum(w)])
    cum_wk = np.concatenate([[0.0], np.cumsum(w * trip_km[order])])
    ends = np.searchsorted(group[order], np.arange(n_groups), side="right")
    query = np.arange(n_groups)[:, None] * span + dsite
    idx = np.searchsorted(key, query.ravel(), side="right").reshape(n_groups, n_cand)
    end = ends[:, None]
    w_above = cum_w[end] - cum_w[idx]
    ok = dsite <= max_site_km
    if objective == "p-median":
        wk_above = cum_wk[end] - cum_wk[idx]
        gain = TRIPS_PER_DAY * (wk_above - dsite * w_above)
    else:
        gain = w_above
        ok &= dsite <= radius_km
    gain = np.where(ok, np.maximum(gain, 0.0), 0.0)
    return gain


def apply_satellite_offices(
    trips: pd.DataFrame, ctx: ScenarioContext, params: Parameters, spec: dict[str, Any]
) -> LeverOutcome:
    what = "levers.satellite_offices"
    check_keys(spec, KEYS, what)
    share = fraction(spec.get("eligible_share", 0.0), f"{what}.eligible_share")
    week = params["calendar.days_per_week"]
    days = number(spec.get("days_per_week", week), f"{what}.days_per_week", upper=week)
    max_site_km = number(spec.get("max_site_km", np.inf), f"{what}.max_site_km")
    radius = number(spec.get("radius_km", 15.0), f"{what}.radius_km")
    objective = spec.get("objective", "p-median")
    if objective not in OBJECTIVES:
        raise ParameterError(
            f"{what}.objective must be one of {OBJECTIVES} (found {objective!r})",
            parameter=f"{what}.objective",
        )
    solver = spec.get("solver", "heuristic")
    if solver not in ("heuristic", "exact"):
        raise ParameterError(
            f"{what}.solver must be 'heuristic' or 'exact'", parameter=f"{what}.solver"
        )
    capacity = spec.get("capacity")
    if capacity is not None:
        capacity = number(capacity, f"{what}.capacity")

    fixed = spec.get("sites")
    if fixed is not None:
        cand_ags = select_places(ctx, fixed, f"{what}.sites")
    else:
        cand_ags = select_places(ctx, spec.get("candidates", "all"), f"{what}.candidates")
        k = whole(spec.get("k", 0), f"{what}.k", lower=1)
        if k > len(cand_ags):
            raise ParameterError(
                f"{what}.k = {k} is larger than the number of candidate places ({len(cand_ags)})",
                parameter=f"{what}.k",
                value=k,
            )
    pos = ctx.position
    cands = pos.reindex(cand_ags).to_numpy()
    live = trips.loc[trips["persons"] > 0]
    origin_rows = pos.reindex(live["origin"]).to_numpy()
    groups, group = np.unique(origin_rows, return_inverse=True)
    dsite = site_km(ctx, params, groups, cands)
    trip_km = live["km"].to_numpy(dtype="float64")
    eligible = live["persons"].to_numpy(dtype="float64") * share * days / week

    if fixed is not None:
        chosen = np.arange(len(cands))
        solution = None
    else:
        gain = gain_matrix(
            trip_km,
            eligible,
            group,
            dsite,
            objective=objective,
            radius_km=radius,
            max_site_km=max_site_km,
        )
        solve = location.exact_mip if solver == "exact" else location.greedy_interchange
        solution = solve(gain, k)
        chosen = np.array(solution.sites, dtype=int)

    d_chosen = dsite[:, chosen]
    d_rows = d_chosen[group]  # rows x chosen
    valid = (d_rows < trip_km[:, None]) & (d_rows <= max_site_km)
    if objective == "coverage":
        valid &= d_rows <= radius
    saving = np.where(valid, TRIPS_PER_DAY * (trip_km[:, None] - d_rows), 0.0)
    assigned = _assign(saving, valid, eligible, capacity)

    moved_r, moved_s = np.nonzero(assigned > 1e-12)
    persons_moved = assigned[moved_r, moved_s]
    site_ags = np.array(cand_ags, dtype=object)[chosen]
    moved = pd.DataFrame(
        {
            "origin": live["origin"].to_numpy()[moved_r],
            "destination": live["destination"].to_numpy()[moved_r],
            "site": site_ags[moved_s],
            "persons_per_day": persons_moved,
            "km_before": trip_km[moved_r],
            "km_site": d_rows[moved_r, moved_s],
            "saved_km_day": persons_moved * saving[moved_r, moved_s],
            "occupancy": live["occupancy"].to_numpy()[moved_r],
        }
    ).sort_values("saved_km_day", ascending=False, ignore_index=True)

    out = trips.copy()
    reduce = pd.Series(assigned.sum(axis=1), index=live.index)
    out.loc[live.index, "persons"] = live["persons"] - reduce
    new_rows = pd.DataFrame(
        {
            "origin": moved["origin"],
            "destination": moved["site"],
            "persons": moved["persons_per_day"],
            "km": moved["km_site"],
            "occupancy": moved["occupancy"],
        }
    )
    out = pd.concat([out, new_rows], ignore_index=True)

    per_site = (
        moved.groupby("site")[["persons_per_day", "saved_km_day"]]
        .sum()
        .reindex(site_ags, fill_value=0.0)
    )
    site_table = pd.DataFrame(
        {
            "ags": site_ags,
            "name": ctx.names(pd.Index(site_ags)).to_numpy(),
            "persons_per_day": per_site["persons_per_day"].to_numpy(),
            "saved_km_day": per_site["saved_km_day"].to_numpy(),
        }
    )
    details: dict[str, Any] = {
        "objective": objective,
        "k": len(chosen),
        "candidates": len(cand_ags),
        "eligible_share": share,
        "days_per_week": days,
        "max_site_km": None if np.isinf(max_site_km) else max_site_km,
        "radius_km": radius if objective == "coverage" else None,
        "capacity_per_site": capacity,
        "sites": site_table["ags"].tolist(),
        "persons_moved_per_day": round(float(persons_moved.sum()), 3),
        "saved_km_day": round(float(moved["saved_km_day"].sum()), 3),
    }
    if solution is not None:
        details["solver"] = {
            "method": solution.method,
            "objective_value": round(solution.objective, 3),
            "objective_unit": "km/day" if objective == "p-median" else "persons/day",
            "iterations": solution.iterations,
            "seconds": round(solution.seconds, 3),
            "note": "sites chosen without capacities, then assigned with capacities"
            if capacity is not None
            else None,
        }
    return LeverOutcome(
        "satellite_offices",
        out,
        details=details,
        tables={"sites": site_table, "moved_flows": moved},
        remote_person_days=float(persons_moved.sum()),
        programme_cost_eur_year=len(chosen) * params["cost.site_eur_per_year"],
    )


def _assign(
    saving: np.ndarray, valid: np.ndarray, eligible: np.ndarray, capacity: float | None
) -> np.ndarray:
    """Persons per (row, site): all eligible to the best site, or an LP under capacities."""
    n_rows, n_sites = saving.shape
    assigned = np.zeros((n_rows, n_sites))
    if n_sites == 0:
        return assigned
    if capacity is None:
        best = np.argmax(saving, axis=1)
        has = valid[np.arange(n_rows), best] & (saving[np.arange(n_rows), best] > 0)
        assigned[np.nonzero(has)[0], best[has]] = eligible[has]
        return assigned
    r, s = np.nonzero(valid & (saving > 0) & (eligible[:, None] > 0))
    if not len(r):
        return assigned
    n_var = len(r)
    rows_used, row_id = np.unique(r, return_inverse=True)
    a_rows = sparse.csr_matrix(
        (np.ones(n_var), (row_id, np.arange(n_var))), shape=(len(rows_used), n_var)
    )
    a_sites = sparse.csr_matrix((np.ones(n_var), (s, np.arange(n_var))), shape=(n_sites, n_var))
    res = linprog(
        -saving[r, s],
        A_ub=sparse.vstack([a_rows, a_sites]).tocsr(),
        b_ub=np.concatenate([eligible[rows_used], np.full(n_sites, capacity)]),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise ParameterError(f"capacity assignment failed: {res.message}")
    assigned[r, s] = np.maximum(res.x, 0.0)
    return assigned
