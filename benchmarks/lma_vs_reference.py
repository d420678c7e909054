"""Differential harness: our LMAs against the reference R package LabourMarketAreas 3.4.

    .venv/bin/python benchmarks/lma_vs_reference.py                 # all standard cases
    .venv/bin/python benchmarks/lma_vs_reference.py --max-n 300     # the small ones
    .venv/bin/python benchmarks/lma_vs_reference.py --only g03_n80 --trace
    .venv/bin/python benchmarks/lma_vs_reference.py --reference-only # fill the R cache
    .venv/bin/python benchmarks/lma_vs_reference.py --cached-only    # never start R

The inputs are SYNTHETIC tables from :mod:`lma_od_generator` (deterministic). R runs via
``Rscript benchmarks/lma_reference_run.R`` with the package library given by
``--lib`` or the env var ``REGIONATLAS_LMA_REF_LIB`` (build it as in
shared/design/lma-peer.md, outside the repository). R outputs are cached per input hash
under ``--cache`` (default ``$TMPDIR/regionatlas-lma-ref``), so an input is never run
twice. Per input the harness prints: n, ARI, communities placed differently (after
matching areas one-to-one by overlap), both run times and the speed-up. Ours runs the
CLI path: the table is written as CSV and read back with ``read_od_csv`` (text ids).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lma_od_generator import OdCase, generate_od, standard_cases  # noqa: E402

R_SCRIPT = HERE / "lma_reference_run.R"
LIB_ENV = "REGIONATLAS_LMA_REF_LIB"


def od_csv_bytes(od: pd.DataFrame) -> bytes:
    return od.to_csv(index=False, lineterminator="\n").encode()


def case_key(data: bytes, params: dict) -> str:
    h = hashlib.sha256(data)
    h.update(json.dumps(params, sort_keys=True).encode())
    return h.hexdigest()[:16]


def run_reference(data: bytes, params: dict, cache: Path, lib: str | None) -> Path | None:
    """R's output directory for this input (cached); None if R cannot run."""
    out = cache / case_key(data, params)
    if (out / "seconds.txt").exists():
        return out
    if not lib:
        return None
    out.mkdir(parents=True, exist_ok=True)
    (out / "od.csv").write_bytes(data)
    (out / "params.json").write_text(json.dumps(params))
    p = params
    cmd = [
        "Rscript", str(R_SCRIPT), str(out / "od.csv"), str(out),
        str(p["min_size"]), str(p["min_sc"]), str(p["target_size"]), str(p["target_sc"]),
    ]  # fmt: skip
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "LMA_LIB": lib})
    if res.returncode != 0:
        (out / "error.txt").write_text(res.stdout + res.stderr)
        raise RuntimeError(f"Rscript failed for {out}:\n{res.stderr[-2000:]}")
    return out


def reference_partition(out: Path) -> pd.Series:
    cl = pd.read_csv(out / "cluster_list.csv", dtype={"community": str})
    return cl.set_index("community")["cluster"].astype(int)


def run_ours(data: bytes, params: dict, flags: dict) -> tuple[pd.Series, float, object]:
    from regionatlas.analysis.lma import LmaParams, find_lma
    from regionatlas.sources.od_table import read_od_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "od.csv"
        path.write_bytes(data)
        flows = read_od_csv(path)
    t0 = time.perf_counter()
    result = find_lma(flows, LmaParams(**params), **flags)
    secs = time.perf_counter() - t0
    cl = result.cluster_list
    return cl.set_index("community")["cluster"].astype(int), secs, result


def compare(ours: pd.Series, ref: pd.Series) -> tuple[float, int, int]:
    """(ARI, communities placed differently, communities only in one of both).

    Areas are matched one-to-one by overlap (Hungarian on the contingency table); the
    not-assigned cluster 0 may only match cluster 0."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score

    common = ours.index.intersection(ref.index)
    only = len(ours.index.symmetric_difference(ref.index))
    a = ours.loc[common].to_numpy()
    b = ref.loc[common].to_numpy()
    ari = float(adjusted_rand_score(a, b)) if len(common) else float("nan")
    ct = pd.crosstab(a, b)
    w = ct.to_numpy().astype(float)
    zr = ct.index.to_numpy() == 0
    zc = ct.columns.to_numpy() == 0
    w[np.ix_(zr, ~zc)] = 0
    w[np.ix_(~zr, zc)] = 0
    r, c = linear_sum_assignment(-w)
    moved = len(common) - int(w[r, c].sum())
    return ari, moved, only


def same_run(ours: pd.Series, result, ref_dir: Path) -> tuple[bool, bool]:
    """(same cluster ids, same reserve list). Reserve entries are compared by type,
    iteration and cluster, and community for types A-D (for E/F the package names the
    community of the same rank in its ranking, not the one handled)."""
    ref = reference_partition(ref_dir)
    ids = ours.sort_index().to_dict() == ref.sort_index().to_dict()
    ours_rl = [
        (str(t), int(i), int(k), str(c) if t in "ABCD" else "")
        for t, i, k, c in result.reserve_list[
            ["type", "iteration", "cluster", "community"]
        ].itertuples(index=False)
    ]
    rl = pd.read_csv(ref_dir / "reserve_list.csv", dtype=str)
    theirs = [
        (t, int(i), int(k), c if t in "ABCD" else "")
        for t, i, k, c in rl[["type", "iteration", "cluster", "community"]].to_numpy()
    ]
    return ids, ours_rl == theirs


def first_divergence(result, ref_dir: Path) -> str:
    """The first reserve-list entry (type, iteration, community) where both differ."""
    ours = [
        (str(t), int(i), str(c))
        for t, i, c in result.reserve_list[["type", "iteration", "community"]].itertuples(
            index=False
        )
    ]
    rl = pd.read_csv(ref_dir / "reserve_list.csv", dtype=str)
    theirs = [(t, int(i), str(c)) for t, i, c in rl[["type", "iteration", "community"]].values]
    for k, (x, y) in enumerate(zip(ours, theirs, strict=False)):
        if x != y:
            return f"reserve entry {k}: ours {x} vs R {y}"
    if len(ours) != len(theirs):
        return f"reserve lists: ours {len(ours)} entries, R {len(theirs)}"
    return "reserve lists equal"


def reference_areas(ref_dir: Path) -> pd.DataFrame:
    """community, cluster, status of every input community in R's output."""
    cl = pd.read_csv(ref_dir / "cluster_list.csv", dtype={"community": str})
    zero = pd.read_csv(ref_dir / "zero_list.csv", dtype={"community": str})["community"]
    status = np.where(cl["cluster"].to_numpy() == 0, "not_assigned", "lma")
    parts = [
        pd.DataFrame({"community": cl["community"], "cluster": cl["cluster"], "status": status})
    ]
    if len(zero):
        parts.append(pd.DataFrame({"community": zero, "cluster": 0, "status": "zero_list"}))
    out = pd.concat(parts, ignore_index=True)
    out["_n"] = out["community"].astype(np.int64)
    return out.sort_values("_n").drop(columns="_n").reset_index(drop=True)


def write_fixtures(target: Path, cache: Path, lib: str | None) -> None:
    """Inputs (gzip CSV) and R's partitions of the fixture and constructed cases."""
    import gzip

    from lma_od_generator import constructed_cases, fixture_cases

    target.mkdir(parents=True, exist_ok=True)
    manifest = []
    items = [(c.name, generate_od(c), c.params(), "generated") for c in fixture_cases()]
    items += [(name, od, params, "constructed") for name, od, params in constructed_cases()]
    for name, od, params, kind in items:
        data = od_csv_bytes(od)
        ref_dir = run_reference(data, params, cache, lib)
        if ref_dir is None:
            raise SystemExit(f"no R output for {name}; give --lib or ${LIB_ENV}")
        (target / f"{name}.od.csv.gz").write_bytes(gzip.compress(data, mtime=0))
        reference_areas(ref_dir).to_csv(target / f"{name}.reference.csv", index=False)
        n = pd.unique(od[["community_live", "community_work"]].to_numpy().ravel()).size
        manifest.append({"name": name, "kind": kind, "communities": int(n), "params": params})
        print(f"{name}: {n} communities <- {ref_dir}", flush=True)
    (target / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--lib", default=os.environ.get(LIB_ENV), help=f"R library (env {LIB_ENV})")
    ap.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "regionatlas-lma-ref"
    )
    ap.add_argument("--max-n", type=int, default=None)
    ap.add_argument("--only", nargs="*", default=None, help="case names")
    ap.add_argument("--reference-only", action="store_true", help="only fill the R cache")
    ap.add_argument("--cached-only", action="store_true", help="never start R")
    ap.add_argument("--trace", action="store_true", help="print the first divergence")
    ap.add_argument(
        "--write-fixtures",
        type=Path,
        default=None,
        help="write inputs and R's partitions of the fixture cases to this directory",
    )
    ap.add_argument(
        "--written-method",
        action="store_true",
        help="run ours with the written method (LmaParams defaults otherwise)",
    )
    args = ap.parse_args()
    cases: list[OdCase] = standard_cases()
    if args.max_n:
        cases = [c for c in cases if c.n <= args.max_n]
    if args.only:
        cases = [c for c in cases if c.name in args.only]
    lib = None if args.cached_only else args.lib
    if args.write_fixtures:
        write_fixtures(args.write_fixtures, args.cache, lib)
        return
    flags = {"method": "written"} if args.written_method else {}
    print("SYNTHETIC inputs (benchmarks/lma_od_generator.py); R = LabourMarketAreas 3.4")
    print(
        f"{'case':<14} {'n':>5} {'pairs':>7} {'ARI':>6} {'moved':>5} "
        f"{'R s':>8} {'ours s':>7} {'speed-up':>8}  same ids / reserve list"
    )
    n_equal = n_total = 0
    for case in cases:
        od = generate_od(case)
        data = od_csv_bytes(od)
        params = case.params()
        ref_dir = run_reference(data, params, args.cache, lib)
        if args.reference_only:
            print(f"{case.name}: {ref_dir}", flush=True)
            continue
        n = pd.unique(od[["community_live", "community_work"]].to_numpy().ravel()).size
        ours, secs, result = run_ours(data, params, flags)
        if ref_dir is None:
            print(f"{case.name:<14} {n:>5} {len(od):>7}   (no reference output)", flush=True)
            continue
        ref = reference_partition(ref_dir)
        ari, moved, only = compare(ours, ref)
        r_secs = float((ref_dir / "seconds.txt").read_text())
        n_total += 1
        n_equal += moved == 0 and only == 0
        extra = f" only-in-one={only}" if only else ""
        ids, rl = same_run(ours, result, ref_dir)
        print(
            f"{case.name:<14} {n:>5} {len(od):>7} {ari:>6.3f} {moved:>5} "
            f"{r_secs:>8.1f} {secs:>7.3f} {r_secs / secs:>7.0f}x  "
            f"{'yes' if ids else 'no'} / {'yes' if rl else 'no'}{extra}",
            flush=True,
        )
        if args.trace and (moved or only):
            print("    " + first_divergence(result, ref_dir) + f"  [{ref_dir}]")
    if n_total:
        print(f"\n{n_equal}/{n_total} partitions equal to the reference")


if __name__ == "__main__":
    main()
