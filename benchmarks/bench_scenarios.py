"""Benchmarks of the scenario lab (prints figures; not a test).

    .venv/bin/python benchmarks/bench_scenarios.py [--germany-od PATH] [--skip-germany]

Region size: a deterministic SYNTHETIC region of 520 municipalities (analysis.scenarios.
synthetic). Germany size: the synthetic
Germany OD of the data generator (var/synth-de/truth/od_gemeinden.csv.gz) when present, else
a SYNTHETIC OD of 10,800 places with ~1M pairs generated here.
Targets (issue #5): region scenario evaluation < 1 s; site choice k=10 among all
municipalities < 5 s; Germany baseline < 10 s; gravity calibration < 30 s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from regionatlas.analysis.scenarios import gravity, location, metrics
from regionatlas.analysis.scenarios.context import build_context
from regionatlas.analysis.scenarios.engine import run_scenario
from regionatlas.analysis.scenarios.sites import gain_matrix, site_km
from regionatlas.analysis.scenarios.synthetic import synthetic_context, synthetic_frames
from regionatlas.workflows.scenarios import load_definition, load_parameters
from regionatlas.workflows.scenarios.files import EXAMPLES_DIR

ROOT = Path(__file__).resolve().parents[1]
SYNTH_DE = ROOT / "var" / "synth-de" / "truth" / "od_gemeinden.csv.gz"


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"  {label:<58} {time.perf_counter() - start:8.3f} s")
    return out


def bench_region(ctx) -> None:
    params = load_parameters()
    print(f"Region: {len(ctx.units)} places, {len(ctx.od):,} OD pairs ({ctx.estimate_basis})")
    trips = timed(
        "baseline (trip table + totals)",
        lambda: metrics.totals(metrics.baseline_trips(ctx, params), params),
    )
    print(f"    commuter-km/day {trips.commuter_km_day:,.0f}, CO2 {trips.co2_t_year:,.0f} t/yr")
    for path in sorted(EXAMPLES_DIR.glob("*.toml")):
        d = load_definition(path)
        ctx.region = d.region
        timed(f"scenario {path.stem} (1st run)", run_scenario, d, ctx, params)
        timed(f"scenario {path.stem} (2nd run, cached fit)", run_scenario, d, ctx, params)

    # site choice k = 10 among all municipalities (p-median, km saved)
    live = metrics.baseline_trips(ctx, params)
    pos = ctx.position
    groups, group = np.unique(pos.reindex(live["origin"]).to_numpy(), return_inverse=True)
    cands = np.arange(len(ctx.units))

    def choose():
        dsite = site_km(ctx, params, groups, cands)
        gain = gain_matrix(
            live["km"].to_numpy(),
            live["persons"].to_numpy() * 0.3 * 2 / 5,
            group,
            dsite,
            objective="p-median",
            radius_km=15,
            max_site_km=25,
        )
        return location.greedy_interchange(gain, 10)

    sol = timed(f"site choice k=10 among {len(cands)} candidates (gain + solve)", choose)
    print(f"    {sol.method}: {sol.iterations} swap rounds, {sol.objective:,.0f} km/day saved")


def bench_gap() -> None:
    print("Heuristic gap to the exact MIP (PuLP/CBC), synthetic mid-size instances:")
    params = load_parameters()
    for n, k in ((60, 5), (120, 8), (200, 10), (520, 10)):
        ctx = synthetic_context(n, seed=n)
        live = metrics.baseline_trips(ctx, params)
        groups, group = np.unique(
            ctx.position.reindex(live["origin"]).to_numpy(), return_inverse=True
        )
        dsite = site_km(ctx, params, groups, np.arange(n))
        gain = gain_matrix(
            live["km"].to_numpy(),
            live["persons"].to_numpy() * 0.12,
            group,
            dsite,
            objective="p-median",
            radius_km=15,
            max_site_km=25,
        )
        heur = location.greedy_interchange(gain, k)
        exact = location.exact_mip(gain, k, time_limit=120)
        gap = 100 * (exact.objective - heur.objective) / exact.objective
        print(
            f"  n={n:4d} k={k:2d}: heuristic {heur.seconds:6.3f} s, MIP {exact.seconds:7.2f} s,"
            f" gap {gap:.3f} %"
        )


def germany_od(path: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    path = path or SYNTH_DE
    if path.exists():
        from pyproj import Transformer

        def read():
            g = pd.read_csv(
                path.parent / "gemeinden.csv", dtype={"ags": "str", "kreis": "str", "land": "str"}
            )
            x, y = Transformer.from_crs("EPSG:31467", "EPSG:25832", always_xy=True).transform(
                g["x"].to_numpy(), g["y"].to_numpy()
            )
            units = pd.DataFrame(
                {
                    "ags": g["ags"],
                    "name": g["name"],
                    "x": x,
                    "y": y,
                    "population": g["population"],
                    "state": g["land"],
                    "district": g["kreis"],
                    "area_km2": g["area_km2"],
                }
            )
            od = pd.read_csv(
                path,
                usecols=["community_live", "community_work", "amount"],
                dtype={"community_live": "str", "community_work": "str"},
            )
            od = od.rename(
                columns={
                    "community_live": "origin",
                    "community_work": "destination",
                    "amount": "persons",
                }
            )
            return units, od

        units, od = timed("read the generator's SYNTHETIC Germany (truth files)", read)
        return units, od, f"synthetic: {path} (regionatlas synth, incl. internal flows)"
    units, od = timed(
        "generate SYNTHETIC Germany (10,800 places)",
        synthetic_frames,
        10_800,
        side_km=600.0,
        seed=1,
        max_partners=100,
        beta=0.06,
    )
    return units, od, "synthetic (generated by benchmarks/bench_scenarios.py)"


def bench_germany(path: Path | None) -> None:
    print("Germany size:")
    units, od, label = germany_od(path)
    print(f"  {len(units):,} places, {len(od):,} OD pairs — {label}")
    params = load_parameters()

    def baseline():
        ctx = build_context(units, od, estimate_basis="synthetic")
        trips = metrics.baseline_trips(ctx, params)
        return ctx, trips, metrics.totals(trips, params)

    ctx, trips, tot = timed("baseline (context + trip table + totals)", baseline)
    timed(
        "baseline by origin, destination and district corridor",
        lambda: (
            metrics.by_place(trips, params, "origin"),
            metrics.by_place(trips, params, "destination"),
            metrics.by_corridor(trips, ctx, params),
        ),
    )
    print(f"    commuter-km/day {tot.commuter_km_day:,.0f}, CO2 {tot.co2_t_year:,.0f} t/yr")

    def support():
        i, j = ctx.od_index
        cost = gravity.sparse_cost(ctx.xy_km, 40.0, i, j, params["distance.detour_factor"])
        if (i == j).any():  # internal commutes: disc distance of the municipality's area
            inner = ctx.internal_straight_km(params["distance.internal_radius_factor"])
            cost = cost.tolil()
            cost.setdiag(
                np.maximum(np.nan_to_num(inner, nan=0.1), 0.1) * params["distance.detour_factor"]
            )
            cost = cost.tocsr()
        obs = sparse.csr_matrix((ctx.od["persons"].to_numpy(), (i, j)), shape=cost.shape)
        return cost, obs

    cost, obs = timed("gravity support (pairs within 40 km + observed pairs)", support)
    fit, _, _ = timed(
        "gravity calibration (Furness tol 1e-3, search 3e-3, max 600 it.)",
        gravity.calibrate,
        obs,
        cost,
        tol=1e-3,
        search_tol=3e-3,
        max_iter=600,
    )
    print(
        f"    support {cost.nnz:,} cells; beta {fit.beta:.5f}/km, {fit.calibration_steps} "
        f"model evaluations, {fit.balancing_iterations} Furness iterations, SRMSE "
        f"{fit.srmse:.3f}, R² {fit.r2:.3f}, margin error {fit.margin_error:.1e} "
        f"(converged: {fit.converged})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--germany-od", type=Path, default=None)
    ap.add_argument("--skip-germany", action="store_true")
    ap.add_argument("--skip-gap", action="store_true")
    args = ap.parse_args()
    bench_region(timed("generate SYNTHETIC region (520 places)", synthetic_context, 520))
    if not args.skip_gap:
        bench_gap()
    if not args.skip_germany:
        bench_germany(args.germany_od)


if __name__ == "__main__":
    main()
