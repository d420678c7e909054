"""Goals and briefs benchmark (issue #14): prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_impact.py [--db var/regionatlas.gpkg] [--skip-all-core]

On a store built for the region (``regionatlas build``):

1. recomputing every indicator of 50 goals after an import (``workflows.monitoring.recompute``
   with 50 generated goals over districts, municipalities, groups, state parts and the region;
   targets of the goals: 2 s);
2. one brief as PDF: the region-wide context once (cold), then data + HTML + PDF of one
   municipality's brief (warm; target 3 s);
3. ``regionatlas brief --all-core`` for every core municipality with 2 worker processes
   (target 5 min on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION

GOAL = """
[[goal]]
id = "bench-{n}"
title_de = "Ziel {n}"
title_en = "Goal {n}"
owner = "Benchmark"
rationale_de = "r"
rationale_en = "r"

[[goal.indicator]]
id = "i"
indicator = "{indicator}"
territory = {territory}
baseline_period = "{period}"
target = 1
target_year = 2035
unit = "{unit}"
direction = "decrease"
"""


def fifty_goals(store, region) -> list[tuple[str, str]]:
    """50 goals cycling over indicators and territory kinds of the region."""
    from regionatlas.indicators.catalogue import catalogue

    cat = catalogue().set_index("id")
    obs = store.observations(indicators=["population", "out_commuters", "density"])
    period = {i: str(g["period"].max()) for i, g in obs.groupby("indicator")}
    units = store.units()
    mun = sorted(
        a for a, lv in zip(units["ags"], units["level"], strict=True)
        if lv == "gemeinde" and a[:5] in region.core_codes
    )  # fmt: skip
    districts = sorted(region.core_codes)
    kinds = []
    for k in range(50):
        d = districts[k % len(districts)]
        m = mun[(k * 7) % len(mun)]
        choice = k % 5
        if choice == 0:
            kinds.append(("out_commuters", f'{{kind = "district", key = "{d}"}}'))
        elif choice == 1:
            kinds.append(("population", f'{{kind = "municipality", key = "{m}"}}'))
        elif choice == 2:
            group = ", ".join(f'"{x}"' for x in mun[k : k + 6])
            kinds.append(("density", f'{{kind = "group", key = "g{k}", members = [{group}]}}'))
        elif choice == 3:
            kinds.append(("population", f'{{kind = "state_part", key = "{d[:2]}"}}'))
        else:
            kinds.append(("density", '{kind = "region"}'))
    text = f'region = "{region.id}"\n' + "".join(
        GOAL.format(
            n=n, indicator=ind, territory=terr, period=period[ind], unit=cat.at[ind, "unit"]
        )
        for n, (ind, terr) in enumerate(kinds)
    )
    return [("bench-goals.toml", text)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-all-core", action="store_true")
    args = ap.parse_args()
    from regionatlas.pdf import html_to_pdf
    from regionatlas.region import load_region
    from regionatlas.store import open_store
    from regionatlas.web.brief_pdf import brief_pdf_html
    from regionatlas.workflows import briefs
    from regionatlas.workflows.monitoring import load_content, recompute

    region = load_region(DEFAULT_REGION)
    store = open_store(args.db, create=False)
    print(f"store: {args.db}; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.1f}")

    content = load_content(fifty_goals(store, region), [])
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        payload = recompute(store, region, content)
        times.append(time.perf_counter() - t0)
    n = sum(len(g["indicators"]) for g in payload["goals"])
    print(
        f"recompute {len(payload['goals'])} goals / {n} indicators: "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s (target < 2 s)"
    )

    t0 = time.perf_counter()
    ctx = briefs.BriefContext(store, region).warm()
    cold = time.perf_counter() - t0
    attributions = list(dict.fromkeys(b.attribution for b in store.batches()))
    pdf_times = []
    size = 0
    for ags in briefs.core_municipalities(ctx)[: args.repeat]:
        t0 = time.perf_counter()
        size = len(html_to_pdf(brief_pdf_html(briefs.unit_brief(ctx, ags), "de", attributions)))
        pdf_times.append(time.perf_counter() - t0)
    print(
        f"brief context (once per store state: flows, LMA, central places, scenarios): {cold:.1f} s"
    )
    print(
        f"one brief PDF (data + HTML + PDF, warm): median {statistics.median(pdf_times):.2f} s, "
        f"max {max(pdf_times):.2f} s, {size:,} bytes (target < 3 s)"
    )
    store.close()

    if args.skip_all_core:
        return
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("regionatlas")
        t0 = time.perf_counter()
        done = subprocess.run(
            [str(exe), "brief", "--all-core", "-o", tmp, "--workers", "2", "--db", args.db],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - t0
        files = list(Path(tmp).glob("*.pdf"))
        status = "ok" if done.returncode == 0 else f"failed: {done.stderr[-300:]}"
        print(
            f"all core-region briefs: {len(files)} PDFs in {seconds:.0f} s with 2 workers "
            f"({status}; target < 5 min)"
        )


if __name__ == "__main__":
    main()
