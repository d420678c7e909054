"""Central-place comparison at national size on SYNTHETIC data (no official figures).

    .venv/bin/python benchmarks/bench_central_places.py [--places 10800] [--flows-per-place 25]

Generates, from a fixed seed, ~10,800 municipalities with a random designation and a random
municipal flows table (gravity-like: flows fall with rank distance), then times
``flow_indicators`` → ``functional_figures`` (incl. catchments) → ``central_place_comparison``
for the three classification methods and prints the matrix of the default method.
All figures printed are synthetic and say so.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from regionatlas.analysis.central_places import central_place_comparison, functional_figures
from regionatlas.analysis.flow_indicators import flow_indicators

SEED = 20231130


def synthetic(n: int, k: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(SEED)
    ags = np.array([f"99{i:06d}" for i in range(n)])
    size = rng.pareto(1.2, n) * 1000 + 200  # residents, heavy-tailed like real municipalities
    order = np.argsort(-size)
    level = np.ones(n, dtype=int)
    level[order[: max(1, n // 100)]] = 3
    level[order[n // 100 : n // 8]] = 2
    level[rng.random(n) < 0.2] = 0
    # randomise 10 % of the designations so that deviations exist
    flip = rng.random(n) < 0.1
    level[flip] = rng.integers(0, 4, flip.sum())
    designations = pd.DataFrame(
        {"ags": ags, "level": level, "category": "synthetic", "source": "synthetic (seeded)"}
    )
    origin = np.repeat(np.arange(n), k)
    dest = (origin + rng.integers(-50, 51, n * k)) % n
    attract = size[dest] / size.max()
    true = rng.poisson(5 + 200 * attract).astype(float)
    flows = pd.DataFrame(
        {"origin": ags[origin], "destination": ags[dest], "true": true}
    ).drop_duplicates(["origin", "destination"])
    flows = flows[flows["origin"] != flows["destination"]]
    # published totals (like the BA's "… insgesamt" rows) include the suppressed cells
    totals = pd.DataFrame(
        {
            "out_commuters": flows.groupby("origin")["true"].sum(),
            "in_commuters": flows.groupby("destination")["true"].sum(),
        }
    ).reindex(ags)
    suppressed = rng.random(len(flows)) < 0.05  # suppressed cells stay unknown
    flows["persons"] = flows["true"].where(~suppressed)
    flows["flag"] = np.where(suppressed, "*", None)
    flows = flows.drop(columns="true")
    self_rows = pd.DataFrame(
        {"origin": ags, "destination": ags, "persons": np.round(size * 0.2), "flag": None}
    )
    flows = pd.concat([flows, self_rows], ignore_index=True)
    return designations, flows, totals, pd.Series(size.round(), index=ags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--places", type=int, default=10_800)
    parser.add_argument("--flows-per-place", type=int, default=25)
    args = parser.parse_args()
    t0 = time.perf_counter()
    des, flows, totals, residents = synthetic(args.places, args.flows_per_place)
    t1 = time.perf_counter()
    ind = flow_indicators(flows, residents.index, totals=totals)
    t2 = time.perf_counter()
    fun = functional_figures(ind, flows, residents)
    t3 = time.perf_counter()
    basis = f"SYNTHETIC benchmark data (seed {SEED}), not official figures"
    timings = {}
    for method, kw in (
        ("matched", {}),
        ("thresholds", {"thresholds": (0.0, 500.0, 5000.0)}),
        ("quantiles", {"shares": {3: 0.01, 2: 0.1, 1: 0.5}}),
    ):
        s = time.perf_counter()
        res = central_place_comparison(des, fun, estimate_basis=basis, method=method, **kw)
        timings[method] = time.perf_counter() - s
        if method == "matched":
            matched = res
    print(f"synthetic places: {args.places}, flow rows: {len(flows)}")
    print(
        f"generate {t1 - t0:.2f} s · flow_indicators {t2 - t1:.2f} s · "
        f"functional_figures (incl. catchments) {t3 - t2:.2f} s"
    )
    for method, sec in timings.items():
        print(f"central_place_comparison[{method}] {sec:.3f} s")
    print(f"cuts (grund, mittel, ober) on 'balance': {tuple(round(c, 1) for c in matched.cuts)}")
    print(f"above designation: {len(matched.above)} · below: {len(matched.below)}")
    print(matched.matrix.to_string())
    print(f"estimate_basis: {matched.estimate_basis}")


if __name__ == "__main__":
    main()
