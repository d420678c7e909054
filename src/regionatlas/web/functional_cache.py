"""Start-up warm-up of the municipal functional layers, persisted across restarts.

The layers (``web.functional``) take seconds to compute (the municipal flow basis, the LMA
and Leiden partition, catchments, central places). ``warm(atlas)`` runs in the app's
start-up warm-up (``web.warmup``): it fills the Atlas cache the regions page and the API read,
so the first visitor does not wait. The results are also written to a cache file under
``atlas.cache_dir`` named by a fingerprint of everything they depend on:

* the store's batches (id, file SHA-256, import time): a new import or a rollback changes it;
* the region file's bytes and the curated central-place file;
* the source of the package outside ``web/`` (readers, store, analysis, workflows and their
  assumptions), ``web/functional.py``, ``web/atlas.py`` and ``web/read/``: a code change
  never serves an old result;
* the Python, pandas and numpy versions (the file is a pickle of those objects).

A restart with an unchanged store loads the file instead of recomputing. The file holds the
same objects the computation returns (tested), and is only ever read by this module from
the app's own cache directory. A file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import platform
import tempfile
from pathlib import Path
from typing import Any

from regionatlas.errors import NotFoundError
from regionatlas.model.fingerprint import derived_fingerprint
from regionatlas.settings import PACKAGE_DIR
from regionatlas.web import functional
from regionatlas.web.atlas import Atlas

log = logging.getLogger(__name__)

KIND = "web-functional-layers"
FORMAT = "1"  # bump when the set of cached entries changes
KEEP_FILES = 8  # cache files kept in the directory (newest first)


def _code_digest() -> str:
    h = hashlib.sha256()
    files = [p for p in sorted(PACKAGE_DIR.rglob("*")) if p.suffix in (".py", ".toml")]
    web = PACKAGE_DIR / "web"
    for p in files:
        read_model = p.name in ("functional.py", "atlas.py") or web / "read" in p.parents
        if web in p.parents and not read_model:
            continue
        h.update(str(p.relative_to(PACKAGE_DIR)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _file_digest(path: Path | None) -> str:
    if path is None or not Path(path).is_file():
        return "-"
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fingerprint(atlas: Atlas) -> str:
    """The identity of the functional layers of this atlas' store state, region and code."""
    import numpy
    import pandas

    from regionatlas.workflows.functional import CURATED_CENTRAL_PLACES

    batches = [f"{b.id}:{b.file_sha256}:{b.imported_at}" for b in atlas.store.batches()]
    return derived_fingerprint(
        KIND,
        FORMAT,
        _file_digest(atlas.region_file),
        _file_digest(CURATED_CENTRAL_PLACES),
        _code_digest(),
        platform.python_version(),
        pandas.__version__,
        numpy.__version__,
        inputs=batches,
    )


def cache_path(atlas: Atlas, fp: str) -> Path:
    return Path(atlas.cache_dir) / f"functional-{fp[:32]}.pickle"


def _entries(atlas: Atlas) -> list[Any]:
    """The Atlas cache keys worth keeping: the heavy results, the default answers and what
    the regions page reads besides."""
    from regionatlas.web.functional import DEFAULT_CENTRES, DEFAULT_RESOLUTION, lma_params

    keys: list[Any] = [
        ("functional", "available"),
        ("functional", "flow_basis"),
        ("functional", "neighbours"),
        ("functional", "regions", lma_params(), DEFAULT_RESOLUTION),
        ("functional", "hubs", DEFAULT_CENTRES),
        ("functional", "central_places"),
    ]
    for key, _ in functional.default_answers(atlas):
        keys += [("json", key), ("gzip", key)]
    # the regions page's district communities (their flows take a second to read)
    periods = atlas.flow_periods()
    if periods:
        keys += ["flow_levels", ("communities", "kreis", periods[-1])]
    return keys


def load(atlas: Atlas, path: Path, version: tuple[int, ...]) -> bool:
    """Seed the Atlas caches from ``path`` (False: no usable file)."""
    try:
        with open(path, "rb") as fh:
            entries = pickle.load(fh)  # our own file, see the module docstring
    except FileNotFoundError:
        return False
    except Exception as exc:  # a damaged or incompatible file is recomputed
        log.warning("ignoring functional-layer cache %s: %s", path, exc)
        return False
    if not isinstance(entries, dict):
        return False
    return atlas.cache.seed(entries, version)  # False: the store changed meanwhile


def save(atlas: Atlas, path: Path) -> None:
    """Write the computed entries atomically (a half-written file is never read)."""
    entries = atlas.cache.entries(_entries(atlas))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".functional-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    old = sorted(path.parent.glob("functional-*.pickle"), key=lambda p: -p.stat().st_mtime)
    for p in old[KEEP_FILES:]:
        p.unlink(missing_ok=True)


def load_cached(atlas: Atlas) -> bool:
    """Seed the caches from the cache file of the current store state (cheap; False: none)."""
    if atlas.region_file is None:
        return False
    atlas.refresh()
    version = atlas.version
    return load(atlas, cache_path(atlas, fingerprint(atlas)), version)


def warm(atlas: Atlas) -> str:
    """Fill the caches of the municipal layers at their default parameters: from the cache
    file when it matches the store state, else computed (and the file written). Returns what
    happened: 'cached' (already in memory), 'loaded', 'computed', 'unavailable' (the store
    cannot carry municipal layers) or 'no-region'."""
    if atlas.region_file is None:
        return "no-region"
    atlas.refresh()
    version = atlas.version
    if all(k in atlas.cache for k in _entries(atlas)):
        return "cached"
    fp = fingerprint(atlas)
    path = cache_path(atlas, fp)
    if load(atlas, path, version):
        return "loaded"
    if not functional.available(atlas):
        state = "unavailable"
    else:
        for key, compute in functional.default_answers(atlas):
            atlas.gzip_bytes(key, compute)  # also the plain JSON
        state = "computed"
    if atlas.flow_periods() and "kreis" in atlas.flow_levels():
        with contextlib.suppress(NotFoundError):  # no flows between the districts
            atlas.communities("kreis")
    if atlas.version == version:
        try:
            save(atlas, path)
        except OSError as exc:  # a read-only directory: the in-memory caches still serve
            log.warning("cannot write functional-layer cache %s: %s", path, exc)
    return state
