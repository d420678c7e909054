"""A re-build parses nothing; a changed file is parsed and imported with its derived batches.

The region is the shipped one, its files copied to a temporary folder so they can change.
``BuildReport.parsed`` lists the files a reader parsed in that run.
"""

from __future__ import annotations

import dataclasses
import gzip
import shutil
from pathlib import Path

import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.region import Region, load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.sources import central_places_curated, unit_changes
from regionatlas.store import open_store
from regionatlas.workflows.ingest import boundaries, derived
from regionatlas.workflows.ingest.build import (
    _jobs,
    build_region,
    file_fingerprint,
    harmonised_fingerprint,
)

DERIVED_SOURCES = {boundaries.FORMAT_ID, derived.FORMAT_ID}


@pytest.fixture(scope="module")
def region_copy(tmp_path_factory: pytest.TempPathFactory) -> Region:
    """The shipped region with its source files (and folders) copied."""
    shipped = load_region(DEFAULT_REGION)
    root = tmp_path_factory.mktemp("region-files")
    files = []
    for k, src in enumerate(shipped.source_files):
        dest = root / str(k)
        if src.is_dir():
            shutil.copytree(src, dest / src.name)
        else:
            # the shapefile's side files, the marker files next to it: the whole folder
            shutil.copytree(src.parent, dest, dirs_exist_ok=True)
        files.append(dest / src.name)
    return dataclasses.replace(shipped, source_files=tuple(files))


@pytest.fixture(scope="module")
def built(region_copy: Region, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("build") / "r.gpkg"
    store = open_store(path)
    first = build_region(store, region_copy)
    yield store, first
    store.close()


def _source_files(region: Region) -> list[Path]:
    return [file for file, _ in _jobs(region.source_files, None)]


def test_fingerprints_equal_the_stored_sha(built, region_copy: Region) -> None:
    """The cheap fingerprint is the SHA-256 a reader gives: existing stores stay no-ops."""
    store, first = built
    stored = {Path(b.file_name).name: b.file_sha256 for b in store.batches()}
    jobs = _jobs(region_copy.source_files, None)
    assert {fid for _, fid in jobs} >= {"bkg-vg", "destatis-gv100ad", "ba-pendleratlas-csv"}
    for file, fid in jobs:
        assert file_fingerprint(file, fid) == stored[file.name], file
    # every file was parsed by the first build
    assert first.parsed == _source_files(region_copy)


def test_rebuild_parses_nothing_and_changes_nothing(built, region_copy: Region) -> None:
    store, first = built
    before = store.batches()
    again = build_region(store, region_copy)
    assert again.parsed == []
    assert again.created == []
    # one result per file and derived batch, each an existing batch
    assert len(again.results) == len(first.results)
    assert {r.batch.id for r in again.results} <= {b.id for b in before}
    assert store.batches() == before
    # both derived batches are there and are reported as unchanged
    assert {r.batch.source for r in again.skipped} >= DERIVED_SOURCES


def test_harmonised_fingerprint_matches_the_derived_batch(built, region_copy: Region) -> None:
    store, _ = built
    batches = store.batches()
    harmonised = [b for b in batches if b.source == boundaries.FORMAT_ID]
    assert len(harmonised) == 1
    assert harmonised_fingerprint(batches, region_copy.reference_date) == harmonised[0].file_sha256


def test_recompressed_file_with_the_same_content_is_a_no_op(built, region_copy: Region) -> None:
    """The SHA-256 is of the content: new gzip bytes with the same text change nothing."""
    store, _ = built
    gz = next(f for f in _source_files(region_copy) if f.name.endswith(".csv.gz"))
    raw = gzip.decompress(gz.read_bytes())
    before = gz.read_bytes()
    gz.write_bytes(gzip.compress(raw, compresslevel=1, mtime=12345))
    assert gz.read_bytes() != before
    report = build_region(store, region_copy)
    assert report.parsed == [] and report.created == []


def _edit_note(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_file_is_parsed_and_its_derived_batches_rebuilt(built, region_copy: Region):
    store, _ = built
    files = _source_files(region_copy)
    places = next(f for f in files if f.name == "central-places.csv")
    changes = next(f for f in files if f.name == "region-der-mitte.csv")
    # central places feed the derived indicators only, not the harmonised boundaries
    _edit_note(places, "also: G. Cassing", "also: Gerhard Cassing")
    report = build_region(store, region_copy)
    assert report.parsed == [places]
    assert sorted(r.batch.source for r in report.created) == sorted(
        [central_places_curated.FORMAT_ID, derived.FORMAT_ID]
    )
    # the unit changes feed both derived batches
    _edit_note(changes, "Fusion of the town", "Merger of the town")
    report = build_region(store, region_copy)
    assert report.parsed == [changes]
    assert sorted(r.batch.source for r in report.created) == sorted(
        [unit_changes.FORMAT_ID, boundaries.FORMAT_ID, derived.FORMAT_ID]
    )
    assert build_region(store, region_copy).parsed == []


def test_a_bad_changed_file_writes_nothing(built, region_copy: Region) -> None:
    store, _ = built
    before = store.batches()
    changes = next(f for f in _source_files(region_copy) if f.name == "region-der-mitte.csv")
    good = changes.read_bytes()
    _edit_note(changes, "2021-07-01,1,full", "2021-07-01,all,full")  # a share that is no number
    with pytest.raises(SourceFormatError, match=r"region-der-mitte\.csv"):
        build_region(store, region_copy)
    assert store.batches() == before  # neither the file's batch nor new derived ones
    changes.write_bytes(good)
    assert build_region(store, region_copy).parsed == []


@pytest.mark.parametrize("packing", ["xlsx", "xlsb", "zip", "bbsr"])
def test_workbook_fingerprints_equal_the_readers_sha(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packing: str
) -> None:
    """The readers not in the shipped bundle: krpend workbooks (bare or zipped), BBSR."""
    import zipfile

    from regionatlas.sources import ba_krpend, bbsr_reference

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "sources"))
    from krpend_layout import default_sheets, write_workbook
    from test_bbsr_reference import write

    if packing == "bbsr":
        path, reader = write(tmp_path / "raumabgrenzungen-2022.xlsx"), bbsr_reference
    else:
        ext = "xlsb" if packing == "xlsb" else "xlsx"
        path = write_workbook(tmp_path / f"krpend-06-0-202306.{ext}", default_sheets())
        reader = ba_krpend
        if packing == "zip":
            archive = tmp_path / "krpend-06-0-202306.zip"
            with zipfile.ZipFile(archive, "w") as zf:
                zf.write(path, path.name)
            path = archive
    assert reader.sniff(path)
    assert file_fingerprint(path, reader.FORMAT_ID) == reader.read(path).sha256
