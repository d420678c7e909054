"""Goal progress against the target path (analysis.monitoring): the traffic-light rule, the
territory series and the checks that refuse bad goals."""

from __future__ import annotations

import pandas as pd
import pytest

from regionatlas.analysis.monitoring import (
    Goal,
    IndicatorSpec,
    ObservationIndex,
    Point,
    SurveyRef,
    Territory,
    assess,
    check_goal,
    path_value,
    territory_series,
)
from regionatlas.errors import InputError, NotFoundError
from regionatlas.workflows.monitoring import catalogue_with_inputs as catalogue
from regionatlas.workflows.monitoring import evaluate_formula


def spec(**kw) -> IndicatorSpec:
    base = dict(
        id="x",
        territory=Territory("district", "06633"),
        baseline_period="2020-06-30",
        target=80.0,
        target_year=2030,
        direction="decrease",
        unit="Personen",
        indicator="out_commuters",
    )
    base.update(kw)
    return IndicatorSpec(**base)


def pts(*pairs, basis="official"):
    return [Point(p, v, None, basis) for p, v in pairs]


def test_on_path_is_green_behind_is_amber_against_is_red():
    s = spec()  # 100 -> 80 over ten years: after five years the path is at 90
    assert assess(s, pts(("2020-06-30", 100), ("2025-06-30", 89))).status == "green"
    amber = assess(s, pts(("2020-06-30", 100), ("2025-06-30", 95)))
    assert amber.status == "amber"
    assert amber.achieved_share == pytest.approx(0.25)
    assert amber.time_share == pytest.approx(0.5, abs=0.01)
    assert assess(s, pts(("2020-06-30", 100), ("2025-06-30", 100))).status == "red"
    assert assess(s, pts(("2020-06-30", 100), ("2022-06-30", 104))).status == "red"
    assert assess(s, pts(("2020-06-30", 100), ("2022-06-30", 79))).reason == "target reached"


def test_increase_direction_mirrors():
    s = spec(direction="increase", target=120.0)
    assert assess(s, pts(("2020-06-30", 100), ("2025-06-30", 111))).status == "green"
    assert assess(s, pts(("2020-06-30", 100), ("2025-06-30", 95))).status == "red"


def test_one_period_is_grey_and_says_why():
    p = assess(spec(), pts(("2020-06-30", 100)))
    assert (p.status, p.reason) == ("grey", "no value after the baseline period yet")
    assert p.path == (("2020-06-30", 100), ("2030-06-30", 80.0))


def test_withheld_baseline_is_not_zero():
    p = assess(spec(), [Point("2020-06-30", None, "*"), Point("2025-06-30", 90, None)])
    assert p.status == "grey"
    assert p.baseline is None
    assert any("withheld" in n for n in p.notes)


def test_recorded_baseline_used_only_without_store_value_and_checked():
    p = assess(spec(baseline_value=100.0), pts(("2025-06-30", 95)))
    assert p.baseline.basis == "recorded"
    assert p.status == "amber"
    q = assess(spec(baseline_value=150.0), pts(("2020-06-30", 100), ("2025-06-30", 95)))
    assert q.baseline.value == 100  # the store wins
    assert any("differs" in n for n in q.notes)


def test_weakest_basis_of_the_points_used():
    p = assess(spec(), [Point("2020-06-30", 100, None, "official"),
                        Point("2025-06-30", 90, None, "synthetic")])  # fmt: skip
    assert p.basis == "synthetic"


def test_path_value_interpolates():
    s = spec()
    p = assess(s, pts(("2020-06-30", 100), ("2025-06-30", 90)))
    assert path_value(s, p, "2025-06-30") == pytest.approx(90, abs=0.05)


def test_territory_series_sums_additive_and_derives_formula():
    cat = catalogue()
    obs = pd.DataFrame(
        {
            "ags": ["01", "02", "01", "02", "01", "02"],
            "indicator": ["population", "population", "area_km2", "area_km2",
                          "population", "population"],
            "period": ["2020-01-01"] * 4 + ["2021-01-01"] * 2,
            "value": [100.0, 300.0, 10.0, 10.0, 110.0, None],
            "flag": [None, None, None, None, None, "*"],
            "batch_id": [1, 2, 1, 1, 1, 1],
        }
    )  # fmt: skip
    index = ObservationIndex(obs, {1: "official", 2: "synthetic"})
    pop = territory_series(index, "population", ["01", "02"], cat, evaluate_formula)
    assert [(p.period, p.value, p.flag) for p in pop] == [
        ("2020-01-01", 400.0, "derived"),
        ("2021-01-01", None, "*"),  # a member withheld: the sum is withheld, never partial
    ]
    assert pop[0].basis == "synthetic"
    dens = territory_series(
        ObservationIndex(obs, {}), "density", ["01", "02"], cat, evaluate_formula
    )
    assert dens[0].value == pytest.approx(20.0)


def goal(*specs: IndicatorSpec) -> Goal:
    return Goal("g", "Z", "G", "AG", "r", "r", tuple(specs), file="goals.toml", line=7)


def exists(t: Territory) -> bool:
    return t.key in (None, "06633", "06")


def test_check_refuses_unknown_indicator_and_territory_and_unit():
    cat = catalogue()
    with pytest.raises(NotFoundError, match=r"goals\.toml, line 7.*'nope'"):
        check_goal(goal(spec(indicator="nope")), cat, exists)
    with pytest.raises(NotFoundError, match="territory 'district:99999'"):
        check_goal(goal(spec(territory=Territory("district", "99999"))), cat, exists)
    with pytest.raises(InputError, match=r"target given in '%'.*measured in 'Personen'"):
        check_goal(goal(spec(unit="%")), cat, exists)
    with pytest.raises(InputError, match="cannot be added up"):
        check_goal(goal(spec(territory=Territory("state_part", "06"))), cat, exists)
    with pytest.raises(InputError, match="contradict direction"):
        check_goal(goal(spec(baseline_value=70.0)), cat, exists)
    with pytest.raises(InputError, match="not after the baseline"):
        check_goal(goal(spec(target_year=2019)), cat, exists)


def test_check_accepts_a_survey_binding_and_a_good_goal():
    cat = catalogue()
    survey = spec(id="y", indicator=None, survey=SurveyRef("s", "q"), unit="%",
                  territory=Territory("region"))  # fmt: skip
    check_goal(goal(spec(), survey), cat, exists)


def test_territory_series_agrees_with_indicators_derive():
    """The indexed evaluation gives what aggregate_observations + derive_indicators give."""
    import numpy as np

    from regionatlas.indicators.derive import aggregate_observations, derive_indicators

    cat = catalogue()
    rng = np.random.default_rng(7)
    rows = []
    for period in ("2021-01-01", "2022-01-01", "2023-01-01"):
        for ags in ("a", "b", "c"):
            for ind in ("population", "population_male", "area_km2"):
                v = float(rng.integers(1, 1000))
                flag = None
                if (period, ags, ind) == ("2022-01-01", "b", "population_male"):
                    v, flag = None, "."
                if (period, ags, ind) == ("2023-01-01", "c", "area_km2"):
                    v, flag = None, "-"
                rows.append((ags, ind, period, v, flag, 1))
    obs = pd.DataFrame(rows, columns=["ags", "indicator", "period", "value", "flag", "batch_id"])
    index = ObservationIndex(obs, {1: "official"})
    mapping = pd.Series("T", index=pd.Index(["a", "b", "c"], name="ags"))
    agg = aggregate_observations(obs, mapping, cat)
    for ind in ("population", "share_female", "density"):
        expected = agg if ind == "population" else derive_indicators(agg, cat, ids=[ind])
        expected = expected[expected["indicator"] == ind].sort_values("period")
        got = territory_series(index, ind, ["a", "b", "c"], cat, evaluate_formula)
        assert [p.period for p in got] == list(expected["period"]), ind
        for p, v, f in zip(got, expected["value"], expected["flag"], strict=True):
            assert (p.value is None) == pd.isna(v), (ind, p)
            if p.value is not None:
                assert p.value == pytest.approx(v)
            assert p.flag == f, (ind, p)
