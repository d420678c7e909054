"""Every GET answer of the atlas as a fingerprint, to show a refactoring changed none of them.

    .venv/bin/python benchmarks/api_snapshot.py --out before.json   # on the old code
    .venv/bin/python benchmarks/api_snapshot.py --compare before.json

Asks the app (in process, through ASGI) for every path of the static site (every page in
both languages, every profile, value table, flow table, functional layer and download) plus
the query-string variants of the API, and records status, content type and SHA-256 of each
body (JSON bodies canonicalised first: same data, same fingerprint). ``--compare`` prints
every path whose answer differs and exits 1 if any does. Prints figures; asserts nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION
from regionatlas.web.app import create_app
from regionatlas.web.export import urls

API = "/api/v1"


def query_paths(atlas) -> list[str]:
    """The API's query-string variants and error answers (not part of the static site)."""
    units = atlas.units()
    kreis = list(units.loc[units["level"] == "kreis", "ags"])[:3]
    gem = list(units.loc[units["level"] == "gemeinde", "ags"])[:3]
    paths = [
        f"{API}/units.json?level=kreis",
        f"{API}/units.json?level=gemeinde",
        f"{API}/search.json?q=kas",
        f"{API}/search.json?q=06&limit=5",
        f"{API}/search.json?q=g%C3%B6tt",
        f"{API}/units/99999.json",
        f"{API}/indicators/nope.json",
        f"{API}/scenarios.json",
        f"{API}/batches/1.json",
        f"{API}/regions/functional/lma.json?min_size=20000",
        "/api/docs",
        "/",
    ]
    inds = [i for i in atlas.indicators() if i["periods"] and i["levels"]][:3]
    for ind in inds:
        for lv in ind["levels"]:
            paths += [
                f"{API}/maps/{ind['id']}/{lv}/latest.geojson",
                f"{API}/maps/{ind['id']}/{lv}/latest.geojson?method=natural_breaks&k=4",
                f"{API}/maps/{ind['id']}/{lv}/latest.geojson?scheme=magma&k=3",
            ]
    if atlas.flow_periods():
        for lv in atlas.flow_levels():
            paths += [
                f"{API}/flows/{lv}/latest.json",
                f"{API}/flows/{lv}/latest.json?min=500&cross=land",
                f"{API}/flows/{lv}/latest.json?cross=kreis&limit=50",
            ]
        paths += [f"{API}/flows/kreis/latest/units/{k}.json" for k in kreis]
        paths += [f"{API}/flows/kreis/latest.json?unit={k}" for k in kreis]
        paths += [f"{API}/flows/gemeinde/latest/units/{g}.json?top=5" for g in gem]
    return paths


def fingerprint(body: bytes, content_type: str) -> str:
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(body).hexdigest()


def snapshot(db: str, region: str | None) -> dict[str, list]:
    app = create_app(db, Path(region) if region else None)
    out: dict[str, list] = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        atlas = app.state.atlas
        atlas.refresh()
        paths = list(dict.fromkeys([*urls(atlas), *query_paths(atlas)]))
        t0 = time.perf_counter()
        for path in paths:
            r = client.get(path, headers={"accept-encoding": "identity"})
            ctype = r.headers.get("content-type", "")
            out[path] = [r.status_code, ctype, fingerprint(r.content, ctype)]
        print(f"{len(paths)} answers in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--region", default=str(DEFAULT_REGION))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", type=Path)
    args = ap.parse_args()
    snap = snapshot(args.db, args.region)
    if args.out:
        args.out.write_text(json.dumps(snap, indent=0, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = sorted(p for p in before.keys() | snap.keys() if before.get(p) != snap.get(p))
        for p in differ:
            print(f"differs: {p}: {before.get(p)} -> {snap.get(p)}")
        print(f"{len(snap)} answers compared with {args.compare}: {len(differ)} differ")
        sys.exit(1 if differ else 0)
    print(f"{len(snap)} answers, {sum(1 for v in snap.values() if v[0] == 200)} with status 200")


if __name__ == "__main__":
    main()
