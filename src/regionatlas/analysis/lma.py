"""Labour-market areas (LMA): the Eurostat/ISTAT algorithm, fast and deterministic.

Specification: ``shared/design/lma-algorithm.md`` (the method of the R package
LabourMarketAreas v3.4, ``findClusters``). By default the result is the package's
partition (checked against R by ``benchmarks/lma_vs_reference.py`` and the fixtures in
``tests/data/lma_reference``); the clean written method is ``method="written"``.

Entry point: :func:`find_lma` (pure: a flow table in, an :class:`LmaResult` out).

How it stays fast. Only the clusters that gain or lose a community change their size
``R``, jobs ``J`` or internal flow ``I``, so validity ``V`` changes for at most two
clusters per move. We keep ``R``, ``J``, ``I`` per cluster, updated in O(degree) per
move from the community's own flow lists, and a heap of ``(V, cluster id)`` with lazy
deletion for the argmin (exact ties -> smallest id, as the heap orders tuples). Ties
between a community and candidate clusters are aggregated from the community's flow
lists, so no cluster-level flow table is rebuilt. Overall O(moves × degree × log).

Where the reference R package departs from the written method, its behaviour is the
default (``method="reference"``); ``method="written"`` keeps the clean method. The
points are marked ``REFERENCE:`` in :mod:`regionatlas.analysis.lma_engine` and listed,
each with the input that shows it, in ``docs/lma-reference-differences.md``:

* community ids are ranked by their integer value when all are digit strings (as the
  reference, which requires integer ids), else as text;
* rows with ``amount == 0`` stay and are links (tie 0); the written method drops them;
* a multi-community cluster left after a link-branch step keeps its validity as the
  minimum over its unaggregated rows for one iteration; the written method re-aggregates;
* type-D rounds take the global argmin (ordinary clusters included); the written method
  handles the freed members only.

Reserve-list entries of types E/F name the community actually handled (the reference
prints the community of the same rank in its ranking, which can differ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.lma_engine import (
    METHODS,
    RESERVE,
    LmaConvergenceError,
    LmaEngine,
    run_engine,
)
from regionatlas.analysis.lma_params import LmaParams, validity
from regionatlas.analysis.lma_stats import lma_statistics
from regionatlas.errors import ParameterError

__all__ = [
    "LmaConvergenceError",
    "LmaParams",
    "LmaResult",
    "LmaState",
    "find_lma",
    "validity",
]

FLOW_COLUMNS = ("community_live", "community_work", "amount")


@dataclass
class LmaState:
    """A partition with its flow tables (clusterList, LWClus, marginals of the reference)."""

    cluster_list: pd.DataFrame  # community, cluster, residents
    lw_clus: pd.DataFrame  # cluster_live, cluster_work, amount; the (0, 0) row dropped
    marginals: pd.DataFrame  # cluster, amount_live, amount_work; cluster 0 dropped


@dataclass
class LmaResult:
    """Everything the reference returns, with the caller's community ids.

    ``reserve_list`` columns: type (A–F), iteration, cluster, validity, community,
    next_community (C/D only). ``not_assigned``: communities still in the reserve after
    the reserve stage (cluster 0). ``zero_list``: communities removed by the pre-filter.
    ``stats``: one row per LMA (see :mod:`regionatlas.analysis.lma_stats`);
    ``summary``: the quality summary incl. ``q_modularity``.
    """

    params: LmaParams
    lma: LmaState
    before_reserve: LmaState
    reserve_list: pd.DataFrame
    not_assigned: list[Any]
    zero_list: list[Any]
    movements: pd.DataFrame  # community, moves
    id_ranks: pd.DataFrame  # community, rank (the internal recoding 1..n)
    stats: pd.DataFrame
    summary: dict[str, Any]
    iterations: int = 0
    invalid_after_reserve: list[int] = field(default_factory=list)

    @property
    def cluster_list(self) -> pd.DataFrame:
        return self.lma.cluster_list

    @property
    def lw_clus(self) -> pd.DataFrame:
        return self.lma.lw_clus

    @property
    def marginals(self) -> pd.DataFrame:
        return self.lma.marginals

    def assignment(self) -> pd.Series:
        """community -> cluster (0 = not assigned) for every community in the input,
        zero-list communities included with cluster 0."""
        s = self.lma.cluster_list.set_index("community")["cluster"]
        if self.zero_list:
            s = pd.concat([s, pd.Series(0, index=pd.Index(self.zero_list, name="community"))])
        return s.rename("cluster")


def areas_table(result: LmaResult) -> pd.DataFrame:
    """community, cluster, status for every community of the input (cluster 0 =
    not assigned or removed by the pre-filter)."""
    cl = result.cluster_list
    status = np.where(cl["cluster"].to_numpy() == 0, "not_assigned", "lma")
    parts = [
        pd.DataFrame({"community": cl["community"], "cluster": cl["cluster"], "status": status})
    ]
    if result.zero_list:
        parts.append(
            pd.DataFrame({"community": result.zero_list, "cluster": 0, "status": "zero_list"})
        )
    out = pd.concat(parts, ignore_index=True)
    out["community"] = out["community"].astype(str)
    return out.sort_values("community", kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- input


def _check_flows(flows: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in FLOW_COLUMNS if c not in flows.columns]
    if missing:
        raise ParameterError(
            f"flow table lacks column(s) {', '.join(missing)}; expected {', '.join(FLOW_COLUMNS)}"
        )
    df = flows.loc[:, list(FLOW_COLUMNS)]
    for col in ("community_live", "community_work"):
        if df[col].isna().any():
            pos = int(np.flatnonzero(df[col].isna().to_numpy())[0])
            raise ParameterError(f"flow table row {pos}: {col} is missing")
    amount = pd.to_numeric(df["amount"], errors="coerce")
    bad = amount.isna() | (amount < 0) | (amount != np.floor(amount))
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise ParameterError(
            f"flow table row {pos}: amount {df['amount'].iloc[pos]!r} is not a non-negative integer"
        )
    dup = df.duplicated(["community_live", "community_work"], keep=False)
    if dup.any():
        pair = np.flatnonzero(dup.to_numpy())[:2]
        raise ParameterError(
            f"flow table rows {int(pair[0])} and {int(pair[1])}: duplicate pair "
            f"({df['community_live'].iloc[pair[0]]!r}, {df['community_work'].iloc[pair[0]]!r})"
        )
    kinds = {type(v) for v in pd.unique(pd.concat([df["community_live"], df["community_work"]]))}
    kinds = {int if issubclass(k, int | np.integer) else k for k in kinds}
    if len(kinds) > 1:
        raise ParameterError(
            "community ids mix types ("
            + ", ".join(sorted(k.__name__ for k in kinds))
            + "); use strings (AGS) or integers throughout"
        )
    return pd.DataFrame(
        {
            "community_live": df["community_live"].to_numpy(dtype=object),
            "community_work": df["community_work"].to_numpy(dtype=object),
            "amount": amount.to_numpy(dtype=np.int64),
        }
    )


def _prefilter(
    live: np.ndarray, work: np.ndarray, amount: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Repeatedly drop communities with R=0, J=0 or only a self-flow.

    Returns (kept community mask, kept row mask)."""
    alive = np.ones(n, dtype=bool)
    rows = np.ones(len(live), dtype=bool)
    while True:
        r = np.bincount(live[rows], weights=amount[rows], minlength=n)
        j = np.bincount(work[rows], weights=amount[rows], minlength=n)
        selfrow = rows & (live == work)
        s = np.zeros(n)
        s[live[selfrow]] = amount[selfrow]
        drop = alive & ((r == 0) | (j == 0) | ((s == r) & (s == j)))
        if not drop.any():
            return alive, rows
        alive &= ~drop
        rows &= alive[live] & alive[work]


# ----------------------------------------------------------------------------- output


def _state(
    ids: np.ndarray,
    clus: np.ndarray,
    live: np.ndarray,
    work: np.ndarray,
    amount: np.ndarray,
    residents: np.ndarray,
) -> LmaState:
    cl = pd.DataFrame({"community": ids, "cluster": clus, "residents": residents})
    lw = (
        pd.DataFrame({"cluster_live": clus[live], "cluster_work": clus[work], "amount": amount})
        .groupby(["cluster_live", "cluster_work"], as_index=False, sort=True)["amount"]
        .sum()
    )
    lw = lw[~((lw["cluster_live"] == 0) & (lw["cluster_work"] == 0))].reset_index(drop=True)
    ml = lw.groupby("cluster_live")["amount"].sum().rename("amount_live")
    mw = lw.groupby("cluster_work")["amount"].sum().rename("amount_work")
    marg = pd.concat([ml, mw], axis=1).fillna(0).astype("int64")
    marg.index.name = "cluster"
    marg = marg.reset_index()
    marg = marg[marg["cluster"] != 0].sort_values("cluster").reset_index(drop=True)
    return LmaState(cl, lw, marg)


def _ranked_ids(ids: np.ndarray) -> np.ndarray:
    """Community ids in the order of their internal rank.

    REFERENCE: the reference requires integer ids and ranks them as numbers; ids read
    from a CSV are text, so digit strings are ranked by their integer value ("43" before
    "113"; ties such as "7"/"007" by the text). Other ids are ranked as text.
    Input that shows it: tests/data/lma_reference/c_numeric_id_order (docs/
    lma-reference-differences.md, point 1)."""
    uniq = pd.unique(ids)
    if len(uniq) and all(isinstance(v, str) and v.isdigit() and v.isascii() for v in uniq):
        return np.array(sorted(uniq, key=lambda v: (int(v), v)), dtype=object)
    return np.array(sorted(uniq), dtype=object)


def find_lma(
    flows: pd.DataFrame,
    params: LmaParams,
    *,
    method: str = "reference",
    max_iterations: int | None = None,
) -> LmaResult:
    """Delineate labour-market areas from an OD table.

    ``flows`` has columns community_live, community_work, amount (non-negative integers;
    self-flows included; each pair at most once). Community ids are strings (AGS) or
    integers and are kept in the output. Deterministic: the same table in any row order
    gives the same result. ``method``: "reference" (the partition of the R package
    LabourMarketAreas 3.4) or "written" (the clean method of the specification).
    """
    if not isinstance(params, LmaParams):
        raise ParameterError("params must be an LmaParams")
    if method not in METHODS:
        raise ParameterError(f"LMA method must be one of {', '.join(METHODS)}, got {method!r}")
    df = _check_flows(flows)
    both = np.concatenate([df["community_live"].to_numpy(), df["community_work"].to_numpy()])
    all_ids = _ranked_ids(both)
    if method == "written":
        # REFERENCE: the reference keeps amount-0 rows as links (tie 0); input
        # c_zero_row_link (docs/lma-reference-differences.md, point 2)
        df = df[df["amount"] > 0]
    n_all = len(all_ids)
    index = pd.Index(all_ids, dtype=object)
    live_all = index.get_indexer(df["community_live"].to_numpy()).astype(np.int64)
    work_all = index.get_indexer(df["community_work"].to_numpy()).astype(np.int64)
    amt_all = df["amount"].to_numpy(np.int64)
    alive, rows = _prefilter(live_all, work_all, amt_all, n_all)
    zero_list = [all_ids[i] for i in np.flatnonzero(~alive)]
    ids = all_ids[alive]
    n = len(ids)
    recode = np.full(n_all, -1, dtype=np.int64)
    recode[alive] = np.arange(n)
    live, work, amount = recode[live_all[rows]], recode[work_all[rows]], amt_all[rows]

    eng = LmaEngine(n, live, work, amount, params, method)
    limit = max_iterations if max_iterations is not None else 50 * n + 1000
    reserve, iterations, before = run_engine(eng, limit)

    residents = np.asarray(eng.Rc, dtype=np.int64)
    final = np.asarray(eng.clus, dtype=np.int64)
    before_arr = np.asarray(before, dtype=np.int64)
    lma = _state(ids, final, live, work, amount, residents)
    before_state = _state(ids, before_arr, live, work, amount, residents)

    reserve_df = pd.DataFrame(
        {
            "type": pd.Series([e[0] for e in reserve], dtype="str"),
            "iteration": pd.Series([e[1] for e in reserve], dtype="int64"),
            "cluster": pd.Series([e[2] for e in reserve], dtype="int64"),
            "validity": pd.Series([e[3] for e in reserve], dtype="float64"),
            "community": pd.Series([ids[e[4]] for e in reserve], dtype=object),
            "next_community": pd.Series(
                [None if e[5] is None else ids[e[5]] for e in reserve], dtype=object
            ),
        }
    )
    not_assigned = [ids[c] for c in np.flatnonzero(final == RESERVE)]
    movements = pd.DataFrame({"community": ids, "moves": np.asarray(eng.moves, np.int64)})
    stats, summary = lma_statistics(ids, final, live, work, amount, params)
    summary.update(
        n_not_assigned=len(not_assigned),
        n_zero_list=len(zero_list),
        n_reserve_entries=len(reserve_df),
        iterations=iterations,
    )
    invalid_after = stats.loc[stats["validity"] < 1, "cluster"].astype(int).tolist()
    return LmaResult(
        params=params,
        lma=lma,
        before_reserve=before_state,
        reserve_list=reserve_df,
        not_assigned=not_assigned,
        zero_list=zero_list,
        movements=movements,
        id_ranks=pd.DataFrame({"community": ids, "rank": np.arange(1, n + 1)}),
        stats=stats,
        summary=summary,
        iterations=iterations,
        invalid_after_reserve=invalid_after,
    )
