"""Aggregation of flows: hand-built answers and properties (totals conserved, determinism)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flow_fixtures import A1, B1, C1, MUNIS, flows
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.analysis.aggregate import (
    FLAG_LOWER_BOUND,
    aggregate_flows,
    custom_mapping,
    mapping_to_level,
    region_mapping,
    sum_by_group,
)
from regionatlas.errors import ParameterError


def _row(agg: pd.DataFrame, o: str, d: str) -> pd.Series:
    hit = agg[(agg["origin"] == o) & (agg["destination"] == d)]
    assert len(hit) == 1, (o, d, agg)
    return hit.iloc[0]


def test_district_aggregation_by_hand():
    agg = aggregate_flows(flows(), mapping_to_level(MUNIS, "kreis"), level="kreis")
    assert _row(agg, "06611", "06611")["persons"] == 100
    assert _row(agg, "06633", "06611")["persons"] == 65  # 50 + 15
    # 06633 internal: 30 + 4 + 10 published, b2→b1 suppressed → lower bound 44
    r = _row(agg, "06633", "06633")
    assert r["persons"] == 44 and r["flag"] == FLAG_LOWER_BOUND and r["n_unpublished"] == 1
    p = _row(agg, "06633", "06633xxx")
    assert p["persons"] == 6 and p["flag"] == "pooled"
    assert set(agg["level"]) == {"kreis"} and set(agg["period"]) == {"2023-06-30"}


def test_state_self_flow_incomplete_without_member_internals():
    f = flows()
    f = f[f["origin"] != f["destination"]]  # as in the BA Kreis tables
    agg = aggregate_flows(f, mapping_to_level(MUNIS, "land"), level="land")
    r = _row(agg, "06", "06")
    assert np.isnan(r["persons"]) and r["flag"] == "incomplete"
    assert r["persons_published"] == 20 + 50 + 4 + 15  # flows between Hessian members
    assert _row(agg, "06", "03")["persons"] == 10
    # members' internal flows supplied from elsewhere complete it
    internal = pd.Series({A1: 100.0, B1: 30.0, "06633002": 10.0, C1: 40.0})
    agg2 = aggregate_flows(f, mapping_to_level(MUNIS, "land"), internal=internal)
    r2 = _row(agg2, "06", "06")
    assert r2["persons"] == 100 + 30 + 10 + 89 and r2["flag"] == FLAG_LOWER_BOUND


def test_all_suppressed_parts_keep_the_marker():
    f = pd.DataFrame(
        {"origin": ["06611000"], "destination": ["06633001"], "persons": [np.nan], "flag": ["*"]}
    )
    agg = aggregate_flows(f, mapping_to_level(["06611000", "06633001"], "kreis"))
    r = _row(agg, "06611", "06633")
    assert np.isnan(r["persons"]) and r["flag"] == "*"


def test_pooled_prefix_resolution_only_when_asked():
    m = mapping_to_level(MUNIS, "land")
    kept = aggregate_flows(flows(), m)
    assert "06633xxx" in set(kept["destination"])
    resolved = aggregate_flows(flows(), m, resolve_pooled=True)
    assert "06633xxx" not in set(resolved["destination"])
    assert _row(resolved, "06", "06")["persons_published"] == (
        _row(kept, "06", "06")["persons_published"] + 6
    )


def test_mappings():
    keys = [*MUNIS, "05774032"]
    reg = region_mapping(keys, ["06611", "06633", "05774"], "RdM")
    assert reg[A1] == "RdM" and reg["05774032"] == "RdM" and reg[C1] == C1
    rest = region_mapping(keys, ["06611"], "RdM", rest="outside")
    assert rest[B1] == "outside"
    with pytest.raises(ParameterError, match="two groups"):
        custom_mapping(keys, {"x": ["066"], "y": ["06611"]})
    with pytest.raises(ParameterError, match="level"):
        mapping_to_level(keys, "planet")
    assert mapping_to_level(["0661xxxx", A1], "kreis").to_dict() == {A1: "06611"}


def test_unmapped_error():
    with pytest.raises(ParameterError, match="not in the mapping"):
        aggregate_flows(flows(), mapping_to_level([A1], "kreis"), unmapped="error")


def test_sum_by_group_never_counts_missing_as_zero():
    m = pd.Series({"a": "g", "b": "g", "c": "h"})
    s = sum_by_group(pd.Series({"a": 1.0, "b": 2.0, "c": np.nan}), m)
    assert s["g"] == 3 and np.isnan(s["h"])


# --- properties ------------------------------------------------------------------------

KEYS = [f"0{s}{k:03d}{g:03d}" for s in (3, 5, 6) for k in (1, 2) for g in (1, 2, 3)]


@st.composite
def od_tables(draw):
    n = draw(st.integers(1, 60))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS)),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    vals = draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, 5000)), min_size=len(pairs), max_size=len(pairs)
        )
    )
    return pd.DataFrame(
        {
            "origin": [p[0] for p in pairs],
            "destination": [p[1] for p in pairs],
            "persons": [np.nan if v is None else float(v) for v in vals],
            "flag": ["*" if v is None else None for v in vals],
        }
    )


@settings(max_examples=60, deadline=None)
@given(od_tables(), st.sampled_from(["kreis", "land", "staat"]))
def test_published_totals_and_markers_conserved(f, level):
    agg = aggregate_flows(f, mapping_to_level(KEYS, level))
    assert agg["persons_published"].sum() == pytest.approx(f["persons"].sum())
    assert agg["n_unpublished"].sum() == f["persons"].isna().sum()
    assert agg["n_parts"].sum() == len(f)
    # out totals per group are conserved too (origin side)
    m = mapping_to_level(KEYS, level)
    by_origin = f.groupby(f["origin"].map(m))["persons"].sum()
    agg_by = agg.groupby("origin")["persons_published"].sum()
    pd.testing.assert_series_equal(
        agg_by.reindex(by_origin.index), by_origin, check_names=False, check_index_type=False
    )


@settings(max_examples=40, deadline=None)
@given(od_tables(), st.randoms(use_true_random=False))
def test_same_input_same_output_whatever_the_row_order(f, rnd):
    m = mapping_to_level(KEYS, "kreis")
    a = aggregate_flows(f, m)
    order = list(range(len(f)))
    rnd.shuffle(order)
    b = aggregate_flows(f.iloc[order].reset_index(drop=True), m)
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=40, deadline=None)
@given(od_tables())
def test_two_steps_equal_one_step(f):
    # municipality → district → state gives the same published sums as municipality → state
    one = aggregate_flows(f, mapping_to_level(KEYS, "land"))
    two = aggregate_flows(
        aggregate_flows(f, mapping_to_level(KEYS, "kreis")),
        mapping_to_level([k[:5] for k in KEYS], "land"),
    )
    pub = ["origin", "destination", "persons_published"]
    a = one[pub].set_index(["origin", "destination"])["persons_published"]
    b = two[pub].set_index(["origin", "destination"])["persons_published"]
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), check_names=False)
