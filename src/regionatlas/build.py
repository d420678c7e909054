"""Build a region's database: import the region's source files, load the catalogue.

Each file is one batch; files imported before are no-ops (same SHA-256), so ``build`` can be
re-run at any time and only adds what is new.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.derived import derive_into
from regionatlas.errors import InputError
from regionatlas.indicators.catalogue import catalogue
from regionatlas.region import Region
from regionatlas.sources import FORMATS, readable_files
from regionatlas.sources.base import SourceData
from regionatlas.store.base import ImportResult, Store
from regionatlas.store.schema import INDICATOR


@dataclass
class BuildReport:
    region: str
    results: list[ImportResult] = field(default_factory=list)
    seconds: float = 0.0

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
    jobs = _jobs(paths, fmt)
    workers = min(workers or os.cpu_count() or 1, 4, len(jobs))
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
    datas: Iterable[SourceData] = read_all(paths, fmt) if validate_first else iter_read(paths, fmt)
    results = []
    for data in datas:
        result = store.import_source(data)
        results.append(result)
        if on_file:
            on_file(data, result)
    return results


def load_catalogue_into(store: Store) -> None:
    store.set_indicators(catalogue()[INDICATOR.column_names])


def harmonise_boundaries(store: Store, region: Region) -> ImportResult | None:
    """Import outlines at the region's reference date for completely merged units."""
    from regionatlas.boundaries import harmonised_source

    changes = store.unit_changes()
    if changes.empty:
        return None
    inputs = [
        b.file_sha256
        for b in store.batches()
        if b.source in ("bkg-vg", "destatis-gv100ad", "regionatlas-unit-changes")
    ]
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
    report.results = import_files(store, region.source_files, on_file=on_file, validate_first=False)
    for derived in (harmonise_boundaries(store, region), derive_into(store)):
        if derived is not None:
            report.results.append(derived)
    load_catalogue_into(store)
    report.seconds = time.perf_counter() - start
    return report
