"""Doubly-constrained estimation of municipal flows from district totals.

Known answers: when the true municipal flows come from a doubly-constrained gravity model
(T_ij = a_i b_j exp(-beta d_ij)), the estimator given the true margins and the true beta must
recover them exactly (the block factors become 1), whatever the district grouping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.analysis.aggregate import aggregate_flows, mapping_to_level
from regionatlas.analysis.interaction import (
    calibrate_beta,
    estimate_municipal_flows,
    estimation_error,
    municipal_flows_or_estimate,
)
from regionatlas.errors import ParameterError


def gravity_world(seed: int, n_districts: int = 4, per: int = 5, beta: float = 0.08):
    """Deterministic synthetic municipalities and flows from a doubly-constrained model."""
    rng = np.random.default_rng(seed)
    keys = [f"066{k:02d}{m:03d}" for k in range(1, n_districts + 1) for m in range(1, per + 1)]
    n = len(keys)
    x, y = rng.uniform(0, 60_000, n), rng.uniform(0, 60_000, n)
    area = rng.uniform(20, 80, n)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) / 1000
    d[np.arange(n), np.arange(n)] = (2 / 3) * np.sqrt(area / np.pi)
    o = rng.uniform(500, 5000, n)
    dd = o[rng.permutation(n)]
    dd = dd * o.sum() / dd.sum()
    t = np.exp(-beta * d)
    for _ in range(1000):
        t *= (o / t.sum(1))[:, None]
        t *= (dd / t.sum(0))[None, :]
    true = pd.DataFrame(
        {"origin": np.repeat(keys, n), "destination": np.tile(keys, n), "persons": t.ravel()}
    )
    mun = pd.DataFrame(
        {"x": x, "y": y, "area_km2": area, "residents_weight": t.sum(1), "jobs_weight": t.sum(0)},
        index=keys,
    )
    return true, mun


def to_districts(true: pd.DataFrame) -> pd.DataFrame:
    keys = pd.concat([true["origin"], true["destination"]]).unique()
    return aggregate_flows(true, mapping_to_level(keys, "kreis"), level="kreis")


def test_recovers_a_gravity_world_exactly_with_true_margins_and_beta():
    true, mun = gravity_world(1)
    res = estimate_municipal_flows(to_districts(true), mun, beta=0.08)
    err = estimation_error(true, res.flows)
    assert err["srmse"] < 1e-4 and err["misallocated"] < 1e-4 and err["r"] > 0.999999
    assert err["within_tolerance"] == 1.0 and err["sc_supply_mae"] < 1e-6
    assert (res.flows["flag"] == "estimated").all()
    assert res.max_block_error < 1e-12


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.3), st.sampled_from(["exponential", "power"]))
def test_district_totals_reproduced_exactly(seed, beta, decay):
    true, mun = gravity_world(seed, n_districts=3, per=4)
    mun = mun.drop(columns=["residents_weight", "jobs_weight"]).assign(
        population=np.random.default_rng(seed).uniform(100, 9000, len(mun))
    )
    dist = to_districts(true)
    res = estimate_municipal_flows(dist, mun, beta=beta, decay=decay)
    back = to_districts(res.flows)
    a = dist.set_index(["origin", "destination"])["persons"]
    b = back.set_index(["origin", "destination"])["persons"].reindex(a.index)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9)
    # municipal outflows follow the population shares within each district, up to the
    # margin error the result reports (district sums are exact, so the relative share error
    # equals the relative row-margin error)
    assert res.max_row_error < 0.01
    out = res.flows.groupby("origin")["persons"].sum()
    pop = mun["population"]
    share_est = out / out.groupby(out.index.str.slice(0, 5)).transform("sum")
    share_pop = pop / pop.groupby(pop.index.str.slice(0, 5)).transform("sum")
    np.testing.assert_allclose(
        share_est.sort_index().to_numpy(),
        share_pop.sort_index().to_numpy(),
        rtol=res.max_row_error + 1e-9,
    )


def test_pooled_and_suppressed_district_rows():
    true, mun = gravity_world(2, n_districts=2, per=3)
    dist = to_districts(true)
    extra = pd.DataFrame(
        {
            "origin": ["06601", "06601"],
            "destination": ["064xx", "06602"],
            "persons": [30.0, np.nan],
            "flag": ["pooled", "*"],
        }
    )
    dist = dist[~((dist["origin"] == "06601") & (dist["destination"] == "06602"))]
    dist = pd.concat([dist[["origin", "destination", "persons", "flag"]], extra])
    res = estimate_municipal_flows(dist, mun, beta=0.05)
    pooled = res.flows[res.flows["pooled"]]
    # the 30 pooled commuters of 06601 are spread over its 3 municipalities, partner kept
    assert pooled["persons"].sum() == pytest.approx(30.0)
    assert set(pooled["destination"]) == {"064xx"} and len(pooled) == 3
    # the suppressed pair is not modelled and is listed
    ne = res.not_estimated
    assert ((ne["origin"] == "06601") & (ne["destination"] == "06602")).any()
    real = res.flows[~res.flows["pooled"]]
    assert not (
        real["origin"].str.startswith("06601") & real["destination"].str.startswith("06602")
    ).any()


def test_missing_district_internal_is_reported_not_invented():
    true, mun = gravity_world(3, n_districts=3, per=3)
    dist = to_districts(true)
    dist = dist[dist["origin"] != dist["destination"]]  # as in the BA Kreis tables
    res = estimate_municipal_flows(dist, mun, beta=0.05)
    same = res.flows["origin"].str.slice(0, 5) == res.flows["destination"].str.slice(0, 5)
    assert not same.any()
    assert any("internal total" in n for n in res.notes)
    internal = true[true["origin"].str.slice(0, 5) == true["destination"].str.slice(0, 5)]
    di = internal.groupby(internal["origin"].str.slice(0, 5))["persons"].sum()
    res2 = estimate_municipal_flows(dist, mun, beta=0.05, district_internal=di)
    same2 = res2.flows["origin"].str.slice(0, 5) == res2.flows["destination"].str.slice(0, 5)
    assert res2.flows.loc[same2, "persons"].sum() == pytest.approx(di.sum())


def test_calibrated_beta_recovers_district_level_decay():
    # one municipality per district: the district model is the municipal model
    rng = np.random.default_rng(5)
    k = 25
    keys = [f"{d:05d}001" for d in range(6601, 6601 + k)]
    x, y = rng.uniform(0, 200_000, k), rng.uniform(0, 200_000, k)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) / 1000
    o, dd = rng.uniform(100, 1000, k), rng.uniform(100, 1000, k)
    dd = dd * o.sum() / dd.sum()
    t = np.exp(-0.04 * d)
    np.fill_diagonal(t, 0)
    for _ in range(2000):
        t *= (o / t.sum(1))[:, None]
        t *= (dd / t.sum(0))[None, :]
    dk = [kk[:5] for kk in keys]
    flows = pd.DataFrame(
        {"origin": np.repeat(dk, k), "destination": np.tile(dk, k), "persons": t.ravel()}
    )
    flows = flows[flows["origin"] != flows["destination"]]
    mun = pd.DataFrame({"x": x, "y": y, "population": 1.0}, index=keys)
    beta = calibrate_beta(flows, mun, dk)
    assert beta == pytest.approx(0.04, rel=0.02)


def test_real_tables_win_over_the_estimate():
    true, mun = gravity_world(4, n_districts=2, per=3)
    dist = to_districts(true)
    got, kind = municipal_flows_or_estimate(true, dist, mun, districts=["06601", "06602"])
    assert kind == "published" and got is true
    got, kind = municipal_flows_or_estimate(None, dist, mun, districts=["06601"], beta=0.1)
    assert kind == "estimated" and (got["flag"] == "estimated").all()


def test_bad_parameters():
    true, mun = gravity_world(6, n_districts=2, per=2)
    dist = to_districts(true)
    with pytest.raises(ParameterError, match="decay"):
        estimate_municipal_flows(dist, mun, decay="linear")
    with pytest.raises(ParameterError, match="beta"):
        estimate_municipal_flows(dist, mun, beta=-1)
    with pytest.raises(ParameterError, match="weight"):
        estimate_municipal_flows(dist, mun.assign(residents_weight=np.nan))
    with pytest.raises(ParameterError, match="without municipalities"):
        estimate_municipal_flows(dist, mun, districts=["09999"])


def test_self_weight_raises_internal_flows_and_keeps_district_totals():
    true, mun = gravity_world(7, n_districts=3, per=4)
    dist = to_districts(true)
    plain_ = estimate_municipal_flows(dist, mun, beta=0.08)
    home = estimate_municipal_flows(dist, mun, beta=0.08, self_weight=5.0)

    def diagonal(r):
        f = r.flows
        return f.loc[f["origin"] == f["destination"], "persons"].sum()

    assert diagonal(home) > diagonal(plain_)
    assert home.max_block_error < 1e-12
    assert home.flows["persons"].sum() == pytest.approx(dist["persons"].sum())
    with pytest.raises(ParameterError, match="self_weight"):
        estimate_municipal_flows(dist, mun, beta=0.08, self_weight=0)
