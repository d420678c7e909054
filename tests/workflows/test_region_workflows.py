"""The flow workflows on a store built from the shipped bundle (real BA, GV100AD, VG5000 data).

Expected figures come from the source files via their readers, never from the workflows.
``EMPLOYMENT_RATE`` is an explicit modelling assumption these tests pass (SV-employed
residents per inhabitant) so that flows within districts can be estimated; it is a test
parameter, not a fact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regionatlas.analysis.lma import LmaParams
from regionatlas.data import shipped
from regionatlas.errors import ParameterError
from regionatlas.settings import BUNDLE_DIR
from regionatlas.sources import read as read_source
from regionatlas.workflows import (
    ESTIMATE,
    OFFICIAL,
    central_places,
    crossborder,
    flow_indicator_table,
    functional_regions,
    hubs_and_catchments,
    municipal_flows,
)

EMPLOYMENT_RATE = 0.4  # assumption for the tests (see module doc)
BA_DIR = BUNDLE_DIR / "ba-pendleratlas-2023-kreise"


@pytest.fixture(scope="module")
def ba_files() -> list:
    """The BA files as read by the reader (observations and flows of all Germany)."""
    datas = []
    for path in sorted(BA_DIR.rglob("*.csv*")):
        datas.extend(read_source(path))
    return datas


@pytest.fixture(scope="module")
def source_flows(ba_files) -> pd.DataFrame:
    f = pd.concat([d.flows for d in ba_files if d.flows is not None], ignore_index=True)
    f = f[f["grp"] == "total"]
    # a pair published by both sides: the residence side's table wins (as in the store)
    f = f.sort_values("reported_by", key=lambda s: s.ne("residence"))
    return f.drop_duplicates(["origin", "destination"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def estimate(bundle_store, region):
    return municipal_flows(bundle_store, region, employment_rate=EMPLOYMENT_RATE)


def _source_total(ba_files, ags: str, indicator: str) -> float:
    obs = pd.concat([d.observations for d in ba_files if d.observations is not None])
    row = obs[(obs["ags"] == ags) & (obs["indicator"] == indicator)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_kreis_indicators_of_kassel_reproduce_the_published_totals(
    bundle_store, region, ba_files, source_flows
):
    res = flow_indicator_table(bundle_store, region, "kreis")
    kassel = res.table.loc["06611"]
    assert kassel["out_commuters"] == _source_total(ba_files, "06611", "out_commuters")
    assert kassel["in_commuters"] == _source_total(ba_files, "06611", "in_commuters")
    assert res.basis == OFFICIAL
    assert res.period == "2023-06-30"
    assert any("Bundesagentur" in a for a in res.attribution)
    # not assigned = published total − flows to named partners (never silently 0)
    flows = source_flows[source_flows["origin"] == "06611"]
    named = flows[~flows["destination"].str.contains("x") & flows["persons"].notna()]
    assert kassel["not_assigned_out"] == pytest.approx(
        kassel["out_commuters"] - named["persons"].sum()
    )
    # the BA publishes no internal flow: employed residents are unknown, not 0
    assert np.isnan(kassel["employed_residents"])
    assert set(res.table.index) == set(region.all_district_codes)


def test_land_level_counts_pooled_commuters_once(bundle_store, region, source_flows):
    land = flow_indicator_table(bundle_store, region, "land")
    assert set(land.table.index) == {"03", "05", "06", "16"}
    f = source_flows
    pooled_o = f["origin"].str.contains("x")
    pooled_d = f["destination"].str.contains("x")
    o2, d2 = f["origin"].str[:2], f["destination"].str[:2]
    for state in ("06", "05", "03"):
        # out: the residence side's rows (incl. its "Übrige …" pools, resolved by prefix)
        out = f[~pooled_o & (o2 == state) & (d2 != state)]["persons"].sum()
        # in: the workplace side's rows (incl. pools of residences)
        inn = f[~pooled_d & (d2 == state) & (o2 != state)]["persons"].sum()
        assert land.table.loc[state, "out_commuters"] == pytest.approx(out)
        assert land.table.loc[state, "in_commuters"] == pytest.approx(inn)
        assert land.table.loc[state, "balance"] == pytest.approx(inn - out)


def test_region_and_custom_levels(bundle_store, region, source_flows):
    f = source_flows
    reg = flow_indicator_table(bundle_store, region, "region")
    assert list(reg.table.index) == [region.id]
    assert reg.table.loc[region.id, "name"] == region.name_de
    custom = flow_indicator_table(
        bundle_store, region, "custom", groups={"Kassel": ["06611", "06633"]}
    )
    inner = f[f["origin"].isin(["06611", "06633"])]
    leaving = inner[~inner["destination"].isin(["06611", "06633"])]["persons"].sum()
    assert custom.table.loc["Kassel", "out_commuters"] == pytest.approx(leaving)


def test_bad_level_is_a_parameter_error(bundle_store, region):
    with pytest.raises(ParameterError, match="unknown level"):
        flow_indicator_table(bundle_store, region, "bezirk")
    with pytest.raises(ParameterError, match="groups"):
        flow_indicator_table(bundle_store, region, "custom")


def test_municipal_estimate_margins_equal_published_district_pairs(estimate, region, source_flows):
    assert estimate.basis == ESTIMATE
    assert (estimate.flows["flag"] == "estimated").all()
    assert "modelled estimate" in estimate.note
    assert estimate.within_districts
    districts = sorted(region.all_district_codes)
    f = estimate.flows
    mun = f[f["origin"].str.len().eq(8) & f["destination"].str.len().eq(8)]
    got = mun.groupby([mun["origin"].str[:5], mun["destination"].str[:5]])["persons"].sum()
    src = source_flows[
        source_flows["origin"].isin(districts)
        & source_flows["destination"].isin(districts)
        & source_flows["persons"].notna()
    ].set_index(["origin", "destination"])["persons"]
    assert len(src) > 300
    np.testing.assert_allclose(got.reindex(src.index).to_numpy(), src.to_numpy(), rtol=1e-9)
    # flows leaving a district (to the region, outside it or pooled) are split, never lost
    leaving = f[f["origin"].str.startswith("06633") & (f["destination"].str[:5] != "06633")]
    published = source_flows[source_flows["origin"] == "06633"]["persons"].sum()
    assert leaving["persons"].sum() == pytest.approx(published)


def test_without_internal_flows_the_estimate_says_so(bundle_store, region):
    fb = municipal_flows(bundle_store, region)
    assert not fb.within_districts
    assert "flows within districts not estimated" in fb.note
    f = fb.flows
    same = f[(f["origin"].str[:5] == f["destination"].str[:5])]
    assert same.empty
    with pytest.raises(ParameterError, match="within districts"):
        functional_regions(bundle_store, region, LmaParams(1000, 0.6667, 10000, 0.75), flows=fb)


def test_state_matrix_equals_sum_of_kreis_flows(bundle_store, region, source_flows):
    res = crossborder(bundle_store, region)
    districts = sorted(region.all_district_codes)
    f = source_flows[
        source_flows["origin"].isin(districts) & source_flows["destination"].isin(districts)
    ]
    for a, b in (("06", "05"), ("05", "03"), ("03", "06"), ("06", "03")):
        want = f[(f["origin"].str[:2] == a) & (f["destination"].str[:2] == b)]["persons"].sum()
        assert want > 0
        assert res.states.persons.loc[a, b] == pytest.approx(want)
    assert res.basis == OFFICIAL
    assert res.pairs_basis == ESTIMATE
    assert (res.pairs["origin_state"] != res.pairs["destination_state"]).all()
    assert (res.pairs["basis"] == ESTIMATE).all()
    assert (res.district_pairs["origin_state"] != res.district_pairs["destination_state"]).all()
    top = res.district_pairs.iloc[0]
    assert top["persons"] == f[f["origin"].str[:2] != f["destination"].str[:2]]["persons"].max()
    with pytest.raises(ParameterError):
        crossborder(bundle_store, region, by="nonsense")
    # a district pair without a published row is pooled by the BA: empty, never 0
    published = set(zip(f["origin"], f["destination"], strict=True))
    absent = [(a, b) for a in districts for b in districts if a != b and (a, b) not in published]
    assert absent
    for a, b in absent[:5]:
        assert np.isnan(res.districts.persons.loc[a, b])
    pooled = source_flows[
        (source_flows["origin"] == "06611") & source_flows["destination"].str.contains("x")
    ]["persons"].sum()
    assert res.districts.not_assigned.loc["06611"] == pytest.approx(pooled)


def test_lma_partition_covers_every_municipality_once(bundle_store, region, estimate):
    res = functional_regions(
        bundle_store, region, LmaParams(1000, 0.6667, 10000, 0.75), flows=estimate
    )
    a = res.assignment
    assert a.index.is_unique
    assert set(a.index) == set(estimate.municipalities.index)
    assert set(a["lma_status"]) <= {"assigned", "not assigned", "zero list", "no flows"}
    # only places without residents have no flows
    no_flows = a[a["lma_status"] == "no flows"].index
    assert (estimate.municipalities.loc[no_flows, "population"] == 0).all()
    assigned = a[a["lma_status"] == "assigned"]
    assert assigned["lma"].gt(0).all()
    assert assigned["leiden"].notna().all()
    assert 0 <= res.comparison.adjusted_rand <= 1
    assert res.basis == ESTIMATE


def test_hubs_kreis_level_is_official(bundle_store, region, source_flows):
    res = hubs_and_catchments(bundle_store, region, level="kreis", n_centres=3)
    assert res.basis == OFFICIAL
    assert "straight lines" in res.routes_note
    top = res.centres.index[0]
    districts = sorted(region.all_district_codes)
    assert top in districts
    assert set(res.catchments["centre"]) <= set(res.centres.index[:3])
    assert (res.catchments.groupby("origin")["primary"].sum() == 1).all()


def test_hubs_gemeinde_level(bundle_store, region, estimate):
    res = hubs_and_catchments(bundle_store, region, flows=estimate, n_centres=5)
    assert res.basis == ESTIMATE
    assert res.centres.index[0] == "06611000"  # Kassel: by far the most in-commuters
    assert res.size_basis == "jobs"
    kp = res.knotenpunkte
    assert "straight lines" in kp.note
    assert set(kp.places.index) <= set(estimate.municipalities.index)


def test_central_places_matrix_and_estimate_label(bundle_store, region, estimate):
    res = central_places(bundle_store, region, flows=estimate)
    c = res.comparison
    assert "modelled estimate" in c.estimate_basis
    assert (c.places["estimate_basis"] == c.estimate_basis).all()
    assert list(c.matrix.index)[:4] == [
        "3 Oberzentrum",
        "2 Mittelzentrum",
        "1 Grundzentrum",
        "0 kein zentraler Ort",
    ]
    from regionatlas.sources.central_places_curated import designation_rows, read_rows

    rows = read_rows(shipped("central-places", "central-places.csv"))
    cited = designation_rows(rows)
    in_region = cited[cited["ags"].isin(estimate.municipalities.index)]
    # every cited designation (by source or by rule) of the region is counted once in the
    # matrix; municipalities whose designation was not found count as "no cited designation"
    assert c.matrix.drop(index="no cited designation").to_numpy().sum() == len(in_region)
    not_found = rows[(rows["basis"] == "not_found")]["ags"]
    assert (
        c.matrix.loc["no cited designation"].sum()
        >= not_found.isin(estimate.municipalities.index).sum()
        > 0
    )
    assert any("Zentrale Orte" in a for a in res.attribution)
