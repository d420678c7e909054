"""The lever catalogue (for forms) matches what the levers accept and default to."""

from __future__ import annotations

import json

import pytest

from regionatlas.analysis.scenarios import metrics, relocation, remote, rideshare, sites
from regionatlas.analysis.scenarios.catalogue import lever_catalogue
from regionatlas.analysis.scenarios.definition import LEVERS
from regionatlas.analysis.scenarios.synthetic import synthetic_context

KEYS = {
    "remote_work": remote.KEYS,
    "satellite_offices": sites.KEYS,
    "ride_sharing": rideshare.KEYS,
    "job_relocation": relocation.KEYS,
}


def test_catalogue_lists_every_lever_and_key():
    cat = {lever["lever"]: lever for lever in lever_catalogue()}
    assert set(cat) == set(LEVERS)
    for name, lever in cat.items():
        assert {p["key"] for p in lever["parameters"]} == KEYS[name], name
    json.dumps(cat)


@pytest.fixture(scope="module")
def ctx():
    return synthetic_context(40, seed=3)


def _defaults(name: str) -> dict:
    lever = next(lv for lv in lever_catalogue() if lv["lever"] == name)
    return {p["key"]: p["default"] for p in lever["parameters"]}


def test_defaults_match_the_levers(ctx, params):
    trips = metrics.baseline_trips(ctx, params)
    d = remote.apply_remote_work(trips, ctx, params, {}).details
    assert {k: d[k] for k in ("share", "days_per_week", "min_km")} == {
        k: _defaults("remote_work")[k] for k in ("share", "days_per_week", "min_km")
    }
    d = rideshare.apply_ride_sharing(trips, ctx, params, {}).details
    want = _defaults("ride_sharing")
    for key in (
        "participation",
        "occupancy",
        "min_km",
        "cell_km",
        "bearing_sectors",
        "band_km",
        "cross_state_only",
    ):
        assert d[key] == want[key], key
    d = sites.apply_satellite_offices(trips, ctx, params, {"k": 1}).details
    want = _defaults("satellite_offices")
    assert d["objective"] == want["objective"]
    assert d["eligible_share"] == want["eligible_share"]
    assert d["days_per_week"] == want["days_per_week"]
    assert d["max_site_km"] == want["max_site_km"]
    assert d["capacity_per_site"] == want["capacity"]
    d = relocation.apply_job_relocation(
        trips, ctx, params, {"targets": [ctx.units.index[0]]}
    ).details
    assert d["allocation"] == _defaults("job_relocation")["allocation"]
    assert d["jobs"] == _defaults("job_relocation")["jobs"]
