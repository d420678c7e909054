"""Harmonising merged municipalities onto a reference Gebietsstand (hand-computed cases)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.analysis.harmonise import harmonise
from regionatlas.errors import ParameterError

# A and B merged into N on 2021-11-01; S was split 70/30 between N and T on 2022-01-01.
CHANGES = pd.DataFrame(
    {
        "old_ags": ["0000000A", "0000000B", "0000000S", "0000000S"],
        "new_ags": ["0000000N", "0000000N", "0000000N", "0000000T"],
        "date": ["2021-11-01", "2021-11-01", "2022-01-01", "2022-01-01"],
        "share": [1.0, 1.0, 0.7, 0.3],
        "share_basis": ["full", "full", "population", "population"],
    }
)


def obs(rows):
    return pd.DataFrame(rows, columns=["ags", "indicator", "period", "value", "flag"]).astype(
        {"value": "float64"}
    )


def by_key(frame):
    return {
        (r.ags, r.indicator, r.period): (r.value, r.flag) for r in frame.itertuples(index=False)
    }


def test_merger_sums_and_marks_derived():
    got = by_key(
        harmonise(
            obs(
                [("0000000A", "pop", "2020", 100.0, None), ("0000000B", "pop", "2020", 50.0, None)]
            ),
            CHANGES,
            "2023-11-30",
        )
    )
    assert got == {("0000000N", "pop", "2020"): (150.0, "derived")}


def test_split_uses_shares_and_later_periods_stay():
    frame = obs(
        [
            ("0000000S", "pop", "2021", 1000.0, None),
            ("0000000N", "pop", "2023", 5.0, None),  # already on the new Gebietsstand
        ]
    )
    got = by_key(harmonise(frame, CHANGES, "2023-11-30"))
    assert got[("0000000T", "pop", "2021")] == (300.0, "derived")
    assert got[("0000000N", "pop", "2021")] == (700.0, "derived")
    assert got[("0000000N", "pop", "2023")][0] == 5.0
    assert pd.isna(got[("0000000N", "pop", "2023")][1])


def test_reference_date_before_the_reform_changes_nothing():
    frame = obs([("0000000S", "pop", "2021", 1000.0, None)])
    got = harmonise(frame, CHANGES, "2021-12-31")
    assert got["ags"].tolist() == ["0000000S"]
    assert got["value"].tolist() == [1000.0]


def test_a_suppressed_part_makes_the_sum_suppressed_never_zero():
    frame = obs(
        [
            ("0000000A", "jobs", "2020", 100.0, None),
            ("0000000B", "jobs", "2020", None, "*"),
            ("0000000A", "births", "2020", None, "-"),
            ("0000000B", "births", "2020", 3.0, None),
            ("0000000A", "deaths", "2020", None, "-"),
            ("0000000B", "deaths", "2020", None, "-"),
            ("0000000A", "x", "2020", None, "*"),
            ("0000000B", "x", "2020", None, "."),
        ]
    )
    got = by_key(harmonise(frame, CHANGES, "2023-11-30"))
    value, flag = got[("0000000N", "jobs", "2020")]
    assert math.isnan(value) and flag == "*"
    assert got[("0000000N", "births", "2020")] == (3.0, "derived")  # "-" is exactly zero
    value, flag = got[("0000000N", "deaths", "2020")]
    assert math.isnan(value) and flag == "-"
    value, flag = got[("0000000N", "x", "2020")]
    assert math.isnan(value) and flag == "."  # different markers: unknown or secret


def test_non_additive_indicators_are_not_summed():
    frame = obs([("0000000A", "rate", "2020", 5.0, None), ("0000000B", "rate", "2020", 7.0, None)])
    got = harmonise(frame, CHANGES, "2023-11-30", additive={"pop"})
    assert math.isnan(got["value"].iloc[0]) and got["flag"].iloc[0] == "x"


def test_chained_reforms_are_followed_in_date_order():
    changes = pd.DataFrame(
        {
            "old_ags": ["0000000A", "0000000N"],
            "new_ags": ["0000000N", "0000000Z"],
            "date": ["2019-01-01", "2021-01-01"],
            "share": [1.0, 0.5],
        }
    )
    got = harmonise(obs([("0000000A", "pop", "2018", 80.0, None)]), changes, "2023-11-30")
    assert got["ags"].tolist() == ["0000000Z"]
    assert got["value"].tolist() == [40.0]


def test_flows_map_both_ends_and_keep_estimates_marked():
    flows = pd.DataFrame(
        {
            "origin": ["0000000A", "0000000B", "0000000S"],
            "destination": ["0000000S", "0000000S", "0000000A"],
            "period": "2020-06-30",
            "grp": "total",
            "level": "gemeinde",
            "persons": [10.0, 20.0, 100.0],
            "flag": [None, "estimated", None],
            "reported_by": "residence",
            "batch_id": [1, 2, 1],
        }
    )
    got = harmonise(flows, CHANGES, "2023-11-30")
    rows = {(r.origin, r.destination): (r.persons, r.flag) for r in got.itertuples()}
    # A->S and B->S: (10 + 20) split 0.7 to N, 0.3 to T; one part estimated
    assert rows[("0000000N", "0000000N")][0] == pytest.approx(30 * 0.7 + 100 * 0.7)
    assert rows[("0000000N", "0000000T")] == (pytest.approx(9.0), "estimated")
    assert rows[("0000000T", "0000000N")] == (pytest.approx(30.0), "derived")
    assert got.columns.tolist() == flows.columns.tolist()
    assert got.loc[got["destination"] == "0000000T", "batch_id"].tolist() == [2]


def test_bad_shares_are_refused():
    bad = CHANGES.assign(share=[1.0, 1.0, 0.9, 0.3])
    with pytest.raises(ParameterError, match="add up"):
        harmonise(obs([("0000000S", "pop", "2020", 1.0, None)]), bad, "2023-11-30")
    with pytest.raises(ParameterError):
        harmonise(pd.DataFrame({"x": [1]}), CHANGES, "2023-11-30")


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.sampled_from(["0000000A", "0000000B", "0000000S", "0000000Q"]),
                  st.integers(0, 10_000)),
        min_size=1, max_size=12, unique_by=lambda t: t[0],
    )
)  # fmt: skip
def test_totals_are_preserved_for_complete_additive_data(values):
    frame = obs([(a, "pop", "2020", float(v), None) for a, v in values])
    got = harmonise(frame, CHANGES, "2023-11-30")
    assert got["value"].sum() == pytest.approx(frame["value"].sum())
    assert not got["ags"].isin(["0000000A", "0000000B", "0000000S"]).any()
    assert not got["value"].isna().any()
