"""Labour-market areas for the entry points: the method's parameters and defaults (for the
web's functional layers) and the LMA command's outputs (areas, per-area summary) written
through ``regionatlas.exports`` as plain CSV, all files or none."""

from __future__ import annotations

from pathlib import Path

from regionatlas.analysis.lma import LmaResult, areas_table
from regionatlas.analysis.lma_params import DEFAULT_LMA, LmaParams
from regionatlas.exports import write_bytes
from regionatlas.exports.csv import frame_csv

__all__ = ["DEFAULT_LMA", "LmaParams", "write_lma_outputs"]


def write_lma_outputs(
    result: LmaResult, out_csv: str | Path, summary_path: str | Path | None = None
) -> None:
    """Write areas (community, cluster, status) and, if asked, the per-area summary.

    Both files are serialised before either is written, and each is written atomically,
    so a failure leaves no half-written output."""
    files = [(Path(out_csv), frame_csv(areas_table(result)))]
    if summary_path is not None:
        files.append((Path(summary_path), frame_csv(result.stats)))
    for path, body in files:
        write_bytes(path, body)
