"""Municipal commuter flows where only district flows are published: a doubly-constrained
spatial-interaction model with the published district totals as hard constraints.

Model (a tri-proportional / block-constrained gravity model)::

    T_ij = a_i · b_j · c_KL · f(d_ij)        i in district K, j in district L

* ``c_KL`` makes every modelled district pair add up to the published total T_KL exactly
  (the last balancing step is the block step, so this holds to floating-point precision);
* ``a_i`` makes municipality i's outflows match ``w_i / W_K · Σ_L T_KL`` (its share of the
  district's employed residents — from ``residents_weight``: imported employment at the
  place of residence where available, else population from the Gemeindeverzeichnis);
* ``b_j`` likewise for inflows (``jobs_weight``: imported jobs at the workplace, else
  population);
* ``f(d) = exp(-beta·d)`` (or ``d^-gamma``) with d the straight-line km between municipal
  polygon centroids, and for a municipality's internal flow the disc distance
  2/3·sqrt(area/π). ``beta`` is fixed or calibrated on the published district flows: a
  district-level doubly-constrained model whose mean trip length matches the published one
  (Hyman's method), then used unchanged within districts — an assumption, stated.

Only district pairs with a published number are modelled. Pooled "Übrige …" rows are spread
over the municipalities of their real side by weight and keep their pseudo partner key.
Suppressed district pairs (no number) are not modelled and are listed in ``not_estimated``.
Every row is flagged ``estimated`` — a modelled estimate, never official. Real municipal
tables replace it (``municipal_flows_or_estimate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.flowframe import ESTIMATE_NOTE, check_flows, is_pseudo_key, plain
from regionatlas.analysis.geometry import intra_zonal_km, weighted_centroids
from regionatlas.analysis.spatial_interaction import DECAYS, balance_pairs, deterrence
from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_ESTIMATED

# floor of the power decay's distance: half a kilometre (never a cost of 0 inside a place)
POWER_MIN_KM = 0.5


@dataclass
class EstimationResult:
    flows: pd.DataFrame  # origin, destination, persons, flag="estimated", pooled, level
    beta: float
    decay: str
    iterations: int
    max_row_error: float  # relative deviation from municipal outflow margins
    max_col_error: float
    max_block_error: float  # relative deviation from published district totals (≈ 0)
    not_estimated: pd.DataFrame  # district pairs left out, with reason
    notes: list[str] = field(default_factory=list)
    note: str = ESTIMATE_NOTE


def estimate_municipal_flows(
    district_flows: pd.DataFrame,
    municipalities: pd.DataFrame,
    *,
    districts: Iterable[str] | None = None,
    district_internal: pd.Series | None = None,
    beta: float | None = None,
    decay: str = "exponential",
    self_weight: float = 1.0,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> EstimationResult:
    """Estimate municipality × municipality flows inside and between ``districts``.

    ``district_flows``: one period/group of district flows (5-digit keys; pooled rows
    allowed; self-flows give the districts' internal totals, else ``district_internal``).
    ``municipalities``: index ags (8 digits); columns x, y (EPSG:25832 m),
    ``residents_weight`` and ``jobs_weight`` (or ``population`` for both), optional
    ``area_km2`` and ``district`` (default: the first five digits).
    ``beta`` per km (exponential) or the exponent (power); None calibrates it.
    ``self_weight`` multiplies the attraction of a resident's own municipality (1: none; the
    district totals cannot tell it, so it is an assumption the caller states).
    """
    if self_weight <= 0:
        raise ParameterError("self_weight must be positive", value=self_weight, expected="> 0")
    if decay not in DECAYS:
        raise ParameterError("unknown distance decay", value=decay, expected=" or ".join(DECAYS))
    if beta is not None and beta < 0:
        raise ParameterError("beta must not be negative", value=beta, expected=">= 0")
    f = plain(check_flows(district_flows, "district flows"))
    mun = _municipal_frame(municipalities)
    dset = sorted(set(mun["district"]) if districts is None else {str(d) for d in districts})
    mun = mun[mun["district"].isin(dset)].sort_values(["district"], kind="stable")
    missing = sorted(set(dset) - set(mun["district"]))
    if missing:
        raise ParameterError(
            "districts without municipalities", value=missing[:5], expected="municipal rows"
        )
    notes: list[str] = []

    # district pair totals T_KL
    if district_internal is not None:
        di = district_internal.astype(float).dropna()
        di.index = di.index.astype(str)
        have = set(f.loc[f["origin"] == f["destination"], "origin"])
        add = di[~di.index.isin(have)]
        f = pd.concat(
            [
                f,
                pd.DataFrame(
                    {
                        # the same period/group as the published rows (one of each)
                        **{c: f[c].iloc[0] for c in ("period", "grp") if c in f and len(f)},
                        "origin": add.index,
                        "destination": add.index,
                        "persons": add.to_numpy(),
                        "flag": None,
                    }
                ),
            ],
            ignore_index=True,
        )
    pooled = is_pseudo_key(f["origin"]) | is_pseudo_key(f["destination"])
    inside = f["origin"].isin(dset) & f["destination"].isin(dset)
    blocks = f[inside & ~pooled & f["persons"].notna() & (f["persons"] > 0)]
    skipped = f[inside & ~pooled & f["persons"].isna()].assign(reason="suppressed or unknown")
    no_internal = [
        d for d in dset if not ((blocks["origin"] == d) & (blocks["destination"] == d)).any()
    ]
    if no_internal:
        notes.append(
            f"{len(no_internal)} district(s) without an internal total: flows within them are "
            "not estimated, and municipal margins cover their flows to other districts only"
        )
    not_est = pd.concat(
        [
            skipped[["origin", "destination", "reason"]],
            pd.DataFrame(
                {
                    "origin": no_internal,
                    "destination": no_internal,
                    "reason": "internal total not published",
                }
            ),
        ],
        ignore_index=True,
    )

    # municipal index structure: members of each district contiguous
    dcodes = pd.Index(dset)
    mdist = dcodes.get_indexer(mun["district"])
    n_in = np.bincount(mdist, minlength=len(dcodes))
    start = np.concatenate([[0], np.cumsum(n_in)[:-1]])
    bK = dcodes.get_indexer(blocks["origin"])
    bL = dcodes.get_indexer(blocks["destination"])
    T = blocks["persons"].to_numpy(float)
    sizes = n_in[bK].astype(np.int64) * n_in[bL]
    bid = np.repeat(np.arange(len(T)), sizes)
    r = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    nl = n_in[bL][bid]
    i = (start[bK][bid] + r // nl).astype(np.int64)
    j = (start[bL][bid] + r % nl).astype(np.int64)
    del r, nl

    x, y = mun["x"].to_numpy(float), mun["y"].to_numpy(float)
    d = np.hypot(x[i] - x[j], y[i] - y[j]) / 1000.0
    if "area_km2" in mun.columns and mun["area_km2"].notna().all():
        intra = intra_zonal_km(mun["area_km2"]).to_numpy()
        d = np.where(i == j, intra[i], d)
    else:
        notes.append("no municipal areas: internal trip length taken as 0 km")
    if beta is None:
        beta = calibrate_beta(f, mun, dset, decay)
        notes.append(f"beta calibrated on published district flows: {beta:.4g}")
    fd = deterrence(d, beta, decay, min_cost=POWER_MIN_KM)
    if self_weight != 1.0:
        fd = np.where(i == j, fd * self_weight, fd)
    del d

    # margins: district outflow/inflow over modelled blocks, split by weights
    n = len(mun)
    out_K = np.bincount(bK, weights=T, minlength=len(dcodes))
    in_L = np.bincount(bL, weights=T, minlength=len(dcodes))
    rw, jw = mun["residents_weight"].to_numpy(float), mun["jobs_weight"].to_numpy(float)
    rW = np.bincount(mdist, weights=rw, minlength=len(dcodes))
    jW = np.bincount(mdist, weights=jw, minlength=len(dcodes))
    row_t = out_K[mdist] * np.divide(rw, rW[mdist], out=np.zeros(n), where=rW[mdist] > 0)
    col_t = in_L[mdist] * np.divide(jw, jW[mdist], out=np.zeros(n), where=jW[mdist] > 0)

    # tri-proportional balancing (rows, columns, blocks), ending with the block step so the
    # published district totals hold exactly; the margins' deviation is reported, not raised
    bal = balance_pairs(
        fd,
        [(i, row_t), (j, col_t), (bid, T)],
        tol=tol,
        max_iter=max_iter,
        require_convergence=False,
    )
    est, it, (row_err, col_err, _) = bal.values, bal.iterations, bal.errors
    blk = np.bincount(bid, weights=est, minlength=len(T))
    blk_err = float(np.max(np.abs(blk - T) / T)) if len(T) else 0.0
    if row_err > 1e-3 or col_err > 1e-3:
        notes.append(
            f"municipal margins matched to {max(row_err, col_err):.2%} after {it} iterations "
            "(the district totals are matched exactly)"
        )
    keys = mun.index.to_numpy()
    out = pd.DataFrame({"origin": keys[i], "destination": keys[j], "persons": est, "pooled": False})
    pooled_rows = _spread_pooled(f[pooled], mun, dset)
    if len(pooled_rows):
        out = pd.concat([out, pooled_rows], ignore_index=True)
    out["persons"] = out["persons"].astype(float)
    out["pooled"] = out["pooled"].astype(bool)
    out["flag"] = FLAG_ESTIMATED
    out["level"] = "gemeinde"
    for c in ("period", "grp"):
        if c in district_flows.columns and len(district_flows):
            out[c] = district_flows[c].iloc[0]
    return EstimationResult(
        flows=out,
        beta=float(beta),
        decay=decay,
        iterations=it,
        max_row_error=row_err,
        max_col_error=col_err,
        max_block_error=blk_err,
        not_estimated=not_est,
        notes=notes,
    )


def calibrate_beta(
    district_flows: pd.DataFrame,
    municipalities: pd.DataFrame,
    districts: Iterable[str],
    decay: str = "exponential",
) -> float:
    """Beta whose district-level doubly-constrained model (flows between different districts,
    as published) reproduces the published mean trip length between district centroids
    (population-weighted). Falls back to 0.1/km (exponential) or 2 (power) with fewer than
    three published district pairs."""
    f = plain(check_flows(district_flows, "district flows"))
    mun = _municipal_frame(municipalities)
    dset = sorted({str(d) for d in districts})
    cen = weighted_centroids(mun[["x", "y"]], mun["residents_weight"], mun["district"]).reindex(
        dset
    )
    ok = (
        f["origin"].isin(dset)
        & f["destination"].isin(dset)
        & (f["origin"] != f["destination"])
        & f["persons"].notna()
        & (f["persons"] > 0)
    )
    g = f[ok]
    if len(g) < 3:
        return 0.1 if decay == "exponential" else 2.0
    idx = pd.Index(dset)
    o, d = idx.get_indexer(g["origin"]), idx.get_indexer(g["destination"])
    T = g["persons"].to_numpy(float)
    x, y = cen["x"].to_numpy(float), cen["y"].to_numpy(float)
    dist = np.hypot(x[o] - x[d], y[o] - y[d]) / 1000.0
    target = float((T * dist).sum() / T.sum())
    k = len(idx)
    row_t = np.bincount(o, weights=T, minlength=k)
    col_t = np.bincount(d, weights=T, minlength=k)

    def mean_len(beta: float) -> float:
        seed = deterrence(dist, beta, decay, min_cost=POWER_MIN_KM)
        margins = [(o, row_t), (d, col_t)]
        est = balance_pairs(seed, margins, tol=None, max_iter=100, require_convergence=False)
        return float((est.values * dist).sum() / est.values.sum())

    lo, hi = 1e-4, (2.0 if decay == "exponential" else 8.0)
    flo, fhi = mean_len(lo) - target, mean_len(hi) - target
    if flo <= 0:
        return lo
    if fhi >= 0:
        return hi
    from scipy.optimize import brentq  # imported here: scipy.optimize costs ~0.3 s to load

    return float(brentq(lambda b: mean_len(b) - target, lo, hi, xtol=1e-4))


def _spread_pooled(pooled: pd.DataFrame, mun: pd.DataFrame, dset: list[str]) -> pd.DataFrame:
    """Pooled district rows → municipal rows of the real side, split by weight."""
    rows = []
    for side, other, wcol in (
        ("origin", "destination", "residents_weight"),
        ("destination", "origin", "jobs_weight"),
    ):
        p = pooled[pooled[side].isin(dset) & pooled["persons"].notna()]
        if p.empty:
            continue
        m = mun[["district", wcol]].reset_index()
        m["share"] = m[wcol] / m.groupby("district")[wcol].transform("sum")
        j = p.merge(m, left_on=side, right_on="district")
        rows.append(
            pd.DataFrame(
                {
                    side: j["ags"].to_numpy(),
                    other: j[other].to_numpy(),
                    "persons": (j["persons"] * j["share"]).to_numpy(),
                    "pooled": True,
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["origin", "destination", "persons", "pooled"])
    return pd.concat(rows, ignore_index=True)[["origin", "destination", "persons", "pooled"]]


def _municipal_frame(municipalities: pd.DataFrame) -> pd.DataFrame:
    m = municipalities.copy()
    if "ags" in m.columns:
        m = m.set_index("ags")
    m.index = m.index.astype(str).rename("ags")
    for c in ("x", "y"):
        if c not in m.columns:
            raise ParameterError(
                f"municipalities lack column {c!r}", expected="x, y in EPSG:25832 m"
            )
    for c in ("residents_weight", "jobs_weight"):
        if c not in m.columns:
            if "population" not in m.columns:
                raise ParameterError(
                    f"municipalities lack {c!r} and 'population'",
                    expected="a weight per municipality",
                )
            m[c] = m["population"]
        bad = m[c].isna() | (m[c] < 0)
        if bad.any():
            raise ParameterError(
                f"municipal weight {c!r} missing or negative",
                value=f"{m.index[bad.to_numpy()][0]}: {m.loc[bad, c].iloc[0]}",
                expected="a number >= 0",
            )
    if "district" not in m.columns:
        m["district"] = m.index.str.slice(0, 5)
    m["district"] = m["district"].astype(str)
    return m


def estimation_error(
    true: pd.DataFrame, estimated: pd.DataFrame, *, tolerance: float = 0.25, min_true: float = 10
) -> dict[str, float]:
    """Compare estimated with true municipal flows (pairs missing on one side count as 0).

    srmse: standardised root-mean-square error over the union of pairs (RMSE / mean true
    flow); r: Pearson correlation; misallocated: ½·Σ|T−E| / ΣT (share of commuters put on a
    wrong pair); within_tolerance: share of true flows ≥ ``min_true`` estimated within
    ±``tolerance``; sc_supply_mae: mean absolute error of municipal self-containment
    (internal / all outflows, percentage points /100) over origins with true outflows.
    """
    t = _pairs(true, "true")
    e = _pairs(estimated, "est")
    j = pd.concat([t, e], axis=1, join="outer").fillna(0.0)
    tv, ev = j["true"].to_numpy(), j["est"].to_numpy()
    mean_t = tv.mean() if len(tv) else np.nan
    big = tv >= min_true
    o = j.index.get_level_values(0)
    self_ = o == j.index.get_level_values(1)
    tot_t = pd.Series(tv).groupby(o).sum()
    tot_e = pd.Series(ev).groupby(o).sum()
    sc_t = pd.Series(np.where(self_, tv, 0.0)).groupby(o).sum() / tot_t
    sc_e = pd.Series(np.where(self_, ev, 0.0)).groupby(o).sum() / tot_e.where(tot_e > 0)
    has = tot_t > 0
    return {
        "pairs": float(len(j)),
        "true_total": float(tv.sum()),
        "estimated_total": float(ev.sum()),
        "srmse": float(np.sqrt(np.mean((tv - ev) ** 2)) / mean_t) if len(tv) else np.nan,
        "r": float(np.corrcoef(tv, ev)[0, 1]) if len(tv) > 1 else np.nan,
        "misallocated": float(0.5 * np.abs(tv - ev).sum() / tv.sum()) if tv.sum() else np.nan,
        "within_tolerance": float((np.abs(ev[big] - tv[big]) <= tolerance * tv[big]).mean())
        if big.any()
        else np.nan,
        "sc_supply_mae": float((sc_t[has] - sc_e[has]).abs().mean()) if has.any() else np.nan,
    }


def _pairs(df: pd.DataFrame, name: str) -> pd.Series:
    f = df[["origin", "destination", "persons"]].copy()
    f["origin"], f["destination"] = f["origin"].astype(str), f["destination"].astype(str)
    f["persons"] = pd.to_numeric(f["persons"]).astype(float)
    f = f[~is_pseudo_key(f["origin"]) & ~is_pseudo_key(f["destination"])]
    return f.groupby(["origin", "destination"])["persons"].sum().rename(name)


def municipal_flows_or_estimate(
    municipal_flows: pd.DataFrame | None,
    district_flows: pd.DataFrame,
    municipalities: pd.DataFrame,
    *,
    districts: Iterable[str],
    **kwargs: Any,
) -> tuple[pd.DataFrame, str]:
    """Real municipal flows when they cover every district in ``districts`` (as residence
    side), else the model estimate. Returns (flows, "published" | "estimated")."""
    dset = {str(d) for d in districts}
    if municipal_flows is not None and len(municipal_flows):
        covered = set(municipal_flows["origin"].astype(str).str.slice(0, 5))
        if dset <= covered:
            return municipal_flows, "published"
    res = estimate_municipal_flows(district_flows, municipalities, districts=dset, **kwargs)
    return res.flows, "estimated"
