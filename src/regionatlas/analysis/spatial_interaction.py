"""The core of the doubly-constrained spatial-interaction (gravity) models, pure numpy.

Two models build on it: the municipal-flow estimator (``analysis.interaction``, flows in
blocks constrained by published district totals) and the scenario lab's gravity model
(``analysis.scenarios.gravity``, calibration and moving jobs). Both are

    T_ij = a_i · b_j · f(c_ij)        (times a block factor c_KL in the estimator)

with balancing factors found by iterative proportional fitting (Furness 1965, Deming &
Stephan 1940) and a deterrence function of the cost (Wilson 1970):

    deterrence(cost, beta, decay, min_cost=)   f = exp(-β·c) or max(c, min_cost)^-β
    balance_pairs(seed, margins, tol=, max_iter=)
                       IPF on a list of pairs (any number of margins: rows, columns,
                       blocks); the last margin is met exactly after every sweep
    furness(origins, destinations, f, tol=, max_iter=, start=)
                       Furness in factor form on a dense or sparse matrix f

Margins no pair can reach and (unless the caller reports it itself) balancing that does not
converge are ``ParameterError``s that say what is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from scipy import sparse

from regionatlas.errors import ParameterError

DECAYS = ("exponential", "power")
# np.ndarray | scipy.sparse.csr_matrix; scipy ships no type information, so mypy sees Any
Matrix: TypeAlias = Any


def deterrence(cost: Matrix, beta: float, decay: str, *, min_cost: float = 1e-3) -> Matrix:
    """f(c) = exp(-β·c) or max(c, min_cost)^-β on the support of ``cost``.

    Sparse: the stored cells; dense (any shape, e.g. a vector of pair costs): the finite
    cells, non-finite costs give 0."""
    if decay not in DECAYS:
        raise ParameterError(f"decay must be one of {DECAYS} (found {decay!r})", parameter="decay")
    if sparse.issparse(cost):
        out = cost.copy()
        out.data = _decay(cost.data, beta, decay, min_cost)
        return out
    cost = np.asarray(cost)
    with np.errstate(over="ignore", invalid="ignore"):
        f = _decay(cost, beta, decay, min_cost)
    off = ~np.isfinite(cost)
    if off.any():
        f[off] = 0.0
    return f


def _decay(c: np.ndarray, beta: float, decay: str, min_cost: float) -> np.ndarray:
    return np.exp(-beta * c) if decay == "exponential" else np.maximum(c, min_cost) ** -beta


@dataclass(frozen=True)
class PairBalance:
    values: np.ndarray  # balanced flows, one per pair
    iterations: int  # sweeps over all margins
    errors: tuple[float, ...]  # max relative deviation per margin (last: exact, 0)
    converged: bool


def balance_pairs(
    seed: np.ndarray,
    margins: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    tol: float | None = 1e-6,
    max_iter: int = 200,
    require_convergence: bool = True,
) -> PairBalance:
    """Scale ``seed`` (one weight per pair) until every margin holds.

    ``margins``: (group index of each pair, target per group), fitted in this order in
    each sweep, so the last one holds exactly afterwards; convergence is the largest
    relative deviation of the others below ``tol``. ``tol=None`` runs ``max_iter`` sweeps
    without checking (only with ``require_convergence=False``).

    ``require_convergence``: a ParameterError when the balancing cannot converge (a target
    > 0 whose group has no pair with a positive seed) or does not within ``max_iter``;
    without it ``converged`` and ``errors`` say so."""
    if tol is None and require_convergence:
        raise ParameterError("balance_pairs: tol=None needs require_convergence=False")
    est = np.array(seed, dtype="float64")
    for k, (idx, target) in enumerate(margins if require_convergence else ()):
        reach = np.bincount(idx, weights=est > 0, minlength=len(target))
        lost = (np.asarray(target) > 0) & (reach == 0)
        if lost.any():
            raise ParameterError(
                f"spatial interaction: margin {k + 1} has {int(lost.sum())} group(s) with a "
                "target but no pair to carry it",
                value=f"group {int(np.flatnonzero(lost)[0])}",
                expected="a pair with positive weight for every positive target",
            )
    it = 0
    errors: tuple[float, ...] = (*(np.inf for _ in margins[:-1]), 0.0)
    converged = False
    while it < max_iter:
        it += 1
        for idx, target in margins:
            s = np.bincount(idx, weights=est, minlength=len(target))
            est *= np.divide(target, s, out=np.zeros(len(target)), where=s > 0)[idx]
        if tol is None:
            continue
        errors = _margin_errors(est, margins)
        if max(errors) < tol:
            converged = True
            break
    if require_convergence and not converged:
        totals = ", ".join(f"{float(np.sum(t)):.6g}" for _, t in margins)
        raise ParameterError(
            f"spatial interaction: balancing did not converge in {max_iter} iterations "
            f"(largest relative margin deviation {max(errors):.3g}, tolerance {tol}); "
            f"margin totals {totals} — are the margins consistent?",
            value=max(errors),
            expected=f"deviation < {tol}",
        )
    return PairBalance(est, it, errors, converged)


def _margin_errors(
    est: np.ndarray, margins: Sequence[tuple[np.ndarray, np.ndarray]]
) -> tuple[float, ...]:
    """Largest relative deviation per margin; the last one was fitted last and holds."""
    sums = [np.bincount(idx, weights=est, minlength=len(t)) for idx, t in margins[:-1]]
    return (*(_rel_err(s, t) for s, (_, t) in zip(sums, margins, strict=False)), 0.0)


def _rel_err(got: np.ndarray, want: np.ndarray) -> float:
    m = want > 0
    return float(np.max(np.abs(got[m] - want[m]) / want[m])) if m.any() else 0.0


@dataclass(frozen=True)
class Balanced:
    a: np.ndarray  # row factors incl. O_i
    b: np.ndarray  # column factors incl. D_j
    iterations: int
    error: float = 0.0  # share of the column totals still misplaced (L1 / total)
    converged: bool = True  # error < tol when the balancing stopped


def furness(
    origins: np.ndarray,
    destinations: np.ndarray,
    f: Matrix,
    *,
    tol: float = 1e-8,
    max_iter: int = 1000,
    start: np.ndarray | None = None,
    require_convergence: bool = True,
) -> Balanced:
    """Balance a·f·b to the margins (rows exact, columns to ``tol`` as the L1 share of the
    total misplaced); ``start``: row factors to begin with (a warm start).

    ParameterError if the margins are negative, differ in total, or have no reachable
    partner, and (with ``require_convergence``) if ``max_iter`` iterations do not reach
    ``tol``; without it ``Balanced.converged`` says so."""
    o = np.asarray(origins, dtype="float64")
    d = np.asarray(destinations, dtype="float64")
    if (o < 0).any() or (d < 0).any():
        raise ParameterError("gravity margins must be >= 0")
    if not np.isclose(o.sum(), d.sum(), rtol=1e-9):
        raise ParameterError(
            f"gravity margins differ: origins sum {o.sum():.3f}, destinations {d.sum():.3f}"
        )
    ft = f.T.tocsr() if sparse.issparse(f) else f.T
    a = np.where(o > 0, 1.0, 0.0) if start is None else start.copy()
    b = np.zeros_like(d)
    scale = max(o.sum(), 1.0)
    it = 0
    col = ft @ a
    while True:
        b = np.divide(d, col, out=np.zeros_like(d), where=col > 0)
        row = f @ b
        a = np.divide(o, row, out=np.zeros_like(o), where=row > 0)
        col = ft @ a
        it += 1
        # rows are exact after the a-step; the column error measures convergence
        err = float(np.abs(b * col - d).sum() / scale)
        if err < tol or it >= max_iter:
            break
    bad_rows = (o > 0) & ((f @ b) <= 0)
    bad_cols = (d > 0) & ((ft @ a) <= 0)
    if bad_rows.any() or bad_cols.any():
        raise ParameterError(
            "gravity model: some margins have no reachable partner "
            f"({int(bad_rows.sum())} origins, {int(bad_cols.sum())} destinations)"
        )
    if require_convergence and not err < tol:
        raise ParameterError(
            f"gravity model: Furness balancing did not converge in {max_iter} iterations "
            f"({err:.3g} of the total still misplaced, tolerance {tol:g})",
            value=err,
            expected=f"< {tol:g}",
        )
    return Balanced(a, b, it, err, err < tol)
