"""API conditional requests: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_api_cache.py [--db var/regionatlas.gpkg] [--n 200]

For a few API answers of the region's store, served by uvicorn on loopback (one process,
in-thread), the median and p95 latency and the bytes of a full answer (200, gzip accepted)
against a revalidation with the answer's ETag (304, no body), sequential requests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from regionatlas.settings import load_settings
from regionatlas.web.app import create_app
from regionatlas.web.serving import serving

PATHS = (
    "/api/v1/meta.json",
    "/api/v1/geometry/gemeinde.geojson",
    "/api/v1/values/population/gemeinde/latest.json",
    "/api/v1/flows/kreis/latest/compact.json",
)


def _times(client: httpx.Client, url: str, n: int, headers: dict[str, str]) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(url, headers=headers)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("var/regionatlas.gpkg"))
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    settings = load_settings(db=args.db)
    app = create_app(settings.database_url, settings.region_file)
    with serving(app) as base, httpx.Client(base_url=base, timeout=120) as client:
        for path in PATHS:
            first = client.get(path, headers={"accept-encoding": "gzip"})  # warms the cache
            if first.status_code != 200:
                print(f"{path}: {first.status_code}, skipped")
                continue
            etag = first.headers["etag"]
            full = _times(client, path, args.n, {"accept-encoding": "gzip"})
            cond = _times(client, path, args.n, {"accept-encoding": "gzip", "if-none-match": etag})
            size = int(first.headers.get("content-length", len(first.content)))
            print(
                f"{path}: 200 median {statistics.median(full):.2f} ms, "
                f"p95 {statistics.quantiles(full, n=20)[-1]:.2f} ms, {size:,} bytes | "
                f"304 median {statistics.median(cond):.2f} ms, "
                f"p95 {statistics.quantiles(cond, n=20)[-1]:.2f} ms, 0 bytes"
            )


if __name__ == "__main__":
    main()
