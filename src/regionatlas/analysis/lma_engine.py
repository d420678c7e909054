"""The LMA main loop and reserve stage on integer-coded communities.

Used by :func:`regionatlas.analysis.lma.find_lma`; see its module docstring for how the
engine stays fast and for the decisions taken where the specification leaves room.
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np

from regionatlas.analysis.lma_params import LmaParams, validity
from regionatlas.errors import RegionAtlasError

RESERVE = 0


class LmaConvergenceError(RegionAtlasError):
    """The main loop exceeded its safety limit of iterations (should not happen)."""


class LmaEngine:
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
        result: int = (self.Jc[c] - self.S[c] - int(self.own_in[c])) + self.Rc[c] - self.S[c]
        return result


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
