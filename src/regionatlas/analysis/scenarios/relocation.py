"""Lever: job relocation / settlement policy. Move ``jobs`` workplaces to chosen places and
predict the new flows with a doubly-constrained gravity model calibrated on the observed
flows (residences stay where they are).

The change is applied as an increment: scenario flow = observed + (model with new
workplace totals − model with observed totals), cut at 0 (the amount cut is reported), then
balanced (Furness) to the residences' totals and the new workplace totals.

Parameters (TOML ``[levers.job_relocation]``):
    jobs = 2000                       workplaces to move
    targets = { attribute = "central_place", values = ["Mittelzentrum"] }   place selector
    allocation = "proportional"       split among targets by their current jobs, or "equal"
    sources = "all"                   places that lose jobs (minus the targets), by their jobs
    decay = "exponential"             or "power"
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios import gravity
from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.levers import LeverOutcome, check_keys, number
from regionatlas.analysis.scenarios.parameters import Parameters
from regionatlas.analysis.scenarios.places import select_places
from regionatlas.errors import ParameterError

KEYS = {"jobs", "targets", "allocation", "sources", "decay"}


def observed_matrix(ctx: ScenarioContext, params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """Dense observed OD matrix and road-km cost over all places (inf = structural zero)."""
    n = len(ctx.units)
    i, j = ctx.od_index
    obs = np.zeros((n, n))
    np.add.at(obs, (i, j), ctx.od["persons"].to_numpy(dtype="float64"))
    cost = ctx.straight_matrix() * params["distance.detour_factor"]
    has_internal = bool((i == j).any())
    diag = np.arange(n)
    if has_internal:
        inner = ctx.internal_straight_km(params["distance.internal_radius_factor"])
        cost[diag, diag] = inner * params["distance.detour_factor"]
    cost[diag, diag] = np.where(
        np.isfinite(cost[diag, diag]) & has_internal, cost[diag, diag], np.inf
    )
    return obs, cost


def apply_job_relocation(
    trips: pd.DataFrame, ctx: ScenarioContext, params: Parameters, spec: dict[str, Any]
) -> LeverOutcome:
    what = "levers.job_relocation"
    check_keys(spec, KEYS, what)
    jobs = number(spec.get("jobs", 0), f"{what}.jobs")
    allocation = spec.get("allocation", "proportional")
    if allocation not in ("proportional", "equal"):
        raise ParameterError(
            f"{what}.allocation must be 'proportional' or 'equal'", parameter=f"{what}.allocation"
        )
    decay = spec.get("decay", "exponential")
    if decay not in gravity.DECAYS:
        raise ParameterError(
            f"{what}.decay must be one of {gravity.DECAYS}", parameter=f"{what}.decay"
        )
    if "targets" not in spec:
        raise ParameterError(f"{what}.targets is missing", parameter=f"{what}.targets")
    targets = select_places(ctx, spec["targets"], f"{what}.targets")
    sources = select_places(ctx, spec.get("sources", "all"), f"{what}.sources")
    sources = [s for s in sources if s not in set(targets)]

    key = (
        "gravity",
        decay,
        params["distance.detour_factor"],
        params["distance.internal_radius_factor"],
    )
    if key not in ctx.cache:  # the fit depends only on the observed flows and distances
        obs, cost = observed_matrix(ctx, params)
        ctx.cache[key] = (obs, cost, *gravity.calibrate(obs, cost, decay=decay))
    obs, cost, fit, bal0, f = ctx.cache[key]
    origins = obs.sum(axis=1)
    dest = obs.sum(axis=0)
    pos = ctx.position
    t_idx = pos.reindex(targets).to_numpy()
    s_idx = pos.reindex(sources).to_numpy()
    available = dest[s_idx].sum()
    if jobs > available:
        raise ParameterError(
            f"{what}.jobs = {jobs:g} is more than the source places hold ({available:g})",
            parameter=f"{what}.jobs",
        )
    if not len(s_idx) or available <= 0:
        raise ParameterError(f"{what}.sources: no jobs to move", parameter=f"{what}.sources")
    new_dest = dest.copy()
    new_dest[s_idx] -= jobs * dest[s_idx] / available
    weight = dest[t_idx] if allocation == "proportional" else np.ones(len(t_idx))
    if weight.sum() <= 0:
        weight = np.ones(len(t_idx))
    np.add.at(new_dest, t_idx, jobs * weight / weight.sum())
    bal1 = gravity.furness(origins, new_dest, f)
    t1 = gravity.flows(bal1, f)
    delta = t1 - gravity.flows(bal0, f)
    n = len(ctx.units)
    ags = ctx.units.index.to_numpy()

    # apply the increment cell by cell on integer codes (origin row * n + destination row)
    code = (
        pos.reindex(trips["origin"]).to_numpy() * n + pos.reindex(trips["destination"]).to_numpy()
    )
    uniq, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    persons = np.bincount(inverse, weights=trips["persons"].to_numpy(), minlength=len(uniq))
    car_w = np.bincount(
        inverse,
        weights=trips["persons"].to_numpy() * trips["occupancy"].to_numpy(),
        minlength=len(uniq),
    )
    occupancy = np.where(
        persons > 0,
        car_w / np.where(persons > 0, persons, 1.0),
        trips["occupancy"].to_numpy()[first],
    )
    flat = delta.ravel()
    # seed = current flows + model increment, cut at 0; then balanced (Furness) to the
    # residences' totals and the new workplace totals, so both margins hold exactly
    current = np.zeros(n * n)
    current[uniq] = persons
    seed = np.maximum(current + flat, 0.0)
    cut = float(-np.minimum(current + flat, 0.0).sum())
    rows_total = current.reshape(n, n).sum(axis=1)
    cols_total = np.maximum(current.reshape(n, n).sum(axis=0) + (new_dest - dest), 0.0)
    cols_total *= rows_total.sum() / cols_total.sum()
    seed_m = seed.reshape(n, n)
    balanced = gravity.flows(gravity.furness(rows_total, cols_total, seed_m, tol=1e-10), seed_m)
    result = balanced.ravel()
    codes = np.nonzero(result > 1e-9)[0]
    km = cost.ravel().copy()
    km[uniq] = trips["km"].to_numpy()[first]
    occ = np.full(n * n, params["occupancy.commute"])
    occ[uniq] = occupancy
    out = pd.DataFrame(
        {
            "origin": ags[codes // n],
            "destination": ags[codes % n],
            "persons": result[codes],
            "km": km[codes],
            "occupancy": occ[codes],
        }
    )
    flat = result - current  # the change actually applied

    big = np.argsort(-np.abs(flat))[:500]
    big = big[np.abs(flat[big]) > 1e-9]
    moved = pd.DataFrame(
        {
            "origin": ags[big // n],
            "destination": ags[big % n],
            "delta": flat[big],
            "km": cost.ravel()[big],
        }
    )
    moved["origin_name"] = ctx.names(pd.Index(moved["origin"])).to_numpy()
    moved["destination_name"] = ctx.names(pd.Index(moved["destination"])).to_numpy()
    job_change = (
        pd.DataFrame(
            {
                "ags": ags,
                "name": ctx.names(pd.Index(ags)).to_numpy(),
                "jobs_before": dest,
                "jobs_after": new_dest,
                "change": new_dest - dest,
            }
        )
        .loc[lambda df: np.abs(df["change"]) > 1e-9]
        .reset_index(drop=True)
    )
    return LeverOutcome(
        "job_relocation",
        out,
        details={
            "jobs": jobs,
            "targets": targets,
            "allocation": allocation,
            "sources": len(sources),
            "gravity": fit.to_dict(),
            "margins_check": {
                "max_row_error": float(np.abs(delta.sum(axis=1)).max()),
                "max_col_error": float(np.abs(t1.sum(axis=0) - new_dest).max()),
            },
            "persons_cut_at_zero_before_balancing": round(cut, 3),
        },
        tables={"flow_changes": moved, "job_changes": job_change},
    )
