"""Region build from the shipped bundle into a fresh GeoPackage (target < 5 s).

.venv/bin/python benchmarks/bench_build.py [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store
from regionatlas.workflows.ingest.build import build_region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    region = load_region(DEFAULT_REGION)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or str(Path(tmp) / "bench.gpkg")
        store = open_store(url)
        start = time.perf_counter()
        report = build_region(store, region)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = build_region(store, region)
        second = time.perf_counter() - start
        units = store.units()
        flows = store.flows(level="kreis")
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"engine:                {store.engine}")
    print(f"region build (fresh):  {first:.2f} s  ({len(report.created)} batches)")
    print(f"re-build (no-op):      {second:.2f} s  ({len(again.created)} new batches)")
    print(f"units:                 {len(units)}")
    print(f"kreis flows (dedup.):  {len(flows)}")
    print(f"peak RSS:              {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
