"""Synthetic Germany imported through the real readers into a fresh store.

Targets (issue #2): GeoPackage < 60 s, PostGIS < 90 s, peak memory < 2 GB, on 2 cores.

    .venv/bin/regionatlas synth --out var/synth-de          # once (~1 M OD pairs)
    .venv/bin/python benchmarks/bench_synth_import.py [--synth var/synth-de] [--postgis URL|auto]

Peak memory is the larger of this process's and its reader processes' peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from regionatlas.store import open_store
from regionatlas.workflows.ingest.build import read_all

PROJECT_ROOT = Path(__file__).resolve().parents[1]

FOLDERS = ("bkg-vg5000", "destatis-gv100ad", "ba-krpend", "ba-gemband", "regionalstatistik")


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def run(url: str, synth: Path) -> None:
    start = time.perf_counter()
    # ba-gemband is missing in synthetic output written before it existed
    datas = read_all([synth / f for f in FOLDERS if (synth / f).exists()])
    read_s = time.perf_counter() - start
    store = open_store(url)
    t0 = time.perf_counter()
    rows = 0
    for data in datas:
        result = store.import_source(data)
        rows += sum(result.batch.row_counts.values())
    import_s = time.perf_counter() - t0
    counts = store.table_counts() if hasattr(store, "table_counts") else {}
    engine = store.engine
    store.close()
    own, kids = _peak_mb()
    print(f"[{engine}] files {len(datas)}, rows {rows:,}")
    print(
        f"[{engine}] read+validate {read_s:.1f} s, import {import_s:.1f} s, "
        f"total {read_s + import_s:.1f} s"
    )
    print(f"[{engine}] peak RSS: main {own:.0f} MB, largest reader process {kids:.0f} MB")
    if counts:
        print(f"[{engine}] table rows: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synth", type=Path, default=PROJECT_ROOT / "var" / "synth-de")
    parser.add_argument("--postgis", default=None, help="URL, or 'auto' for a throw-away cluster")
    args = parser.parse_args()
    if not (args.synth / "SYNTHETIC.txt").exists():
        raise SystemExit(f"{args.synth}: run `regionatlas synth --out {args.synth}` first")
    with tempfile.TemporaryDirectory() as tmp:
        run(str(Path(tmp) / "synth.gpkg"), args.synth)
    if args.postgis:
        url = args.postgis
        pg_dir = None
        if url == "auto":
            script = PROJECT_ROOT / "scripts" / "pg-test-cluster.sh"
            out = subprocess.run([str(script), "start"], check=True, capture_output=True, text=True)
            env = dict(
                line.removeprefix("export ").split("=", 1)
                for line in out.stdout.splitlines()
                if "=" in line
            )
            url = env["REGIONATLAS_TEST_DATABASE_URL"].strip("'\"")
            pg_dir = env.get("PGTEST_DIR", "").strip("'\"")
        try:
            run(url, args.synth)
        finally:
            if pg_dir:
                subprocess.run(
                    [str(PROJECT_ROOT / "scripts" / "pg-test-cluster.sh"), "stop", pg_dir],
                    check=False,
                )
    print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
