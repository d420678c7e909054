"""Doubly-constrained gravity model: margins, hand case, beta recovery, relocation lever."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from regionatlas.analysis.scenarios import gravity, metrics
from regionatlas.analysis.scenarios.relocation import apply_job_relocation
from regionatlas.analysis.scenarios.synthetic import synthetic_context
from regionatlas.errors import ParameterError


def test_uniform_deterrence_gives_the_independence_table():
    o = np.array([30.0, 70.0])
    d = np.array([40.0, 60.0])
    bal = gravity.furness(o, d, np.ones((2, 2)))
    t = gravity.flows(bal, np.ones((2, 2)))
    # with f = 1 the doubly-constrained model is O_i * D_j / total
    assert t == pytest.approx(np.outer(o, d) / 100.0)


def _random_problem(n: int, seed: int):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    cost = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(cost, np.inf)  # structural zeros: no internal flows
    o = rng.uniform(50, 500, n)
    d = rng.uniform(50, 500, n)
    d *= o.sum() / d.sum()
    return cost, o, d


def test_margins_are_reproduced():
    cost, o, d = _random_problem(40, 1)
    f = gravity.deterrence(cost, 0.05, "exponential")
    t = gravity.flows(gravity.furness(o, d, f, tol=1e-10), f)
    assert t.sum(axis=1) == pytest.approx(o, rel=1e-7)
    assert t.sum(axis=0) == pytest.approx(d, rel=1e-7)
    assert np.diag(t).max() == 0.0


@pytest.mark.parametrize(("decay", "beta"), [("exponential", 0.04), ("power", 1.7)])
def test_calibration_recovers_the_decay_of_model_flows(decay, beta):
    cost, o, d = _random_problem(60, 2)
    f = gravity.deterrence(cost, beta, decay)
    observed = gravity.flows(gravity.furness(o, d, f, tol=1e-12), f)
    fit, bal, f_fit = gravity.calibrate(observed, cost, decay=decay)
    assert fit.beta == pytest.approx(beta, rel=1e-3)
    assert fit.srmse < 1e-2
    assert fit.converged and fit.margin_error < 1e-8
    assert fit.r2 > 0.9999
    t = gravity.flows(bal, f_fit)
    assert t.sum(axis=1) == pytest.approx(observed.sum(axis=1), rel=1e-6)
    assert t.sum(axis=0) == pytest.approx(observed.sum(axis=0), rel=1e-6)
    assert fit.mean_cost_model == pytest.approx(fit.mean_cost_observed, rel=1e-4)


def test_sparse_and_dense_agree():
    cost, o, d = _random_problem(30, 3)
    f = gravity.deterrence(cost, 0.05, "exponential")
    observed = gravity.flows(gravity.furness(o, d, f, tol=1e-12), f)
    dense_fit, _, _ = gravity.calibrate(observed, cost)
    finite = np.isfinite(cost)
    sp_cost = sparse.csr_matrix((cost[finite], np.nonzero(finite)), shape=cost.shape)
    sp_obs = sparse.csr_matrix((observed[finite], np.nonzero(finite)), shape=cost.shape)
    sparse_fit, _, _ = gravity.calibrate(sp_obs, sp_cost)
    assert sparse_fit.beta == pytest.approx(dense_fit.beta, rel=1e-4)
    assert sparse_fit.srmse == pytest.approx(dense_fit.srmse, abs=1e-4)
    assert sparse_fit.r2 == pytest.approx(dense_fit.r2, abs=1e-6)


def test_unequal_margins_are_rejected():
    with pytest.raises(ParameterError, match="margins differ"):
        gravity.furness(np.array([1.0, 2.0]), np.array([1.0, 1.0]), np.ones((2, 2)))


def test_relocation_moves_jobs_and_keeps_residences(params):
    ctx = synthetic_context(60, seed=4)
    trips = metrics.baseline_trips(ctx, params)
    targets = list(ctx.units.index[:3])
    out = apply_job_relocation(trips, ctx, params, {"jobs": 500, "targets": targets})
    new = out.trips
    cut = 1e-6
    # residences (row totals) stay; the targets gain the moved jobs
    before_o = trips.groupby("origin")["persons"].sum()
    after_o = new.groupby("origin")["persons"].sum().reindex(before_o.index, fill_value=0)
    assert np.abs(after_o - before_o).max() <= cut
    gained = new.groupby("destination")["persons"].sum().reindex(targets, fill_value=0).sum() - (
        trips.groupby("destination")["persons"].sum().reindex(targets, fill_value=0).sum()
    )
    assert gained == pytest.approx(500, abs=1e-4)
    assert out.details["gravity"]["beta"] > 0
    assert out.details["margins_check"]["max_col_error"] < 1e-3
    jobs = out.tables["job_changes"]
    assert jobs["change"].sum() == pytest.approx(0, abs=1e-6)
    assert jobs.set_index("ags").loc[targets, "change"].sum() == pytest.approx(500)


def test_relocation_rejects_more_jobs_than_the_sources_hold(params):
    ctx = synthetic_context(30, seed=5)
    trips = metrics.baseline_trips(ctx, params)
    with pytest.raises(ParameterError, match="more than the source places hold"):
        apply_job_relocation(trips, ctx, params, {"jobs": 1e9, "targets": [ctx.units.index[0]]})
