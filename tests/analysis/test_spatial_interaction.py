"""The shared spatial-interaction core: deterrence, pair balancing (IPF), Furness."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from regionatlas.analysis.spatial_interaction import balance_pairs, deterrence, furness
from regionatlas.errors import ParameterError


def test_deterrence_by_hand():
    cost = np.array([0.0, 10.0, 0.2, np.inf, np.nan])
    exp = deterrence(cost, 0.1, "exponential")
    assert exp[:3] == pytest.approx([1.0, math.exp(-1.0), math.exp(-0.02)])
    assert exp[3] == 0.0 and exp[4] == 0.0  # non-finite costs are outside the support
    power = deterrence(cost, 2.0, "power", min_cost=0.5)
    # costs below the floor count as the floor: 0 and 0.2 km -> 0.5 km -> 4
    assert power[:3] == pytest.approx([4.0, 0.01, 4.0])
    assert power[3] == 0.0 and power[4] == 0.0
    # beta 0: no distance effect inside the support, still nothing outside it
    assert deterrence(cost, 0.0, "exponential").tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]


def test_deterrence_keeps_a_sparse_support():
    cost = sparse.csr_matrix(np.array([[0.0, 5.0], [20.0, 0.0]]))
    f = deterrence(cost, 0.1, "exponential")
    assert sparse.issparse(f) and f.nnz == 2
    assert f.toarray() == pytest.approx(np.array([[0, math.exp(-0.5)], [math.exp(-2.0), 0]]))


def test_unknown_decay_is_a_parameter_error():
    with pytest.raises(ParameterError, match="decay must be one of"):
        deterrence(np.ones(2), 1.0, "linear")


def test_uniform_seed_gives_the_independence_table():
    # f = 1 on a full 2x2 table: T_ij = O_i * D_j / total (hand-computed: 30*40/100 = 12 ...)
    i = np.array([0, 0, 1, 1])
    j = np.array([0, 1, 0, 1])
    bal = balance_pairs(np.ones(4), [(i, np.array([30.0, 70.0])), (j, np.array([40.0, 60.0]))])
    assert bal.converged
    assert bal.values == pytest.approx([12.0, 18.0, 28.0, 42.0])


@st.composite
def problems(draw, blocks: bool = False):
    """A random sparse support with every row and column present, margins taken from a
    random positive table on it (so they are consistent and reachable), and a random seed."""
    n = draw(st.integers(2, 7))
    m = draw(st.integers(2, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mask = rng.random((n, m)) < draw(st.floats(0.3, 1.0))
    mask[np.arange(n), rng.integers(0, m, n)] = True
    mask[rng.integers(0, n, m), np.arange(m)] = True
    i, j = np.nonzero(mask)
    truth = rng.uniform(0.5, 50.0, len(i))
    seed = rng.uniform(0.01, 1.0, len(i))
    margins = [
        (i, np.bincount(i, weights=truth, minlength=n)),
        (j, np.bincount(j, weights=truth, minlength=m)),
    ]
    if blocks:
        bid = (i % 2) * 2 + (j % 2)  # four blocks, like district pairs
        margins.append((bid, np.bincount(bid, weights=truth, minlength=4)))
    return seed, margins


@settings(max_examples=60, deadline=None)
@given(problems())
def test_balancing_reproduces_consistent_margins(problem):
    seed, margins = problem
    bal = balance_pairs(seed, margins, tol=1e-9, max_iter=20_000)
    assert bal.converged
    for idx, target in margins:
        got = np.bincount(idx, weights=bal.values, minlength=len(target))
        assert got == pytest.approx(target, rel=1e-8)
    assert (bal.values > 0).all()


@settings(max_examples=60, deadline=None)
@given(problems(blocks=True))
def test_block_balancing_meets_the_last_margin_exactly(problem):
    seed, margins = problem
    bal = balance_pairs(seed, margins, tol=1e-9, max_iter=20_000)
    assert bal.converged
    for idx, target in margins[:-1]:
        got = np.bincount(idx, weights=bal.values, minlength=len(target))
        assert got == pytest.approx(target, rel=1e-8)
    idx, target = margins[-1]
    assert np.bincount(idx, weights=bal.values, minlength=len(target)) == pytest.approx(
        target, rel=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(0, 2**32 - 1), st.floats(0.0, 0.2))
def test_furness_and_pair_balancing_agree(n, seed, beta):
    """The factor form (matrices) and the pair form are the same model."""
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0, 50, (n, n))
    o = rng.uniform(1, 100, n)
    d = rng.uniform(1, 100, n)
    d *= o.sum() / d.sum()
    f = deterrence(cost, beta, "exponential")
    bal = furness(o, d, f, tol=1e-12)
    t = bal.a[:, None] * f * bal.b[None, :]
    assert t.sum(axis=1) == pytest.approx(o, rel=1e-9)
    assert t.sum(axis=0) == pytest.approx(d, rel=1e-9)
    i, j = np.indices((n, n)).reshape(2, -1)
    pairs = balance_pairs(f.ravel(), [(i, o), (j, d)], tol=1e-12, max_iter=10_000)
    assert pairs.values == pytest.approx(t.ravel(), rel=1e-8, abs=1e-12)


def test_inconsistent_margins_do_not_converge_and_say_so():
    i = np.array([0, 0, 1, 1])
    j = np.array([0, 1, 0, 1])
    margins = [(i, np.array([10.0, 10.0])), (j, np.array([5.0, 5.0]))]  # totals 20 vs 10
    with pytest.raises(ParameterError, match="did not converge in 50 iterations") as exc:
        balance_pairs(np.ones(4), margins, max_iter=50)
    assert "margin totals 20, 10" in exc.value.message
    lax = balance_pairs(np.ones(4), margins, max_iter=50, require_convergence=False)
    assert not lax.converged and lax.errors[0] > 0.1 and lax.iterations == 50


def test_a_target_without_pairs_is_an_error():
    # row 1 has a target but its only pair has seed 0
    i = np.array([0, 1])
    j = np.array([0, 0])
    with pytest.raises(ParameterError, match="no pair to carry it"):
        balance_pairs(np.array([1.0, 0.0]), [(i, np.array([1.0, 1.0])), (j, np.array([2.0]))])


def test_furness_non_convergence_is_an_error_unless_reported():
    cost = np.array([[1.0, 4.0, 3.0], [2.0, 1.0, 6.0], [9.0, 5.0, 1.0]])
    f = deterrence(cost, 0.3, "exponential")
    o = np.array([10.0, 20.0, 30.0])
    d = np.array([30.0, 20.0, 10.0])
    with pytest.raises(ParameterError, match="did not converge in 2 iterations"):
        furness(o, d, f, max_iter=2)
    lax = furness(o, d, f, max_iter=2, require_convergence=False)
    assert not lax.converged and lax.iterations == 2 and lax.error > 1e-8
    assert furness(o, d, f).converged


def test_furness_unreachable_margin_is_an_error():
    f = np.array([[1.0, 0.0], [1.0, 0.0]])  # nobody can reach destination 1
    with pytest.raises(ParameterError, match="no reachable partner"):
        furness(np.array([1.0, 1.0]), np.array([1.0, 1.0]), f)
