"""Before/after and difference in differences (analysis.did)."""

from __future__ import annotations

import pandas as pd
import pytest

from regionatlas.analysis.did import difference_in_differences, similar_places


def frame(rows):
    return pd.DataFrame(rows, columns=["ags", "period", "value"])


def test_two_by_two_estimate():
    v = frame([
        ("T", "2020-06-30", 100), ("T", "2023-06-30", 90),
        ("C1", "2020-06-30", 50), ("C1", "2023-06-30", 48),
        ("C2", "2020-06-30", 70), ("C2", "2023-06-30", 68),
    ])  # fmt: skip
    r = difference_in_differences(v, ["T"], ["C1", "C2"], "2022-01-01")
    assert r.possible and r.code == "estimated_no_pretrend"
    assert r.before_after == -10
    assert r.control_change == -2
    assert r.estimate == -8


def test_pre_trend_gap_with_two_periods_before():
    v = frame([
        ("T", "2019-06-30", 100), ("T", "2020-06-30", 102), ("T", "2023-06-30", 90),
        ("C", "2019-06-30", 50), ("C", "2020-06-30", 51), ("C", "2023-06-30", 52),
    ])  # fmt: skip
    r = difference_in_differences(v, ["T"], ["C"], "2022-01-01")
    assert r.code == "estimated"
    assert r.pre_trend_gap == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([("T", "2023-06-30", 1), ("C", "2023-06-30", 2)], "one_period"),
        ([], "no_values"),
        ([("T", "2023-06-30", 1), ("T", "2024-06-30", 2), ("C", "2024-06-30", 2)], "no_before"),
        ([("T", "2020-06-30", 1), ("T", "2021-06-30", 1), ("C", "2021-06-30", 1)], "no_after"),
        ([("T", "2020-06-30", 1), ("T", "2023-06-30", 2)], "no_controls"),
    ],
)
def test_not_possible_says_why(rows, code):
    r = difference_in_differences(frame(rows), ["T"], ["C"], "2022-01-01")
    assert not r.possible
    assert r.code == code
    assert r.estimate is None
    assert r.reason.startswith("DiD not possible")


def test_withheld_values_are_left_out_not_zero():
    v = frame([
        ("T", "2020-06-30", 100), ("T", "2023-06-30", None), ("T", "2024-06-30", 80),
        ("C", "2020-06-30", 10), ("C", "2023-06-30", 10),
    ])  # fmt: skip
    r = difference_in_differences(v, ["T"], ["C"], "2022-01-01")
    assert r.treated_after == 80


def test_similar_places_nearest_on_log_scale_excluding_measures():
    sizes = pd.Series({"T": 1000.0, "A": 1100.0, "B": 900.0, "C": 10000.0, "M": 1000.0, "Z": 0.0})
    assert similar_places(sizes, ["T"], exclude=["M"], k=2) == ["A", "B"]
    assert similar_places(sizes, ["unknown"]) == []
