"""Benchmark: LMA delineation and Leiden communities on a synthetic OD table.

    .venv/bin/python benchmarks/bench_lma.py            # full run (10,800 + scaling series)
    .venv/bin/python benchmarks/bench_lma.py --quick    # small sizes only

Prints seconds and peak memory (max RSS of a fresh process per measurement) for:
the synthetic Germany-sized gravity table (10,800 municipalities, ~1M OD pairs), a
scaling series, and - when it exists - the synthetic-Germany truth table
``var/synth-de/truth/od_gemeinden.csv.gz`` written by the synth generator.

All data here is SYNTHETIC, generated deterministically by :func:`synthetic_od`:
positions uniform in an 800 x 600 km box, lognormal employed residents, a self-flow share
growing with size, and out-commuters spread over the ~K nearest places by a gravity
weight (jobs attractiveness / distance²).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SYNTH_DE = ROOT / "var" / "synth-de" / "truth" / "od_gemeinden.csv.gz"
# Parameters of the example command (typical for German LMAs).
PARAMS = {"min_size": 1000, "min_sc": 0.6667, "target_size": 10000, "target_sc": 0.75}


def synthetic_od(n: int, pairs_per_origin: int = 170, seed: int = 20261125) -> pd.DataFrame:
    """A deterministic gravity-like OD table with n communities (labelled synthetic)."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    xy = rng.uniform([0, 0], [800, 600], size=(n, 2))
    workers = np.maximum(np.round(rng.lognormal(np.log(900), 1.25, n)), 30).astype(np.int64)
    attract = workers.astype(float) ** 1.15
    self_share = np.clip(0.12 + 0.09 * np.log10(workers), 0.15, 0.85)
    k = min(pairs_per_origin, n - 1)
    dist, idx = cKDTree(xy).query(xy, k=k + 1)
    dist, idx = dist[:, 1:], idx[:, 1:]
    weight = attract[idx] / (dist + 3.0) ** 2
    prob = weight / weight.sum(axis=1, keepdims=True)
    n_self = np.round(workers * self_share).astype(np.int64)
    n_out = workers - n_self
    # multinomial per origin; zero flows are not published and are dropped
    amounts = np.vstack([rng.multinomial(n_out[i], prob[i]) for i in range(n)])
    live = np.repeat(np.arange(n), k)
    work = idx.ravel()
    amt = amounts.ravel()
    keep = amt > 0
    ids = np.array([f"{i:08d}" for i in range(n)], dtype=object)
    df = pd.DataFrame(
        {
            "community_live": np.concatenate([ids[live[keep]], ids]),
            "community_work": np.concatenate([ids[work[keep]], ids]),
            "amount": np.concatenate([amt[keep], n_self]),
        }
    )
    return df[df["amount"] > 0].reset_index(drop=True)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(source: str, what: str) -> dict:
    """Run one measurement in this process (called in a fresh subprocess)."""
    from regionatlas.analysis.communities import leiden_communities
    from regionatlas.analysis.lma import LmaParams, find_lma
    from regionatlas.sources.od_table import read_od_csv

    t0 = time.perf_counter()
    if source.startswith("synthetic:"):
        flows = synthetic_od(int(source.split(":")[1]))
    else:
        flows = read_od_csv(source)
    t_load = time.perf_counter() - t0
    base = _peak_mb()
    out: dict = {
        "source": source,
        "communities": int(
            pd.unique(flows[["community_live", "community_work"]].values.ravel()).size
        ),
        "pairs": len(flows),
        "load_s": round(t_load, 2),
    }
    t0, c0 = time.perf_counter(), time.process_time()
    if what == "lma":
        r = find_lma(flows, LmaParams(**PARAMS))
        out.update(
            n_lma=r.summary["n_lma"],
            iterations=r.iterations,
            reserve_entries=len(r.reserve_list),
            not_assigned=len(r.not_assigned),
            q_modularity=round(r.summary["q_modularity"], 4),
        )
    else:
        m = leiden_communities(flows, seed=42)
        out.update(n_communities=int(m.nunique()))
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["cpu_seconds"] = round(time.process_time() - c0, 2)
    out["load_avg_1min"] = round(os.getloadavg()[0], 1)
    out["peak_rss_mb_before"] = round(base)
    out["peak_rss_mb"] = round(_peak_mb())
    return out


def _sub(source: str, what: str) -> dict:
    cmd = [sys.executable, __file__, "--one", source, what]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2, metavar=("SOURCE", "WHAT"))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    print("LMA parameters:", PARAMS, "| data: SYNTHETIC unless a file path is shown")
    sizes = [1000, 3000] if args.quick else [1000, 3000, 10800]
    rows = []
    for n in sizes:
        for what in ("lma", "leiden"):
            r = _sub(f"synthetic:{n}", what)
            rows.append(r)
            print(json.dumps({"what": what, **r}))
    lma_rows = [r for r in rows if "n_lma" in r]
    print("\nscaling (LMA): communities, OD pairs, wall s, CPU s, CPU microseconds per pair")
    for r in lma_rows:
        print(
            f"  {r['communities']:>6} {r['pairs']:>9} {r['seconds']:>7.2f} "
            f"{r['cpu_seconds']:>7.2f} {1e6 * r['cpu_seconds'] / r['pairs']:>7.2f}"
        )
    if SYNTH_DE.exists() and not args.quick:
        for what in ("lma", "leiden"):
            print(json.dumps({"what": what, **_sub(str(SYNTH_DE), what)}))
    else:
        print(f"\n(no synthetic-Germany truth table at {SYNTH_DE}; skipped)")


if __name__ == "__main__":
    main()
