"""Benchmark: each commuter-flow workflow on the Region der Mitte (real bundle data).

    .venv/bin/python benchmarks/bench_region_analysis.py [--db FILE] [--employment-rate X]

Builds the store from the shipped bundle into a temporary GeoPackage unless --db names an
existing one, then times every workflow once (seconds, wall clock). The municipal workflows
run on the modelled estimate; --employment-rate (default 0.4, an assumed share of
SV-employed residents per inhabitant — a benchmark parameter, not a fact) lets them estimate
flows within districts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regionatlas.analysis.lma import LmaParams
from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store
from regionatlas.workflows import (
    central_places,
    crossborder,
    flow_indicator_table,
    functional_regions,
    hubs_and_catchments,
    municipal_flows,
)
from regionatlas.workflows.ingest.build import build_region


def timed(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:7.2f} s", flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=None, help="existing store (else built)")
    ap.add_argument("--employment-rate", type=float, default=0.4)
    args = ap.parse_args()
    region = load_region(DEFAULT_REGION)
    tmp = None
    db = args.db
    if db is None or not db.exists():
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "region.gpkg"
        store = open_store(db)
        timed("build store from bundle", lambda: build_region(store, region))
        store.close()
    store = open_store(db)
    rate = args.employment_rate
    try:
        for level in ("kreis", "land", "region"):
            timed(
                f"flow_indicator_table {level}",
                lambda lv=level: flow_indicator_table(store, region, lv),
            )
        timed("municipal_flows (no internal flows)", lambda: municipal_flows(store, region))
        fb = timed(
            f"municipal_flows (employment rate {rate:g})",
            lambda: municipal_flows(store, region, employment_rate=rate),
        )
        print(f"  {len(fb.flows):,} estimated rows, beta {fb.details['beta']:.4f}")
        timed(
            "flow_indicator_table gemeinde (incl. estimate)",
            lambda: flow_indicator_table(store, region, "gemeinde", employment_rate=rate),
        )
        timed(
            "crossborder (incl. estimate)", lambda: crossborder(store, region, employment_rate=rate)
        )
        timed("crossborder (estimate given)", lambda: crossborder(store, region, flows=fb))
        params = LmaParams(1000, 0.6667, 10000, 0.75)
        res = timed(
            "functional_regions (estimate given)",
            lambda: functional_regions(store, region, params, flows=fb),
        )
        print(
            f"  {res.lma.summary['n_lma']} LMAs, {res.comparison.n_clusters_b} Leiden communities"
        )
        timed(
            "hubs_and_catchments kreis", lambda: hubs_and_catchments(store, region, level="kreis")
        )
        timed(
            "hubs_and_catchments gemeinde (estimate given)",
            lambda: hubs_and_catchments(store, region, flows=fb),
        )
        timed("central_places (estimate given)", lambda: central_places(store, region, flows=fb))
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
