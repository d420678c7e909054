"""Synthetic Germany: deterministic files in the official formats, marked synthetic.

``generate(out_dir, municipalities=10800, seed=1)`` builds the country (``model.py``, pure),
publishes its commuter flows the way the BA does (``publish.py``, pure) and writes
boundaries, Gemeindeverzeichnis, krpend workbooks and a ground truth (``writers.py``).
The output directory appears complete or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from regionatlas.errors import ParameterError
from regionatlas.output import check_directory_target
from regionatlas.synth.model import Country, build_country

__all__ = ["Country", "SynthSummary", "build_country", "generate"]


@dataclass(frozen=True)
class SynthSummary:
    """What ``generate`` produced."""

    out_dir: Path
    seed: int
    municipalities: int
    districts: int
    states: int
    verbaende: int
    population: int
    employed: int
    od_pairs: int  # positive municipal OD pairs, self-flows included
    published_partner_rows: int  # Gemeinde partner rows (>= threshold) on Auspendler sheets
    suppressed_share: float  # share of cross-border commuters only in pooled rows (Gemeinden)
    seconds: float
    files: dict[str, list[Path]] = field(default_factory=dict)


def _prepare_target(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ParameterError(f"{out_dir} exists and is not a directory", value=str(out_dir))
        if any(out_dir.iterdir()) and not (out_dir / "SYNTHETIC.txt").is_file():
            raise ParameterError(
                f"{out_dir} is not empty and holds no earlier synthetic output (SYNTHETIC.txt)",
                value=str(out_dir),
                expected="an empty or new directory, or one written by regionatlas synth",
            )


def generate(
    out_dir: Path | str,
    municipalities: int = 10_800,
    seed: int = 1,
    states: int = 16,
    districts: int | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> SynthSummary:
    """Generate the synthetic country and write all its files into ``out_dir``.

    ``districts=None`` chooses about one district per 27 municipalities (400 at 10,800).
    Files are written into a temporary sibling directory that replaces ``out_dir`` only
    when everything succeeded. ``workers`` processes write the workbooks (default: up to
    2, fewer for small countries); the bytes do not depend on it.
    """
    from regionatlas.synth.krpend import publish_all
    from regionatlas.synth.publish import KIND_PARTNER, suppressed_share
    from regionatlas.synth.writers import write_all

    step = progress or (lambda _msg: None)
    out = check_directory_target(out_dir)
    _prepare_target(out)
    t0 = time.perf_counter()
    step("model")
    country = build_country(municipalities, seed, states=states, districts=districts)
    step("publish")
    sheets = publish_all(country)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        step("write")
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if municipalities >= 2_000 else 1
        files = write_all(country, tmp, sheets, workers)
        if out.exists():
            shutil.rmtree(out)
        tmp.chmod(0o755)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = {k: [out / p.relative_to(tmp) for p in v] for k, v in files.items()}
    gm = country.municipalities
    aus = sheets[0]
    return SynthSummary(
        out_dir=out,
        seed=seed,
        municipalities=len(gm),
        districts=len(country.districts),
        states=len(country.states),
        verbaende=len(country.verbaende),
        population=int(gm["population"].sum()),
        employed=int(gm["employed"].sum()),
        od_pairs=len(country.flows),
        published_partner_rows=int((aus.rows["kind"] == KIND_PARTNER).sum()),
        suppressed_share=suppressed_share(aus),
        seconds=time.perf_counter() - t0,
        files=files,
    )
