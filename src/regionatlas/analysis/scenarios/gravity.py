"""Doubly-constrained gravity model: T_ij = a_i · f(c_ij) · b_j with row sums O_i and column
sums D_j (Wilson 1970), balanced by Furness iteration, f = exp(-β·c) or c^-β.

β is calibrated so that the model's mean trip cost equals the observed one (Hyman 1969); for
the exponential form this is the Poisson maximum-likelihood estimate. The fit is reported as
SRMSE and R² over all cells of the model's support (cells outside it are structural zeros,
e.g. the diagonal when the observed flows hold no internal commutes).

Deterrence and Furness balancing are the shared core in ``analysis.spatial_interaction``.
Matrices may be dense (numpy) or sparse (scipy CSR, for Germany-size problems where only
pairs within a cut-off distance, plus every observed pair, form the support).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from regionatlas.analysis.spatial_interaction import DECAYS, Balanced, Matrix
from regionatlas.analysis.spatial_interaction import deterrence as _deterrence
from regionatlas.analysis.spatial_interaction import furness as _furness
from regionatlas.errors import ParameterError

__all__ = [
    "DECAYS",
    "Balanced",
    "GravityFit",
    "calibrate",
    "deterrence",
    "flows",
    "furness",
    "mean_cost",
    "sparse_cost",
]


@dataclass(frozen=True)
class GravityFit:
    decay: str
    beta: float
    balancing_iterations: int  # Furness iterations of the final model
    calibration_steps: int  # model evaluations while searching beta
    mean_cost_observed: float
    mean_cost_model: float
    srmse: float
    r2: float
    cells: int  # cells in the model's support
    seconds: float
    margin_error: float = 0.0  # share of column totals misplaced by the final balancing
    converged: bool = True  # False when the final balancing stopped at max_iter

    def to_dict(self) -> dict[str, float | int | str]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def deterrence(cost: Matrix, beta: float, decay: str) -> Matrix:
    """f(c) on the support of ``cost`` (sparse: stored cells; dense: finite cells); costs
    below 1e-3 count as 1e-3 in the power form."""
    return _deterrence(cost, beta, decay, min_cost=1e-3)


def furness(
    origins: np.ndarray,
    destinations: np.ndarray,
    f: Matrix,
    *,
    tol: float = 1e-8,
    max_iter: int = 1000,
    start: np.ndarray | None = None,
) -> Balanced:
    """Balance a·f·b to the margins; ParameterError if they cannot be met. Stopping at
    ``max_iter`` is not an error here: ``Balanced.error``/``converged`` report it (the β
    search balances loosely on purpose; ``GravityFit.converged`` states the final one)."""
    return _furness(
        origins,
        destinations,
        f,
        tol=tol,
        max_iter=max_iter,
        start=start,
        require_convergence=False,
    )


def flows(bal: Balanced, f: Matrix) -> Matrix:
    """T = diag(a) f diag(b) (same kind as f)."""
    if sparse.issparse(f):
        return sparse.diags(bal.a) @ f @ sparse.diags(bal.b)
    return bal.a[:, None] * f * bal.b[None, :]


def mean_cost(bal: Balanced, f: Matrix, cost: Matrix) -> float:
    fc = f.multiply(cost).tocsr() if sparse.issparse(f) else f * np.nan_to_num(cost, posinf=0.0)
    total = bal.a @ (f @ bal.b)
    return float(bal.a @ (fc @ bal.b) / total) if total > 0 else float("nan")


def calibrate(
    observed: Matrix,
    cost: Matrix,
    *,
    decay: str = "exponential",
    beta_bounds: tuple[float, float] | None = None,
    tol: float = 1e-8,
    search_tol: float = 1e-5,
    max_iter: int = 1000,
) -> tuple[GravityFit, Balanced, Matrix]:
    """Fit β to the observed mean trip cost; returns the fit, the balancing and f(β).

    ``search_tol``: Furness tolerance (L1 share of misplaced column totals) while searching β;
    ``tol``: for the final model. β is found by a safeguarded secant search on the relative
    gap of mean costs (stop below 1e-5), starting from Hyman's (1969) first step."""
    start_time = time.perf_counter()
    if sparse.issparse(observed):
        obs = observed.tocsr()
        o = np.asarray(obs.sum(axis=1)).ravel()
        d = np.asarray(obs.sum(axis=0)).ravel()
        total = obs.sum()
        obs_cost = float(obs.multiply(cost).sum() / total)
    else:
        obs = np.asarray(observed, dtype="float64")
        o, d, total = obs.sum(axis=1), obs.sum(axis=0), obs.sum()
        obs_cost = float((obs * np.nan_to_num(cost, posinf=0.0)).sum() / total)
    if total <= 0:
        raise ParameterError("gravity calibration needs observed flows > 0")
    if beta_bounds is None:
        beta_bounds = (0.01 / obs_cost, 50.0 / obs_cost) if decay == "exponential" else (0.01, 8.0)
    steps = 0
    start_ab: np.ndarray | None = None

    def gap(beta: float) -> float:
        """Relative gap of the model's mean cost to the observed one (decreasing in beta)."""
        nonlocal steps, start_ab
        f = deterrence(cost, beta, decay)
        bal = furness(o, d, f, tol=search_tol, max_iter=max_iter, start=start_ab)
        start_ab = bal.a
        steps += 1
        return mean_cost(bal, f, cost) / obs_cost - 1.0

    beta = _search_beta(
        gap,
        beta_bounds,
        1.0 / obs_cost if decay == "exponential" else 1.0,
        rtol=max(1e-5, search_tol / 3),
    )
    f = deterrence(cost, beta, decay)
    bal = furness(o, d, f, tol=tol, max_iter=max_iter, start=start_ab)
    fit = _fit_stats(obs, f, bal)
    return (
        GravityFit(
            decay=decay,
            beta=float(beta),
            balancing_iterations=bal.iterations,
            calibration_steps=steps + 1,
            mean_cost_observed=obs_cost,
            mean_cost_model=mean_cost(bal, f, cost),
            srmse=fit[0],
            r2=fit[1],
            cells=fit[2],
            seconds=time.perf_counter() - start_time,
            margin_error=bal.error,
            converged=bal.error < tol,
        ),
        bal,
        f,
    )


def _fit_stats(obs: Matrix, f: Matrix, bal: Balanced) -> tuple[float, float, int]:
    """SRMSE and R² over the support of f (plus observed cells)."""
    if sparse.issparse(f):
        n = f.nnz
        model_sq = float((bal.a**2) @ (f.multiply(f).tocsr() @ (bal.b**2)))
        cross = float(bal.a @ (obs.multiply(f).tocsr() @ bal.b))
        data = obs.tocsr().data
        obs_sq = float((data**2).sum())
        obs_sum = float(data.sum())
    else:
        support = f > 0
        n = int(support.sum())
        model = bal.a[:, None] * f * bal.b[None, :]
        model_sq = float((model**2).sum())
        cross = float((obs * model).sum())
        obs_sq = float((obs**2).sum())
        obs_sum = float(obs.sum())
    sse = max(model_sq + obs_sq - 2 * cross, 0.0)
    mean = obs_sum / n
    sst = obs_sq - n * mean**2
    srmse = float(np.sqrt(sse / n) / mean) if mean > 0 else float("nan")
    r2 = float(1 - sse / sst) if sst > 0 else float("nan")
    return srmse, r2, n


def sparse_cost(
    xy_km: np.ndarray,
    max_km: float,
    observed_rows: np.ndarray,
    observed_cols: np.ndarray,
    detour: float = 1.0,
) -> sparse.csr_matrix:
    """Road-km costs on a sparse support: all pairs within ``max_km`` straight-line km plus
    every observed pair (never the diagonal unless observed). For Germany-size problems."""
    from scipy.spatial import cKDTree

    tree = cKDTree(xy_km)
    pairs = tree.query_pairs(max_km, output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], observed_rows])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], observed_cols])
    n = len(xy_km)
    code = np.sort(rows.astype(np.int64) * n + cols)
    # sort-based de-duplication: plain np.unique (hash-based in numpy 2.4) is ~30x slower here
    code = code[np.concatenate([[True], code[1:] != code[:-1]])]
    r, c = code // n, code % n
    km = np.hypot(*(xy_km[r] - xy_km[c]).T) * detour
    return sparse.csr_matrix((np.maximum(km, 1e-3), (r, c)), shape=(n, n))


def _search_beta(
    gap: Callable[[float], float],
    bounds: tuple[float, float],
    start: float,
    rtol: float = 1e-5,
    max_steps: int = 40,
) -> float:
    """Root of the decreasing function ``gap`` in ``bounds``: secant steps kept inside a
    shrinking bracket (bisection when a step leaves it)."""
    lo, hi = bounds
    b0 = min(max(start, lo), hi)
    g0 = gap(b0)
    if abs(g0) < rtol:
        return b0
    # Hyman: the model's mean cost scales roughly like 1/beta
    b1 = min(max(b0 * (1.0 + g0), lo), hi)
    g1 = gap(b1)
    g_lo = g_hi = None
    for b, g in ((b0, g0), (b1, g1)):
        if g > 0:
            lo, g_lo = max(lo, b), g
        else:
            hi, g_hi = min(hi, b), g
    for _ in range(max_steps):
        if abs(g1) < rtol:
            result: float = b1
            return result
        b2 = b1 - g1 * (b1 - b0) / (g1 - g0) if g1 != g0 else (lo + hi) / 2
        if not (lo < b2 < hi):
            if g_lo is None:
                b2 = lo if lo == bounds[0] else lo / 2
            elif g_hi is None:
                b2 = hi if hi == bounds[1] else hi * 2
            else:
                b2 = (lo + hi) / 2
        g2 = gap(b2)
        if g2 > 0:
            lo, g_lo = b2, g2
        else:
            hi, g_hi = b2, g2
        b0, g0, b1, g1 = b1, g1, b2, g2
        if (b2 in bounds) and ((b2 == bounds[0] and g2 < 0) or (b2 == bounds[1] and g2 > 0)):
            raise ParameterError(
                f"gravity calibration: the observed mean cost cannot be reproduced with beta "
                f"in [{bounds[0]:g}, {bounds[1]:g}]"
            )
    result = b1
    return result
