"""Survey benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_surveys.py [--db var/regionatlas.gpkg] [--responses 10000]

* the region's measured side (municipal flows, lookups) – once per process / web app;
* SYNTHETIC responses: generating N firms' responses as a LimeSurvey export;
* importing that export (read, check every row, one transaction) into a fresh platform
  database;
* all analyses (per question overall and by state/district/sector, all perceived-vs-measured
  comparisons) for N firms' and N municipalities' responses;
* the form page (personal token links, GET) for 50 concurrent respondents on loopback:
  each respondent loads the page, then reads and answers for ``--think`` seconds (default
  2 s, far less than a person needs) before the next load – p50/p95/max of the page loads;
  and, as a stress figure, 50 connections asking back to back without any pause.

Times are wall clock and CPU time of this process (the development machine is shared, so the
wall clock also holds waiting for other processes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import api_load
from regionatlas.platform.db import Database
from regionatlas.platform.surveys import service
from regionatlas.platform.surveys.questionnaire import shipped
from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION
from regionatlas.store import open_store
from regionatlas.workflows import surveys as ws


def timed(label: str, fn, *args, **kw):
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    print(f"{label}: {time.perf_counter() - t:.2f} s (CPU {time.process_time() - c:.2f} s)")
    return out


async def respondents(base: str, paths: list[str], rounds: int, think: float) -> dict:
    """One keep-alive connection per respondent: load, think, load again (``rounds`` times);
    start times spread over one think period. A minimal HTTP/1.1 client (as bench_web's)."""
    host, port = base.removeprefix("http://").split(":")
    length = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(k: int, path: str) -> None:
        await asyncio.sleep(think * k / len(paths))
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(rounds):
                t = time.perf_counter()
                writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                m = length.search(head)
                await reader.readexactly(int(m.group(1)) if m else 0)
                latencies.append((time.perf_counter() - t) * 1000)
                status = int(head.split(b" ", 2)[1])
                statuses[status] = statuses.get(status, 0) + 1
                await asyncio.sleep(think)
        finally:
            writer.close()

    await asyncio.gather(*(one(k, p) for k, p in enumerate(paths)))
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": latencies[len(latencies) // 2],
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "max_ms": latencies[-1],
        "statuses": statuses,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--region", default=str(DEFAULT_REGION))
    ap.add_argument("--responses", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--think", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    store = open_store(args.db)
    region = load_region(args.region)
    ctx = timed("region context (municipal flows, LMA attempt)", ws.region_context, store, region)
    timed("flow lookups (once per app)", lambda: (ctx.index, ctx.pindex))
    print(
        f"  measured basis: {ctx.basis}; {len(ctx.places)} municipalities, {len(ctx.flows)} flows"
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-surveys-"))
    db = Database(f"sqlite:///{tmp / 'platform.sqlite'}")
    db.upgrade()
    places = set(ctx.places.index)
    n = args.responses
    for qid in ("firms", "municipalities"):
        qn = shipped(qid)
        text = timed(f"synthetic {n} {qid} responses (CSV)", ws.synthetic_csv, qn, ctx, n, 1)
        data = text.encode()
        print(f"  {len(data) / 1e6:.1f} MB")
        timed(
            f"import {n} LimeSurvey {qid} responses (check + one transaction)",
            ws.import_limesurvey, db, places, qid, data, f"{qid}.csv",
        )  # fmt: skip
    with db.session() as s:
        loaded = {
            q: service.complete_answers(s, service.get(s, q)) for q in ("firms", "municipalities")
        }
    for q, responses in loaded.items():
        res = timed(f"all analyses of {n} {q} responses", ws.analyse, responses, ctx)
        print(f"  {len(res.questions)} result rows, {len(res.comparisons)} comparisons")
    # form page under load: the server in its own process (as in production), not sharing
    # this process' interpreter lock with the load generator
    with db.session() as s:
        survey = service.create_survey(s, "bench", "firms", mode="invite")
        tokens = [service._new_invitation(s, survey, "invite")[1] for _ in range(args.concurrency)]
    db.dispose()
    base, proc = serve_process(args.db, args.region, f"sqlite:///{tmp / 'platform.sqlite'}")
    try:
        paths = [f"/de/platform/surveys/bench/t/{t}" for t in tokens]
        httpx.get(base + paths[0], timeout=300)  # the place list is built on first use
        time.sleep(float(os.environ.get("BENCH_SETTLE", "10")))  # the atlas' start-up warm-up
        res = asyncio.run(respondents(base, paths, args.rounds, args.think))
        print(
            f"form page (token link), {args.concurrency} respondents, {args.think:g} s between "
            f"loads, {res['requests']} loads: p50 {res['p50_ms']:.1f} ms, "
            f"p95 {res['p95_ms']:.1f} ms, max {res['max_ms']:.1f} ms, statuses {res['statuses']}"
        )
        res = asyncio.run(api_load(base, paths, args.requests, args.concurrency))
        print(
            f"form page stress: {args.concurrency} connections back to back, "
            f"{res['requests']:.0f} requests: p50 {res['p50_ms']:.1f} ms, "
            f"p95 {res['p95_ms']:.1f} ms ({res['req_per_s']:.0f} requests/s)"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def serve_process(db: str, region: str, platform_url: str) -> tuple[str, subprocess.Popen]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cmd = [str(Path(sys.executable).parent / "regionatlas"), "serve", "--db", db, "--region",
           region, "--port", str(port), "--platform-url", platform_url]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/v1/meta.json", timeout=30).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    return base, proc


if __name__ == "__main__":
    main()
