"""Leiden communities on the flow graph and the comparison of two partitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regionatlas.analysis.communities import flow_modularity, leiden_communities
from regionatlas.analysis.lma import LmaParams, find_lma
from regionatlas.analysis.partition_compare import compare_partitions
from regionatlas.errors import ParameterError


def two_blobs(seed: int = 0) -> pd.DataFrame:
    """Two groups of five places, dense flows inside each, one weak bridge."""
    rng = np.random.default_rng(seed)
    rows = []
    for group in (range(0, 5), range(5, 10)):
        for i in group:
            for j in group:
                rows.append((f"{i:02d}", f"{j:02d}", int(50 if i == j else rng.integers(80, 120))))
    rows.append(("04", "05", 3))
    return pd.DataFrame(rows, columns=["community_live", "community_work", "amount"])


@pytest.mark.parametrize("directed", [False, True])
def test_leiden_finds_the_two_groups_deterministically(directed: bool) -> None:
    flows = two_blobs()
    m = leiden_communities(flows, seed=1, directed=directed)
    # renumbered by first appearance in id order: "00".."04" → 1, "05".."09" → 2
    assert m.to_dict() == {f"{i:02d}": 1 if i < 5 else 2 for i in range(10)}
    shuffled = flows.sample(frac=1, random_state=3)
    assert leiden_communities(shuffled, seed=1, directed=directed).equals(m)


def test_leiden_same_seed_same_partition_on_a_noisy_graph() -> None:
    rng = np.random.default_rng(5)
    n = 60
    rows = [
        (i, j, int(rng.integers(1, 50))) for i in range(n) for j in range(n) if rng.random() < 0.2
    ]
    flows = pd.DataFrame(rows, columns=["community_live", "community_work", "amount"])
    first = leiden_communities(flows, seed=7)
    assert leiden_communities(flows, seed=7).equals(first)
    assert sorted(first.index) == sorted({r[0] for r in rows} | {r[1] for r in rows})
    assert first.min() == 1
    assert set(first) == set(range(1, first.max() + 1))


def test_flow_modularity_matches_the_lma_q_by_hand() -> None:
    flows = pd.DataFrame(
        [("a", "a", 6), ("a", "b", 2), ("b", "b", 8), ("b", "a", 4)],
        columns=["community_live", "community_work", "amount"],
    )
    # T=20; both apart: 6/20 − 8·10/400 + 8/20 − 12·10/400 = 0.3 − 0.2 + 0.4 − 0.3 = 0.2
    assert flow_modularity(flows, pd.Series({"a": 1, "b": 2})) == pytest.approx(0.2)
    # one cluster: 20/20 − 20·20/400 = 0
    assert flow_modularity(flows, pd.Series({"a": 1, "b": 1})) == pytest.approx(0.0)
    r = find_lma(flows, LmaParams(1, 0.1, 2, 0.2))
    assert r.summary["q_modularity"] == pytest.approx(flow_modularity(flows, r.assignment()))


def test_leiden_bad_resolution() -> None:
    with pytest.raises(ParameterError, match="resolution"):
        leiden_communities(two_blobs(), resolution=0)


def test_compare_partitions_by_hand() -> None:
    a = pd.Series({"p": 1, "q": 1, "r": 2, "s": 2})
    b = pd.Series({"p": 7, "q": 8, "r": 8, "s": 8})
    residents = pd.Series({"p": 100, "q": 10, "r": 50, "s": 40})
    c = compare_partitions(a, b, residents)
    # cross-table: a=1 → {7: 100, 8: 10}; a=2 → {8: 90}
    assert c.crosstab.loc[1, 7] == 100
    assert c.crosstab.loc[1, 8] == 10
    assert c.crosstab.loc[2, 8] == 90
    # a→b: best 100 + 90 of 200; b→a: column 7 best 100, column 8 best 90 → 190/200
    assert c.agreement_a_in_b == pytest.approx(0.95)
    assert c.agreement_b_in_a == pytest.approx(0.95)
    assert c.best_match["cluster_b"].tolist() == [7, 8]
    assert c.best_match["share"].tolist() == pytest.approx([100 / 110, 1.0])
    same = compare_partitions(a, a.map({1: 5, 2: 6}))
    assert same.adjusted_rand == pytest.approx(1.0)
    assert same.nmi == pytest.approx(1.0)
    assert c.adjusted_rand < 1


def test_compare_needs_common_communities() -> None:
    with pytest.raises(ParameterError):
        compare_partitions(pd.Series({"a": 1}), pd.Series({"b": 1}))


@pytest.mark.parametrize("directed", [False, True])
def test_self_flows_keep_towns_apart(directed: bool) -> None:
    # Undirected weights: A–B 90, A–V 125, V–B 60; self-flows 800/900/30; 2m = 4010,
    # strengths A 1815, B 1950, V 245. Gains: V into A: 2·125 − 245·1815/2005 > 0;
    # B into {A,V}: 2·150 − 1950·2060/2005 < 0 → {A,V}, {B}. Without the self-flows in the
    # degrees all three would merge.
    flows = pd.DataFrame(
        [("A", "A", 800), ("A", "B", 50), ("B", "B", 900), ("B", "A", 40), ("V", "V", 30),
         ("V", "A", 120), ("V", "B", 60), ("A", "V", 5)],
        columns=["community_live", "community_work", "amount"],
    )  # fmt: skip
    m = leiden_communities(flows, directed=directed)
    assert m.to_dict() == {"A": 1, "B": 2, "V": 1}
