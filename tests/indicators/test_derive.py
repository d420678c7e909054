"""Derived indicators: hand-computed values, flags that survive, aggregation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from regionatlas.errors import InputError
from regionatlas.indicators.catalogue import catalogue, load_catalogue
from regionatlas.indicators.derive import aggregate_observations, derive_indicators
from regionatlas.indicators.formula import evaluate, formula_inputs


def obs(rows: list[tuple[str, str, float | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a, i, "2023-11-30", v, f) for a, i, v, f in rows],
        columns=["ags", "indicator", "period", "value", "flag"],
    )


def test_catalogue_is_complete_and_bilingual() -> None:
    cat = catalogue()
    assert cat["id"].is_unique
    for col in ("name_de", "name_en", "definition_de", "definition_en", "unit", "source"):
        assert cat[col].str.len().min() > 0, col
    assert {"density", "commuter_balance", "job_centrality"} <= set(cat["id"])


def test_formula_inputs_and_group_suffix() -> None:
    assert formula_inputs("out_commuters.women / out_commuters * 100") == {
        "out_commuters.women",
        "out_commuters",
    }


def test_formula_rejects_code() -> None:
    with pytest.raises(InputError, match="only"):
        formula_inputs("__import__('os').system('true')")


def test_division_by_zero_is_nan_not_inf() -> None:
    out = evaluate("a / b", {"a": [1.0, 2.0], "b": [0.0, 4.0]})
    assert math.isnan(out[0]) and out[1] == 0.5


def test_density_and_female_share_hand_computed() -> None:
    frame = obs(
        [
            ("03159016", "population", 118_000, None),
            ("03159016", "population_male", 57_000, None),
            ("03159016", "area_km2", 116.89, None),
        ]
    )
    d = derive_indicators(frame, catalogue()).set_index("indicator")
    assert d.loc["density", "value"] == pytest.approx(118_000 / 116.89)
    assert d.loc["population_female", "value"] == 61_000
    assert d.loc["share_female", "value"] == pytest.approx(61_000 / 118_000 * 100)
    assert set(d["flag"]) == {"derived"}


def test_marker_survives_derivation_and_is_never_zero() -> None:
    frame = obs(
        [
            ("05774032", "in_commuters", None, "*"),
            ("05774032", "out_commuters", 500, None),
            ("05774032", "population", 1000, None),
        ]
    )
    d = derive_indicators(frame, catalogue()).set_index("indicator")
    assert d.loc["commuter_balance", "flag"] == "*"
    assert math.isnan(d.loc["commuter_balance", "value"])
    assert d.loc["out_commuters_per_1000", "value"] == 500


def test_dash_counts_as_zero_in_formulas() -> None:
    frame = obs([("x", "in_commuters", None, "-"), ("x", "out_commuters", 7, None)])
    d = derive_indicators(frame, catalogue(), ids=["commuter_balance"])
    assert d["value"].tolist() == [-7]


def test_aggregation_sums_additive_and_flags_incomplete() -> None:
    frame = obs(
        [
            ("a", "population", 10, None),
            ("b", "population", 5, None),
            ("a", "area_km2", 1, None),
            ("b", "area_km2", None, "."),
            ("a", "out_commuters", 3, None),
        ]
    )
    agg = aggregate_observations(frame, pd.Series({"a": "G", "b": "G"}), catalogue())
    agg = agg.set_index("indicator")
    assert agg.loc["population", "value"] == 15
    assert agg.loc["area_km2", "flag"] == "." and math.isnan(agg.loc["area_km2", "value"])
    assert "out_commuters" not in agg.index  # not additive across borders


def test_flags_that_only_say_where_a_number_comes_from_do_not_withhold_it() -> None:
    frame = obs(
        [
            ("a", "population", 10, "derived"),
            ("b", "population", 5, "estimated"),
            ("a", "area_km2", 2, None),
            ("b", "area_km2", None, "derived"),  # a flag without a value: unknown
        ]
    )
    agg = aggregate_observations(frame, pd.Series({"a": "G", "b": "G"}), catalogue())
    agg = agg.set_index("indicator")
    assert agg.loc["population", "value"] == 15
    assert agg.loc["population", "flag"] == "derived"
    assert math.isnan(agg.loc["area_km2", "value"])


def test_catalogue_errors_name_the_problem(tmp_path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text(
        '[[indicator]]\nid="a"\nname_de="a"\nname_en="a"\nunit="u"\ntopic="t"\npolarity=0\n'
        'source="s"\ndefinition_de="d"\ndefinition_en="d"\nformula="a / nope"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="nope"):
        load_catalogue(bad)
