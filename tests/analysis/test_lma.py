"""Hand-built LMA fixtures; every expected value is derived by hand in the comments.

Notation: R residents (sum of rows with live=c), J jobs (work=c), I internal flow,
msc = min(I/R, I/J), V = min(msc/tarSC, 1) · (1 − (1 − minSC/tarSC)·s) · tarSC/minSC with
s = max((tarSZ − R)/(tarSZ − minSZ), 0). Initial cluster ids are the ranks of the sorted
community ids.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from regionatlas.analysis.lma import LmaParams, find_lma, validity
from regionatlas.errors import ParameterError


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["community_live", "community_work", "amount"])


def clusters(result) -> dict:
    return dict(zip(result.cluster_list["community"], result.cluster_list["cluster"], strict=True))


# minSZ 100, minSC 0.6, tarSZ 200, tarSC 0.75: V = min(msc/0.75,1)·(1 − 0.2·s)·1.25,
# s = max((200 − R)/100, 0).
P = LmaParams(min_size=100, min_sc=0.6, target_size=200, target_sc=0.75)


def test_validity_function_by_hand() -> None:
    # R=300 ≥ tarSZ: s=0, msc = min(240/300, 240/320) = 0.75 → Y=1 → V = 1.25
    assert validity(300, 320, 240, P) == pytest.approx(1.25)
    # R=150: s = 0.5, Z = 0.9; msc = 0.6 → Y = 0.8 → V = 0.8·0.9·1.25 = 0.9
    assert validity(150, 150, 90, P) == pytest.approx(0.9)
    # below minSZ Z goes on falling (no cap): R=0.. here R=50: s=1.5, Z=0.7
    assert validity(50, 50, 45, P) == pytest.approx(1 * 0.7 * 1.25)
    # msc == 1 exactly → V = 1 whatever the size
    assert validity(10, 10, 10, P) == 1.0
    # at R = minSZ the cluster is valid exactly when msc ≥ tarSC
    assert validity(100, 100, 75, P) == pytest.approx(1.0)
    assert validity(100, 100, 74, P) < 1


def test_two_towns_commuter_village_isolated_place_and_zero_list() -> None:
    rows = [
        ("A", "A", 800), ("A", "B", 50), ("A", "V", 5), ("A", "W", 1),
        ("B", "B", 900), ("B", "A", 40),
        ("V", "V", 30), ("V", "A", 120), ("V", "B", 60),
        ("W", "W", 500), ("W", "A", 1),
        ("Z", "Z", 10),  # only a self-flow: pre-filter → zero list
    ]  # fmt: skip
    r = find_lma(frame(rows), P)
    # Z: R = J = self = 10 → zero list, never assigned.
    assert r.zero_list == ["Z"]
    # Ranks: A=1, B=2, V=3, W=4.
    # A: R=856, J=800+40+120+1=961, I=800, msc=0.8325 ≥ 0.75 → V=1.25.
    # B: R=940, J=1010, I=900 → V=1.25. W: R=501, J=501, I=500 → V=1.25.
    # V: R=210, J=35, I=30, msc=30/210=0.142857, s=0 → V=0.190476·1.25=0.238 → argmin.
    # Ties of V: sender A (A→V 5): 5²/(856·35) + 120²/(210·961) = 0.000834 + 0.071355;
    #            receive-only B: 60²/(210·1010) = 0.016973 → A wins.
    # A with V: R=1066, J=996, I=800+120+5+30=955, msc=0.8959 → V=1.25 ≥ 1.25: accepted
    # (the test is non-strict: equality joins).
    assert clusters(r) == {"A": 1, "B": 2, "V": 1, "W": 4}
    assert r.reserve_list.empty
    assert r.movements.set_index("community")["moves"].to_dict() == {
        "A": 0, "B": 0, "V": 1, "W": 0
    }  # fmt: skip
    stats = r.stats.set_index("cluster")
    assert stats.loc[1, "residents"] == 1066
    assert stats.loc[1, "jobs"] == 996
    assert stats.loc[1, "internal"] == 955
    assert stats.loc[1, "sc_supply_side"] == pytest.approx(955 / 1066)
    assert stats.loc[1, "sc_demand_side"] == pytest.approx(955 / 996)
    # commuter percent ((R−I)+(J−I))/(2I) = (111+41)/1910; home-work ((R−I)−(J−I))/I = 70/955
    assert stats.loc[1, "commuter_percent"] == pytest.approx(152 / 1910)
    assert stats.loc[1, "home_work_ratio"] == pytest.approx(70 / 955)
    # internal links between different members: A→V and V→A → 2/(2·1) = 1;
    # internal flows between members 125 of 955 → 13.09 %
    assert stats.loc[1, "internal_cohesion_link"] == pytest.approx(1.0)
    assert stats.loc[1, "internal_cohesion_flows"] == pytest.approx(100 * 125 / 955)
    # main centre = the member with most jobs: A (J=961) not V (J=35)
    assert stats.loc[1, "main_centre"] == "A"
    assert stats.loc[1, "main_centre_jobs"] == 961
    # central: (J−self)/(R−self) > 1 and J > 100: A (161/56) yes, V (5/180) no
    assert stats.loc[1, "nb_central_comm"] == 1
    assert math.isnan(stats.loc[2, "internal_cohesion_link"])  # 0/0 for one community
    assert r.summary["n_lma"] == 3
    assert r.summary["n_single_community"] == 2
    # LMA flow matrix: 1→1 955, 1→2 110, 1→4 1, 2→1 40, 2→2 900, 4→1 1, 4→4 500; T=2507
    t = 2507
    q = (955 / t - 1066 * 996 / t**2) + (900 / t - 940 * 1010 / t**2)
    q += 500 / t - 501 * 501 / t**2
    assert r.summary["q_modularity"] == pytest.approx(q)


def test_type_a_rejected_join_then_unconditional_reserve_stage() -> None:
    # minSZ 20, minSC 0.3, tarSZ 100, tarSC 0.9.
    # c0: R=400, J=600, I=300 → msc=0.5, Y=0.5556, s=0 → V = 0.5556·3 = 1.6667.
    # c1: R=300, J=100, I=0 → V=0 → argmin. Only candidate cluster 1 (c0).
    # c0+c1: R=J=I=700 → msc=1 → V set to 1 < 1.6667 → rejected: type A.
    # Reserve stage: c1 links to cluster 1 → joins without any test.
    p = LmaParams(20, 0.3, 100, 0.9)
    r = find_lma(frame([(0, 0, 300), (0, 1, 100), (1, 0, 300)]), p)
    before = r.before_reserve.cluster_list.set_index("community")["cluster"].to_dict()
    assert before == {0: 1, 1: 0}
    assert clusters(r) == {0: 1, 1: 1}
    entry = r.reserve_list.iloc[0]
    assert (entry["type"], entry["iteration"], entry["cluster"], entry["community"]) == (
        "A", 1, 2, 1
    )  # fmt: skip
    assert entry["validity"] == 0
    assert r.not_assigned == []
    # the reserve stage's join is reported in the final stats: V=1 (msc == 1)
    assert r.stats.set_index("cluster").loc[1, "validity"] == 1.0


def test_type_b_and_repeated_reserve_passes_in_descending_id_order() -> None:
    # c0: R=300, J=400, I=300 → msc 0.75 → V=1.25 (cluster 1)
    # c1: R=100, J=20, I=0 → V=0 (cluster 2); c2: R=70, J=50, I=50, msc=0.714,
    #     Y=0.952, s=1.3, Z=0.74 → V=0.881 (cluster 3)
    # it 1: L=2 (c1). Sender c2 (c2→c1 20): 20²/(70·20)=0.2857; receive-only cluster 1
    #       (c1→c0 100): 100²/(100·400)=0.25 → best cluster 3. c2+c1: R=170, J=70, I=70,
    #       msc=0.4118, Y=0.549, s=0.3, Z=0.94 → V=0.645 < 0.881 → type A.
    # it 2: L=3 (c2): its only flow out goes to c1, now in the reserve → type B.
    # it 3: only cluster 1, V=1.25 → stop.
    # Reserve stage, pass 1 in descending id: c2 has no link to a positive cluster yet;
    # c1 → cluster 1. Pass 2: c2 → cluster 1 (via c1). Pass 3 assigns nothing.
    r = find_lma(frame([(2, 2, 50), (1, 0, 100), (2, 1, 20), (0, 0, 300)]), P)
    assert r.reserve_list[["type", "iteration", "cluster", "community"]].values.tolist() == [
        ["A", 1, 2, 1],
        ["B", 2, 3, 2],
    ]
    assert r.reserve_list["validity"].iloc[1] == pytest.approx(50 / 70 / 0.75 * 0.74 * 1.25)
    assert clusters(r) == {0: 1, 1: 1, 2: 1}
    assert r.before_reserve.cluster_list["cluster"].tolist() == [1, 0, 0]


def test_types_d_and_f_and_not_assigned() -> None:
    # minSZ 50, minSC 0.5, tarSZ 400, tarSC 0.7 (1 − minSC/tarSC = 0.285714, tarSC/minSC 1.4)
    # c0: R=20, J=300, I=0 → V=0. c1: R=350, J=70, I=50 → V=0.27405.
    # c2: R=22, J=22, I=2 → msc=0.0909, s=1.08 → V=0.125714.
    # it 1: L=1 (c0). Sender cluster 2 (c1→c0 300): 300²/(350·300)=0.857; receive-only
    #   cluster 3 (c0→c2 20): 20²/(20·22)=0.909 → cluster 3; c2+c0: R=42, J=322, I=22,
    #   msc=0.0683 → V=0.0967 < 0.1257 → type A (c0 to the reserve).
    # it 2: L=3 (c2, 0.1257). Receive-only cluster 2 (c2→c1 20): joins if V rises:
    #   R=372, J=92, I=72, msc=0.19355, s=0.08 → V=0.37825 ≥ 0.27405 → accepted.
    # it 3: L=2 = {c1, c2}, V=0.37825. Ranking key = outside in-flow + R − self:
    #   c1: 0 + 350 − 50 = 300; c2: 20 (from c0) + 22 − 2 = 40 → c1 first.
    #   c1's only flow outside L goes to c0 (reserve) → no link: type D, c1 reserved.
    #   Temporary ids: c1 → −1, c2 → −2. c2 (V=0.125714) has no positive link: type F.
    # Reserve stage: no positive cluster left → all three not assigned (cluster 0).
    p = LmaParams(50, 0.5, 400, 0.7)
    rows = [(1, 0, 300), (0, 2, 20), (1, 1, 50), (2, 1, 20), (2, 2, 2)]
    r = find_lma(frame(rows), p)
    got = r.reserve_list[["type", "iteration", "cluster", "community", "next_community"]]
    assert got.values.tolist() == [
        ["A", 1, 1, 0, None],
        ["D", 3, 2, 1, 2],
        ["F", 3, -2, 2, None],
    ]
    assert r.reserve_list["validity"].tolist() == pytest.approx([0.0, 0.378249, 0.125714], abs=1e-6)
    assert r.not_assigned == [0, 1, 2]
    assert set(clusters(r).values()) == {0}
    assert r.movements.set_index("community")["moves"].to_dict() == {0: 0, 1: 0, 2: 1}
    assert r.stats.empty


def test_exact_tie_goes_to_the_last_in_internal_order() -> None:
    # minSZ 10, minSC 0.6, tarSZ 20, tarSC 0.75.
    # "1": self 12, receives 4 from "2": R=12, J=16, I=12 → msc 0.75, s=0.8 → V=1.05
    # "3": self 12, sends 4 to "2": R=16, J=12, I=12 → msc 0.75, s=0.4 → V=1.15
    # "2": self 4, sends 4 to "1", receives 4 from "3": R=J=8, I=4 → V=0.6333 → argmin.
    # Ties: sender "3": 4/16·4/8 = 0.125; receive-only "1": 4/8·4/16 = 0.125 — exactly
    # equal. Internal order = senders (ascending) then receive-only → "1" is last → wins,
    # although its id is smaller. "1"+"2": R=20, J=24, I=20 → V=1.25 ≥ 1.05 → accepted.
    p = LmaParams(10, 0.6, 20, 0.75)
    rows = [("1", "1", 12), ("2", "2", 4), ("2", "1", 4), ("3", "3", 12), ("3", "2", 4)]
    assert clusters(find_lma(frame(rows), p)) == {"1": 1, "2": 1, "3": 3}
    # Two receive-only candidates with equal ties: the one with the larger id wins.
    rows2 = [("1", "1", 12), ("2", "2", 4), ("2", "1", 4), ("3", "3", 12), ("2", "3", 4)]
    # "3" is now like "1" (R=12, J=16); "2" has R=12, J=4: ties 4/12·4/16 both.
    assert clusters(find_lma(frame(rows2), p))["2"] == 3


def test_string_ids_keep_leading_zeros_and_rank_recoding_is_reported() -> None:
    rows = [("03159016", "03159016", 500), ("03159016", "09001000", 5)]
    rows += [("09001000", "09001000", 400), ("09001000", "03159016", 3)]
    r = find_lma(frame(rows), P)
    assert r.id_ranks.values.tolist() == [["03159016", 1], ["09001000", 2]]
    assert clusters(r) == {"03159016": 1, "09001000": 2}
    assert r.assignment().to_dict() == {"03159016": 1, "09001000": 2}


@pytest.mark.parametrize(
    ("args", "word"),
    [
        ((0, 0.6, 200, 0.75), "min_size"),
        ((100, -0.1, 200, 0.75), "min_sc"),
        ((300, 0.6, 200, 0.75), "smaller"),
        ((100, 0.8, 200, 0.75), "must not exceed"),
        ((100, 0.6, 200, 1.5), "<= 1"),
        ((100, 0.6, float("nan"), 0.75), "target_size"),
    ],
)
def test_bad_parameters(args, word) -> None:
    with pytest.raises(ParameterError, match=word):
        LmaParams(*args)


@pytest.mark.parametrize(
    ("rows", "word"),
    [
        ([("a", "a", -1)], "non-negative integer"),
        ([("a", "a", 1.5)], "non-negative integer"),
        ([("a", "a", 1), ("a", "a", 2)], "duplicate"),
        ([("a", "a", 1), (1, "a", 2)], "mix types"),
    ],
)
def test_bad_flow_tables(rows, word) -> None:
    with pytest.raises(ParameterError, match=word):
        find_lma(frame(rows), P)


def test_missing_column() -> None:
    with pytest.raises(ParameterError, match="amount"):
        find_lma(pd.DataFrame({"community_live": ["a"], "community_work": ["a"]}), P)


@pytest.mark.parametrize(
    ("rows", "zero"),
    [
        ([], []),
        ([("a", "a", 5)], ["a"]),  # only a self-flow
        ([("a", "b", 5)], ["a", "b"]),  # a has J=0, b has R=0
        ([("a", "a", 0), ("a", "b", 0)], ["a", "b"]),  # zero rows are no flows
    ],
)
def test_degenerate_tables_end_in_the_zero_list(rows, zero) -> None:
    r = find_lma(frame(rows), P)
    assert r.zero_list == zero
    assert r.cluster_list.empty
    assert r.summary["n_lma"] == 0
    assert r.assignment().to_dict() == dict.fromkeys(zero, 0)


def test_prefilter_repeats_until_nothing_changes() -> None:
    # Round 1: a has R=0 (its rows are zero) and b has J=0 → dropped with their rows.
    # Round 2: c keeps only its self-flow (R = J = self = 9) → dropped. Round 3: no change.
    rows = [("b", "a", 0), ("c", "a", 0), ("b", "c", 4), ("c", "c", 9), ("x", "x", 50)]
    rows += [("x", "y", 5), ("y", "y", 40), ("y", "x", 6)]
    r = find_lma(frame(rows), P)
    assert r.zero_list == ["a", "b", "c"]
    assert sorted(r.cluster_list["community"]) == ["x", "y"]


def test_iteration_guard() -> None:
    from regionatlas.analysis.lma import LmaConvergenceError

    rows = [(0, 0, 300), (0, 1, 100), (1, 0, 300)]
    with pytest.raises(LmaConvergenceError):
        find_lma(frame(rows), LmaParams(20, 0.3, 100, 0.9), max_iterations=1)
