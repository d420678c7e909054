"""Cold start and load of the web atlas, one uvicorn worker: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_load.py [--db var/regionatlas.gpkg] [--seconds 20]

Needs ``wrk`` (Debian package ``wrk``: ``apt-get install wrk``); this script installs
nothing. It serves the atlas with ``regionatlas serve`` in a subprocess (one worker, an empty
cache directory, as on a fresh machine), and once the server accepts connections ("ready":
uvicorn listens only after the app's start-up, which includes the cache warm-up) measures

* cold: the first request to every path, one after the other (ms per path, the slowest
  listed), on a fresh server;
* arrival: on another fresh server, 50 clients arriving together, each asking for a
  different path (p50/p95/max);
* warm: ``wrk`` with 50 keep-alive connections rotating over every path (2 threads, the
  client on the same 2-core machine), requests/s and latency percentiles.

The paths: every page (both languages) and one URL of every GET API route, downloads in
every format included. The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION

API = "/api/v1"
WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end
"""


def every_path(base: str) -> list[str]:
    """One URL of every GET route and every page, read from the running app's own API."""
    with httpx.Client(base_url=base, timeout=120) as c:
        units = c.get(f"{API}/units.json").json()
        inds = [i for i in c.get(f"{API}/indicators.json").json() if i["periods"] and i["levels"]]
        flows = c.get(f"{API}/flows.json").json() if c.get(f"{API}/flows.json").is_success else {}

    def middle(level: str) -> str:  # not the first: the warm-up prepares that one
        keys = [u["ags"] for u in units if u["level"] == level]
        return keys[len(keys) // 2]

    kreis, gem, land = middle("kreis"), middle("gemeinde"), middle("land")
    ind = inds[0]
    lv, per = ind["levels"][-1], ind["periods"][-1]
    paths = []
    for lang in ("de", "en"):
        for page in (
            "",
            "flows/",
            "regions/",
            "scenarios/",
            "search/",
            "about/",
            "profile/region/",
        ):
            paths.append(f"/{lang}/{page}")
        paths += [
            f"/{lang}/profile/{kreis}/",
            f"/{lang}/profile/{gem}/",
            f"/{lang}/profile/{land}/",
        ]
    paths += [
        f"{API}/meta.json",
        f"{API}/units.json",
        f"{API}/units.json?level=kreis",
        f"{API}/units/{gem}.json",
        f"{API}/profiles/region.json",
        f"{API}/profiles/{kreis}.json",
        f"{API}/profiles/{gem}.json",
        f"{API}/search.json?q=kas",
        f"{API}/indicators.json",
        f"{API}/indicators/{ind['id']}.json",
        f"{API}/values/{ind['id']}/{lv}/{per}.json",
        f"{API}/maps/{ind['id']}/{lv}/{per}.geojson",
        f"{API}/geometry/land.geojson",
        f"{API}/geometry/kreis.geojson",
        f"{API}/geometry/gemeinde.geojson",
        f"{API}/outline.geojson",
        f"{API}/batches.json",
        f"{API}/batches/1.json",
        f"{API}/scenarios.json",
        f"{API}/openapi.json",
        "/api/docs",
    ]
    for fmt in ("csv", "excel.csv", "xlsx", "geojson", "gpkg"):
        paths.append(f"{API}/downloads/indicator/{ind['id']}/{lv}/{per}.{fmt}")
    if flows.get("periods"):
        fper = flows["periods"][-1]
        paths.append(f"{API}/flows.json")
        for flv in flows["levels"]:
            key = {"land": land, "kreis": kreis, "gemeinde": gem}[flv]
            paths += [
                f"{API}/flows/{flv}/{fper}.geojson",
                f"{API}/flows/{flv}/{fper}/compact.json",
                f"{API}/flows/{flv}/{fper}.json?min=500&cross=land",
                f"{API}/flows/{flv}/{fper}/units/{key}.json",
            ]
        paths += [
            f"{API}/regions/leiden/kreis/{fper}.json",
            f"{API}/regions/functional/lma.json",
            f"{API}/regions/functional/leiden.json",
            f"{API}/regions/functional/catchments.json",
            f"{API}/regions/functional/central-places.json",
        ]
        for fmt in ("csv", "excel.csv", "xlsx", "geojson", "gpkg"):
            paths.append(f"{API}/downloads/flows/kreis/{fper}.{fmt}")
    return paths


def _has_cache_dir_option() -> bool:
    exe = str(Path(sys.executable).parent / "regionatlas")
    return (
        "--cache-dir"
        in subprocess.run([exe, "serve", "--help"], capture_output=True, text=True).stdout
    )


def serve(db: str, region: str, cache_dir: Path) -> tuple[str, subprocess.Popen, float]:
    """Start ``regionatlas serve``; returns (base URL, process, seconds until ready)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [str(Path(sys.executable).parent / "regionatlas"), "serve", "--db", db]
    cmd += ["--region", region, "--port", str(port)]
    if _has_cache_dir_option():  # older versions (for a baseline) lack it
        cmd += ["--cache-dir", str(cache_dir)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    while time.perf_counter() - t0 < 600:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"http://127.0.0.1:{port}", proc, time.perf_counter() - t0
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}") from None
            time.sleep(0.05)
    proc.kill()
    raise TimeoutError("server not ready within 600 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def cold_sequential(base: str, paths: list[str]) -> dict[str, float]:
    out = {}
    with httpx.Client(base_url=base, timeout=120) as c:
        for p in paths:
            t = time.perf_counter()
            r = c.get(p, headers={"Accept-Encoding": "gzip"})
            out[p] = (time.perf_counter() - t) * 1000
            if r.status_code != 200:
                print(f"  {p}: status {r.status_code}")
    return out


async def arrival(base: str, paths: list[str], clients: int) -> list[float]:
    """``clients`` requests sent at the same moment, each to another path (rotating)."""
    async with httpx.AsyncClient(
        base_url=base, timeout=120, limits=httpx.Limits(max_connections=clients)
    ) as c:

        async def one(p: str) -> float:
            t = time.perf_counter()
            await c.get(p, headers={"Accept-Encoding": "gzip"})
            return (time.perf_counter() - t) * 1000

        return await asyncio.gather(*(one(paths[i % len(paths)]) for i in range(clients)))


def run_wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        script = fh.name
    try:
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, base]
        text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    res = {"req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        res[f"p{pct}_ms"] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    res["non_2xx"] = int(errors.group(1)) if errors else 0
    return res


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--region", default=str(DEFAULT_REGION))
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=50)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_load needs wrk: apt-get install wrk (Debian package)")
    print(f"load average (1, 5, 15 min) at start: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        base, proc, ready = serve(args.db, args.region, Path(tmp) / "cache")
        try:
            paths = every_path(base)  # asks the warm server: fine, the cold run is next
        finally:
            stop(proc)
    with tempfile.TemporaryDirectory() as tmp:
        base, proc, ready = serve(args.db, args.region, Path(tmp) / "cache")
        try:
            cold = cold_sequential(base, paths)
        finally:
            stop(proc)
        print(f"ready after {ready:.1f} s (empty cache directory, warm-up included)")
        slow = sorted(cold.items(), key=lambda kv: -kv[1])
        print(
            f"cold: first request to each of {len(paths)} paths: max {slow[0][1]:.0f} ms, "
            f"median {statistics.median(cold.values()):.0f} ms, "
            f"{sum(v >= 300 for v in cold.values())} at or over 300 ms"
        )
        for p, ms in slow[:8]:
            print(f"  {ms:7.0f} ms  {p}")
        base, proc, ready = serve(args.db, args.region, Path(tmp) / "cache")
        try:
            lat = sorted(asyncio.run(arrival(base, paths, args.connections)))
            print(
                f"arrival: {args.connections} clients at once right after ready (restart, "
                f"cache file present; ready after {ready:.1f} s): p50 {statistics.median(lat):.0f}"
                f" ms, p95 {lat[int(len(lat) * 0.95) - 1]:.0f} ms, max {lat[-1]:.0f} ms"
            )
            res = run_wrk(base, paths, args.seconds, args.connections)
            print(
                f"warm (wrk, {args.connections} keep-alive connections over {len(paths)} paths, "
                f"{args.seconds} s, 1 worker): {res['req_per_s']:.0f} req/s, p50 "
                f"{res['p50_ms']:.1f} ms, p75 {res['p75_ms']:.1f} ms, p90 {res['p90_ms']:.1f} ms,"
                f" p99 {res['p99_ms']:.1f} ms, non-2xx {res['non_2xx']}"
            )
        finally:
            stop(proc)
    print(f"load average (1, 5, 15 min) at end: {load()}")


if __name__ == "__main__":
    main()
