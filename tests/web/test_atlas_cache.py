"""The Atlas cache under concurrent requests: a value is computed once, later callers wait
for the computation in flight instead of starting their own (start-up warm-up + requests)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from regionatlas.web.atlas import Atlas


def test_concurrent_callers_share_one_computation(tmp_path):
    atlas = Atlas(str(tmp_path / "never-opened.gpkg"), None)
    calls: list[int] = []
    started = threading.Event()

    def compute() -> object:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return object()

    with ThreadPoolExecutor(4) as ex:
        first = ex.submit(atlas._cached, "slow", compute)
        started.wait(5)
        others = [ex.submit(atlas._cached, "slow", compute) for _ in range(3)]
        results = [first.result(), *(f.result() for f in others)]
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_different_keys_compute_in_parallel(tmp_path):
    atlas = Atlas(str(tmp_path / "never-opened.gpkg"), None)
    barrier = threading.Barrier(2, timeout=5)

    def compute(name: str):
        return lambda: (barrier.wait(), name)[1]  # both must be inside compute at once

    with ThreadPoolExecutor(2) as ex:
        a = ex.submit(atlas._cached, "a", compute("a"))
        b = ex.submit(atlas._cached, "b", compute("b"))
        assert (a.result(), b.result()) == ("a", "b")


def test_a_failed_computation_is_retried(tmp_path):
    atlas = Atlas(str(tmp_path / "never-opened.gpkg"), None)
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails")
        return "ok"

    with pytest.raises(RuntimeError):
        atlas._cached("k", flaky)
    assert atlas._cached("k", flaky) == "ok"
    assert len(attempts) == 2
