"""Benchmark: generate the full synthetic Germany and print counts, time and memory.

    .venv/bin/python benchmarks/bench_synth.py [--municipalities 10800] [--seed 1]
        [--out DIR] [--workers 2]

Without --out the files go to a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import tempfile
import time
from pathlib import Path

from regionatlas.synth import generate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--municipalities", type=int, default=10_800)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    marks: list[tuple[str, float, float]] = []

    def step(name: str) -> None:
        marks.append((name, time.perf_counter(), time.process_time()))

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "synth-de"
        t0, c0 = time.perf_counter(), time.process_time()
        s = generate(
            out,
            municipalities=args.municipalities,
            seed=args.seed,
            progress=step,
            workers=args.workers,
        )
        t1, c1 = time.perf_counter(), time.process_time()
        marks.append(("end", t1, c1))
        self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        child_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        sizes = {k: sum(p.stat().st_size for p in v) for k, v in s.files.items()}
        print(f"synthetic Germany, seed {s.seed}, into {s.out_dir}")
        print(
            f"  states {s.states}, districts {s.districts}, Gemeindeverbände {s.verbaende}, "
            f"municipalities {s.municipalities:,}"
        )
        print(f"  population {s.population:,}, employed residents {s.employed:,}")
        print(
            f"  positive OD pairs {s.od_pairs:,}; published partner rows (Auspendler "
            f"Gemeinden) {s.published_partner_rows:,}; pooled share {s.suppressed_share:.1%}"
        )
        for (name, w, c), (_, w2, c2) in itertools.pairwise(marks):
            print(f"  step {name:<8} wall {w2 - w:7.1f} s   cpu (main process) {c2 - c:7.1f} s")
        print(
            f"  total wall {t1 - t0:.1f} s; cpu main {c1 - c0:.1f} s + workers "
            f"{child_cpu.ru_utime + child_cpu.ru_stime:.1f} s"
        )
        print(
            f"  peak memory: main {self_kb / 1024:.0f} MiB, "
            f"largest worker {child_kb / 1024:.0f} MiB"
        )
        for k, v in sizes.items():
            print(f"  {k:<8} {v / 1e6:8.1f} MB in {len(s.files[k])} files")


if __name__ == "__main__":
    main()
