"""Quality indicators of a labour-market-area partition (StatClusterData, Qmodularity).

Per LMA (EMP_live = R residents, EMP_work = J jobs, EMP_live_work = I internal flow):
SC both sides, validity, commuter percent, home-work ratio, number of communities,
internal cohesion (links and flows), number of central communities, LMA-level links in
and out. The **main centre** of an LMA is its member with the most jobs (J, workplace
count; exact ties -> the smallest community id), the rule the reference package uses to
name an LMA (``AssignLmaName``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.lma_params import LmaParams, validity

STAT_COLUMNS = (
    "cluster",
    "main_centre",
    "main_centre_jobs",
    "n_com",
    "residents",
    "jobs",
    "internal",
    "sc_supply_side",
    "sc_demand_side",
    "validity",
    "commuter_percent",
    "home_work_ratio",
    "internal_cohesion_link",
    "internal_cohesion_flows",
    "nb_central_comm",
    "n_links_in",
    "n_links_out",
)


def q_modularity(cluster_live: np.ndarray, cluster_work: np.ndarray, amount: np.ndarray) -> float:
    """Q = sum_i [F_ii/T - R_i J_i / T^2] over the clusters of an LMA flow matrix
    (cluster 0, the not-assigned communities, is left out of the sum but counts in T)."""
    amount = np.asarray(amount, dtype=float)
    total = amount.sum()
    if total == 0:
        return float("nan")
    df = pd.DataFrame({"l": cluster_live, "w": cluster_work, "a": amount})
    r = df.groupby("l")["a"].sum()
    j = df.groupby("w")["a"].sum()
    diag = df[df["l"] == df["w"]].groupby("l")["a"].sum()
    ks = [k for k in r.index.union(j.index) if k != 0]
    q = 0.0
    for k in ks:
        q += diag.get(k, 0.0) / total - r.get(k, 0.0) * j.get(k, 0.0) / total**2
    return float(q)


def lma_statistics(
    ids: np.ndarray,
    clus: np.ndarray,
    live: np.ndarray,
    work: np.ndarray,
    amount: np.ndarray,
    params: LmaParams,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Indicators per LMA (clusters > 0) and the summary. Communities are 0..n-1
    (``ids`` gives their external ids); ``clus`` their cluster."""
    n = len(ids)
    amount = np.asarray(amount, dtype=np.int64)
    r_c = np.bincount(live, weights=amount, minlength=n)
    j_c = np.bincount(work, weights=amount, minlength=n)
    selfm = live == work
    s_c = np.bincount(live[selfm], weights=amount[selfm], minlength=n)
    cl, cw = clus[live], clus[work]
    inside = cl == cw

    com = pd.DataFrame({"rank": np.arange(n), "cluster": clus, "R": r_c, "J": j_c, "S": s_c})
    with np.errstate(divide="ignore", invalid="ignore"):
        cent = (com["J"] - com["S"]) / (com["R"] - com["S"])
    com["central"] = ((cent > 1) & (com["J"] > 100)).astype(int)
    com = com[com["cluster"] > 0]
    if com.empty:
        return pd.DataFrame(columns=list(STAT_COLUMNS)), _summary(pd.DataFrame(), np.nan)

    g = com.groupby("cluster")
    out = pd.DataFrame(
        {
            "n_com": g.size(),
            "residents": g["R"].sum().astype(np.int64),
            "jobs": g["J"].sum().astype(np.int64),
            "nb_central_comm": g["central"].sum().astype(np.int64),
        }
    )
    top = com.sort_values(["cluster", "J", "rank"], ascending=[True, False, True])
    top = top.drop_duplicates("cluster").set_index("cluster")
    out["main_centre"] = pd.Series(ids[top["rank"].to_numpy()], index=top.index, dtype=object)
    out["main_centre_jobs"] = top["J"].astype(np.int64)

    fl = pd.DataFrame({"k": cl, "a": amount, "diff": live != work})[inside]
    fl = fl[fl["k"] > 0]
    out["internal"] = fl.groupby("k")["a"].sum().reindex(out.index, fill_value=0)
    between = fl[fl["diff"]].groupby("k")
    n_between_links = between.size().reindex(out.index, fill_value=0)
    between_flow = between["a"].sum().reindex(out.index, fill_value=0)

    res = out["residents"].astype(float)
    jobs = out["jobs"].astype(float)
    inn = out["internal"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["sc_supply_side"] = inn / res
        out["sc_demand_side"] = inn / jobs
        out["commuter_percent"] = ((res - inn) + (jobs - inn)) / (2 * inn)
        out["home_work_ratio"] = ((res - inn) - (jobs - inn)) / inn
        ncom = out["n_com"].astype(float)
        out["internal_cohesion_link"] = n_between_links / (ncom * (ncom - 1))
        out["internal_cohesion_flows"] = 100 * between_flow / inn
    out["validity"] = [
        validity(float(r), float(j), float(i), params)
        for r, j, i in zip(res, jobs, inn, strict=True)
    ]
    lw = (
        pd.DataFrame({"l": cl, "w": cw, "a": amount}).groupby(["l", "w"], as_index=False)["a"].sum()
    )
    lw = lw[~((lw["l"] == 0) & (lw["w"] == 0))]
    out["n_links_in"] = lw.groupby("w").size().reindex(out.index, fill_value=0)
    out["n_links_out"] = lw.groupby("l").size().reindex(out.index, fill_value=0)
    out.index.name = "cluster"
    out = out.reset_index()[list(STAT_COLUMNS)]
    q = q_modularity(lw["l"].to_numpy(), lw["w"].to_numpy(), lw["a"].to_numpy())
    return out, _summary(out, q)


def _describe(s: pd.Series) -> dict[str, float]:
    s = s.replace([np.inf, -np.inf], np.nan).dropna().astype(float)
    if s.empty:
        return {k: float("nan") for k in ("mean", "sd", "q1", "median", "q3", "min", "max")}
    return {
        "mean": float(s.mean()),
        "sd": float(s.std(ddof=1)) if len(s) > 1 else float("nan"),
        "q1": float(s.quantile(0.25)),
        "median": float(s.median()),
        "q3": float(s.quantile(0.75)),
        "min": float(s.min()),
        "max": float(s.max()),
    }


def _summary(stats: pd.DataFrame, q: float) -> dict[str, Any]:
    if stats.empty:
        return {"n_lma": 0, "q_modularity": q}
    summary: dict[str, Any] = {
        "n_lma": len(stats),
        "n_single_community": int((stats["n_com"] == 1).sum()),
        "n_validity_below_1": int((stats["validity"] < 1).sum()),
        "n_no_central_community": int((stats["nb_central_comm"] == 0).sum()),
        "q_modularity": q,
    }
    for col in (
        "sc_supply_side",
        "sc_demand_side",
        "residents",
        "jobs",
        "internal",
        "commuter_percent",
        "home_work_ratio",
        "internal_cohesion_link",
        "internal_cohesion_flows",
    ):
        summary[col] = _describe(stats[col])
    return summary
