"""The pure model: structure, keys, skew, flow conservation, geometry, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from synth_fixtures import DISTRICTS_SMALL, N_SMALL, SEED

from regionatlas.errors import ParameterError
from regionatlas.synth.model import Country, allocate, build_country
from regionatlas.synth.profiles import STATES


def test_counts(small_country: Country) -> None:
    c = small_country
    assert len(c.municipalities) == N_SMALL
    assert len(c.districts) == DISTRICTS_SMALL
    assert len(c.states) == 16
    assert c.municipalities["ags"].is_unique
    assert c.districts["kreis"].is_unique
    assert set(c.municipalities["kreis"]) == set(c.districts["kreis"])


def test_keys_follow_ags_structure(small_country: Country) -> None:
    gm = small_country.municipalities
    assert gm["ags"].str.fullmatch(r"\d{8}").all()
    assert gm["ars"].str.fullmatch(r"\d{12}").all()
    assert (gm["ags"].str[:5] == gm["kreis"]).all()
    assert (gm["ags"].str[:2] == gm["land"]).all()
    # ARS = Kreis (5) + Verband (4) + Gemeinde (3); AGS = Kreis + Gemeinde
    assert (gm["ars"].str[:5] + gm["ars"].str[9:] == gm["ags"]).all()
    assert set(gm["land"]) == {p.key for p in STATES}
    # kreisfreie Städte: one municipality, Gemeinde key 000
    d = small_country.districts
    kf = set(d.loc[d["kreisfrei"], "kreis"])
    assert kf, "expected some kreisfreie Städte"
    assert (gm.loc[gm["kreis"].isin(kf), "ags"].str[5:] == "000").all()
    assert gm.groupby("kreis").size()[sorted(kf)].eq(1).all()
    assert small_country.rbs["rbz"].str.fullmatch(r"\d{3}").all()


def test_names_start_with_synth(small_country: Country) -> None:
    for frame in (
        small_country.municipalities,
        small_country.districts,
        small_country.states,
        small_country.verbaende,
    ):
        assert frame["name"].str.startswith("Synth").all()


def test_population_is_skewed(small_country: Country) -> None:
    pop = small_country.municipalities["population"]
    assert pop.min() >= 1
    assert pop.max() / pop.median() > 20
    # about 7,700 inhabitants per municipality, like Germany
    assert 0.9 < pop.sum() / (7_700 * N_SMALL) < 1.1
    # the largest place is a kreisfreie Stadt or a city state
    top = small_country.municipalities.sort_values("population").iloc[-1]
    assert top["kreisfrei"]


def test_flows_conserve_employed_residents(small_country: Country) -> None:
    gm = small_country.municipalities.set_index("ags")
    fl = small_country.flows
    out = fl.groupby("origin")["total"].sum().reindex(gm.index, fill_value=0)
    assert (out == gm["employed"]).all()
    jobs = fl.groupby("destination")["total"].sum().reindex(gm.index, fill_value=0)
    assert (jobs == gm["jobs"]).all()
    assert (fl["total"] > 0).all()
    assert (fl["men"] + fl["women"] == fl["total"]).all()
    assert (fl["german"] + fl["foreign"] == fl["total"]).all()
    assert ((fl["trainees"] >= 0) & (fl["trainees"] <= fl["total"])).all()
    assert not fl.duplicated(["origin", "destination"]).any()


def test_self_flow_is_largest_for_most_places(small_country: Country) -> None:
    fl = small_country.flows
    largest = fl.groupby("origin")["total"].max()
    own = fl[fl["origin"] == fl["destination"]].set_index("origin")["total"]
    share = (own.reindex(largest.index, fill_value=0) >= largest).mean()
    assert share > 0.5


def test_geometry_valid_and_nested(small_country: Country) -> None:
    c = small_country
    for frame in (c.municipalities, c.districts, c.states, c.verbaende):
        geoms = frame.geometry.to_numpy()
        assert shapely.is_valid(geoms).all()
        assert not shapely.is_empty(geoms).any()
        assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    # districts are unions of their municipalities, states of their districts
    gm_area = c.municipalities.groupby("kreis").geometry.apply(
        lambda s: shapely.area(s.to_numpy()).sum()
    )
    d_area = pd.Series(shapely.area(c.districts.geometry.to_numpy()), index=c.districts["kreis"])
    np.testing.assert_allclose(d_area[gm_area.index], gm_area, rtol=1e-6)
    assert shapely.area(c.states.geometry.to_numpy()).sum() == pytest.approx(d_area.sum(), rel=1e-6)
    # municipalities do not overlap: their areas add up to the country's
    union = shapely.union_all(c.states.geometry.to_numpy())
    assert c.municipalities.geometry.area.sum() == pytest.approx(union.area, rel=1e-6)
    # about the size of Germany (357,000 km²)
    assert 300_000e6 < union.area < 420_000e6


def test_same_seed_same_frames(small_country: Country) -> None:
    again = build_country(N_SMALL, SEED, districts=DISTRICTS_SMALL)
    pd.testing.assert_frame_equal(again.flows, small_country.flows)
    cols = ["ags", "name", "population", "employed", "jobs", "x", "y"]
    pd.testing.assert_frame_equal(again.municipalities[cols], small_country.municipalities[cols])
    assert again.municipalities.geometry.geom_equals_exact(
        small_country.municipalities.geometry, tolerance=0
    ).all()


def test_other_seed_other_country(small_country: Country) -> None:
    other = build_country(N_SMALL, SEED + 1, districts=DISTRICTS_SMALL)
    assert not other.municipalities["population"].equals(small_country.municipalities["population"])
    assert len(other.flows) != len(small_country.flows) or not other.flows.equals(
        small_country.flows
    )


def test_allocate_keeps_minimums_and_totals() -> None:
    muni, dist = allocate(STATES, 10_800, 400)
    assert muni.sum() == 10_800
    assert dist.sum() == 400
    assert (dist >= 1).all()
    assert (muni >= dist).all()
    by_key = dict(zip([p.key for p in STATES], zip(muni, dist, strict=True), strict=True))
    assert by_key["02"] == (1, 1) and by_key["11"] == (1, 1) and by_key["04"] == (2, 2)
    # Rheinland-Pfalz has far more, far smaller municipalities than Nordrhein-Westfalen
    assert by_key["07"][0] > 4 * by_key["05"][0]


@pytest.mark.parametrize(("n", "d"), [(300, 10), (30, 40)])
def test_impossible_sizes_are_parameter_errors(n: int, d: int) -> None:
    with pytest.raises(ParameterError):
        build_country(n, 1, districts=d)
