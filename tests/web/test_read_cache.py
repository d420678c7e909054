"""The read model's single-flight cache under concurrent requests: a value is computed once,
later callers wait for the computation in flight instead of starting their own; a new store
version drops everything; seeding respects the version."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from regionatlas.web.read.cache import SingleFlightCache


def test_concurrent_callers_share_one_computation():
    cache = SingleFlightCache()
    calls: list[int] = []
    started = threading.Event()

    def compute() -> object:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return object()

    with ThreadPoolExecutor(4) as ex:
        first = ex.submit(cache.get, "slow", compute)
        started.wait(5)
        others = [ex.submit(cache.get, "slow", compute) for _ in range(3)]
        results = [first.result(), *(f.result() for f in others)]
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_different_keys_compute_in_parallel():
    cache = SingleFlightCache()
    barrier = threading.Barrier(2, timeout=5)

    def compute(name: str):
        return lambda: (barrier.wait(), name)[1]  # both must be inside compute at once

    with ThreadPoolExecutor(2) as ex:
        a = ex.submit(cache.get, "a", compute("a"))
        b = ex.submit(cache.get, "b", compute("b"))
        assert (a.result(), b.result()) == ("a", "b")


def test_a_failed_computation_is_retried():
    cache = SingleFlightCache()
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails")
        return "ok"

    with pytest.raises(RuntimeError):
        cache.get("k", flaky)
    assert cache.get("k", flaky) == "ok"
    assert len(attempts) == 2


def test_a_new_store_version_drops_everything_and_seeding_checks_the_version():
    cache = SingleFlightCache()
    cache.reset((1, 2))
    assert cache.get("k", lambda: "old") == "old"
    assert not cache.reset((1, 2))  # same version: kept
    assert cache.get("k", lambda: "new") == "old"
    assert cache.reset((1, 2, 3))
    assert "k" not in cache and cache.get("k", lambda: "new") == "new"
    assert not cache.seed({"s": 1}, (1, 2))  # computed for an older version: refused
    assert "s" not in cache
    assert cache.seed({"s": 1, "k": "seeded"}, (1, 2, 3))
    assert cache.entries(["s", "k", "missing"]) == {"s": 1, "k": "new"}  # present keys kept


def test_query_answers_are_bounded_oldest_first():
    cache = SingleFlightCache(query_max=2)
    for i in range(6):
        cache.get(("json", ("query", i)), lambda i=i: i)
    kept = [k for k in cache.cached_keys() if k[1][0] == "query"]
    assert kept == [("json", ("query", i)) for i in (2, 3, 4, 5)]
