"""Benchmark: all flow indicators at all levels on synthetic Germany (SYNTHETIC data).

Input: the generator's ground truth (var/synth-de/truth/od_gemeinden.csv.gz and
gemeinden.csv) when present, else the same country built in memory
(``regionatlas.synth.build_country(10_800, seed=1)``, ~1M OD pairs). To exercise the
confidentiality paths, flows below 3 persons between different municipalities are
marked suppressed (persons NaN, flag "*") and each municipality's published out/in totals
are passed as ``totals`` — so "not assigned" is the suppressed remainder.

Timed (target < 5 s on 2 cores, < 4 GB): indicators for municipalities (with commuter-km),
districts, states, a custom region and Germany; aggregation to each level; top-10 partners
of every municipality both ways; district and state matrices.

    .venv/bin/python benchmarks/bench_flows.py
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.analysis.aggregate import aggregate_flows, mapping_to_level, region_mapping
from regionatlas.analysis.crossborder import district_matrix, state_matrix
from regionatlas.analysis.flow_indicators import flow_indicators, top_partners
from regionatlas.analysis.flowframe import prepare_flows
from regionatlas.analysis.hubs import catchments, dominant_flow_hierarchy, knotenpunkte

TRUTH = Path(__file__).resolve().parents[1] / "var" / "synth-de" / "truth"


def load_synthetic() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(flows with origin, destination, persons; municipalities indexed by ags with kreis,
    land, population, employed, jobs, area_km2, x, y; description of the source)."""
    od, gem = TRUTH / "od_gemeinden.csv.gz", TRUTH / "gemeinden.csv"
    if od.is_file() and gem.is_file():
        f = pd.read_csv(
            od,
            usecols=["community_live", "community_work", "amount"],
            dtype={"community_live": str, "community_work": str, "amount": float},
        ).rename(
            columns={
                "community_live": "origin",
                "community_work": "destination",
                "amount": "persons",
            }
        )
        m = pd.read_csv(gem, dtype={"ags": str, "kreis": str, "land": str}).set_index("ags")
        return f, m, f"truth files in {TRUTH}"
    from regionatlas.synth import build_country

    c = build_country(10_800, seed=1)
    f = c.flows[["origin", "destination", "total"]].rename(columns={"total": "persons"})
    f["persons"] = f["persons"].astype(float)
    cols = ["ags", "kreis", "land", "population", "employed", "jobs", "area_km2", "x", "y"]
    m = pd.DataFrame(c.municipalities[cols]).set_index("ags")
    return f, m, "build_country(10_800, seed=1) in memory (truth files absent)"


def suppress(flows: pd.DataFrame, below: float = 3) -> pd.DataFrame:
    f = flows.copy()
    small = (f["persons"] < below) & (f["origin"] != f["destination"])
    f["flag"] = np.where(small, "*", None).astype(object)
    f.loc[small, "persons"] = np.nan
    f["period"], f["grp"] = "2023-06-30", "total"
    return f


def run_all(
    f: pd.DataFrame, truth: pd.DataFrame, mun: pd.DataFrame, repeat: int = 1
) -> dict[str, float]:
    """Every indicator at every level; returns seconds per step (best of ``repeat``)."""
    times: dict[str, float] = {}
    cross = truth[truth["origin"] != truth["destination"]]
    totals = pd.DataFrame(
        {
            "out_commuters": cross.groupby("origin")["persons"].sum(),
            "in_commuters": cross.groupby("destination")["persons"].sum(),
        }
    )
    cen = mun[["x", "y"]]
    keys = mun.index

    def step(name, fn):
        best = np.inf
        for _ in range(repeat):
            t = time.perf_counter()
            out = fn()
            best = min(best, time.perf_counter() - t)
        times[name] = best
        return out

    f = step("prepare (validate) flows", lambda: prepare_flows(f))  # once; all accept it

    step("gemeinde indicators", lambda: flow_indicators(f, keys, totals=totals, centroids=cen))
    step("top partners out", lambda: top_partners(f, n=10, direction="out"))
    step("top partners in", lambda: top_partners(f, n=10, direction="in"))
    region = sorted(mun["kreis"].unique())[:10]  # a custom grouping of ten districts
    for level, mapping in (
        ("kreis", mapping_to_level(keys, "kreis")),
        ("land", mapping_to_level(keys, "land")),
        ("region", region_mapping(keys, region, "REGION", rest="REST")),
        ("staat", mapping_to_level(keys, "staat")),
    ):
        agg = step(
            f"aggregate {level}", lambda m=mapping, lv=level: aggregate_flows(f, m, level=lv)
        )
        groups = pd.unique(mapping.to_numpy())
        step(f"{level} indicators", lambda a=agg, g=groups: flow_indicators(a, g))
    step("district matrix", lambda: district_matrix(f))
    step("state matrix", lambda: state_matrix(f))
    return times


def hubs_steps(f: pd.DataFrame, mun: pd.DataFrame) -> dict[str, float]:
    """Hubs at national size (not part of the 5 s target): seconds per step."""
    jobs = f[f["persons"].notna()].groupby("destination", observed=True)["persons"].sum()
    times = {}
    t = time.perf_counter()
    tree = dominant_flow_hierarchy(f, jobs.reindex(mun.index))
    times["dominant-flow tree"] = time.perf_counter() - t
    t = time.perf_counter()
    catchments(f, list(tree.index[tree["is_terminal"]]))
    times["catchments"] = time.perf_counter() - t
    t = time.perf_counter()
    knotenpunkte(f, mun[["x", "y"]], cell_km=2.0, min_persons=10)
    times["Knotenpunkte (>10 pers.)"] = time.perf_counter() - t
    return times


def main() -> int:
    t0 = time.perf_counter()
    truth, mun, source = load_synthetic()
    f = suppress(truth)
    print(f"SYNTHETIC data: {source}")
    print(
        f"  {len(mun):,} municipalities, {len(f):,} OD pairs, "
        f"{int(f['persons'].isna().sum()):,} marked suppressed; prepared in "
        f"{time.perf_counter() - t0:.1f} s (not timed)"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = run_all(f, truth, mun, repeat=3)
    total = sum(times.values())
    for k, v in times.items():
        print(f"  {k:<24} {v:6.2f} s")
    load = os.getloadavg()[0]
    print(
        f"ALL flow indicators at all levels: {total:.2f} s (best of 3 per step; target < 5 s; "
        f"load average {load:.1f} on {os.cpu_count()} cores while measuring)"
    )
    extra = hubs_steps(prepare_flows(f), mun)
    for k, v in extra.items():
        print(f"  (hubs) {k:<24} {v:6.2f} s")
    tracemalloc.start()
    run_all(f, truth, mun)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory allocated by the timed steps (tracemalloc): {peak / 2**20:,.0f} MiB")
    print(
        f"peak RSS of the whole process: {rss:,.0f} MiB "
        f"(before the timed steps: {rss_before:,.0f} MiB; target < 4096 MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
