"""All or nothing: a failing or killed import leaves the store exactly as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_samples import flows, random_flows, source, units

from regionatlas.errors import SourceFormatError
from regionatlas.store import open_store

TESTS_STORE = Path(__file__).resolve().parent


def file_sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def state(store) -> tuple[list, dict]:
    return [(b.id, b.file_sha256, b.row_counts) for b in store.batches()], store.table_counts()


class Boom(RuntimeError):
    pass


def _seeded(url: str) -> None:
    with open_store(url) as s:
        s.import_source(source("gv", units=units(["03159016", "06611000"])))
        s.import_source(source("ba", flows=flows([("03159016", "06611000", 5.0, None)])))


def test_error_inside_the_transaction_changes_nothing(store_url_factory):
    url = store_url_factory()
    _seeded(url)
    before_bytes = None if url.startswith("postgresql") else file_sha(url)
    with open_store(url) as s:
        before = state(s)

        def explode(done: int, total: int) -> None:
            if done >= 100_000:  # after the first chunk went into the tables
                raise Boom(f"{done}/{total}")

        data = source("big", units=units(["05774032"]), flows=random_flows(120_000))
        with pytest.raises(Boom):
            s.import_source(data, progress=explode)
        assert state(s) == before
    if before_bytes is not None:
        assert file_sha(url) == before_bytes
    with open_store(url) as s:  # and the same file imports fine afterwards
        assert s.import_source(data).created
        assert s.table_counts()["flow"] == before[1]["flow"] + 120_000


def test_refused_input_leaves_the_geopackage_byte_for_byte_unchanged(gpkg_url_factory):
    url = gpkg_url_factory()
    _seeded(url)
    before = file_sha(url)
    with open_store(url) as s:
        bad = flows([("03159016", "06611000", 1.0, None)]).assign(persons=["viele"])
        with pytest.raises(SourceFormatError):
            s.import_source(source("bad", units=units(["05774032"]), flows=bad))
        s.import_source(source("ba", flows=flows([("x", "y", 1.0, None)])))  # same sha: no-op
        s.batches(), s.flows(), s.units(geometry=True)  # reads write nothing either
    assert file_sha(url) == before


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import regionatlas.store.gpkg as gpkg
    from regionatlas.store import open_store
    from store_samples import random_flows, source, units

    gpkg.IMPORT_CACHE_KIB = 1024  # tiny cache: pages spill into the file mid-transaction
    store = open_store({url!r})
    data = source("huge", units=units(["05774032"]), flows=random_flows(150_000, seed=7))

    def progress(done, total):
        if done >= 100_000:
            print("inside", done, total, flush=True)
            sys.stdin.readline()  # wait to be killed

    store.import_source(data, progress=progress)
    print("finished", flush=True)
    """
)


def test_sigkill_during_import_leaves_the_previous_state(store_url_factory):
    url = store_url_factory()
    _seeded(url)
    is_gpkg = not url.startswith("postgresql")
    before_bytes = file_sha(url) if is_gpkg else None
    with open_store(url) as s:
        before = state(s)

    with subprocess.Popen(
        [sys.executable, "-c", CHILD.format(tests=str(TESTS_STORE), url=url)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            line = child.stdout.readline()
            if not line.startswith("inside"):
                child.kill()
                pytest.fail(f"child did not reach the import: {line}{child.communicate()[1]}")
            if is_gpkg:  # the transaction really is open and has touched the disk
                assert Path(url + "-journal").exists()
            os.kill(child.pid, signal.SIGKILL)
            child.communicate(timeout=30)
            assert child.returncode == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()

    with open_store(url) as s:
        assert state(s) == before
        assert s.units()["ags"].tolist() == ["03159016", "06611000"]
    if is_gpkg:
        assert not Path(url + "-journal").exists()
        assert file_sha(url) == before_bytes
    with open_store(url) as s:
        result = s.import_source(source("after", flows=random_flows(1000, seed=3)))
        assert result.created
        assert s.table_counts()["flow"] == before[1]["flow"] + 1000


def test_concurrent_imports_of_one_file_queue_up_and_record_one_batch(store_url_factory):
    """Two writers (two connections) import the same file at once: one batch, no error."""
    import threading

    url = store_url_factory()
    data = source("same", flows=random_flows(150_000))
    inside = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        def hold(done: int, total: int) -> None:
            if done >= 100_000 and not inside.is_set():
                inside.set()
                release.wait(timeout=30)

        with open_store(url) as s:
            results["first"] = s.import_source(data, progress=hold)

    def second() -> None:
        with open_store(url) as s:
            results["second"] = s.import_source(data)

    with open_store(url):  # create the schema before the race
        pass
    t1 = threading.Thread(target=first)
    t1.start()
    assert inside.wait(timeout=60)
    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(timeout=1.0)
    assert t2.is_alive(), "the second writer must wait for the first transaction"
    release.set()
    t1.join(timeout=60)
    t2.join(timeout=60)
    assert results["first"].created and not results["second"].created
    assert results["second"].batch == results["first"].batch
    with open_store(url) as s:
        assert len(s.batches()) == 1
        assert s.table_counts()["flow"] == 150_000
