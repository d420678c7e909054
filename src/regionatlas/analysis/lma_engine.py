"""The LMA main loop and reserve stage on integer-coded communities.

Used by :func:`regionatlas.analysis.lma.find_lma`; see its module docstring for how the
engine stays fast. Two methods (``method``):

* ``"reference"`` (default): the behaviour of the reference R package LabourMarketAreas
  3.4 (``findClusters``) where it departs from the written method; each such point is
  marked ``REFERENCE:`` below and listed with the input that shows it in
  ``docs/lma-reference-differences.md``.
* ``"written"``: the clean method of the specification (split clusters re-aggregated,
  type-D rounds over the freed members only, amount-0 rows are no links).
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np

from regionatlas.analysis.lma_params import LmaParams, validity
from regionatlas.errors import RegionAtlasError

RESERVE = 0
METHODS = ("reference", "written")


class LmaConvergenceError(RegionAtlasError):
    """The main loop exceeded its safety limit of iterations (should not happen)."""


class LmaEngine:
    """Mutable state of one run; communities are 0..n-1 in ascending id order and the
    initial cluster of community c is c + 1.

    Cluster-level R, J, I live in arrays indexed by ``cluster id + n`` (temporary negative
    ids down to -n, the reserve 0, positive ids up to n). Flow lists are CSR arrays; the
    per-move and per-tie work is vectorised over one community's flows."""

    def __init__(
        self,
        n: int,
        live: np.ndarray,
        work: np.ndarray,
        amount: np.ndarray,
        p: LmaParams,
        method: str = "reference",
    ) -> None:
        self.n = n
        self.p = p
        self.reference = method == "reference"
        self_mask = live == work
        # a self row (possibly amount 0) exists: counts for the split-cluster validity
        self.has_self = np.zeros(n, dtype=bool)
        self.has_self[live[self_mask]] = True
        self.S = np.bincount(live[self_mask], weights=amount[self_mask], minlength=n)
        self.S = self.S.astype(np.int64).tolist()
        self.Rc_arr = np.bincount(live, weights=amount, minlength=n).astype(np.int64)
        self.Jc_arr = np.bincount(work, weights=amount, minlength=n).astype(np.int64)
        self.S_arr = np.asarray(self.S, dtype=np.int64)
        self.Rc = self.Rc_arr.tolist()
        self.Jc = self.Jc_arr.tolist()
        off = ~self_mask
        lo, wo, ao = live[off], work[off], amount[off].astype(np.int64)
        order = np.argsort(lo, kind="stable")
        o_start = np.searchsorted(lo[order], np.arange(n + 1))
        self.o_start = o_start.tolist()
        self.o_start_arr = o_start
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
        self.negative: set[int] = set()  # clusters with a temporary negative id
        self.own_in = np.zeros(n, dtype=np.int64)  # in-flow from the other members
        self.V: dict[int, float] = {}
        self.heap: list[tuple[float, int]] = []
        for k in range(1, n + 1):
            self._refresh(k)
        self.moves = [0] * n
        # REFERENCE: a cluster left split (not re-aggregated) by the last link-branch step,
        # with the maximum of its per-row validities (see split_validity); input
        # c_split_cluster (docs/lma-reference-differences.md, point 3)
        self.split: int | None = None
        self.split_max = 0.0

    # -- validity bookkeeping
    def _v(self, k: int) -> float:
        i = k + self.off
        return validity(int(self.R[i]), int(self.J[i]), int(self.I[i]), self.p)

    def _refresh(self, k: int) -> None:
        if k == RESERVE:
            return
        if k not in self.members:
            self.V.pop(k, None)
            return
        v = self._v(k)
        self.V[k] = v
        heapq.heappush(self.heap, (v, k))

    def set_v(self, k: int, v: float) -> None:
        self.V[k] = v
        heapq.heappush(self.heap, (v, k))

    def split_validity(self, k: int) -> tuple[float, float]:
        """(min, max) of the reference's per-row validities of a cluster left split.

        REFERENCE (spec "Split L after the link branch"): the rest of L is renamed back
        to L without re-aggregating its rows, so L has one marginal row per member m
        (R_m, J_m) and one internal row per ordered member pair (i, j) with a row in the
        OD table (amount 0 included, self rows included). Validity is evaluated on their
        cartesian product: V(R_m, J_m, T_ij). Without any internal row T = 0."""
        idx = np.fromiter(self.members[k], dtype=np.int64)
        # all out-rows of the members (CSR slices gathered at once), kept if inside L
        starts = self.o_start_arr[idx]
        lens = self.o_start_arr[idx + 1] - starts
        pos = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
        inside = self.clus[self.o_nb[pos]] == k
        selfs = idx[self.has_self[idx]]
        t = np.concatenate([self.o_a[pos][inside], self.S_arr[selfs]]).astype(np.float64)
        t = np.unique(t) if len(t) else np.zeros(1)
        # V(R_m, J_m, T) is monotone in T apart from V = 1 at T = max(R_m, J_m) (msc = 1):
        # the two smallest and two largest T hold every other min and max
        ext = t.tolist() if len(t) <= 4 else [*t[:2].tolist(), *t[-2:].tolist()]
        all_t = set(t.tolist())
        lo, hi = float("inf"), float("-inf")
        for m in idx.tolist():
            r, j = self.Rc[m], self.Jc[m]
            if max(r, j) in all_t:
                lo, hi = min(lo, 1.0), max(hi, 1.0)
            for x in ext:
                v = validity(r, j, x, self.p)
                lo, hi = min(lo, v), max(hi, v)
        return lo, hi

    def mark_split(self, k: int) -> None:
        lo, hi = self.split_validity(k)
        self.split, self.split_max = k, hi
        self.set_v(k, lo)

    def clear_split(self) -> None:
        """Every later step of the reference re-aggregates all tables."""
        if self.split is not None:
            k, self.split = self.split, None
            self._refresh(k)

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
            self.negative.discard(a)
        self.members.setdefault(b, set()).add(c)
        if b < 0:
            self.negative.add(b)
        self.clus[c] = b
        self._refresh(a)
        self._refresh(b)

    # -- tie between community d and the positive clusters it shares a flow with
    def best_tie(self, d: int, exclude: int) -> tuple[int, int] | None:
        """Return (k, flow between d and k both ways) for the strongest tie, or None.

        tie = T_kd²/(R_k·J_d) + T_dk²/(R_d·J_k), each term as (T/R)·T/J. Exact ties: the
        last in the order (senders to d ascending, then receive-only ascending) wins.
        Candidates are the positive clusters with a row to or from d; with the reference
        method a row of amount 0 counts (tie 0), with the written method it does not."""
        nb, am = self._out(d)
        k_out = self.clus[nb]
        m = (k_out > 0) & (k_out != exclude)
        if not self.reference:
            m &= am > 0
        k_out, a_out = k_out[m], am[m]
        nb, am = self._in(d)
        k_in = self.clus[nb]
        m = (k_in > 0) & (k_in != exclude)
        if not self.reference:
            m &= am > 0
        k_in, a_in = k_in[m], am[m]
        if not len(k_out) and not len(k_in):
            return None
        ks, inv = np.unique(np.concatenate([k_out, k_in]), return_inverse=True)
        m = len(ks)
        inv_out, inv_in = inv[: len(k_out)], inv[len(k_out) :]
        t_dk = np.bincount(inv_out, weights=a_out, minlength=m)  # exact: integer sums
        t_kd = np.bincount(inv_in, weights=a_in, minlength=m)
        rk, jk = self.R[ks + self.off], self.J[ks + self.off]
        rd, jd = self.Rc[d], self.Jc[d]
        with np.errstate(invalid="ignore", divide="ignore"):
            term_kd = np.where(t_kd > 0, t_kd / rk * t_kd / jd, 0.0)
            term_dk = np.where(t_dk > 0, t_dk / rd * t_dk / jk, 0.0)
        tie = term_kd + term_dk
        # REFERENCE: a cluster sending a row of amount 0 to d is a sender (point 2)
        sender = np.bincount(inv_in, minlength=m) > 0
        # the last in the order (senders ascending, then receive-only ascending) among
        # the exact maxima: the largest receive-only one if there is one among them
        best = tie == tie.max()
        receive_only = best & ~sender
        j = int(np.flatnonzero(receive_only if receive_only.any() else best)[-1])
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
        if k == self.split:
            # REFERENCE: all(new >= old) over the split cluster's rows
            return v_new >= self.split_max
        return v_new >= self.V[k]

    def rank_key(self, c: int) -> int:
        """(in-flow to c from outside its cluster) + residents - self-flow."""
        result: int = (self.Jc[c] - self.S[c] - int(self.own_in[c])) + self.Rc[c] - self.S[c]
        return result


def _join_or_reserve(eng: LmaEngine, d: int, exclude: int) -> str | None:
    """Tie-best cluster for d, then the validity test: '' if d joined, 'link' if rejected,
    'none' if d has no link (the caller writes the reserve entry and moves d)."""
    tie = eng.best_tie(d, exclude=exclude)
    if tie is None:
        return "none"
    if eng.accepts(d, *tie):
        eng.move(d, tie[0])
        eng.moves[d] += 1
        return ""
    return "link"


def _type_d_rounds(
    eng: LmaEngine, it: int, freed: list[int], reserve: list[tuple[Any, ...]]
) -> None:
    """The m-1 rounds after a type-D step (c1 of L had no link)."""
    pending = set(freed)
    for _ in range(len(freed)):
        if eng.reference:
            # REFERENCE: the global argmin (temporary negative ids first on exact ties);
            # docs/lma-reference-differences.md, point 4 (no input found that reaches an
            # ordinary cluster here; tests/analysis/test_lma_reference_branches.py)
            top = eng.least_valid()
            if top is None:
                return
            k, v_k = top
        else:
            d = min(pending, key=lambda c: (eng._v(int(eng.clus[c])), int(eng.clus[c])))
            k = int(eng.clus[d])
            v_k = eng._v(k)
        if k > 0:
            _ordinary_argmin_in_type_d(eng, it, k, v_k, reserve)
            pending = {c for c in pending if eng.clus[c] < 0}
            continue
        d = min(eng.members[k])  # one member unless temporary ids collided (see docs)
        pending.discard(d)
        outcome = _join_or_reserve(eng, d, exclude=RESERVE)
        if outcome:
            reserve.append(("F" if outcome == "none" else "E", it, k, v_k, d, None))
            eng.move(d, RESERVE)


def _ordinary_argmin_in_type_d(
    eng: LmaEngine, it: int, p: int, v_p: float, reserve: list[tuple[Any, ...]]
) -> None:
    """REFERENCE: a type-D round whose global argmin is an ordinary cluster P.

    The reference looks for rows between P and the temporary (negative) clusters. None:
    all of P goes to the reserve (type F, P's id and V). Some: the freed communities with
    a row to or from P join P, without a validity test (the reference compares P's new V
    with P's old V filtered out as the argmin, an empty comparison, i.e. true). With one
    such community this is exactly the reference; with several the reference passes
    vectors to its merge and its result is undefined - we join all of them."""
    linked: set[int] = set()
    for c in list(eng.members[p]):
        for nb, _ in (eng._out(c), eng._in(c)):
            kc = eng.clus[nb]
            linked.update(int(x) for x in nb[kc < 0])
    if not linked:
        first = min(eng.members[p])
        reserve.append(("F", it, p, v_p, first, None))
        for c in sorted(eng.members[p]):
            eng.move(c, RESERVE)
        return
    for c in sorted(linked):
        eng.move(c, p)
        eng.moves[c] += 1


def _absorb_negatives(eng: LmaEngine, big_l: int) -> None:
    """REFERENCE: after the link branch every cluster with a negative id is renamed L,
    so freed communities left over from an earlier type-D step join L."""
    for k in sorted(eng.negative):
        for c in sorted(eng.members[k]):
            eng.move(c, big_l)


def run_engine(
    eng: LmaEngine, max_iterations: int
) -> tuple[list[tuple[Any, ...]], int, np.ndarray]:
    """Main loop and reserve stage. Returns (reserve entries, iterations, before-reserve
    assignment)."""
    reserve: list[tuple[Any, ...]] = []
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
            outcome = _join_or_reserve(eng, d, exclude=big_l)
            eng.clear_split()
            if outcome:
                reserve.append(("B" if outcome == "none" else "A", it, big_l, v_l, d, None))
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
            eng.clear_split()
            if eng.reference:
                _absorb_negatives(eng, big_l)
                if len(eng.members.get(big_l, ())) >= 2:
                    eng.mark_split(big_l)
            continue
        # type D: c1 has no link outside L; L is dissolved into its members
        eng.clear_split()
        reserve.append(("D", it, big_l, v_l, c1, c2))
        temp = {c: -(i + 1) for i, c in enumerate(sorted(mem))}
        freed = [c for c in sorted(mem) if c != c1]
        eng.move(c1, RESERVE)
        for c in freed:
            eng.move(c, temp[c])
        _type_d_rounds(eng, it, freed, reserve)
    eng.clear_split()
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
