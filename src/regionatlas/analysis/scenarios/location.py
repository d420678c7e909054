"""Choose k sites: maximise sum over demand rows of the best gain among open sites.

Both location models of the scenario lab reduce to this form with a gain matrix
``G[demand, candidate] >= 0``:

* p-median with existing alternatives: G = km saved if the demand uses the candidate
  instead of its current workplace (minimising commuter-km = maximising km saved);
* maximal coverage (MCLP): G = demand weight if the candidate lies within the radius.

Solvers: ``greedy_interchange`` (greedy construction + Teitz–Bart vertex substitution,
vectorised with numpy), ``exact_mip`` (PuLP/CBC, for mid-size checks of the heuristic's gap)
and ``brute_force`` (all subsets, for tests).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from regionatlas.errors import ParameterError


@dataclass(frozen=True)
class Solution:
    sites: tuple[int, ...]  # candidate column numbers, sorted
    objective: float
    method: str
    iterations: int = 0
    seconds: float = 0.0


def _check(gain: np.ndarray, k: int) -> None:
    if gain.ndim != 2:
        raise ParameterError("gain matrix must be 2-D (demand x candidates)")
    if not isinstance(k, int | np.integer) or k < 1:
        raise ParameterError(f"k must be a whole number >= 1 (found {k!r})", parameter="k")
    if k > gain.shape[1]:
        raise ParameterError(
            f"k = {k} is larger than the number of candidate places ({gain.shape[1]})",
            parameter="k",
            value=k,
        )
    if (gain < 0).any() or not np.isfinite(gain).all():
        raise ParameterError("gain matrix must be finite and >= 0")


def objective(gain: np.ndarray, sites: tuple[int, ...] | list[int]) -> float:
    if not len(sites):
        return 0.0
    return float(gain[:, list(sites)].max(axis=1).sum())


def greedy_interchange(
    gain: np.ndarray, k: int, *, restarts: int = 4, seed: int = 0, max_rounds: int = 100
) -> Solution:
    """Greedy adding, then best-improvement swaps until no swap improves (Teitz & Bart 1968);
    repeated from ``restarts`` random starts (deterministic ``seed``), best result wins."""
    _check(gain, k)
    start = time.perf_counter()
    n_dem, n_cand = gain.shape
    chosen: list[int] = []
    best = np.zeros(n_dem)
    for _ in range(k):
        gains = np.maximum(gain - best[:, None], 0.0).sum(axis=0)
        gains[chosen] = -1.0
        j = int(np.argmax(gains))
        chosen.append(j)
        best = np.maximum(best, gain[:, j])
    starts = [chosen]
    rng = np.random.default_rng(seed)
    if k < n_cand:
        starts += [list(rng.choice(n_cand, size=k, replace=False)) for _ in range(restarts)]
    top: tuple[float, list[int]] | None = None
    rounds = 0
    for init in starts:
        sites, value, r = _interchange(gain, list(init), max_rounds)
        rounds += r
        if top is None or value > top[0] + 1e-9 * max(1.0, abs(value)):
            top = (value, sites)
    assert top is not None
    picked = tuple(sorted(top[1]))
    return Solution(
        picked, objective(gain, picked), "greedy+teitz-bart", rounds, time.perf_counter() - start
    )


def _interchange(
    gain: np.ndarray, chosen: list[int], max_rounds: int
) -> tuple[list[int], float, int]:
    n_dem = gain.shape[0]
    k = len(chosen)
    current = objective(gain, chosen)
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        tol = 1e-9 * max(1.0, abs(current))
        sub = gain[:, chosen]
        order = np.argsort(-sub, axis=1)
        first = sub[np.arange(n_dem), order[:, 0]]
        second = sub[np.arange(n_dem), order[:, 1]] if k > 1 else np.zeros(n_dem)
        best_move: tuple[float, int, int] | None = None
        for pos in range(k):
            without = np.where(order[:, 0] == pos, second, first)
            values = np.maximum(gain, without[:, None]).sum(axis=0)
            values[chosen] = -np.inf
            j_in = int(np.argmax(values))
            if values[j_in] > current + tol and (best_move is None or values[j_in] > best_move[0]):
                best_move = (float(values[j_in]), pos, j_in)
        if best_move is None:
            break
        current, pos, j_in = best_move
        chosen[pos] = j_in
    return chosen, current, rounds


def brute_force(gain: np.ndarray, k: int) -> Solution:
    """Every subset of size k (small instances only)."""
    _check(gain, k)
    start = time.perf_counter()
    best_sites: tuple[int, ...] = ()
    best_value = -1.0
    for combo in itertools.combinations(range(gain.shape[1]), k):
        value = float(gain[:, combo].max(axis=1).sum())
        if value > best_value + 1e-12:
            best_sites, best_value = combo, value
    return Solution(best_sites, best_value, "brute-force", 0, time.perf_counter() - start)


def exact_mip(gain: np.ndarray, k: int, time_limit: float = 120.0) -> Solution:
    """The exact optimum as a mixed-integer programme (PuLP with its bundled CBC)."""
    import pulp

    _check(gain, k)
    start = time.perf_counter()
    _n_dem, n_cand = gain.shape
    prob = pulp.LpProblem("sites", pulp.LpMaximize)
    y = [pulp.LpVariable(f"y{j}", cat="Binary") for j in range(n_cand)]
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    rows, cols = np.nonzero(gain > 0)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        x[i, j] = pulp.LpVariable(f"x{i}_{j}", lowBound=0, upBound=1)
    prob += pulp.lpSum(float(gain[i, j]) * v for (i, j), v in x.items())
    prob += pulp.lpSum(y) == k
    by_dem: dict[int, list[pulp.LpVariable]] = {}
    for (i, j), v in x.items():
        prob += v <= y[j]
        by_dem.setdefault(i, []).append(v)
    for vs in by_dem.values():
        prob += pulp.lpSum(vs) <= 1
    status = prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    if pulp.LpStatus[status] != "Optimal":
        raise ParameterError(f"site MIP not solved to optimality: {pulp.LpStatus[status]}")
    sites = tuple(j for j in range(n_cand) if (y[j].value() or 0) > 0.5)
    return Solution(sites, objective(gain, sites), "mip-cbc", 0, time.perf_counter() - start)
