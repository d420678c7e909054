"""Build a region's database: import the region's source files, load the catalogue.

Each file is one batch; files imported before are no-ops (same SHA-256), so ``build`` can be
re-run at any time and only adds what is new. ``build`` learns a file's SHA-256 from its
reader's ``fingerprint`` (a hash of the bytes, nothing parsed) and parses only the files
whose batch is not in the store yet; the derived batches (harmonised boundaries, derived
indicators) are fingerprinted by their inputs and recomputed only when one changed.
``import`` still reads and validates every file it is given.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.errors import InputError, RegionAtlasError
from regionatlas.indicators.catalogue import catalogue
from regionatlas.model.fingerprint import derived_fingerprint
from regionatlas.model.schema import INDICATOR
from regionatlas.model.source_data import SourceData
from regionatlas.region import Region
from regionatlas.sources import FORMATS, readable_files
from regionatlas.store.base import BatchInfo, ImportResult, Store
from regionatlas.workflows.ingest.derived import derive_into


@dataclass
class BuildReport:
    region: str
    results: list[ImportResult] = field(default_factory=list)
    seconds: float = 0.0
    parsed: list[Path] = field(default_factory=list)  # files read by their reader this time

    @property
    def created(self) -> list[ImportResult]:
        return [r for r in self.results if r.created]

    @property
    def skipped(self) -> list[ImportResult]:
        return [r for r in self.results if not r.created]


def _read_one(path: Path, format_id: str) -> SourceData:
    return FORMATS[format_id].read(path)


def _jobs(paths: Iterable[Path], fmt: str | None) -> list[tuple[Path, str]]:
    jobs: list[tuple[Path, str]] = []
    for path in paths:
        if not Path(path).exists():
            raise InputError(f"{path}: file or folder not found")
        jobs += [(file, module.FORMAT_ID) for file, module in readable_files(Path(path), fmt)]
    return jobs


def iter_read(
    paths: Iterable[Path], fmt: str | None = None, workers: int | None = None
) -> Iterator[SourceData]:
    """Read files in order; up to ``workers`` processes (default: cores, at most 4) parse ahead."""
    return _iter_jobs(_jobs(paths, fmt), workers)


def _iter_jobs(jobs: list[tuple[Path, str]], workers: int | None = None) -> Iterator[SourceData]:
    workers = min(workers or os.cpu_count() or 1, 4, len(jobs))
    # forking a process that runs other threads (a web server, a test's live server) can
    # deadlock a child on a lock held by a thread that does not exist there: read in order
    # in this process then (a fork server or spawn would re-import the caller's __main__)
    if threading.active_count() > 1:
        workers = 1
    if workers <= 1:
        for file, fid in jobs:
            yield _read_one(file, fid)
        return
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(_read_one, *zip(*jobs, strict=True))


def read_all(
    paths: Iterable[Path], fmt: str | None = None, workers: int | None = None
) -> list[SourceData]:
    """Read (and fully validate) every file; the order of ``paths`` (folders sorted) is kept."""
    return list(iter_read(paths, fmt, workers))


def import_files(
    store: Store,
    paths: Iterable[Path],
    fmt: str | None = None,
    on_file: Callable[[SourceData, ImportResult], None] | None = None,
    *,
    validate_first: bool = True,
) -> list[ImportResult]:
    """Import files, one batch (one transaction) each.

    ``validate_first``: every file is read and validated before the first import, so a bad
    file means nothing is written. Without it, files are imported while the next ones are
    still being parsed (faster); a bad file then stops the run after the files before it,
    each of which is a complete batch, and re-running skips them.
    """
    results, _ = _import_jobs(store, _jobs(paths, fmt), on_file, validate_first=validate_first)
    return results


# a fingerprint that cannot be taken (damaged file): the reader says what is wrong
_UNREADABLE = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error, RegionAtlasError)


def file_fingerprint(path: Path, format_id: str) -> str | None:
    """The SHA-256 the file's batch will have, from its reader's cheap ``fingerprint``
    (None: the reader has none, or the file cannot be hashed as its format)."""
    fingerprint = getattr(FORMATS[format_id], "fingerprint", None)
    if fingerprint is None:
        return None
    try:
        return fingerprint(Path(path))
    except _UNREADABLE:
        return None


def _import_jobs(
    store: Store,
    jobs: list[tuple[Path, str]],
    on_file: Callable[[SourceData, ImportResult], None] | None,
    *,
    validate_first: bool,
    skip_imported: bool = False,
) -> tuple[list[ImportResult], list[Path]]:
    """Import ``jobs`` in order; returns the results (one per job) and the files parsed.

    ``skip_imported``: a file whose fingerprint is already a batch is not parsed; its result
    is that batch (``created=False``) and ``on_file`` is not called for it."""
    known: dict[str, BatchInfo] = {}
    if skip_imported:
        known = {b.file_sha256: b for b in store.batches()}
    slots: list[ImportResult | None] = []
    todo: list[int] = []
    for k, (file, fid) in enumerate(jobs):
        sha = file_fingerprint(file, fid) if known else None
        if sha is not None and sha in known:
            slots.append(ImportResult(known[sha], created=False))
        else:
            slots.append(None)
            todo.append(k)
    parse = [jobs[k] for k in todo]
    datas: Iterable[SourceData] = _iter_jobs(parse)
    if validate_first:  # every file read and validated before the first import
        datas = list(datas)
    for k, data in zip(todo, datas, strict=True):
        result = store.import_source(data)
        slots[k] = result
        if on_file:
            on_file(data, result)
    return [r for r in slots if r is not None], [jobs[k][0] for k in todo]


def load_catalogue_into(store: Store) -> None:
    store.set_indicators(catalogue()[INDICATOR.column_names])


# the input sources of the harmonised boundaries, and the version boundaries.harmonised_source
# puts into their fingerprint (tests/core/test_build_noop.py checks the two agree)
_BOUNDARY_INPUTS = ("bkg-vg", "destatis-gv100ad", "regionatlas-unit-changes")
_BOUNDARY_VERSION = "v1"


def harmonised_fingerprint(batches: Iterable[BatchInfo], reference_date: str) -> str:
    """The fingerprint of the harmonised-boundaries batch for these input batches."""
    from regionatlas.workflows.ingest.boundaries import FORMAT_ID

    inputs = [b.file_sha256 for b in batches if b.source in _BOUNDARY_INPUTS]
    return derived_fingerprint(FORMAT_ID, _BOUNDARY_VERSION, reference_date, inputs=inputs)


def harmonise_boundaries(store: Store, region: Region) -> ImportResult | None:
    """Import outlines at the region's reference date for completely merged units (no-op
    without computing them when the batch for the current inputs is in the store)."""
    from regionatlas.workflows.ingest.boundaries import harmonised_source

    changes = store.unit_changes()
    if changes.empty:
        return None
    batches = store.batches()
    digest = harmonised_fingerprint(batches, region.reference_date)
    current = [b for b in batches if b.file_sha256 == digest]
    if current:
        return ImportResult(current[0], created=False)
    inputs = [b.file_sha256 for b in batches if b.source in _BOUNDARY_INPUTS]
    units = store.units(geometry=True, include_ended=True)
    data = harmonised_source(units, changes, region.reference_date, inputs)
    return store.import_source(data) if data is not None else None


def build_region(
    store: Store,
    region: Region,
    on_file: Callable[[SourceData, ImportResult], None] | None = None,
) -> BuildReport:
    """Import the region's source files and the indicator catalogue into ``store``."""
    start = time.perf_counter()
    report = BuildReport(region=region.id)
    report.results, report.parsed = _import_jobs(
        store,
        _jobs(region.source_files, None),
        on_file,
        validate_first=False,
        skip_imported=True,
    )
    for derived in (harmonise_boundaries(store, region), derive_into(store)):
        if derived is not None:
            report.results.append(derived)
    load_catalogue_into(store)
    report.seconds = time.perf_counter() - start
    return report
