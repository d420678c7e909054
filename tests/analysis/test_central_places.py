"""Central-place comparison on small hand-built cases (expected values worked out by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.analysis.central_places import (
    NO_DESIGNATION,
    NO_FUNCTIONAL,
    bbsr_designations,
    central_place_comparison,
    check_designations,
    classify,
    curated_designations,
    functional_figures,
    level_label,
)
from regionatlas.analysis.flow_indicators import flow_indicators
from regionatlas.errors import ParameterError

BASIS = "synthetic test figures"
OZ, MZ, GZ, NONE = (level_label(k) for k in (3, 2, 1, 0))


def des(rows: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": [a for a, _ in rows],
            "level": [lvl for _, lvl in rows],
            "category": [level_label(lvl) for _, lvl in rows],
            "source": "test plan",
        }
    )


def fun(rows: list[tuple[str, float]], **extra: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame({"ags": [a for a, _ in rows], "balance": [s for _, s in rows]})
    for col, values in extra.items():
        frame[col] = values
    return frame


# Six places: A is designated Ober and scores highest; B Mittel but scores like a Grund;
# C Grund but scores like a Mittel; D Grund, scores low; E has no designation; F no score.
DESIGNATED = des(
    [("01000001", 3), ("01000002", 2), ("01000003", 1), ("01000004", 1), ("01000006", 2)]
)
FUNCTIONAL = fun(
    [
        ("01000001", 50_000.0),
        ("01000002", 200.0),
        ("01000003", 3_000.0),
        ("01000004", -500.0),
        ("01000005", 4_000.0),
        ("01000006", math.nan),
    ],
    jobs=[90_000, 6_000, 9_000, 1_000, 8_000, 2_000],
)


def test_matrix_with_explicit_thresholds() -> None:
    # cuts: Grund >= 0, Mittel >= 1000, Ober >= 20000
    res = central_place_comparison(
        DESIGNATED,
        FUNCTIONAL,
        estimate_basis=BASIS,
        method="thresholds",
        thresholds=(0, 1000, 20000),
    )
    m = res.matrix
    assert m.loc[OZ, OZ] == 1  # A
    assert m.loc[MZ, GZ] == 1  # B: 200 >= 0 but < 1000
    assert m.loc[GZ, MZ] == 1  # C: 3000
    assert m.loc[GZ, NONE] == 1  # D: -500 < 0
    assert m.loc[NO_DESIGNATION, MZ] == 1  # E
    assert m.loc[MZ, NO_FUNCTIONAL] == 1  # F
    assert int(m.to_numpy().sum()) == 6
    assert list(m.index)[-1] == NO_DESIGNATION and list(m.columns)[-1] == NO_FUNCTIONAL


def test_above_and_below_lists_carry_the_figures() -> None:
    res = central_place_comparison(
        DESIGNATED,
        FUNCTIONAL,
        estimate_basis=BASIS,
        method="thresholds",
        thresholds=(0, 1000, 20000),
    )
    above = res.above.set_index("ags")
    below = res.below.set_index("ags")
    assert list(above.index) == ["01000003"]
    assert above.loc["01000003", "designated_level"] == 1
    assert above.loc["01000003", "functional_level"] == 2
    assert above.loc["01000003", "jobs"] == 9_000
    assert above.loc["01000003", "direction"] == "above designation"
    assert sorted(below.index) == ["01000002", "01000004"]
    assert below.loc["01000004", "deviation"] == -1
    assert below.loc["01000002", "balance"] == 200.0
    # no designation (E) and no score (F) never count as deviations
    assert not {"01000005", "01000006"} & set(res.deviations["ags"])
    assert (res.deviations["estimate_basis"] == BASIS).all()
    assert res.estimate_basis == BASIS


def test_matched_cuts_give_classes_of_the_designated_sizes() -> None:
    # designated with a score: A(3) 50000, B(2) 200, C(1) 3000, D(1) -500
    # ranked: A, C, B, D -> top 1 is Ober (cut 50000), top 2 Mittel (cut 3000),
    # top 4 Grund (cut -500)
    res = central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=BASIS)
    assert res.cuts == (-500.0, 3000.0, 50000.0)
    levels = res.places.set_index("ags")["functional_level"]
    assert levels["01000003"] == 2 and levels["01000002"] == 1
    assert levels["01000005"] == 2  # E (4000) classified by the same cuts
    assert pd.isna(levels["01000006"])
    assert res.method == "matched"


def test_quantile_shares() -> None:
    scores = fun([(f"0100000{i}", float(i)) for i in range(1, 10)])
    # 9 places, top 1/9 Ober, next 2/9 Mittel, next 3/9 Grund, rest none
    res = central_place_comparison(
        des([("01000001", 1)]),
        scores,
        estimate_basis=BASIS,
        method="quantiles",
        shares={3: 1 / 9, 2: 2 / 9, 1: 3 / 9},
    )
    levels = res.places.set_index("ags")["functional_level"]
    assert [levels[f"0100000{i}"] for i in range(9, 0, -1)] == [3, 2, 2, 1, 1, 1, 0, 0, 0]


def test_score_derived_from_in_and_out_commuters() -> None:
    functional = pd.DataFrame(
        {"ags": ["01000001", "01000002"], "in_commuters": [500, 10], "out_commuters": [100, 300]}
    )
    res = central_place_comparison(
        des([("01000001", 1), ("01000002", 2)]),
        functional,
        estimate_basis=BASIS,
        method="thresholds",
        thresholds=(-1000, 0, 1000),
    )
    p = res.places.set_index("ags")
    assert p.loc["01000001", "balance"] == 400
    assert p.loc["01000002", "balance"] == -290
    assert res.above["ags"].tolist() == ["01000001"]
    assert res.below["ags"].tolist() == ["01000002"]


def test_estimate_basis_is_required() -> None:
    with pytest.raises(ParameterError, match="estimate_basis"):
        central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=" ")


@pytest.mark.parametrize(
    "frame, match",
    [
        (des([("1000001", 1)]), "8 digits"),
        (des([("01000001", 1), ("01000001", 2)]), "twice"),
        (des([("01000001", 1)]).assign(level=[4]), "harmonised scale"),
        (des([("01000001", 1)]).drop(columns="source"), "missing columns"),
    ],
)
def test_bad_designations_are_rejected(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        check_designations(frame)


def test_bad_thresholds_and_methods() -> None:
    with pytest.raises(ParameterError, match="ascending"):
        classify(pd.Series([1.0]), (10, 5, 20))
    with pytest.raises(ParameterError, match="unknown method"):
        central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=BASIS, method="best")
    with pytest.raises(ParameterError, match="needs thresholds"):
        central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=BASIS, method="thresholds")
    with pytest.raises(ParameterError, match="score column"):
        central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=BASIS, score="gravity")


def test_bbsr_designations_map_the_four_categories() -> None:
    frame = pd.DataFrame(
        {
            "ags": ["6611000", "06633003", "06633001", "06633200"],
            "Zentralörtliche Einstufung (zusammengefasst) Name": [
                "Oberzentrum und höher",
                "Mittelzentrum",
                "Grundzentrum und niedriger",
                "keine zentralörtliche Einstufung",
            ],
        }
    )
    out = bbsr_designations(frame)
    assert out["ags"].tolist() == ["06611000", "06633003", "06633001", "06633200"]
    assert out["level"].tolist() == [3, 2, 1, 0]
    bad = frame.assign(**{"Zentralörtliche Einstufung (zusammengefasst) Name": "Metropole"})
    with pytest.raises(ParameterError, match="unknown category"):
        bbsr_designations(bad)


def test_curated_designations_keep_the_state_category() -> None:
    curated = pd.DataFrame(
        {
            "ags": ["03159016"],
            "level": [3],
            "category_state": ["Oberzentrum"],
            "plan": ["LROP"],
            "source_kind": ["plan"],
        }
    )
    out = curated_designations(curated)
    assert out.loc[0, "category"] == "Oberzentrum"
    assert out.loc[0, "source"] == "LROP (plan)"


def test_functional_figures_from_flow_indicators_hand_case() -> None:
    # A->B 100, A->C 40, C->B 30, B->A 20, A->pool 10 (pooled), C->A '*' (suppressed),
    # self-flows A 50, B 200, C 5
    flows = pd.DataFrame(
        {
            "origin": ["A", "A", "C", "B", "A", "C", "A", "B", "C"],
            "destination": ["B", "C", "B", "A", "010xx", "A", "A", "B", "C"],
            "persons": [100, 40, 30, 20, 10, np.nan, 50, 200, 5],
            "flag": [None, None, None, None, "pooled", "*", None, None, None],
        }
    )
    ind = flow_indicators(flows, ["A", "B", "C"])
    residents = pd.Series({"A": 1000.0, "B": 5000.0, "C": 300.0})
    out = functional_figures(ind, flows, residents).set_index("ags")
    assert out.loc["B", "in_commuters"] == 130  # 100 + 30, self-flow left out
    assert out.loc["B", "balance"] == 130 - 20
    assert out.loc["B", "jobs"] == 200 + 130
    # A's in-commuters are unknown (C->A suppressed): the balance is NaN, never a number
    assert np.isnan(out.loc["A", "balance"])
    # dominant destinations: A->B (100), C->B (30, its only published flow), B->A (20)
    # B draws A and C: 5000 + 1000 + 300; A draws B: 1000 + 5000; C draws nobody
    assert out.loc["B", "catchment_population"] == 6300
    assert out.loc["A", "catchment_population"] == 6000
    assert out.loc["C", "catchment_population"] == 300
    # C's out-commuters are unknown too (its flow to A is suppressed): only B has a score
    assert np.isnan(out.loc["C", "balance"])
    keyed = out.reset_index().assign(ags=["01000001", "01000002", "01000003"])
    res = central_place_comparison(
        des([("01000002", 1), ("01000003", 1)]),
        keyed,
        estimate_basis=BASIS,
        method="thresholds",
        thresholds=(0, 50, 1000),
    )
    assert res.above["ags"].tolist() == ["01000002"]  # balance 110 >= 50: Mittelzentrum
    assert res.above.loc[0, "catchment_population"] == 6300
    assert res.matrix.loc[NO_DESIGNATION, NO_FUNCTIONAL] == 1  # A
    assert res.matrix.loc[GZ, NO_FUNCTIONAL] == 1  # C
    with pytest.raises(ParameterError, match="balance"):
        functional_figures(ind.drop(columns="balance"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(-10_000, 10_000)),
        min_size=1,
        max_size=25,
        unique_by=lambda t: t[1],
    )
)
def test_matched_levels_reproduce_the_designated_counts(rows: list[tuple[int, int]]) -> None:
    """With distinct scores and every place designated, each functional class above 0 has
    exactly as many places as are designated at that level (the method's definition)."""
    ags = [f"01{i:06d}" for i in range(len(rows))]
    d = des([(a, lvl) for a, (lvl, _) in zip(ags, rows, strict=True)])
    f = fun([(a, float(s)) for a, (_, s) in zip(ags, rows, strict=True)])
    res = central_place_comparison(d, f, estimate_basis=BASIS)
    assert int(res.matrix.to_numpy().sum()) == len(rows)
    for lvl in (3, 2, 1):
        designated = sum(1 for level, _ in rows if level == lvl)
        assert int(res.matrix[level_label(lvl)].sum()) == designated
    # a deviation is always functional minus designated level
    p = res.places
    assert ((p["functional_level"] - p["designated_level"]) == p["deviation"]).all()


def test_functional_frame_keyed_by_index_and_matched_needs_overlap() -> None:
    indexed = FUNCTIONAL.set_index("ags")
    res = central_place_comparison(
        DESIGNATED, indexed, estimate_basis=BASIS, method="thresholds", thresholds=(0, 1000, 20000)
    )
    assert res.above["ags"].tolist() == ["01000003"]
    with pytest.raises(ParameterError, match="both a designation and a score"):
        central_place_comparison(des([("09000001", 2)]), FUNCTIONAL, estimate_basis=BASIS)


# ------------------------------------------------------------------ places not assessable


def test_not_assessable_places_take_no_part_in_cuts_or_deviations() -> None:
    """B (Mittel, scores like a Grund) is below its designation when judged; marked not
    assessable it leaves the cut points, gets no level and no deviation, and is counted in
    its own matrix column."""
    from regionatlas.analysis.central_places import NOT_ASSESSABLE

    judged = central_place_comparison(DESIGNATED, FUNCTIONAL, estimate_basis=BASIS)
    assert "01000002" in set(judged.below["ags"])

    flags = [ags != "01000002" for ags in FUNCTIONAL["ags"]]
    marked = FUNCTIONAL.assign(assessable=flags)
    comp = central_place_comparison(DESIGNATED, marked, estimate_basis=BASIS)
    b = comp.places.set_index("ags").loc["01000002"]
    assert pd.isna(b["functional_level"]) and pd.isna(b["deviation"])
    assert b["assessment"] == NOT_ASSESSABLE
    assert b["balance"] == 200.0  # the figure itself is still shown
    assert "01000002" not in set(comp.deviations["ags"])
    assert comp.matrix.loc[MZ, NOT_ASSESSABLE] == 1
    assert list(comp.matrix.columns)[-1] == NOT_ASSESSABLE
    # cuts now come from A (Ober), C, D (Grund): Mittel has no designated place left, so the
    # Mittel cut equals the Ober cut (the score of the last place in the top 1)
    assert comp.cuts[2] == 50_000.0 and comp.cuts[1] == 50_000.0
    assert int(comp.matrix.to_numpy().sum()) == int(judged.matrix.to_numpy().sum())


def test_nothing_assessable_gives_no_levels_not_an_error() -> None:
    from regionatlas.analysis.central_places import NOT_ASSESSABLE

    marked = FUNCTIONAL.assign(assessable=False, assessment="jobs modelled")
    comp = central_place_comparison(DESIGNATED, marked, estimate_basis=BASIS)
    assert comp.places["functional_level"].isna().all()
    assert comp.deviations.empty
    assert (comp.places["assessment"] == "jobs modelled").all()
    assert comp.matrix[NOT_ASSESSABLE].sum() == len(FUNCTIONAL)


def test_assessable_must_be_boolean() -> None:
    bad = FUNCTIONAL.assign(assessable=["yes"] * len(FUNCTIONAL))
    with pytest.raises(ParameterError, match="assessable"):
        central_place_comparison(DESIGNATED, bad, estimate_basis=BASIS)
