"""Goals and briefs benchmark (issue #14): prints figures, asserts nothing. One command:

    .venv/bin/python benchmarks/bench_impact.py [--db var/regionatlas.gpkg] [--skip-all-core]

On a store built for the region (``regionatlas build``, which also saves the briefs'
region-wide inputs, ``cache/brief-facts.json``):

1. recomputing every indicator of 50 goals after an import (``workflows.monitoring.recompute``
   with 50 generated goals over districts, municipalities, groups, state parts and the region;
   target 2 s);
2. one brief PDF from the CLI, each in a fresh process (``regionatlas brief AGS -o F.pdf``:
   start, imports, store, saved facts, HTML, WeasyPrint) for several municipalities and
   districts: median and max wall time (target 3 s);
3. one brief PDF from the web server (``regionatlas serve``, warm: started and ready, each
   AGS requested for the first time, so data, HTML and PDF are made per request; target well
   under 1 s);
4. ``regionatlas brief --all-core`` for every core municipality with 2 worker processes
   (target 5 min on 2 cores).

The load average is printed before and after: the lead re-measures on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _child_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_recompute(store, region, repeat: int) -> None:
    from regionatlas.workflows.monitoring import load_content, recompute

    content = load_content(fifty_goals(store, region), [])
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        payload = recompute(store, region, content)
        times.append(time.perf_counter() - t0)
    n = sum(len(g["indicators"]) for g in payload["goals"])
    print(
        f"recompute {len(payload['goals'])} goals / {n} indicators: "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s (target < 2 s)"
    )


def sample_places(store, region, k: int) -> list[str]:
    """k places spread over the core: municipalities of each district and two districts."""
    units = store.units()
    mun = sorted(
        a for a, lv in zip(units["ags"].astype(str), units["level"], strict=True)
        if lv == "gemeinde" and a[:5] in region.core_codes
    )  # fmt: skip
    step = max(1, len(mun) // max(1, k - 2))
    return [*mun[::step][: k - 2], *sorted(region.core_codes)[:2]]


def bench_cli(exe: Path, db: str, places: list[str]) -> None:
    # one warm-up run makes sure the saved facts fit this store (a build saves them anyway)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(exe), "brief", places[0], "-o", f"{tmp}/w.pdf", "--db", db],
                       capture_output=True, check=True)  # fmt: skip
        times, cpu = [], []
        for ags in places:
            t0, c0 = time.perf_counter(), _child_cpu()
            subprocess.run([str(exe), "brief", ags, "-o", f"{tmp}/{ags}.pdf", "--db", db],
                           capture_output=True, check=True)  # fmt: skip
            times.append(time.perf_counter() - t0)
            cpu.append(_child_cpu() - c0)
    print(
        f"one brief PDF via CLI (fresh process each, {len(times)} places): median "
        f"{statistics.median(times):.2f} s, max {max(times):.2f} s wall; CPU median "
        f"{statistics.median(cpu):.2f} s (target < 3 s wall)"
    )


def bench_web(exe: Path, db: str, places: list[str]) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/meta.json", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                print("web: the server did not become ready")
                return
            time.sleep(0.5)
        t0 = time.perf_counter()  # the server's first brief reads the saved facts
        with urllib.request.urlopen(f"{base}/api/v1/briefs/{places[0]}.json", timeout=120) as r:
            r.read()
        first = time.perf_counter() - t0
        times = []
        for ags in places:
            t0 = time.perf_counter()
            with urllib.request.urlopen(f"{base}/api/v1/briefs/{ags}.de.pdf", timeout=60) as r:
                size = len(r.read())
            times.append(time.perf_counter() - t0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(
        f"one brief PDF via the web server (warm: after one brief's data, {first:.2f} s; "
        f"each place's PDF requested once): median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s, {size:,} bytes (target well under 1 s)"
    )


def bench_all_core(exe: Path, db: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), _child_cpu()
        done = subprocess.run(
            [str(exe), "brief", "--all-core", "-o", tmp, "--workers", "2", "--db", db],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - t0, _child_cpu() - c0
        files = list(Path(tmp).glob("*.pdf"))
    status = "ok" if done.returncode == 0 else f"failed: {done.stderr[-300:]}"
    print(
        f"all core-region briefs: {len(files)} PDFs in {seconds:.0f} s wall with 2 workers, "
        f"{cpu:.0f} s CPU ({status}; target < 5 min)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--places", type=int, default=8, help="places for the CLI and web briefs")
    ap.add_argument("--skip-all-core", action="store_true")
    args = ap.parse_args()
    from regionatlas.region import load_region
    from regionatlas.store import open_store

    region = load_region(DEFAULT_REGION)
    store = open_store(args.db, create=False)
    print(f"store: {args.db}; {_load()}")
    bench_recompute(store, region, args.repeat)
    places = sample_places(store, region, args.places)
    store.close()
    exe = Path(sys.executable).with_name("regionatlas")
    bench_cli(exe, args.db, places)
    bench_web(exe, args.db, places)
    if not args.skip_all_core:
        bench_all_core(exe, args.db)
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()
