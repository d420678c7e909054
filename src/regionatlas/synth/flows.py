"""Pure commuter-flow model: a doubly-constrained gravity model, integerised per origin.

T_ij = a_i · O_i · b_j · D_j · f(d_ij) over all pairs closer than ``max_km`` (plus the
self-pair), with f(d) = exp(-d / decay_km) and the self-pair weighted by ``self_weight``
(people prefer to work where they live). a and b come from iterative proportional fitting
so that rows sum to the employed residents O and columns come close to the jobs D.
Each origin's O_i persons are then drawn by one multinomial draw from its row, so the
integer flows of a row sum exactly to O_i and the draw is deterministic given the generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

GROUP_COLUMNS = ("men", "women", "german", "foreign", "trainees")


@dataclass(frozen=True)
class FlowParams:
    max_km: float = 42.0  # no commuting beyond this centroid distance
    decay_km: float = 9.0  # exponential distance decay
    self_weight: float = 10.0  # extra attraction of one's own municipality
    ipf_iterations: int = 40
    men_share: float = 0.535  # SV-employees are slightly more often men
    trainee_share: float = 0.045


def candidate_pairs(xy_km: np.ndarray, max_km: float) -> tuple[np.ndarray, np.ndarray]:
    """All ordered pairs (i, j) with distance <= max_km, self-pairs included, sorted."""
    tree = cKDTree(xy_km)
    pairs = tree.query_pairs(max_km, output_type="ndarray")
    n = len(xy_km)
    diag = np.arange(n)
    i = np.concatenate([pairs[:, 0], pairs[:, 1], diag])
    j = np.concatenate([pairs[:, 1], pairs[:, 0], diag])
    order = np.lexsort((j, i))
    return i[order], j[order]


def gravity_probabilities(
    xy_km: np.ndarray,
    area_km2: np.ndarray,
    employed: np.ndarray,
    jobs: np.ndarray,
    params: FlowParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, p_ij): for each origin i the probability of working in j (rows sum to 1)."""
    n = len(xy_km)
    i, j = candidate_pairs(xy_km, params.max_km)
    d = np.hypot(*(xy_km[i] - xy_km[j]).T)
    self_pair = i == j
    # mean distance inside a municipality: about half the radius of a disc of its area
    d = np.where(self_pair, 0.5 * np.sqrt(area_km2[i] / np.pi), d)
    f = np.exp(-d / params.decay_km) * np.where(self_pair, params.self_weight, 1.0)
    o = employed.astype(float)
    dd = jobs.astype(float) * (o.sum() / max(jobs.sum(), 1))
    b = np.ones(n)
    a = np.ones(n)
    for _ in range(params.ipf_iterations):
        row = np.bincount(i, weights=f * b[j] * dd[j], minlength=n)
        a = 1.0 / np.maximum(row, 1e-300)
        col = np.bincount(j, weights=f * a[i] * o[i], minlength=n)
        b = 1.0 / np.maximum(col, 1e-300)
    w = f * b[j] * dd[j]
    row = np.bincount(i, weights=w, minlength=n)
    return i, j, w / row[i]


def integer_flows(
    i: np.ndarray, j: np.ndarray, p: np.ndarray, employed: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Persons per pair: one multinomial draw of employed[o] over origin o's row."""
    out = np.zeros(len(i), dtype=np.int64)
    bounds = np.searchsorted(i, np.arange(len(employed) + 1))
    for o in range(len(employed)):
        lo, hi = bounds[o], bounds[o + 1]
        if hi > lo and employed[o] > 0:
            row = p[lo:hi]
            out[lo:hi] = rng.multinomial(int(employed[o]), row / row.sum())
    return out


def split_groups(
    total: np.ndarray,
    foreign_share: np.ndarray,
    params: FlowParams,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Sub-groups of each flow: men/women and german/foreign partition the total."""
    men = rng.binomial(total, params.men_share)
    foreign = rng.binomial(total, foreign_share)
    trainees = rng.binomial(total, params.trainee_share)
    return {
        "men": men,
        "women": total - men,
        "german": total - foreign,
        "foreign": foreign,
        "trainees": trainees,
    }


def commuter_flows(
    xy_km: np.ndarray,
    area_km2: np.ndarray,
    employed: np.ndarray,
    jobs: np.ndarray,
    foreign_share: np.ndarray,
    rng: np.random.Generator,
    params: FlowParams | None = None,
) -> pd.DataFrame:
    """Positive OD flows by municipality index: origin, destination, total and sub-groups."""
    params = params or FlowParams()
    i, j, p = gravity_probabilities(xy_km, area_km2, employed, jobs, params)
    total = integer_flows(i, j, p, employed, rng)
    keep = total > 0
    i, j, total = i[keep], j[keep], total[keep]
    groups = split_groups(total, foreign_share[i], params, rng)
    return pd.DataFrame({"origin": i, "destination": j, "total": total, **groups})
