"""Profile pages benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_profiles.py [--db var/regionatlas.gpkg]

On a store built for the region (``regionatlas build``): time of the first profile request of
each kind in a fresh Atlas (cold: the municipal functional layers and the central-place
comparison are computed on the way), then the median over repeated renders (warm) of the
page and of the JSON profile, for a municipality, a district, a state and the whole region.
"""

from __future__ import annotations

import argparse
import statistics
import time

from regionatlas.settings import DEFAULT_DB, DEFAULT_REGION

CASES = {
    "municipality 06611000": "06611000",
    "district 06633": "06633",
    "state 06": "06",
    "region": "region",
}


def _page(atlas, key: str, lang: str = "de") -> str:
    from regionatlas.web.pages.profiles import profile_page_body, region_profile_page_body

    if key == "region":
        return region_profile_page_body(atlas, lang)
    return profile_page_body(atlas, lang, key)


def _data(atlas, key: str) -> dict:
    from regionatlas.web.profile import profile_data
    from regionatlas.web.profile_region import region_profile_data

    return region_profile_data(atlas) if key == "region" else profile_data(atlas, key)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    from regionatlas.web.atlas import Atlas

    print(f"store: {args.db}")
    for label, key in CASES.items():
        atlas = Atlas(args.db, DEFAULT_REGION)
        atlas.refresh(force=True)
        t0 = time.perf_counter()
        html = _page(atlas, key)
        cold = time.perf_counter() - t0
        page, data = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _page(atlas, key)
            page.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _data(atlas, key)
            data.append(time.perf_counter() - t0)
        atlas.close()
        print(
            f"{label:<24} cold page {cold * 1000:8.0f} ms | warm page median "
            f"{statistics.median(page) * 1000:6.1f} ms | warm data median "
            f"{statistics.median(data) * 1000:6.1f} ms | page {len(html) / 1024:6.0f} KiB"
        )


if __name__ == "__main__":
    main()
