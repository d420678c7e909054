"""Flow indicators on the hand-built fixture (answers computed by hand in the comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flow_fixtures import A1, B1, B2, C1, MUNIS, centroids, flows

from regionatlas.analysis.aggregate import aggregate_flows, mapping_to_level
from regionatlas.analysis.flow_indicators import (
    flow_indicators,
    top_partners,
    totals_from_observations,
)
from regionatlas.errors import ParameterError


@pytest.fixture
def ind() -> pd.DataFrame:
    return flow_indicators(flows(), MUNIS, centroids=centroids(), detour_factor=1.3)


def test_a1_all_indicators(ind):
    r = ind.loc[A1]
    assert r["internal"] == 100
    assert r["out_commuters"] == 30  # 20 to b1 + 10 to c1
    assert r["in_commuters"] == 70  # 50 b1 + 15 b2 + 5 c1
    assert r["employed_residents"] == 130  # 100 + 30
    assert r["jobs"] == 170  # 100 + 70
    assert r["balance"] == 40  # 70 - 30
    assert r["in_rate"] == pytest.approx(70 / 170)
    assert r["out_rate"] == pytest.approx(30 / 130)
    assert r["job_centrality"] == pytest.approx(170 / 130)
    assert r["sc_supply"] == pytest.approx(100 / 130)
    assert r["sc_demand"] == pytest.approx(100 / 170)
    assert r["share_out_cross_district"] == pytest.approx(1.0)  # b1 and c1 in other districts
    assert r["share_out_cross_state"] == pytest.approx(10 / 30)  # only c1 is in Niedersachsen
    assert r["share_in_cross_state"] == pytest.approx(5 / 70)
    assert r["not_assigned_out"] == 0
    # 20 persons × 5 km + 10 × 10 km, × 1.3 = 260 modelled commuter-km
    assert r["commuter_km_out"] == pytest.approx(260.0)
    # in: 50 × 5 + 15 × 10 (b2 is 10 km away) + 5 × 10 = 450, × 1.3
    assert r["commuter_km_in"] == pytest.approx(585.0)
    assert "straight line" in r["commuter_km_basis"] and "1.3" in r["commuter_km_basis"]


def test_pooled_rows_are_not_assigned_and_not_dropped(ind):
    r = ind.loc[B1]
    # b1 out: 50 (a1) + 4 (b2) + 6 pooled = 60; partner flows 54, so 6 not assigned
    assert r["out_commuters"] == 60
    assert r["not_assigned_out"] == 6
    # pooled "06633xxx" lies in b1's own district: 50 of 60 cross a district border
    assert r["share_out_cross_district"] == pytest.approx(50 / 60)


def test_suppressed_flow_is_never_zero(ind):
    # b1's in-flows: 20 from a1 and a suppressed one from b2 → no total: unknown, not 20
    r = ind.loc[B1]
    assert np.isnan(r["in_commuters"])
    assert r["in_published"] == 20
    assert np.isnan(r["jobs"]) and np.isnan(r["sc_demand"])
    assert "in_commuters unknown" in r["notes"]
    assert np.isnan(ind.loc[B2, "out_commuters"])  # b2's flow to b1 is the suppressed one


def test_published_totals_fill_the_gap():
    totals = pd.DataFrame({"in_commuters": [25.0]}, index=[B1])
    r = flow_indicators(flows(), MUNIS, totals=totals).loc[B1]
    assert r["in_commuters"] == 25
    assert r["not_assigned_in"] == 5  # 25 published minus 20 assigned to a partner
    assert r["jobs"] == 55  # 30 internal + 25
    assert r["sc_demand"] == pytest.approx(30 / 55)


def test_kreis_level_without_internal_flow_says_why():
    # BA Kreis tables: no self-flows. Drop them and look at district level.
    f = flows()
    f = f[f["origin"] != f["destination"]]
    agg = aggregate_flows(f, mapping_to_level(MUNIS, "kreis"), level="kreis")
    ind = flow_indicators(agg[agg["origin"] != agg["destination"]], ["06611", "06633", "03159"])
    r = ind.loc["06611"]
    assert r["out_commuters"] == 30 and r["in_commuters"] == 70
    assert np.isnan(r["internal"]) and np.isnan(r["employed_residents"])
    assert np.isnan(r["sc_supply"]) and np.isnan(r["job_centrality"])
    assert "internal flow not published" in r["notes"]
    # with internal counts from elsewhere the same indicators become computable
    ind2 = flow_indicators(
        agg[agg["origin"] != agg["destination"]],
        ["06611", "06633", "03159"],
        internal=pd.Series({"06611": 100.0}),
    )
    assert ind2.loc["06611", "employed_residents"] == 130
    assert ind2.loc["06611", "sc_supply"] == pytest.approx(100 / 130)


def test_state_level_from_municipalities():
    f = flows()
    m = mapping_to_level(MUNIS, "land")
    agg = aggregate_flows(f, m, level="land", resolve_pooled=True)
    ind = flow_indicators(agg, ["06", "03"])
    # Hessen: out = 10 (a1→c1); in = 5 (c1→a1); internal = 100+20+50+30+4+6+15+10 (+ * part)
    r = ind.loc["06"]
    assert r["out_commuters"] == 10 and r["in_commuters"] == 5
    assert r["internal"] == 235
    assert "lower bound" in r["notes"]
    assert r["share_out_cross_state"] == 1.0


def test_top_partners():
    tp = top_partners(flows(), A1, n=1, direction="in")
    # a1's largest origin is b1 with 50 of 70
    assert tp["partner"].tolist() == [B1]
    assert tp["share"].iloc[0] == pytest.approx(50 / 70)
    allp = top_partners(flows(), n=5, direction="out")
    b1 = allp[allp["unit"] == B1]
    assert b1["partner"].tolist() == [A1, B2]  # pooled row is not a partner
    assert b1["share"].tolist() == pytest.approx([50 / 60, 4 / 60])
    assert set(allp["unit"]) == {A1, B1, B2, C1}
    with pytest.raises(ParameterError):
        top_partners(flows(), direction="sideways")


def test_totals_from_observations():
    obs = pd.DataFrame(
        {
            "ags": ["06611", "06611", "06633"],
            "indicator": ["out_commuters", "in_commuters", "out_commuters"],
            "period": "2023-06-30",
            "value": [30.0, 70.0, np.nan],
            "flag": [None, None, "*"],
        }
    )
    t = totals_from_observations(obs)
    assert t.loc["06611", "in_commuters"] == 70
    assert np.isnan(t.loc["06633", "out_commuters"])


def test_bad_input_is_rejected():
    f = flows()
    with pytest.raises(ParameterError, match="period"):
        flow_indicators(pd.concat([f, f.assign(period="2022-06-30")]), MUNIS)
    with pytest.raises(ParameterError, match="twice"):
        flow_indicators(pd.concat([f, f.head(1)]), MUNIS)
    with pytest.raises(ParameterError, match="negative"):
        flow_indicators(f.assign(persons=-f["persons"]), MUNIS)
    with pytest.raises(ParameterError, match="detour"):
        flow_indicators(f, MUNIS, detour_factor=0.5)


def test_indicators_by_level():
    from regionatlas.analysis.aggregate import region_mapping
    from regionatlas.analysis.flow_indicators import indicators_by_level

    res = indicators_by_level(
        flows(),
        MUNIS,
        groupings={"region": region_mapping(MUNIS, ["06611", "06633"], "R")},
        centroids=centroids(),
    )
    assert set(res) == {"base", "kreis", "land", "region"}
    # district 06611 = a1 alone: same figures as the municipality
    assert res["kreis"].loc["06611", "out_commuters"] == 30
    # region R (a1, b1, b2) → c1: 10; c1 → R: 5
    assert res["region"].loc["R", "out_commuters"] == 10
    assert res["region"].loc["R", "in_commuters"] == 5
    # commuter-km of a district: the sum of its municipalities' (b1: 50·5 + 4·5 km; b2 15·10)
    b = res["base"]
    assert res["kreis"].loc["06633", "commuter_km_out"] == pytest.approx(
        b.loc[B1, "commuter_km_out"] + b.loc[B2, "commuter_km_out"]
    )
    assert b.loc[B1, "commuter_km_out"] == pytest.approx((50 * 5 + 4 * 5) * 1.3)


def test_estimated_flows_make_a_modelled_estimate():
    f = flows()
    f.loc[(f["origin"] == C1) & (f["destination"] == A1), "flag"] = "estimated"
    ind = flow_indicators(f, MUNIS)
    assert ind.loc[C1, "flows_basis"] == "partly modelled estimate"  # c1→a1 estimated, c1→c1 not
    assert ind.loc[A1, "flows_basis"] == "partly modelled estimate"  # one of a1's in-flows
    assert ind.loc[B2, "flows_basis"] == "published"
    assert "modelled estimate" in ind.loc[C1, "notes"]
    f["flag"] = "estimated"
    assert (flow_indicators(f, MUNIS)["flows_basis"] == "modelled estimate").all()
