"""Benchmark: error of the municipal-flow estimate on synthetic Germany (SYNTHETIC data).

The synthetic country's municipal flows (ground truth, var/synth-de/truth or built in
memory) are summed to district × district totals — what the BA publishes as Kreis flows —
then estimated back to municipalities with ``estimate_municipal_flows`` and compared with
the truth (``estimation_error``). Scenarios differ in what the estimator knows besides the
district totals:

* population   margins from population only (GV100AD), beta calibrated on district flows
* employment   margins from employed residents and jobs per municipality (as if the BA's
               municipal employment figures were imported), beta calibrated
* no decay     employment margins, beta = 0 (no distance effect): the baseline
* oracle self-weight
               employment margins plus the generator's own preference for one's home
               municipality (self_weight 10, read from regionatlas.synth.flows.FlowParams —
               unknowable from district data): shows how much error the model's missing
               home preference causes; not a usable setting for real data

Metrics over all municipal pairs (incl. people working in their own municipality) and over
pairs between different municipalities only. Prints seconds and peak memory.

    .venv/bin/python benchmarks/bench_estimation.py
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd

from bench_flows import load_synthetic
from regionatlas.analysis.aggregate import aggregate_flows, mapping_to_level
from regionatlas.analysis.interaction import (
    estimate_municipal_flows,
    estimation_error,
)

METRICS = ("srmse", "r", "misallocated", "within_tolerance", "sc_supply_mae")


def main() -> int:
    truth, mun, source = load_synthetic()
    print(f"SYNTHETIC data: {source}")
    # the truth lists positive flows only: a municipality without a self-row has 0 internal
    zero_internal = pd.Series(0.0, index=mun.index)
    districts = aggregate_flows(
        truth, mapping_to_level(mun.index, "kreis"), level="kreis", internal=zero_internal
    )
    print(
        f"  {len(mun):,} municipalities, {len(truth):,} true OD pairs, "
        f"{len(districts):,} district pairs (incl. district-internal totals)"
    )
    base = mun[["x", "y", "area_km2"]].assign(district=mun["kreis"])
    emp = base.assign(residents_weight=mun["employed"], jobs_weight=mun["jobs"])
    scenarios = {  # name: (municipalities, beta, self_weight)
        "population": (base.assign(population=mun["population"]), None, 1.0),
        "employment": (emp, None, 1.0),
        "no decay": (emp, 0.0, 1.0),
        "oracle self-weight": (emp, None, 10.0),
    }
    truth_cross = truth[truth["origin"] != truth["destination"]]
    rows = []
    for name, (frame, beta, self_weight) in scenarios.items():
        t = time.perf_counter()
        res = estimate_municipal_flows(districts, frame, beta=beta, self_weight=self_weight)
        secs = time.perf_counter() - t
        est = res.flows
        all_ = estimation_error(truth, est)
        est_cross = est[est["origin"] != est["destination"]]
        cross = estimation_error(truth_cross, est_cross)
        rows.append(
            {
                "scenario": name,
                "beta": res.beta,
                "iterations": res.iterations,
                "seconds": secs,
                "est_pairs": len(est),
                "max_block_err": res.max_block_error,
                "max_row_err": res.max_row_error,
                **{f"{k}": all_[k] for k in METRICS},
                **{f"{k} (between)": cross[k] for k in METRICS if k != "sc_supply_mae"},
            }
        )
        print(f"  {name}: {secs:.1f} s; " + "; ".join(res.notes))
    table = pd.DataFrame(rows).set_index("scenario").T
    with pd.option_context("display.float_format", "{:,.4f}".format, "display.width", 120):
        print(table.to_string())
    print(
        "srmse: RMSE / mean true flow over the union of pairs; r: Pearson; misallocated: "
        "½Σ|T−E|/ΣT; within_tolerance: share of true flows ≥ 10 estimated within ±25 %; "
        "sc_supply_mae: mean abs. error of municipal self-containment (share of 1)."
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole process: {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
