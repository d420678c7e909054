"""Levers on hand-computed cases: remote work, sites, ride-sharing, bad parameters."""

from __future__ import annotations

import pytest
from scenario_frames import od_frame, units_frame

from regionatlas.analysis.scenarios import metrics
from regionatlas.analysis.scenarios.context import build_context
from regionatlas.analysis.scenarios.remote import apply_remote_work
from regionatlas.analysis.scenarios.rideshare import apply_ride_sharing
from regionatlas.analysis.scenarios.sites import apply_satellite_offices
from regionatlas.errors import NotFoundError, ParameterError


@pytest.fixture
def site_ctx():
    """Home H (0,0) with 100 commuters to work W (30 km east); S 5 km east; T 40 km north."""
    units = units_frame(
        [("H", 0, 0, "06"), ("W", 30, 0, "06"), ("S", 5, 0, "06"), ("T", 0, 40, "06")]
    )
    return build_context(units, od_frame([("H", "W", 100.0)]))


def test_remote_work_share_and_days(line_ctx, params):
    trips = metrics.baseline_trips(line_ctx, params)
    out = apply_remote_work(trips, line_ctx, params, {"share": 0.5, "days_per_week": 2})
    before = metrics.totals(trips, params).commuter_km_day
    after = metrics.totals(out.trips, params).commuter_km_day
    # half of the commuters stay home on 2 of 5 days: 20 % fewer commute days
    assert after == pytest.approx(before * 0.8)
    assert out.remote_person_days == pytest.approx(110 * 0.2)


def test_remote_work_min_km(line_ctx, params):
    trips = metrics.baseline_trips(line_ctx, params)
    out = apply_remote_work(
        trips, line_ctx, params, {"share": 1.0, "days_per_week": 5, "min_km": 20}
    )
    # only the 39 km commute (10 persons) is affected
    assert sorted(out.trips["persons"]) == [0.0, 100.0]


def test_site_saves_the_hand_computed_km(site_ctx, unit_detour):
    trips = metrics.baseline_trips(site_ctx, unit_detour)
    out = apply_satellite_offices(
        trips,
        site_ctx,
        unit_detour,
        {"k": 1, "candidates": ["S", "T"], "eligible_share": 0.5, "days_per_week": 5},
    )
    assert out.details["sites"] == ["S"]
    # 50 eligible persons, each saves 2 x (30 - 5) km a day
    assert out.details["saved_km_day"] == pytest.approx(50 * 2 * 25)
    before = metrics.totals(trips, unit_detour).commuter_km_day
    after = metrics.totals(out.trips, unit_detour).commuter_km_day
    assert before - after == pytest.approx(2500)
    moved = out.tables["moved_flows"]
    assert moved[["origin", "destination", "site"]].values.tolist() == [["H", "W", "S"]]
    assert moved["persons_per_day"].iloc[0] == pytest.approx(50)


def test_site_capacity_limits_the_moved_persons(site_ctx, unit_detour):
    trips = metrics.baseline_trips(site_ctx, unit_detour)
    out = apply_satellite_offices(
        trips,
        site_ctx,
        unit_detour,
        {"sites": ["S"], "eligible_share": 0.5, "days_per_week": 5, "capacity": 20},
    )
    assert out.details["persons_moved_per_day"] == pytest.approx(20)
    assert out.details["saved_km_day"] == pytest.approx(20 * 50)


def test_site_farther_than_the_workplace_saves_nothing(site_ctx, unit_detour):
    trips = metrics.baseline_trips(site_ctx, unit_detour)
    out = apply_satellite_offices(
        trips, site_ctx, unit_detour, {"sites": ["T"], "eligible_share": 1.0}
    )
    assert out.details["saved_km_day"] == 0
    assert metrics.totals(out.trips, unit_detour).commuter_km_day == pytest.approx(6000)


def test_site_coverage_counts_people_within_the_radius(site_ctx, unit_detour):
    trips = metrics.baseline_trips(site_ctx, unit_detour)
    near = apply_satellite_offices(
        trips,
        site_ctx,
        unit_detour,
        {
            "k": 1,
            "candidates": ["S", "T"],
            "objective": "coverage",
            "radius_km": 10,
            "eligible_share": 0.4,
            "days_per_week": 5,
        },
    )
    assert near.details["sites"] == ["S"]
    assert near.details["solver"]["objective_value"] == pytest.approx(40)
    far = apply_satellite_offices(
        trips,
        site_ctx,
        unit_detour,
        {
            "k": 1,
            "candidates": ["S"],
            "objective": "coverage",
            "radius_km": 4,
            "eligible_share": 0.4,
            "days_per_week": 5,
        },
    )
    assert far.details["persons_moved_per_day"] == 0


def _pool_ctx(state_b: str = "06"):
    units = units_frame(
        [("A", 0, 0, "06"), ("B", 1, 0, state_b), ("X", 0, 40, "05"), ("Y", 1, 40, "05")]
    )
    return build_context(units, od_frame([("A", "X", 100.0), ("B", "Y", 100.0)]))


def test_ride_sharing_pairs_and_saved_car_km(unit_detour):
    ctx = _pool_ctx()
    trips = metrics.baseline_trips(ctx, unit_detour)
    out = apply_ride_sharing(
        trips, ctx, unit_detour, {"participation": 0.5, "occupancy": 2.0, "min_participants": 1}
    )
    corridors = out.tables["corridors"]
    assert len(corridors) == 1  # same cells, same bearing, same band: one corridor
    participants = 2 * 100 * 0.79 * 0.5
    assert corridors["participants"].iloc[0] == pytest.approx(participants)
    assert corridors["potential_pairs"].iloc[0] == 39  # floor(79 / 2)
    saved_vkm_day = 2 * participants * 40 * (1 / 1.5 - 1 / 2)
    assert corridors["saved_vkm_day"].iloc[0] == pytest.approx(saved_vkm_day)
    before = metrics.totals(trips, unit_detour)
    after = metrics.totals(out.trips, unit_detour)
    assert before.car_vkm_year - after.car_vkm_year == pytest.approx(saved_vkm_day * 220)
    assert before.co2_t_year - after.co2_t_year == pytest.approx(
        saved_vkm_day * 220 * 147 * 1.5 / 1e6
    )
    assert after.commuter_km_day == pytest.approx(before.commuter_km_day)  # same person-km


def test_ride_sharing_cross_state_only(unit_detour):
    ctx = _pool_ctx()
    trips = metrics.baseline_trips(ctx, unit_detour)
    ctx2 = build_context(
        units_frame([("A", 0, 0, "05"), ("B", 1, 0, "05"), ("X", 0, 40, "05"), ("Y", 1, 40, "05")]),
        od_frame([("A", "X", 100.0), ("B", "Y", 100.0)]),
    )
    spec = {"participation": 0.5, "cross_state_only": True, "min_participants": 1}
    assert apply_ride_sharing(trips, ctx, unit_detour, spec).details["corridors"] == 1
    trips2 = metrics.baseline_trips(ctx2, unit_detour)
    assert apply_ride_sharing(trips2, ctx2, unit_detour, spec).details["corridors"] == 0


def test_ride_sharing_min_participants(unit_detour):
    ctx = _pool_ctx()
    trips = metrics.baseline_trips(ctx, unit_detour)
    out = apply_ride_sharing(
        trips, ctx, unit_detour, {"participation": 0.05, "min_participants": 10}
    )
    assert out.details["corridors"] == 0  # 7.9 participants: no corridor offered


@pytest.mark.parametrize(
    ("fn", "spec", "error", "pattern"),
    [
        (apply_remote_work, {"share": -0.1}, ParameterError, r"remote_work\.share"),
        (apply_remote_work, {"share": 0.2, "days_per_week": 6}, ParameterError, "days_per_week"),
        (apply_remote_work, {"shares": 0.2}, ParameterError, "unknown key"),
        (
            apply_satellite_offices,
            {"k": 5, "candidates": ["S", "T"]},
            ParameterError,
            "larger than the number of candidate places",
        ),
        (
            apply_satellite_offices,
            {"k": 1, "candidates": ["S", "NOPE"]},
            NotFoundError,
            "unknown place",
        ),
        (apply_satellite_offices, {"k": 0}, ParameterError, "k must be >= 1"),
        (apply_satellite_offices, {"k": 1, "objective": "median"}, ParameterError, "objective"),
        (
            apply_satellite_offices,
            {"k": 1, "eligible_share": 1.5},
            ParameterError,
            "eligible_share",
        ),
        (apply_ride_sharing, {"occupancy": 1.2}, ParameterError, "must not be below"),
        (apply_ride_sharing, {"participation": 2}, ParameterError, "participation"),
    ],
)
def test_bad_lever_parameters(site_ctx, params, fn, spec, error, pattern):
    trips = metrics.baseline_trips(site_ctx, params)
    with pytest.raises(error, match=pattern):
        fn(trips, site_ctx, params, spec)


def test_site_rows_keep_the_occupancy_of_their_flow(unit_detour):
    units = units_frame(
        [("H1", 0, 0, "06"), ("H2", 0, 2, "06"), ("W", 30, 0, "06"), ("S", 5, 1, "06")]
    )
    ctx = build_context(units, od_frame([("H1", "W", 100.0), ("H2", "W", 10.0)]))
    trips = metrics.baseline_trips(ctx, unit_detour)
    trips["occupancy"] = [1.5 if o == "H1" else 2.5 for o in trips["origin"]]
    out = apply_satellite_offices(trips, ctx, unit_detour, {"sites": ["S"], "eligible_share": 0.5})
    new = out.trips.loc[out.trips["destination"] == "S"].set_index("origin")
    assert new.loc["H1", "occupancy"] == 1.5
    assert new.loc["H2", "occupancy"] == 2.5


def test_remote_work_by_settlement_type(params):
    units = units_frame([("A", 0, 0, "06"), ("B", 20, 0, "06"), ("C", 0, 20, "06")]).assign(
        settlement_type=["ländlich", "städtisch", "städtisch"]
    )
    ctx = build_context(units, od_frame([("A", "B", 100.0), ("C", "B", 100.0)]))
    trips = metrics.baseline_trips(ctx, params)
    out = apply_remote_work(
        trips,
        ctx,
        params,
        {"share": 0.1, "days_per_week": 5, "share_by_settlement_type": {"ländlich": 0.5}},
    )
    persons = out.trips.set_index("origin")["persons"]
    assert persons["A"] == pytest.approx(50.0)  # rural residence: 50 % at home every day
    assert persons["C"] == pytest.approx(90.0)  # other types: the general share
