"""Labour-market areas (LMA): the Eurostat/ISTAT algorithm, fast and deterministic.

Specification: ``shared/design/lma-algorithm.md`` (the method of the R package
LabourMarketAreas v3.4, ``findClusters``). This module implements the *clean* variant the
specification asks for: after a member leaves a multi-community cluster the rest of the
cluster is re-aggregated at once.

Entry point: :func:`find_lma` (pure: a flow table in, an :class:`LmaResult` out).

How it stays fast. Only the clusters that gain or lose a community change their size
``R``, jobs ``J`` or internal flow ``I``, so validity ``V`` changes for at most two
clusters per move. We keep ``R``, ``J``, ``I`` per cluster, updated in O(degree) per
move from the community's own flow lists, and a heap of ``(V, cluster id)`` with lazy
deletion for the argmin (exact ties -> smallest id, as the heap orders tuples). Ties
between a community and candidate clusters are aggregated from the community's flow
lists, so no cluster-level flow table is rebuilt. Overall O(moves × degree × log).

Decisions where the specification leaves room (documented in ``LmaResult`` too):

* Rows with ``amount == 0`` are dropped first (a zero flow is no link).
* In the type-D loop the next community handled is the lowest-``V`` *freed member*
  (most negative temporary id on exact ties). The reference takes the global argmin and,
  when that is a positive cluster, behaves erratically (specification: "effectively
  buggy"); handling freed members only treats each of them exactly once.
* Reserve-list entries of types E/F name the community actually handled (the reference
  prints the community of the same rank in its ranking, which can differ).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError, RegionAtlasError

FLOW_COLUMNS = ("community_live", "community_work", "amount")
RESERVE = 0


@dataclass(frozen=True)
class LmaParams:
    """The four parameters of the method: minimum/target size (residents) and
    minimum/target self-containment (share, 0 < sc <= 1)."""

    min_size: float
    min_sc: float
    target_size: float
    target_sc: float

    def __post_init__(self) -> None:
        for name in ("min_size", "min_sc", "target_size", "target_sc"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"LMA parameter {name} must be a number, got {value!r}")
            if not np.isfinite(value) or value <= 0:
                raise ParameterError(f"LMA parameter {name} must be > 0, got {value!r}")
        if self.min_size >= self.target_size:
            raise ParameterError(
                f"LMA parameter min_size ({self.min_size}) must be smaller than target_size "
                f"({self.target_size}); the validity function divides by their difference"
            )
        if self.min_sc > self.target_sc:
            raise ParameterError(
                f"LMA parameter min_sc ({self.min_sc}) must not exceed target_sc ({self.target_sc})"
            )
        if self.target_sc > 1:
            raise ParameterError(
                f"LMA parameter target_sc is a share and must be <= 1, got {self.target_sc}"
            )


def validity(residents: float, jobs: float, internal: float, p: LmaParams) -> float:
    """The containment function V of the specification, evaluated in its order."""
    msc = min(internal / residents, internal / jobs)
    if msc == 1:
        return 1.0
    y = msc / p.target_sc
    if y > 1:
        y = 1.0
    s = (p.target_size - residents) / (p.target_size - p.min_size)
    if s < 0:
        s = 0.0
    z = 1 - ((1 - (p.min_sc / p.target_sc)) * s)
    return y * z * (p.target_sc / p.min_sc)


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


class LmaConvergenceError(RegionAtlasError):
    """The main loop exceeded its safety limit of iterations (should not happen)."""


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
        pos = np.flatnonzero(dup.to_numpy())[:2]
        raise ParameterError(
            f"flow table rows {int(pos[0])} and {int(pos[1])}: duplicate pair "
            f"({df['community_live'].iloc[pos[0]]!r}, {df['community_work'].iloc[pos[0]]!r})"
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


# ----------------------------------------------------------------------------- engine


class _Engine:
    """Mutable state of one run; communities are 0..n-1 in ascending id order and the
    initial cluster of community c is c + 1.

    Cluster-level R, J, I live in arrays indexed by ``cluster id + n`` (temporary negative
    ids down to -n, the reserve 0, positive ids up to n). Flow lists are CSR arrays; the
    per-move and per-tie work is vectorised over one community's flows."""

    def __init__(
        self, n: int, live: np.ndarray, work: np.ndarray, amount: np.ndarray, p: LmaParams
    ) -> None:
        self.n = n
        self.p = p
        self_mask = live == work
        self.S = np.bincount(live[self_mask], weights=amount[self_mask], minlength=n)
        self.S = self.S.astype(np.int64).tolist()
        self.Rc = np.bincount(live, weights=amount, minlength=n).astype(np.int64).tolist()
        self.Jc = np.bincount(work, weights=amount, minlength=n).astype(np.int64).tolist()
        off = ~self_mask
        lo, wo, ao = live[off], work[off], amount[off].astype(np.int64)
        order = np.argsort(lo, kind="stable")
        self.o_start = np.searchsorted(lo[order], np.arange(n + 1)).tolist()
        self.o_nb, self.o_a = wo[order].astype(np.int64), ao[order]
        order = np.argsort(wo, kind="stable")
        self.i_start = np.searchsorted(wo[order], np.arange(n + 1)).tolist()
        self.i_nb, self.i_a = lo[order].astype(np.int64), ao[order]

        self.off = n
        size = 2 * n + 1
        self.R = np.zeros(size, dtype=np.int64)
        self.J = np.zeros(size, dtype=np.int64)
        self.I = np.zeros(size, dtype=np.int64)
        self.R[n + 1 :] = self.Rc
        self.J[n + 1 :] = self.Jc
        self.I[n + 1 :] = self.S
        self.clus = np.arange(1, n + 1, dtype=np.int64)
        self.members: dict[int, set[int]] = {c + 1: {c} for c in range(n)}
        self.own_in = np.zeros(n, dtype=np.int64)  # in-flow from the other members
        self.V: dict[int, float] = {}
        self.heap: list[tuple[float, int]] = []
        for k in range(1, n + 1):
            self._refresh(k)
        self.moves = [0] * n

    # -- validity bookkeeping
    def _v(self, k: int) -> float:
        i = k + self.off
        return validity(int(self.R[i]), int(self.J[i]), int(self.I[i]), self.p)

    def _refresh(self, k: int) -> None:
        if k <= 0:
            return
        if k not in self.members:
            self.V.pop(k, None)
            return
        v = self._v(k)
        self.V[k] = v
        heapq.heappush(self.heap, (v, k))

    def least_valid(self) -> tuple[int, float] | None:
        heap, cur = self.heap, self.V
        while heap:
            v, k = heap[0]
            if cur.get(k) == v and k in self.members:
                return k, v
            heapq.heappop(heap)
        return None

    def _out(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        s0, s1 = self.o_start[c], self.o_start[c + 1]
        return self.o_nb[s0:s1], self.o_a[s0:s1]

    def _in(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        s0, s1 = self.i_start[c], self.i_start[c + 1]
        return self.i_nb[s0:s1], self.i_a[s0:s1]

    # -- moving one community
    def move(self, c: int, b: int) -> None:
        a = int(self.clus[c])
        nb, am = self._out(c)
        kc = self.clus[nb]
        ma, mb = kc == a, kc == b
        lost = self.S[c] + int(am[ma].sum())
        gain = self.S[c] + int(am[mb].sum())
        self.own_in[nb[ma]] -= am[ma]  # out-neighbours are distinct: no lost updates
        self.own_in[nb[mb]] += am[mb]
        nb, am = self._in(c)
        kc = self.clus[nb]
        lost += int(am[kc == a].sum())
        g = int(am[kc == b].sum())
        gain += g
        self.own_in[c] = g
        ia, ib = a + self.off, b + self.off
        self.R[ia] -= self.Rc[c]
        self.J[ia] -= self.Jc[c]
        self.I[ia] -= lost
        self.R[ib] += self.Rc[c]
        self.J[ib] += self.Jc[c]
        self.I[ib] += gain
        mem = self.members[a]
        mem.discard(c)
        if not mem:
            del self.members[a]
        self.members.setdefault(b, set()).add(c)
        self.clus[c] = b
        self._refresh(a)
        self._refresh(b)

    # -- tie between community d and the positive clusters it shares a flow with
    def best_tie(self, d: int, exclude: int) -> tuple[int, int] | None:
        """Return (k, flow between d and k both ways) for the strongest tie, or None.

        tie = T_kd²/(R_k·J_d) + T_dk²/(R_d·J_k), each term as (T/R)·T/J. Exact ties: the
        last in the order (senders to d ascending, then receive-only ascending) wins."""
        nb, am = self._out(d)
        k_out = self.clus[nb]
        m = (k_out > 0) & (k_out != exclude)
        k_out, a_out = k_out[m], am[m]
        nb, am = self._in(d)
        k_in = self.clus[nb]
        m = (k_in > 0) & (k_in != exclude)
        k_in, a_in = k_in[m], am[m]
        if not len(k_out) and not len(k_in):
            return None
        ks = np.unique(np.concatenate([k_out, k_in]))
        t_dk = np.zeros(len(ks), dtype=np.int64)
        np.add.at(t_dk, np.searchsorted(ks, k_out), a_out)
        t_kd = np.zeros(len(ks), dtype=np.int64)
        np.add.at(t_kd, np.searchsorted(ks, k_in), a_in)
        rk, jk = self.R[ks + self.off], self.J[ks + self.off]
        rd, jd = self.Rc[d], self.Jc[d]
        with np.errstate(invalid="ignore", divide="ignore"):
            term_kd = np.where(t_kd > 0, t_kd / rk * t_kd / jd, 0.0)
            term_dk = np.where(t_dk > 0, t_dk / rd * t_dk / jk, 0.0)
        tie = term_kd + term_dk
        sender = t_kd > 0
        order = np.concatenate([np.flatnonzero(sender), np.flatnonzero(~sender)])
        t_ord = tie[order]
        last = int(np.flatnonzero(t_ord == t_ord.max())[-1])
        j = int(order[last])
        return int(ks[j]), int(t_dk[j] + t_kd[j])

    def accepts(self, d: int, k: int, link: int) -> bool:
        """V_k with d added >= V_k now (non-strict)."""
        i = k + self.off
        v_new = validity(
            int(self.R[i]) + self.Rc[d],
            int(self.J[i]) + self.Jc[d],
            int(self.I[i]) + link + self.S[d],
            self.p,
        )
        return v_new >= self.V[k]

    def rank_key(self, c: int) -> int:
        """(in-flow to c from outside its cluster) + residents - self-flow."""
        return (self.Jc[c] - self.S[c] - int(self.own_in[c])) + self.Rc[c] - self.S[c]


def _run(eng: _Engine, max_iterations: int) -> tuple[list[tuple], int, np.ndarray]:
    """Main loop and reserve stage. Returns (reserve entries, iterations, before-reserve
    assignment)."""
    reserve: list[tuple] = []
    it = 0
    while True:
        it += 1
        if it > max_iterations:
            raise LmaConvergenceError(
                f"LMA main loop did not converge within {max_iterations} iterations"
            )
        top = eng.least_valid()
        if top is None or top[1] >= 1:
            break
        big_l, v_l = top
        mem = eng.members[big_l]
        if len(mem) == 1:
            (d,) = mem
            tie = eng.best_tie(d, exclude=big_l)
            if tie is None:
                reserve.append(("B", it, big_l, v_l, d, None))
                eng.move(d, RESERVE)
            elif eng.accepts(d, *tie):
                eng.move(d, tie[0])
                eng.moves[d] += 1
            else:
                reserve.append(("A", it, big_l, v_l, d, None))
                eng.move(d, RESERVE)
            continue
        ranked = sorted(mem, key=lambda c: (-eng.rank_key(c), c))
        c1, c2 = ranked[0], ranked[1]
        tie = eng.best_tie(c1, exclude=big_l)
        if tie is not None:
            if eng.accepts(c1, *tie):
                eng.move(c1, tie[0])
                eng.moves[c1] += 1
            else:
                reserve.append(("C", it, big_l, v_l, c1, c2))
                eng.move(c1, RESERVE)
            continue
        # type D: c1 has no link outside L; L is dissolved into its members
        reserve.append(("D", it, big_l, v_l, c1, c2))
        temp = {c: -(i + 1) for i, c in enumerate(sorted(mem))}
        freed = [c for c in sorted(mem) if c != c1]
        eng.move(c1, RESERVE)
        for c in freed:
            eng.move(c, temp[c])
        pending = set(freed)
        for _ in range(len(freed)):
            d = min(pending, key=lambda c: (eng._v(int(eng.clus[c])), int(eng.clus[c])))
            tmp_id = int(eng.clus[d])
            v_d = eng._v(tmp_id)
            pending.discard(d)
            tie = eng.best_tie(d, exclude=RESERVE)
            if tie is None:
                reserve.append(("F", it, tmp_id, v_d, d, None))
                eng.move(d, RESERVE)
            elif eng.accepts(d, *tie):
                eng.move(d, tie[0])
                eng.moves[d] += 1
            else:
                reserve.append(("E", it, tmp_id, v_d, d, None))
                eng.move(d, RESERVE)
    before = eng.clus.copy()
    # reserve stage: descending community id, unconditional joins, repeated passes
    assigned = True
    while assigned:
        assigned = False
        for d in sorted(eng.members.get(RESERVE, ()), reverse=True):
            tie = eng.best_tie(d, exclude=RESERVE)
            if tie is not None:
                eng.move(d, tie[0])
                assigned = True
    return reserve, it, before


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


def find_lma(
    flows: pd.DataFrame, params: LmaParams, *, max_iterations: int | None = None
) -> LmaResult:
    """Delineate labour-market areas from an OD table.

    ``flows`` has columns community_live, community_work, amount (non-negative integers;
    self-flows included; each pair at most once). Community ids are strings (AGS) or
    integers and are kept in the output. Deterministic: the same table in any row order
    gives the same result.
    """
    from regionatlas.analysis.lma_stats import lma_statistics

    if not isinstance(params, LmaParams):
        raise ParameterError("params must be an LmaParams")
    df = _check_flows(flows)
    both = np.concatenate([df["community_live"].to_numpy(), df["community_work"].to_numpy()])
    all_ids = np.array(sorted(pd.unique(both)), dtype=object)
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

    eng = _Engine(n, live, work, amount, params)
    limit = max_iterations if max_iterations is not None else 50 * n + 1000
    reserve, iterations, before = _run(eng, limit)

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
