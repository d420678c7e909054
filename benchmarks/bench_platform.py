"""Platform benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_platform.py [--db var/regionatlas.gpkg]
        [--platform-url sqlite:///…|postgresql://…] [--requests 3000] [--concurrency 50]

* a fresh platform database (a temporary SQLite file unless ``--platform-url``) with the
  seeded working groups and a synthetic, deterministic population
  (``regionatlas.platform.synthetic``: 1,000 accounts, 10,000 posts in 400 threads, labelled
  synthetic);
* the app in its own ``uvicorn`` process (``--in-process``: in this interpreter);
* forum pages (working-group pages with their thread lists, thread pages with 25 posts)
  under ``--concurrency`` concurrent readers over HTTP on loopback: p50/p95/max;
* login (POST with CSRF, Argon2id verify, session row) one after another: median/p95, with
  the Argon2id parameters.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from regionatlas.platform.db import Database
from regionatlas.platform.mail import Mailer
from regionatlas.platform.security import ARGON2
from regionatlas.platform.seed import seed
from regionatlas.platform.synthetic import PASSWORD, populate
from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION
from regionatlas.web.app import create_app
from regionatlas.web.platform.context import PlatformConfig
from regionatlas.web.serving import serving


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


async def readers(base: str, paths: list[str], concurrency: int) -> list[float]:
    times: list[float] = []
    queue = list(paths)
    limits = httpx.Limits(max_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while queue:
                path = queue.pop()
                t0 = time.perf_counter()
                r = await client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (path, r.status_code)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times


def logins(base: str, n: int) -> list[float]:
    times = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(n):
            client.cookies.clear()
            page = client.get("/de/platform/login/")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            t0 = time.perf_counter()
            r = client.post(
                "/de/platform/login/",
                data={
                    "email": f"synth{i:04d}@example.invalid",
                    "password": PASSWORD,
                    "csrf_token": token,
                },
            )
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 303, r.status_code
    return times


@contextmanager
def server_process(store: str, platform_url: str, settle: float, workers: int = 1):
    """``uvicorn regionatlas.web.asgi:app`` in its own process (the readers do not share its
    interpreter); waits until it answers and its start-up warm-up has had ``settle`` s."""
    port = free_port()
    env = {
        **os.environ,
        "REGIONATLAS_DATABASE_URL": store,
        "REGIONATLAS_PLATFORM_URL": platform_url,
        "REGIONATLAS_PLATFORM_SCHEMA": "bench_platform",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "regionatlas.web.asgi:app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/de/platform/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        time.sleep(settle)
        print(f"(server: {workers} uvicorn worker(s) on {base}, {settle:.0f} s start-up warm-up)")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--platform-url", default=None)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--logins", type=int, default=20)
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="serve in this interpreter (readers and server share the GIL)",
    )
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="seconds for the server process' start-up warm-up",
    )
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-platform-"))
    db = Database(
        args.platform_url or f"sqlite:///{tmp / 'platform.sqlite'}", schema="bench_platform"
    )
    db.upgrade()
    t0 = time.perf_counter()
    with db.session() as s:
        seed(s)
        made = populate(s)
    print(
        f"synthetic population (deterministic, labelled synthetic): {made} "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    with db.session() as s:
        from sqlalchemy import select

        from regionatlas.platform.models import Thread, WorkingGroup

        slugs = list(s.scalars(select(WorkingGroup.slug)))
        threads = list(s.scalars(select(Thread.id)))
    rng = random.Random(7)
    paths = []
    for i in range(args.requests):
        if i % 2:
            paths.append(f"/de/platform/threads/{rng.choice(threads)}/")
        else:
            paths.append(f"/de/platform/groups/{rng.choice(slugs)}/?page={rng.randint(1, 3)}")

    if args.in_process:
        config = PlatformConfig(db=db, mailer=Mailer(), uploads_dir=tmp / "uploads")
        app = create_app(args.db, DEFAULT_REGION, platform=config)
        server = serving(app, timeout=120)
    else:
        server = server_process(args.db, db.url, args.settle, args.workers)
    with server as base:
        if args.in_process:
            t0 = time.perf_counter()
            app.state.atlas.warm()  # the atlas' start-up cache warm-up, not measured here
            print(f"(atlas cache warm-up finished after {time.perf_counter() - t0:.0f} s)")
        asyncio.run(readers(base, sorted(set(paths)), 10))  # every page once (cache)
        one = asyncio.run(readers(base, paths[:300], 1))
        print(f"forum pages, one reader: p50 {pct(one, 0.5):.1f} ms, p95 {pct(one, 0.95):.1f} ms")
        t0 = time.perf_counter()
        times = asyncio.run(readers(base, paths, args.concurrency))
        wall = time.perf_counter() - t0
        print(
            f"forum pages, {len(times)} requests, {args.concurrency} concurrent readers: "
            f"p50 {pct(times, 0.5):.1f} ms, p95 {pct(times, 0.95):.1f} ms, "
            f"max {max(times):.1f} ms, {len(times) / wall:.0f} req/s"
        )
        lt = logins(base, args.logins)
        print(
            f"login (Argon2id {ARGON2}), {len(lt)} one after another: "
            f"median {statistics.median(lt):.0f} ms, p95 {pct(lt, 0.95):.0f} ms"
        )
    db.dispose()
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} (other processes share "
        "the cores; figures scale with the share this process gets)"
    )


if __name__ == "__main__":
    main()
