"""Centres, catchments, dominant-flow hierarchy and Knotenpunkte (answers in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flow_fixtures import A1, B1, B2, C1, MUNIS, flows

from regionatlas.analysis.flow_indicators import flow_indicators
from regionatlas.analysis.hubs import (
    catchments,
    dominant_flow_hierarchy,
    knotenpunkte,
    rank_centres,
)
from regionatlas.errors import ParameterError


def test_rank_centres():
    r = rank_centres(flow_indicators(flows(), MUNIS))
    # in-commuters: a1 70, c1 10, b2 4, b1 unknown (a suppressed in-flow)
    assert r.index.tolist()[:3] == [A1, C1, B2]
    assert r.loc[A1, "rank_inflow"] == 1 and np.isnan(r.loc[B1, "rank_inflow"])


def test_catchments():
    c = catchments(flows(), [A1])
    share = c.set_index("origin")["share"]
    assert share[B1] == pytest.approx(50 / 60)  # 50 of 50 + 4 + 6 (pooled)
    assert share[C1] == pytest.approx(1.0)
    assert "upper bound" in c.set_index("origin").loc[B2, "share_basis"]  # b2→b1 suppressed
    assert c["primary"].all()
    c2 = catchments(flows(), [A1], out_totals=pd.Series({B2: 20.0}))
    assert c2.set_index("origin").loc[B2, "share"] == pytest.approx(15 / 20)


def test_dominant_flow_tree_on_fixture():
    size = pd.Series({A1: 170.0, B1: 80.0, B2: 14.0, C1: 50.0})
    h = dominant_flow_hierarchy(flows(), size)
    # a1's largest outflow goes to the smaller b1 → a1 is terminal; all others point to a1
    assert h.loc[A1, "is_terminal"] and h.loc[A1, "dominant_target"] == B1
    assert h.loc[[B1, B2, C1], "parent"].tolist() == [A1, A1, A1]
    assert (h["centre"] == A1).all()
    assert h.loc[A1, "n_subordinates"] == 3 and h.loc[B1, "depth"] == 1
    # b1's dominant flow (50) is 50/60 of its out-flows: a threshold of 0.9 frees it
    h2 = dominant_flow_hierarchy(flows(), size, min_share=0.9)
    assert h2.loc[B1, "is_terminal"] and h2.loc[B1, "centre"] == B1


def test_dominant_flow_chain():
    f = pd.DataFrame(
        {"origin": ["x", "y", "z"], "destination": ["y", "z", "x"], "persons": [10.0, 10.0, 1.0]}
    )
    h = dominant_flow_hierarchy(f, pd.Series({"x": 1.0, "y": 2.0, "z": 3.0}))
    # x → y → z; z's flow goes to the smaller x, so z is the terminal centre
    assert h["parent"].tolist() == ["y", "z", None]
    assert h["depth"].tolist() == [2, 1, 0]
    assert h["n_subordinates"].tolist() == [0, 1, 2]
    assert (h["centre"] == "z").all()
    with pytest.raises(ParameterError):
        dominant_flow_hierarchy(f, pd.Series({"x": 1.0}), min_share=2)


def test_knotenpunkte_counts_through_routes():
    cen = pd.DataFrame(
        {"x": [0.0, 10_000.0, 5_000.0, 5_000.0], "y": [0.0, 0.0, 0.0, 5_000.0]},
        index=["P", "Q", "M", "N"],
    )
    f = pd.DataFrame({"origin": ["P", "N"], "destination": ["Q", "M"], "persons": [100.0, 7.0]})
    k = knotenpunkte(f, cen, cell_km=2.0)
    # P→Q (100) passes M's cell; N→M ends there, so it is not through-traffic
    assert k.places.loc["M", "persons_through"] == 100
    assert k.places.loc["M", "routes_through"] == 1
    assert k.places.loc["M", "persons_all"] == 107
    assert k.places.loc["P", "persons_through"] == 0  # its own route starts there
    assert k.places.loc["N", "persons_through"] == 0
    assert k.places.index[0] == "M"
    assert "straight lines" in k.note
    # each route counts once per cell: P→Q over 10 km crosses 6 cells of 2 km at most
    assert (k.cells["persons_all"] <= 107).all()
    assert 5 <= (k.cells["persons_all"] >= 100).sum() <= 7
