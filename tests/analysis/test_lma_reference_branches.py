"""Branches of the reference method that generated inputs do not reach, tested on a
constructed engine state (see docs/lma-reference-differences.md, point 4)."""

from __future__ import annotations

import numpy as np
import pytest

from regionatlas.analysis.lma_engine import RESERVE, LmaEngine, _type_d_rounds
from regionatlas.analysis.lma_params import LmaParams, validity

P = LmaParams(min_size=100, min_sc=0.6, target_size=200, target_sc=0.75)


def engine(rows: list[tuple[int, int, int]], method: str = "reference") -> LmaEngine:
    a = np.array(rows, dtype=np.int64)
    return LmaEngine(4, a[:, 0], a[:, 1], a[:, 2], P, method)


# 0 = c1 (goes to the reserve), 1 = the freed community f, {2, 3} = an ordinary cluster P.
# f: R = 90 + 10 = 100, J = 90 + 5 = 95, I = 90 → msc 0.9, s = 1 → V = 1·0.8·1.25 = 1.0.
# P: R = 43 + 33 = 76, J = 4 + 2 + … , I = 2 + 2 + 1 + 1 = 6 → V ≈ 0.07: P is the argmin.
ROWS = [(0, 0, 5), (0, 1, 5), (1, 1, 90), (2, 2, 2), (2, 0, 40), (3, 3, 2)]
ROWS += [(3, 2, 1), (2, 3, 1), (3, 0, 30)]


def d_state(rows: list[tuple[int, int, int]], method: str = "reference") -> LmaEngine:
    """After a type-D step: c1 = 0 in the reserve, f = 1 freed (temporary id -2),
    P = {2, 3} with id 4."""
    eng = engine(rows, method)
    eng.move(2, 4)
    eng.move(0, RESERVE)
    eng.move(1, -2)
    assert eng.V[-2] == pytest.approx(1.0)
    assert eng.V[4] == validity(76, int(eng.J[4 + eng.off]), 6, P) < eng.V[-2]
    return eng


def test_ordinary_argmin_with_a_link_takes_the_freed_community_in() -> None:
    eng = d_state([*ROWS, (1, 2, 10)])
    reserve: list[tuple] = []
    _type_d_rounds(eng, 7, [1], reserve)
    assert eng.clus.tolist() == [RESERVE, 4, 4, 4]  # f joined P, no validity test
    assert reserve == []
    assert eng.moves[1] == 1


def test_ordinary_argmin_without_a_link_sends_the_whole_cluster_to_the_reserve() -> None:
    eng = d_state([*ROWS, (1, 0, 10)])
    reserve: list[tuple] = []
    _type_d_rounds(eng, 7, [1], reserve)
    # P went to the reserve (type F with P's id); f was not handled and keeps its id
    assert eng.clus.tolist() == [RESERVE, -2, RESERVE, RESERVE]
    assert [(e[0], e[1], e[2]) for e in reserve] == [("F", 7, 4)]


def test_written_method_handles_only_the_freed_community() -> None:
    eng = d_state([*ROWS, (1, 2, 10)], method="written")
    reserve: list[tuple] = []
    _type_d_rounds(eng, 7, [1], reserve)
    # f's only link is P: V(P with f) ≥ V(P) → f joins P through the validity test
    assert eng.clus.tolist() == [RESERVE, 4, 4, 4]
    eng = d_state([*ROWS, (1, 0, 10)], method="written")
    reserve = []
    _type_d_rounds(eng, 7, [1], reserve)
    # no link: f goes to the reserve (type F with its temporary id); P stays
    assert eng.clus.tolist() == [RESERVE, RESERVE, 4, 4]
    assert [(e[0], e[2], e[4]) for e in reserve] == [("F", -2, 1)]
