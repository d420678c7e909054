"""Labour-market areas for the entry points: the method's parameters and defaults (for the
web's functional layers and the CLI's options), the ``lma`` command's run on an OD table
(areas, optionally compared with Leiden communities) and its outputs (areas, per-area
summary) written through ``regionatlas.exports`` as plain CSV, all files or none."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from regionatlas.analysis.lma_params import DEFAULT_LMA, LmaParams
from regionatlas.output import output_path

if TYPE_CHECKING:
    from regionatlas.analysis.lma import LmaResult
    from regionatlas.analysis.partition_compare import PartitionComparison

__all__ = [
    "DEFAULT_LMA",
    "LeidenComparison",
    "LmaParams",
    "OdTableLma",
    "lma_of_od_table",
    "write_lma_outputs",
]


@dataclass(frozen=True)
class LeidenComparison:
    """Leiden communities of the same flows, compared with the labour-market areas."""

    comparison: PartitionComparison
    modularity: float  # Q of the Leiden partition on the flows


@dataclass(frozen=True)
class OdTableLma:
    """The labour-market areas of one OD table, and the Leiden comparison if asked for."""

    result: LmaResult
    leiden: LeidenComparison | None


def lma_of_od_table(
    od_csv: str | Path,
    params: LmaParams,
    *,
    units: str | Path | None = None,
    method: str = "reference",
    leiden: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    leiden_directed: bool = False,
) -> OdTableLma:
    """Read an OD table (and the known units, if given), delineate its labour-market areas
    and, with ``leiden``, compare them with the Leiden communities of the same flows."""
    from regionatlas.analysis.lma import find_lma
    from regionatlas.sources.od_table import read_od_csv, read_units

    known = read_units(units) if units is not None else None
    flows = read_od_csv(od_csv, units=known)
    result = find_lma(flows, params, method=method)
    if not leiden:
        return OdTableLma(result, None)
    from regionatlas.analysis.communities import flow_modularity, leiden_communities
    from regionatlas.analysis.partition_compare import compare_partitions

    comm = leiden_communities(flows, resolution=resolution, seed=seed, directed=leiden_directed)
    residents = result.cluster_list.set_index("community")["residents"]
    comparison = compare_partitions(result.assignment(), comm, residents)
    return OdTableLma(result, LeidenComparison(comparison, flow_modularity(flows, comm)))


def write_lma_outputs(
    result: LmaResult, out_csv: str | Path, summary_path: str | Path | None = None
) -> None:
    """Write areas (community, cluster, status) and, if asked, the per-area summary.

    Each file is written through regionatlas.output: a regular file is replaced atomically
    (a failure leaves no half-written output), ``-``, a device or a FIFO is written in place.
    """
    from regionatlas.analysis.lma import areas_table
    from regionatlas.exports.csv import frame_csv

    with contextlib.ExitStack() as stack:
        areas = stack.enter_context(output_path(out_csv, suffix=".csv"))
        areas.write_bytes(frame_csv(areas_table(result)))
        if summary_path is not None:
            summary = stack.enter_context(output_path(summary_path, suffix=".csv"))
            summary.write_bytes(frame_csv(result.stats))
