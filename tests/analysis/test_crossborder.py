"""Cross-border matrices and pairs on the hand-built fixture (answers in comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from flow_fixtures import A1, C1, flows

from regionatlas.analysis.crossborder import (
    district_matrix,
    state_matrix,
    strongest_crossborder_pairs,
)
from regionatlas.errors import ParameterError


def test_state_matrix():
    m = state_matrix(flows(), keys=["03", "06"])
    p = m.persons
    # Hessen internal: 100+20+50+30+4+15+10 = 229 published, b2→b1 suppressed → lower bound
    assert p.loc["06", "06"] == 229 and m.lower_bound.loc["06", "06"]
    assert p.loc["06", "03"] == 10 and p.loc["03", "06"] == 5 and p.loc["03", "03"] == 40
    assert not m.lower_bound.loc["06", "03"]
    # the pooled "06633xxx" row is not attributed to a partner state
    assert m.not_assigned["06"] == 6 and m.not_assigned["03"] == 0
    long = m.long()
    assert len(long) == 4 and long["persons"].sum() == 229 + 10 + 5 + 40


def test_district_matrix_fills_absent_pairs_with_zero_but_keeps_lower_bounds():
    m = district_matrix(flows(), keys=["03159", "06611", "06633"])
    p = m.persons
    assert p.loc["06633", "06611"] == 65  # 50 + 15
    assert p.loc["06633", "06633"] == 44 and m.lower_bound.loc["06633", "06633"]
    assert p.loc["03159", "06633"] == 0  # no row: the table lists every published pair


def test_strongest_pairs_absolute_and_relative():
    top = strongest_crossborder_pairs(flows(), n=5)
    # only a1→c1 (10) and c1→a1 (5) cross the Hessen/Niedersachsen border
    assert top[["origin", "destination"]].values.tolist() == [[A1, C1], [C1, A1]]
    assert top["persons"].tolist() == [10, 5]
    # a1's published out-flows: 20 + 10 = 30; c1's: 5
    assert top["share_of_origin_out"].tolist() == pytest.approx([10 / 30, 1.0])
    assert top["origin_state"].tolist() == ["06", "03"]
    rel = strongest_crossborder_pairs(
        flows(), n=1, by="share_of_destination_jobs", jobs=pd.Series({A1: 170.0, C1: 50.0})
    )
    # 5/170 for c1→a1 vs 10/50 for a1→c1
    assert rel["origin"].tolist() == [A1]
    assert rel["share_of_destination_jobs"].iloc[0] == pytest.approx(0.2)
    und = strongest_crossborder_pairs(flows(), undirected=True)
    assert len(und) == 1 and und["persons"].iloc[0] == 15
    assert np.isnan(und["share_of_destination_jobs"].iloc[0])
    with pytest.raises(ParameterError):
        strongest_crossborder_pairs(flows(), by="beauty")
