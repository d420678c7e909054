"""Web atlas benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_web.py [--db var/regionatlas.gpkg] [--germany FILE.gpkg]

* first map render of the start page in headless Debian chromium (software WebGL, as in the
  tests): navigation start -> first frame with the choropleth (``atlas:first-paint``) and ->
  map idle, each in a fresh browser context (empty cache), median of several runs;
* bytes transferred for the start page (HTML + CSS + JS + data, compressed as sent);
* API latency at 50 concurrent requests on loopback (p50/p95/max over a bounded number of
  requests spread over the main endpoints);
* the regions page's municipal layers (LMA, Leiden, catchments, central places): latency of
  the first request right after start-up (the warm-up runs before the server is ready), with
  an empty cache directory and after a restart (cache file); cold and load figures for every
  path: ``bench_load.py``;
* with ``--germany``: the same first-render figures for a store holding all of Germany at
  municipality level (e.g. the synthetic Germany), the app showing every unit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION
from regionatlas.web.app import create_app
from regionatlas.web.serving import serving

# the in-thread server's start-up (lifespan; the cache warm-up runs in the background)
SERVE_TIMEOUT = 120.0

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve_process(db: str, region: str, workers: int = 1) -> tuple[str, subprocess.Popen]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cmd = [
        str(Path(sys.executable).parent / "regionatlas"),
        "serve",
        "--db",
        db,
        "--region",
        region,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/v1/meta.json", timeout=30).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    time.sleep(3 + 2 * workers)  # the background warm-up of each worker
    return base, proc


def wait_warm(app, timeout: float = 120) -> float:
    """The warm-up runs before the server reports ready (web.warmup); run it once more here
    (everything cached returns at once) and return how long that took."""
    from regionatlas.web import warmup

    t0 = time.perf_counter()
    warmup.warm(app.state.atlas)
    return time.perf_counter() - t0


def first_render(base: str, path: str, runs: int, settle_ms: int = 0) -> dict[str, float]:
    """Navigation -> marks, each run in a new browser context (empty cache). ``settle_ms`` > 0:
    the context's window is opened (about:blank) that long before navigating, so that the
    browser's own set-up of a new window (its UI renderer, ~0.5 s of CPU in this chromium)
    does not run alongside the page; the cache stays empty."""
    from playwright.sync_api import sync_playwright

    firsts, idles, sizes = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            if settle_ms:
                page.goto("about:blank")
                page.wait_for_timeout(settle_ms)
            page.goto(base + path)
            # a selector, not an evaluated string: the app's CSP allows no eval
            page.wait_for_selector(
                "body[data-map-ready]:not([data-map-ready=''])", state="attached", timeout=60_000
            )
            page.wait_for_timeout(200)
            marks = page.evaluate(
                "() => Object.fromEntries(performance.getEntriesByType('mark')"
                ".map(m => [m.name, m.startTime]))"
            )
            size = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0].transferSize + "
                "performance.getEntriesByType('resource').reduce((a, r) => a + r.transferSize, 0)"
            )
            firsts.append(marks.get("atlas:first-paint", marks["atlas:idle"]))
            idles.append(marks["atlas:idle"])
            sizes.append(size)
            ctx.close()
        browser.close()
    return {
        "first_paint_runs": firsts,
        "first_paint_ms": statistics.median(firsts),
        "idle_ms": statistics.median(idles),
        "transfer_bytes": statistics.median(sizes),
    }


async def api_load(base: str, paths: list[str], total: int, concurrency: int) -> dict[str, float]:
    """``concurrency`` keep-alive connections, each sending its next request as soon as the last
    answer is in, until ``total`` requests are done. A minimal HTTP/1.1 client on asyncio
    streams: a Python HTTP library's own overhead would dominate the figures."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(paths[i % len(paths)])
    length = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)

    async def get(reader, writer, path: str) -> int:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        m = length.search(head)
        if m is None:
            raise RuntimeError(f"{path}: no content-length in {head[:200]!r}")
        await reader.readexactly(int(m.group(1)))
        return int(head.split(b" ", 2)[1])

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t = time.perf_counter()
                status = await get(reader, writer, path)
                latencies.append((time.perf_counter() - t) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    reader, writer = await asyncio.open_connection(host, int(port))
    for p in paths:  # one warm-up pass (caches), not timed
        await get(reader, writer, p)
    writer.close()
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": latencies[len(latencies) // 2],
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "max_ms": latencies[-1],
        "req_per_s": len(latencies) / wall,
        "statuses": statuses,
    }


def api_paths(atlas) -> list[str]:
    units = atlas.units()
    kreise = list(units.loc[units["level"] == "kreis", "ags"])[:10]
    gem = list(units.loc[units["level"] == "gemeinde", "ags"])[:20]
    inds = [i for i in atlas.indicators() if i["periods"] and i["levels"]][:5]
    a = "/api/v1"
    paths = [f"{a}/meta.json", f"{a}/units.json", f"{a}/indicators.json", f"{a}/search.json?q=kas"]
    for ind in inds:
        for lv in ind["levels"]:
            paths.append(f"{a}/values/{ind['id']}/{lv}/latest.json")
    paths += [f"{a}/units/{g}.json" for g in gem]
    paths += [f"{a}/profiles/{k}.json" for k in kreise]
    if atlas.flow_periods():
        paths += [f"{a}/flows/kreis/latest.json?min=500&cross=land"]
        paths += [f"{a}/flows/kreis/latest/units/{k}.json" for k in kreise]
    paths += [f"{a}/units/99999.json"]  # an error answer is part of the mix
    return paths


LAYER_PATHS = [
    "/de/regions/",
    "/api/v1/regions/functional/lma.json",
    "/api/v1/regions/functional/leiden.json",
    "/api/v1/regions/functional/catchments.json",
    "/api/v1/regions/functional/central-places.json",
]


def layer_latency(db: str, region: str, cache_dir: Path, wait: bool) -> dict[str, float]:
    """Start the app; request the regions page and its layers at once (or after the warm-up
    finished); milliseconds per request, in order."""
    app = create_app(db, Path(region), cache_dir)
    t0 = time.perf_counter()
    with serving(app, timeout=SERVE_TIMEOUT) as base:
        if wait:
            wait_warm(app)
        out = {"start_s": time.perf_counter() - t0}
        with httpx.Client(base_url=base, timeout=120) as c:
            for path in LAYER_PATHS:
                t = time.perf_counter()
                r = c.get(path)
                out[path] = (time.perf_counter() - t) * 1000
                if r.status_code != 200:
                    out[path] = float("nan")
        wait_warm(app)  # the warm-up writes the cache file at its end
    return out


def print_layers(label: str, res: dict[str, float]) -> None:
    parts = ", ".join(
        f"{p.rstrip('/').rsplit('/', 1)[-1].removesuffix('.json')} {ms:.0f} ms"
        for p, ms in res.items()
        if p != "start_s"
    )
    print(f"regions page + municipal layers, {label}: {parts}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--region", default=str(DEFAULT_REGION))
    ap.add_argument("--germany", help="a store with all of Germany (e.g. synthetic)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--skip", nargs="*", default=[], choices=["render", "api", "layers"])
    args = ap.parse_args()
    # the figures depend on what else runs on the machine (2 cores here): say so
    print("load average (1, 5, 15 min) at start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    if "layers" not in args.skip:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cold = layer_latency(args.db, args.region, Path(tmp), wait=False)
            print_layers("first requests right after start-up, empty cache directory", cold)
            hot = layer_latency(args.db, args.region, Path(tmp), wait=False)
            print_layers("first requests right after a restart (cache file)", hot)
            warm = layer_latency(args.db, args.region, Path(tmp), wait=True)
            print_layers("first requests after the start-up warm-up", warm)

    app = create_app(args.db, Path(args.region))
    t0 = time.perf_counter()
    with serving(app, timeout=SERVE_TIMEOUT) as base:
        warm = wait_warm(app)
        print(
            f"store {args.db}: server start + cache warm-up {time.perf_counter() - t0:.1f} s "
            f"(warm-up {warm:.1f} s)"
        )
        if "render" not in args.skip:
            r = first_render(base, "/de/", args.runs)
            print(
                f"start page /de/ (region, municipalities): first paint {r['first_paint_ms']:.0f} "
                f"ms (runs {', '.join(f'{x:.0f}' for x in r['first_paint_runs'])}), map idle "
                f"{r['idle_ms']:.0f} ms, transferred {r['transfer_bytes'] / 1024:.0f} KiB "
                f"(median of {args.runs}, fresh browser context each)"
            )
            s = first_render(base, "/de/", args.runs, settle_ms=1000)
            print(
                f"start page /de/, window opened 1 s before navigating (still empty cache): first "
                f"paint {s['first_paint_ms']:.0f} ms (runs "
                f"{', '.join(f'{x:.0f}' for x in s['first_paint_runs'])})"
            )
            f = first_render(base, "/de/flows/", args.runs)
            print(
                f"flow map /de/flows/: first frame {f['first_paint_ms']:.0f} ms, map idle "
                f"{f['idle_ms']:.0f} ms, transferred {f['transfer_bytes'] / 1024:.0f} KiB"
            )
        paths = api_paths(app.state.atlas)
    # the load generator must not share the server's interpreter (GIL): serve in a subprocess
    for workers in (1, 2) if "api" not in args.skip else ():
        base, proc = serve_process(args.db, args.region, workers)
        try:
            res = asyncio.run(api_load(base, paths, args.requests, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        print(
            f"API (uvicorn, {workers} worker process(es)), {res['requests']} requests at "
            f"{args.concurrency} concurrent: p50 {res['p50_ms']:.1f} ms, p95 {res['p95_ms']:.1f} "
            f"ms, max {res['max_ms']:.1f} ms, {res['req_per_s']:.0f} req/s, "
            f"statuses {res['statuses']}"
        )

    if args.germany:
        app = create_app(args.germany, None)
        t0 = time.perf_counter()
        with serving(app, timeout=SERVE_TIMEOUT) as base:
            wait_warm(app, timeout=600)
            n = int((app.state.atlas.units()["level"] == "gemeinde").sum())
            print(
                f"Germany store {args.germany}: {n} municipalities, warm-up "
                f"{time.perf_counter() - t0:.1f} s"
            )
            g = first_render(base, "/de/#l=gemeinde", args.runs)
            print(
                f"Germany municipality map: first paint {g['first_paint_ms']:.0f} ms, map idle "
                f"{g['idle_ms']:.0f} ms, transferred {g['transfer_bytes'] / 1024:.0f} KiB"
            )

    print("load average (1, 5, 15 min) at end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
