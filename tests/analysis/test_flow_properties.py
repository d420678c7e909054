"""Properties of the flow indicators on random OD tables (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.analysis.aggregate import aggregate_flows, mapping_to_level
from regionatlas.analysis.flow_indicators import flow_indicators

KEYS = [f"0{s}{k:03d}{g:03d}" for s in (3, 6) for k in (1, 2) for g in (1, 2)]


@st.composite
def complete_tables(draw):
    """Every ordered pair incl. self-flows, all published (a complete OD matrix)."""
    vals = draw(st.lists(st.integers(0, 900), min_size=len(KEYS) ** 2, max_size=len(KEYS) ** 2))
    return pd.DataFrame(
        {
            "origin": np.repeat(KEYS, len(KEYS)),
            "destination": np.tile(KEYS, len(KEYS)),
            "persons": np.array(vals, dtype=float),
        }
    )


@settings(max_examples=40, deadline=None)
@given(complete_tables(), st.sampled_from(["base", "kreis", "land"]))
def test_balances_close_at_every_level(f, level):
    if level != "base":
        f = aggregate_flows(f, mapping_to_level(KEYS, level), level=level)
    units = sorted(set(f["origin"]))
    ind = flow_indicators(f, units)
    # in a closed system every out-commuter is someone's in-commuter
    assert ind["out_commuters"].sum() == pytest.approx(ind["in_commuters"].sum())
    assert ind["employed_residents"].sum() == pytest.approx(ind["jobs"].sum())
    assert ind["balance"].sum() == pytest.approx(0.0, abs=1e-6)
    # employed residents are the same people whatever the level
    assert ind["employed_residents"].sum() == pytest.approx(f["persons"].sum())
    assert (ind["not_assigned_out"] == 0).all()
    ok = ind["employed_residents"] > 0
    assert ((ind.loc[ok, "sc_supply"] >= 0) & (ind.loc[ok, "sc_supply"] <= 1)).all()


@settings(max_examples=30, deadline=None)
@given(complete_tables(), st.randoms(use_true_random=False))
def test_same_input_same_output(f, rnd):
    order = list(range(len(f)))
    rnd.shuffle(order)
    a = flow_indicators(f, KEYS)
    b = flow_indicators(f.iloc[order].reset_index(drop=True), KEYS)
    pd.testing.assert_frame_equal(a, b)
