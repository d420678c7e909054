"""Baseline commuter-km, CO2 and hours on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scenario_frames import od_frame, units_frame

from regionatlas.analysis.scenarios import metrics
from regionatlas.analysis.scenarios.context import build_context
from regionatlas.errors import ParameterError
from regionatlas.workflows.scenarios import load_parameters


def test_km_co2_hours_by_hand(line_ctx, params):
    trips = metrics.baseline_trips(line_ctx, params)
    # road km = straight km x 1.3
    assert sorted(trips["km"].round(6)) == [13.0, 39.0]
    t = metrics.totals(trips, params)
    pkm = 2 * (100 * 13.0 + 10 * 39.0)  # there and back
    assert t.commuter_km_day == pytest.approx(pkm)
    assert t.commuter_km_year == pytest.approx(pkm * 220)
    # both trips are >= 5 km: car .79, public transport .16, bike .05
    car_vkm = pkm * 0.79 / 1.5
    co2_g_day = car_vkm * 147 * 1.5 + pkm * 0.16 * 65
    assert t.co2_t_year == pytest.approx(co2_g_day * 220 / 1e6)
    hours_day = pkm * (0.79 / 50 + 0.16 / 25 + 0.05 / 15)
    assert t.hours_year == pytest.approx(hours_day * 220)
    assert t.car_vkm_year == pytest.approx(car_vkm * 220)


def test_short_trips_use_the_short_band(params):
    units = units_frame([("1", 0, 0, "06"), ("2", 3, 0, "06")])
    ctx = build_context(units, od_frame([("1", "2", 10.0)]))
    t = metrics.totals(metrics.baseline_trips(ctx, params), params)
    pkm = 2 * 10 * 3.9
    co2 = pkm * 0.41 / 1.5 * 220.5 + pkm * 0.08 * 65  # bike, foot: 0
    assert t.co2_t_year == pytest.approx(co2 * 220 / 1e6)


def test_band_edge_belongs_to_the_longer_band(unit_detour):
    shares = metrics.mode_shares(np.array([4.999, 5.0]), unit_detour)
    assert shares["foot"].tolist() == [0.28, 0.0]


def test_internal_flows_use_the_area(params):
    units = units_frame([("1", 0, 0, "06")]).assign(area_km2=math.pi)  # radius 1 km
    ctx = build_context(units, od_frame([("1", "1", 50.0)]))
    trips = metrics.baseline_trips(ctx, params)
    assert trips["km"].iloc[0] == pytest.approx(0.6667 * 1.0 * 1.3)


def test_markers_and_pooled_partners_are_kept_aside_not_zero(params):
    units = units_frame([("1", 0, 0, "06"), ("2", 10, 0, "06")])
    od = od_frame([("1", "2", 100.0), ("2", "1", None, "*"), ("1", "01099", 40.0, "pooled")])
    ctx = build_context(units, od)
    assert len(ctx.od) == 1
    assert set(ctx.excluded["reason"]) == {
        "no number (marker *)",
        "pooled partners (no single place)",
    }
    assert ctx.excluded["persons"].isna().sum() == 1  # the suppressed value stays unknown
    t = metrics.totals(metrics.baseline_trips(ctx, params), params)
    assert t.persons == 100.0


def test_estimate_basis_follows_the_flags():
    units = units_frame([("1", 0, 0, "06"), ("2", 10, 0, "06")])
    assert build_context(units, od_frame([("1", "2", 5.0, "estimated")])).estimate_basis == (
        "modelled estimate"
    )
    assert build_context(units, od_frame([("1", "2", 5.0)])).estimate_basis == "official"


def test_ags_stay_strings_with_leading_zeros(params):
    units = units_frame([("03159016", 0, 0, "03"), ("05774032", 10, 0, "05")])
    ctx = build_context(units, od_frame([("03159016", "05774032", 5.0)]))
    assert ctx.od["origin"].iloc[0] == "03159016"
    by = metrics.by_place(metrics.baseline_trips(ctx, params), params, "origin")
    assert list(by.index) == ["03159016"]


def test_corridor_sums_by_district(line_ctx, params):
    trips = metrics.baseline_trips(line_ctx, params)
    c = metrics.by_corridor(trips, line_ctx, params)
    assert c["commuter_km_day"].sum() == pytest.approx(2 * (100 * 13 + 10 * 39))
    assert set(zip(c["from"], c["to"], strict=True)) == {("06611", "06611"), ("06611", "05774")}


def test_parameter_file_values_all_have_a_source(params):
    for p in params.values.values():
        assert p.source.strip(), p.name
    assert all(b.source for b in params.bands)


def test_bad_parameters_are_named(params):
    with pytest.raises(ParameterError, match=r"emission\.car_g_per_pkm"):
        params.with_overrides({"emission.car_g_per_pkm": -1})
    with pytest.raises(ParameterError, match=r"unknown parameter 'emission\.bus'"):
        params.with_overrides({"emission.bus": 3})
    with pytest.raises(ParameterError, match="add up to 1"):
        params.with_overrides({"mode_split": [{"max_km": float("inf"), "car": 0.5}]})
    with pytest.raises(ParameterError, match=r"detour_factor must be >= 1"):
        params.with_overrides({"distance.detour_factor": 0.5})
    with pytest.raises(ParameterError, match="not found"):
        load_parameters("/nonexistent/params.toml")


def test_negative_persons_are_rejected():
    units = units_frame([("1", 0, 0, "06"), ("2", 10, 0, "06")])
    with pytest.raises(ParameterError, match="negative persons"):
        build_context(units, od_frame([("1", "2", -3.0)]))
