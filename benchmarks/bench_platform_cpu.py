"""CPU time per forum-page request (process CPU, not wall time: meaningful on a loaded
machine), in-process through the ASGI app: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_platform_cpu.py [--rounds 6] [--threads 60]

* ``hit``: anonymous readers answered from the public page cache (the fast path);
* ``render``: the page cache emptied before every request, so every thread page is rendered
  (the cost after any audited change, which invalidates every cached page).

A fresh SQLite platform database with a small synthetic population (200 accounts, 2,000
posts). Figures include the test client's own CPU (about 2–3 ms per request). Profile one
path with ``py-spy record --format raw -- python benchmarks/bench_platform_cpu.py``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from regionatlas.platform.db import Database
from regionatlas.platform.mail import Mailer
from regionatlas.platform.models import Thread
from regionatlas.platform.seed import seed
from regionatlas.platform.synthetic import populate
from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION
from regionatlas.web.app import create_app
from regionatlas.web.platform.context import PlatformConfig


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--threads", type=int, default=60)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-platform-cpu-"))
    db = Database(f"sqlite:///{tmp / 'platform.sqlite'}")
    db.upgrade()
    with db.session() as s:
        seed(s)
        populate(s, accounts=200, posts=2000)
    with db.session() as s:
        ids = [t.id for t in s.query(Thread).order_by(Thread.id).limit(args.threads)]
    cfg = PlatformConfig(
        db=db,
        mailer=Mailer(host="127.0.0.1", port=1, sender="bench@example.org"),
        uploads_dir=tmp / "uploads",
        base_url="http://bench",
    )
    app = create_app(str(DEFAULT_DB), DEFAULT_REGION, platform=cfg)
    paths = [f"/de/platform/threads/{i}/" for i in ids]
    with TestClient(app) as client:
        for p in paths:  # warm-up: templates, caches, connections
            client.get(p)
        for mode in ("hit", "render"):
            cpu0, wall0, n = time.process_time(), time.perf_counter(), 0
            for _ in range(args.rounds):
                for p in paths:
                    if mode == "render":
                        cfg.page_cache.clear()
                    client.cookies.clear()
                    assert client.get(p).status_code == 200
                    n += 1
            cpu = (time.process_time() - cpu0) / n * 1000
            wall = (time.perf_counter() - wall0) / n * 1000
            print(f"{mode:>6}: {n} requests, CPU {cpu:.2f} ms/request, wall {wall:.2f} ms/request")
    db.dispose()


if __name__ == "__main__":
    main()
