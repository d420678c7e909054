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
    initial cluster of community c is c + 1."""

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
        lo, wo, ao = live[off], work[off], amount[off]
        order = np.argsort(lo, kind="stable")
        starts = np.searchsorted(lo[order], np.arange(n + 1))
        wl, al = wo[order].tolist(), ao[order].tolist()
        self.out_nb = [wl[starts[i] : starts[i + 1]] for i in range(n)]
        self.out_a = [al[starts[i] : starts[i + 1]] for i in range(n)]
        order = np.argsort(wo, kind="stable")
        starts = np.searchsorted(wo[order], np.arange(n + 1))
        ll, al = lo[order].tolist(), ao[order].tolist()
        self.in_nb = [ll[starts[i] : starts[i + 1]] for i in range(n)]
        self.in_a = [al[starts[i] : starts[i + 1]] for i in range(n)]

        self.clus = [c + 1 for c in range(n)]
        self.members: dict[int, set[int]] = {c + 1: {c} for c in range(n)}
        self.R = {c + 1: self.Rc[c] for c in range(n)}
        self.J = {c + 1: self.Jc[c] for c in range(n)}
        self.I = {c + 1: self.S[c] for c in range(n)}
        self.own_in = [0] * n  # in-flow to c from the other members of its cluster
        self.V: dict[int, float] = {}
        self.heap: list[tuple[float, int]] = []
        for k in range(1, n + 1):
            self._refresh(k)
        self.moves = [0] * n

    # -- validity bookkeeping
    def _v(self, k: int) -> float:
        return validity(self.R[k], self.J[k], self.I[k], self.p)

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

    # -- moving one community
    def move(self, c: int, b: int) -> None:
        a = self.clus[c]
        clus, own_in = self.clus, self.own_in
        lost = gain = self.S[c]
        for w, x in zip(self.out_nb[c], self.out_a[c], strict=True):
            cw = clus[w]
            if cw == a:
                lost += x
                own_in[w] -= x
            elif cw == b:
                gain += x
                own_in[w] += x
        new_own = 0
        for v, x in zip(self.in_nb[c], self.in_a[c], strict=True):
            cv = clus[v]
            if cv == a:
                lost += x
            elif cv == b:
                gain += x
                new_own += x
        own_in[c] = new_own
        self.R[a] -= self.Rc[c]
        self.J[a] -= self.Jc[c]
        self.I[a] -= lost
        mem = self.members[a]
        mem.discard(c)
        if not mem:
            del self.members[a], self.R[a], self.J[a], self.I[a]
        if b not in self.members:
            self.members[b] = set()
            self.R[b] = self.J[b] = self.I[b] = 0
        self.members[b].add(c)
        self.R[b] += self.Rc[c]
        self.J[b] += self.Jc[c]
        self.I[b] += gain
        clus[c] = b
        self._refresh(a)
        self._refresh(b)

    # -- tie between community d and the positive clusters it shares a flow with
    def best_tie(self, d: int, exclude: int) -> tuple[int, int] | None:
        """Return (k, flow between d and k both ways) for the strongest tie, or None."""
        clus = self.clus
        to_k: dict[int, int] = {}
        from_k: dict[int, int] = {}
        for w, x in zip(self.out_nb[d], self.out_a[d], strict=True):
            k = clus[w]
            if k > 0 and k != exclude:
                to_k[k] = to_k.get(k, 0) + x
        for v, x in zip(self.in_nb[d], self.in_a[d], strict=True):
            k = clus[v]
            if k > 0 and k != exclude:
                from_k[k] = from_k.get(k, 0) + x
        if not to_k and not from_k:
            return None
        rd, jd = self.Rc[d], self.Jc[d]
        order = sorted(from_k) + sorted(k for k in to_k if k not in from_k)
        best_k, best_t = -1, -np.inf
        for k in order:
            t = 0.0
            tkd = from_k.get(k)
            if tkd is not None:
                t = tkd / self.R[k] * tkd / jd
            tdk = to_k.get(k)
            if tdk is not None:
                t = t + tdk / rd * tdk / self.J[k]
            if t >= best_t:  # exact ties: the last in the internal order wins
                best_t, best_k = t, k
        return best_k, to_k.get(best_k, 0) + from_k.get(best_k, 0)

    def accepts(self, d: int, k: int, link: int) -> bool:
        """V_k with d added >= V_k now (non-strict)."""
        v_new = validity(
            self.R[k] + self.Rc[d], self.J[k] + self.Jc[d], self.I[k] + link + self.S[d], self.p
        )
        return v_new >= self.V[k]

    def rank_key(self, c: int) -> int:
        """(in-flow to c from outside its cluster) + residents - self-flow."""
        return (self.Jc[c] - self.S[c] - self.own_in[c]) + self.Rc[c] - self.S[c]


def _run(eng: _Engine, max_iterations: int) -> tuple[list[tuple], int, list[int]]:
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
            d = min(pending, key=lambda c: (eng._v(eng.clus[c]), eng.clus[c]))
            tmp_id, v_d = eng.clus[d], eng._v(eng.clus[d])
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
    before = list(eng.clus)
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
    all_ids = np.array(sorted(set(df["community_live"]).union(df["community_work"])), dtype=object)
    df = df[df["amount"] > 0]
    n_all = len(all_ids)
    pos = {v: i for i, v in enumerate(all_ids)}
    live_all = np.fromiter((pos[v] for v in df["community_live"]), np.int64, len(df))
    work_all = np.fromiter((pos[v] for v in df["community_work"]), np.int64, len(df))
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
