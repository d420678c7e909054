"""A slow, literal LMA reference for tests: recomputes every table in every iteration.

It transcribes the *written* method (``find_lma(..., method="written")``); the default
method follows the R package and is compared with R's own partitions in
test_lma_reference_fixtures.py.

Transcribes the pseudo-code of shared/design/lma-algorithm.md with the data layout of the
reference R package (cluster-level flow table, marginals, cohesion rows in merge order)
and shares no code with ``regionatlas.analysis.lma``. Only for tiny inputs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass
class RefResult:
    final: dict  # community -> cluster (0 = not assigned)
    before: dict  # community -> cluster before the reserve stage
    reserve: list  # (type, iteration, cluster, V, community, next community or None)
    moves: dict
    zero: list


def ref_validity(r, j, i, min_sz, min_sc, tar_sz, tar_sc):
    msc = min(i / r, i / j)
    y = msc / tar_sc
    if y > 1:
        y = 1
    size_measure = (tar_sz - r) / (tar_sz - min_sz)
    if size_measure < 0:
        size_measure = 0
    z = 1 - ((1 - (min_sc / tar_sc)) * size_measure)
    v = y * z * (tar_sc / min_sc)
    if msc == 1:
        v = 1
    return v


def _tables(rows, assign):
    lw = defaultdict(int)
    for a, b, x in rows:
        lw[(assign[a], assign[b])] += x
    live = defaultdict(int)
    work = defaultdict(int)
    for (k1, k2), x in lw.items():
        live[k1] += x
        work[k2] += x
    return lw, live, work


def _all_validities(rows, assign, par):
    lw, live, work = _tables(rows, assign)
    out = {}
    for k in set(assign.values()):
        if k == 0:
            continue
        out[k] = ref_validity(live[k], work[k], lw.get((k, k), 0), *par)
    return out


def _regroup(rows, assign, idx):
    """Strongest-tie positive cluster for the (negative) cluster idx, or None."""
    lw, live, work = _tables(rows, assign)
    dis = [(k1, k2, x) for (k1, k2), x in lw.items() if (k1 == idx) != (k2 == idx) and k1 * k2 < 0]
    if not dis:
        return None
    # merge order of the reference: sorted by cluster_work, then cluster_live
    dis.sort(key=lambda t: (t[1], t[0]))
    groups: dict = {}
    for k1, k2, x in dis:
        strength = x / live[k1] * x / work[k2]
        key = (min(k1, k2), max(k1, k2))
        groups[key] = groups.get(key, 0) + strength if key in groups else strength
    ordered = list(groups.items())
    ordered = sorted(ordered, key=lambda kv: kv[1])  # stable
    return ordered[-1][0][1]


def reference_lma(rows_in, min_sz, min_sc, tar_sz, tar_sc) -> RefResult:
    par = (min_sz, min_sc, tar_sz, tar_sc)
    rows = [(a, b, x) for a, b, x in rows_in if x > 0]
    coms = sorted({a for a, _, _ in rows_in} | {b for _, b, _ in rows_in})
    zero = []
    while True:
        res = defaultdict(int)
        wrk = defaultdict(int)
        selfs = defaultdict(int)
        for a, b, x in rows:
            res[a] += x
            wrk[b] += x
            if a == b:
                selfs[a] += x
        drop = [
            c
            for c in coms
            if c not in zero
            and (res[c] == 0 or wrk[c] == 0 or (selfs[c] == res[c] and selfs[c] == wrk[c]))
        ]
        if not drop:
            break
        zero.extend(drop)
        rows = [(a, b, x) for a, b, x in rows if a not in drop and b not in drop]
    kept = [c for c in coms if c not in zero]
    assign = {c: i + 1 for i, c in enumerate(kept)}
    moves = dict.fromkeys(kept, 0)
    reserve = []
    resid = defaultdict(int)
    selfflow = defaultdict(int)
    for a, b, x in rows:
        resid[a] += x
        if a == b:
            selfflow[a] += x

    def test_and_join(d_cluster, k, vals_old):
        trial = dict(assign)
        for c, cl in assign.items():
            if cl == d_cluster:
                trial[c] = k
        v_new = _all_validities(rows, trial, par)[k]
        return v_new >= vals_old[k]

    counter = 0
    while True:
        counter += 1
        vals = _all_validities(rows, assign, par)
        if not vals:
            break
        big_l = min(vals, key=lambda k: (vals[k], k))
        v_l = vals[big_l]
        if v_l >= 1:
            break
        mem = sorted(c for c, cl in assign.items() if cl == big_l)
        if len(mem) == 1:
            d = mem[0]
            assign[d] = -1
            k = _regroup(rows, assign, -1)
            if k is None:
                reserve.append(("B", counter, big_l, v_l, d, None))
                assign[d] = 0
            elif test_and_join(-1, k, vals):
                assign[d] = k
                moves[d] += 1
            else:
                reserve.append(("A", counter, big_l, v_l, d, None))
                assign[d] = 0
            continue
        # ranking
        inside = set(mem)
        no_to_from = defaultdict(int)
        for a, b, x in rows:
            if (a in inside) != (b in inside):
                no_to_from[b] += x
        keyed = [(c, no_to_from[c] + resid[c] - selfflow[c]) for c in mem]
        ranked = [c for c, _ in sorted(keyed, key=lambda t: -t[1])]  # stable on sorted mem
        for i, c in enumerate(mem):
            assign[c] = -(i + 1)
        c1 = ranked[0]
        idx = assign[c1]
        k = _regroup(rows, assign, idx)
        if k is not None:
            if test_and_join(idx, k, vals):
                assign[c1] = k
                moves[c1] += 1
            else:
                reserve.append(("C", counter, big_l, v_l, c1, ranked[1]))
                assign[c1] = 0
            for c in mem:
                if assign[c] < 0:
                    assign[c] = big_l
            continue
        reserve.append(("D", counter, big_l, v_l, c1, ranked[1]))
        assign[c1] = 0
        for _ in range(len(mem) - 1):
            vals2 = _all_validities(rows, assign, par)
            negs = {kk: v for kk, v in vals2.items() if kk < 0}
            idx = min(negs, key=lambda kk: (negs[kk], kk))
            (d,) = [c for c, cl in assign.items() if cl == idx]
            k = _regroup(rows, assign, idx)
            if k is None:
                reserve.append(("F", counter, idx, negs[idx], d, None))
                assign[d] = 0
            elif test_and_join(idx, k, vals2):
                assign[d] = k
                moves[d] += 1
            else:
                reserve.append(("E", counter, idx, negs[idx], d, None))
                assign[d] = 0
    before = dict(assign)
    res_coms = sorted(c for c, cl in assign.items() if cl == 0)
    for i, c in enumerate(res_coms):
        assign[c] = -(i + 1)
    again = True
    while again:
        again = False
        todo = sorted((c for c, cl in assign.items() if cl < 0), key=lambda c: assign[c])
        for c in todo:
            k = _regroup(rows, assign, assign[c])
            if k is not None:
                assign[c] = k
                again = True
    for c in assign:
        if assign[c] < 0:
            assign[c] = 0
    return RefResult(final=assign, before=before, reserve=reserve, moves=moves, zero=zero)
