"""Labour-market areas for the entry points: the method's parameters and defaults (for the
web's functional layers) and the LMA command's outputs (areas, per-area summary) written
through ``regionatlas.exports`` as plain CSV, all files or none."""

from __future__ import annotations

import contextlib
from pathlib import Path

from regionatlas.analysis.lma import LmaResult, areas_table
from regionatlas.analysis.lma_params import DEFAULT_LMA, LmaParams
from regionatlas.exports.csv import frame_csv
from regionatlas.output import output_path

__all__ = ["DEFAULT_LMA", "LmaParams", "write_lma_outputs"]


def write_lma_outputs(
    result: LmaResult, out_csv: str | Path, summary_path: str | Path | None = None
) -> None:
    """Write areas (community, cluster, status) and, if asked, the per-area summary.

    Each file is written through regionatlas.output: a regular file is replaced atomically
    (a failure leaves no half-written output), ``-``, a device or a FIFO is written in place.
    """
    with contextlib.ExitStack() as stack:
        areas = stack.enter_context(output_path(out_csv, suffix=".csv"))
        areas.write_bytes(frame_csv(areas_table(result)))
        if summary_path is not None:
            summary = stack.enter_context(output_path(summary_path, suffix=".csv"))
            summary.write_bytes(frame_csv(result.stats))
