"""Forum (platform) load benchmark with wrk: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_platform.py            # the issue #12 figures
        [--workers 1] [--seconds 20] [--connections 50] [--think 1000] [--logins 20]
        [--db var/regionatlas.gpkg] [--platform-url sqlite:///…|postgresql://…]

Needs ``wrk`` (Debian package ``wrk``); this script installs nothing.

* A fresh platform database (a temporary SQLite file unless ``--platform-url``) with the
  seeded working groups and a synthetic, deterministic population
  (``regionatlas.platform.synthetic``: 1,000 accounts, 10,000 posts in 400 threads, every
  name and text labelled "synthetisch / synthetic").
* The server as in production: ``regionatlas serve --workers N`` in its own process (uvloop
  and httptools when installed), measured once every worker has finished its start-up
  warm-up (the server's CPU has gone quiet).
* The URL mix: every public page of the forum in both languages – the start page, every
  page of every working group's thread list, every page of all 400 threads, events list and
  every event, the timeline, the actors directory and every organisation (the same list the
  start-up warm-up renders, ``web.platform.warmup.public_paths``), in a fixed shuffled order.
* Runs, each labelled in the output:
  - ``warm``: 50 closed-loop readers (wrk keep-alive connections) for ``--seconds``;
  - ``cold``: right after a write that changes every page (a working group renamed: it is
    in every page's navigation), every page of the mix once by the same 50 connections –
    every answer a first render (no req/s: wrk waits out ``--cold-seconds`` after the last
    answer; fewer requests than pages means the time was too short);
  - ``mixed``: 50 closed-loop readers for ``--mixed-seconds`` while a logged-in synthetic
    member posts a reply over HTTP every ``--write-every`` s to a thread of one of their
    groups (scoped invalidation: only that thread's pages, its group's pages, the start page
    and the group list become stale; web/platform/content_scopes.py); prints the number of
    writes and their latency too (``--mixed-writes site-wide``: each write makes every page
    stale instead, as every write did before scoped invalidation);
  - ``readers with think time``: the connections pause 0–2×``--think`` ms (mean
    ``--think``) between pages, as people reading;
  each with requests/s, p50/p95/p99/max latency, non-2xx answers and the server's CPU time
  per request (all its processes; meaningful on a loaded machine, unlike wall time).
* Login (POST with CSRF, Argon2id verify, session row) one after another: median/p95, with
  the Argon2id parameters.

The machine's load average is printed at start and end: other processes share the cores,
and latencies scale with the share the server gets.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from regionatlas.platform.db import Database
from regionatlas.platform.security import ARGON2
from regionatlas.platform.seed import seed
from regionatlas.platform.synthetic import PASSWORD, populate
from regionatlas.settings import DEFAULT_DB
from regionatlas.web.platform.warmup import public_paths

WRK_SCRIPT = """
paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
once = %(once)s          -- cold run: every path once, shared out between the threads
think = %(think)d        -- mean pause between a connection's requests (ms)
id, threads, counter, answered, share = 0, 1, 0, 0, #paths
local made, all = 0, {}
hits = 0                 -- answers from the page cache (X-Cache: hit)
function setup(thread)
  thread:set("id", made)
  made = made + 1
  all[#all + 1] = thread
end
function init(args)
  threads = tonumber(args[1]) or 1
  share = math.floor((#paths - id - 1) / threads) + 1
  math.randomseed(7 + id)
end
function request()
  local i = (id + counter * threads) %% #paths
  counter = counter + 1
  return wrk.format("GET", paths[i + 1], {["Accept-Encoding"] = "gzip"})
end
function response(status, headers, body)
  answered = answered + 1
  if headers["x-cache"] == "hit" or headers["X-Cache"] == "hit" then hits = hits + 1 end
  if once and answered >= share then wrk.thread:stop() end
end
function delay()
  if think > 0 then return math.random(0, 2 * think) end
  return 0
end
function done(summary, latency, requests)
  local cached = 0
  for _, t in ipairs(all) do cached = cached + (t:get("hits") or 0) end
  io.write(string.format("RESULT requests=%%d seconds=%%.3f non2xx=%%d errors=%%d hits=%%d "
    .. "p50=%%.3f p95=%%.3f p99=%%.3f max=%%.3f\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    cached,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw.rsplit(")", 1)[1].split()
            stats[int(entry)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            total += (int(stats[p][11]) + int(stats[p][12])) / tick
        todo += children.get(p, [])
    return total


@contextmanager
def server(store: str, platform_url: str, workers: int):
    """``regionatlas serve`` in its own process; yields (base URL, pid) once it answers and
    its workers' start-up warm-ups are done (the server's CPU use has gone quiet)."""
    port = free_port()
    exe = str(Path(sys.executable).parent / "regionatlas")
    cmd = [exe, "serve", "--db", store, "--platform-url", platform_url]
    cmd += ["--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "REGIONATLAS_PLATFORM_SCHEMA": "bench_platform"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            if time.perf_counter() - t0 > 600:
                raise TimeoutError("server not ready within 600 s")
            try:
                if httpx.get(base + "/de/platform/", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        answered = time.perf_counter() - t0
        before = tree_cpu(proc.pid)
        while True:  # every worker warms up on its own; wait until none is busy
            time.sleep(2)
            now = tree_cpu(proc.pid)
            if now - before < 0.1:
                break
            before = now
        print(
            f"server: regionatlas serve --workers {workers}: first answer after {answered:.1f} s,"
            f" all workers warmed up after {time.perf_counter() - t0:.1f} s"
        )
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run_wrk(
    base: str,
    pid: int,
    paths_file: Path,
    *,
    label: str,
    seconds: int,
    connections: int,
    once: bool = False,
    think: int = 0,
) -> None:
    script = paths_file.with_suffix(".lua")
    script.write_text(
        WRK_SCRIPT % {"paths": paths_file, "once": "true" if once else "false", "think": think}
    )
    threads = 2
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    cmd += ["-s", str(script), base, "--", str(threads)]
    cpu0 = tree_cpu(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu = tree_cpu(pid) - cpu0
    found = re.search(r"^RESULT (.*)$", out, re.M)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    r = {k: float(v) for k, v in (kv.split("=") for kv in found.group(1).split())}
    n = max(r["requests"], 1)
    # a one-pass run ends when every page was answered, but wrk waits out its duration: no rate
    rate = "" if once else f", {r['requests'] / r['seconds']:.0f} req/s"
    took = "" if once else f" in {r['seconds']:.1f} s"
    print(
        f"{label}: {int(r['requests'])} requests{took}{rate}, p50 {r['p50']:.1f} ms, "
        f"p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, max {r['max']:.1f} ms, "
        f"non-2xx {int(r['non2xx'])}, socket errors {int(r['errors'])}, "
        f"from the cache {r['hits'] / n:.1%}; "
        f"server CPU {cpu / n * 1000:.2f} ms/request"
    )


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


def invalidate(db: Database) -> None:
    """An audited change of every page (a working group's name, shown in the navigation,
    edited and put back): every cached page is stale."""
    from sqlalchemy import select

    from regionatlas.platform.models import WorkingGroup

    with db.session() as s:
        group = s.scalar(select(WorkingGroup).order_by(WorkingGroup.id).limit(1))
        name = group.name_de
        group.name_de = name + " *"
        s.flush()
        group.name_de = name


def writer_threads(db: Database, email: str) -> list[int]:
    """The open threads the synthetic member ``email`` may reply to (their groups')."""
    from sqlalchemy import select

    from regionatlas.platform.models import Account, GroupMember, Thread

    with db.session() as s:
        return list(
            s.scalars(
                select(Thread.id)
                .join(GroupMember, GroupMember.group_id == Thread.group_id)
                .join(Account, Account.id == GroupMember.account_id)
                .where(Account.email == email, Thread.locked.is_(False), Thread.hidden.is_(False))
                .order_by(Thread.id)
            )
        )


class Writer(threading.Thread):
    """A logged-in synthetic member replying over HTTP every ``every`` seconds; ``site_wide``:
    instead a write that makes every page stale (``invalidate``, through the database) – what
    every write cost before scoped invalidation, for comparison."""

    def __init__(self, base: str, db: Database, every: float, site_wide: bool = False) -> None:
        super().__init__(daemon=True)
        self.base, self.db, self.every, self.site_wide = base, db, every, site_wide
        self.email = "synth0000@example.invalid"
        self.threads = writer_threads(db, self.email)
        self.stop = threading.Event()
        self.times: list[float] = []
        self.failed = 0

    def run(self) -> None:
        rnd = random.Random(11)
        with httpx.Client(base_url=self.base, timeout=60) as client:
            page = client.get("/de/platform/login/")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            data = {"email": self.email, "password": PASSWORD, "csrf_token": token}
            assert client.post("/de/platform/login/", data=data).status_code == 303
            thread = self.threads[0]
            page = client.get(f"/de/platform/threads/{thread}/")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            n = 0
            while not self.stop.wait(self.every):
                if self.site_wide:
                    t0 = time.perf_counter()
                    invalidate(self.db)
                    self.times.append((time.perf_counter() - t0) * 1000)
                    continue
                thread = rnd.choice(self.threads)
                n += 1
                body = f"synthetisch / synthetic: Antwort {n} im Lasttest"
                t0 = time.perf_counter()
                r = client.post(
                    f"/de/platform/threads/{thread}/reply",
                    data={"body": body, "csrf_token": token},
                )
                if r.status_code == 303:
                    self.times.append((time.perf_counter() - t0) * 1000)
                else:
                    self.failed += 1


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--platform-url", default=None)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--seconds", type=int, default=20, help="duration of the warm runs")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--cold-seconds", type=int, default=40, help="time allowed for the cold pass")
    ap.add_argument("--think", type=int, default=1000, help="mean think time (ms), 0: no run")
    ap.add_argument("--logins", type=int, default=20)
    ap.add_argument("--mixed-seconds", type=int, default=30, help="0: no mixed run")
    ap.add_argument("--write-every", type=float, default=2.0, help="seconds between replies")
    ap.add_argument(
        "--mixed-writes",
        choices=("reply", "site-wide"),
        default="reply",
        help="site-wide: the mixed run's writes make every page stale (for comparison)",
    )
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_platform needs wrk: apt-get install wrk (Debian package)")
    print(f"machine: {os.cpu_count()} cores, load average (1, 5, 15 min) at start: {load()}")

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
    paths = public_paths(db, 100_000)
    random.Random(7).shuffle(paths)
    paths_file = tmp / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    kinds = {k: sum(f"/platform/{k}" in p for p in paths) for k in ("groups/", "threads/")}
    print(
        f"URL mix: {len(paths)} public forum pages (DE and EN; {kinds['threads/']} thread "
        f"pages, {kinds['groups/']} working-group pages, the rest start page, events, "
        "timeline, actors)"
    )
    conns = args.connections
    with server(args.db, db.url, args.workers) as (base, pid):
        run_wrk(
            base,
            pid,
            paths_file,
            label=f"warm: {conns} readers, no think time, {args.seconds} s",
            seconds=args.seconds,
            connections=conns,
        )
        invalidate(db)
        run_wrk(
            base,
            pid,
            paths_file,
            label=(
                f"cold: after a site-wide write, each of the {len(paths)} pages once, "
                f"{conns} readers"
            ),
            seconds=args.cold_seconds,
            connections=conns,
            once=True,
        )
        if args.mixed_seconds > 0:  # the cold pass has cached every page again
            site_wide = args.mixed_writes == "site-wide"
            writer = Writer(base, db, args.write_every, site_wide)
            if not writer.threads:
                sys.exit("the synthetic member belongs to no working group with threads")
            writer.start()
            run_wrk(
                base,
                pid,
                paths_file,
                label=(
                    f"mixed: {conns} readers, no think time, {args.mixed_seconds} s, "
                    f"a {'site-wide write' if site_wide else 'reply'} every {args.write_every:g} s"
                ),
                seconds=args.mixed_seconds,
                connections=conns,
            )
            writer.stop.set()
            writer.join(timeout=60)
            wt = writer.times or [0.0]
            print(
                f"mixed: {len(writer.times)} writes ({writer.failed} failed): "
                + (
                    "site-wide, through the database"
                    if site_wide
                    else f"replies by {writer.email} over HTTP"
                )
                + f", write latency median {statistics.median(wt):.0f} ms, max {max(wt):.0f} ms"
            )
        if args.think > 0:
            run_wrk(
                base,
                pid,
                paths_file,
                label=(
                    f"readers with think time: {conns} readers pausing 0–{2 * args.think} ms "
                    f"between pages, {args.seconds} s"
                ),
                seconds=args.seconds,
                connections=conns,
                think=args.think,
            )
        lt = logins(base, args.logins)
        print(
            f"login (Argon2id {ARGON2}), {len(lt)} one after another: "
            f"median {statistics.median(lt):.0f} ms, p95 {pct(lt, 0.95):.0f} ms"
        )
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average (1, 5, 15 min) at end: {load()}")


if __name__ == "__main__":
    main()
