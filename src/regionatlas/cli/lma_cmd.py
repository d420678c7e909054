"""``regionatlas lma``: labour-market areas (and optionally Leiden communities) from an
OD table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from regionatlas.cli.common import (
    MinScOption,
    MinSizeOption,
    TargetScOption,
    TargetSizeOption,
    console,
    out,
    user_errors,
)
from regionatlas.workflows.lma import DEFAULT_LMA

SUMMARY_COLUMNS = (
    ("cluster", "LMA"),
    ("main_centre", "centre"),
    ("n_com", "n"),
    ("residents", "residents"),
    ("jobs", "jobs"),
    ("sc_supply_side", "SC supply"),
    ("sc_demand_side", "SC demand"),
    ("validity", "V"),
)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def register(app: typer.Typer) -> None:
    @app.command("lma")
    @user_errors
    def lma(
        od_csv: Annotated[
            Path,
            typer.Argument(
                help="OD table: CSV with community_live,community_work,amount "
                "(intra-community flows included)"
            ),
        ],
        output: Annotated[
            Path, typer.Option("--output", "-o", help="areas CSV: community,cluster,status")
        ],
        min_size: MinSizeOption = DEFAULT_LMA.min_size,
        min_sc: MinScOption = DEFAULT_LMA.min_sc,
        target_size: TargetSizeOption = DEFAULT_LMA.target_size,
        target_sc: TargetScOption = DEFAULT_LMA.target_sc,
        summary: Annotated[
            Path | None,
            typer.Option("--summary", help="write the per-area summary CSV here (else stdout)"),
        ] = None,
        units: Annotated[
            Path | None,
            typer.Option(
                "--units", help="known community ids (one per line or CSV column community)"
            ),
        ] = None,
        method: Annotated[
            str,
            typer.Option(
                "--method",
                help="reference: the partition of the R package LabourMarketAreas 3.4 "
                "(default); written: the clean written method (split clusters "
                "re-aggregated, type-D rounds over the freed communities only, amount-0 "
                "rows are no links); see docs/lma-reference-differences.md",
            ),
        ] = "reference",
        leiden: Annotated[
            bool, typer.Option("--leiden", help="also run Leiden and compare both partitions")
        ] = False,
        resolution: Annotated[
            float, typer.Option("--resolution", help="Leiden resolution (with --leiden)")
        ] = 1.0,
        seed: Annotated[int, typer.Option("--seed", help="Leiden seed (with --leiden)")] = 42,
        leiden_directed: Annotated[
            bool,
            typer.Option(
                "--leiden-directed",
                help="Leiden on the directed graph (leidenalg; slower) instead of the "
                "symmetrised one",
            ),
        ] = False,
    ) -> None:
        """Labour-market areas (Eurostat/ISTAT method) from an OD table – Arbeitsmarktregionen."""
        from regionatlas.output import writes_stdout
        from regionatlas.workflows.lma import LmaParams, lma_of_od_table, write_lma_outputs

        params = LmaParams(min_size, min_sc, target_size, target_sc)
        run = lma_of_od_table(
            od_csv,
            params,
            units=units,
            method=method,
            leiden=leiden,
            resolution=resolution,
            seed=seed,
            leiden_directed=leiden_directed,
        )
        result = run.result
        write_lma_outputs(result, output, summary)

        # a file written to stdout (-o - or --summary -) owns it: the report goes to stderr
        say = console if writes_stdout(output) or (summary and writes_stdout(summary)) else out
        s = result.summary
        say.print(
            f"{s['n_lma']} LMAs ({s.get('n_single_community', 0)} single-community, "
            f"{s.get('n_validity_below_1', 0)} with V < 1 after the reserve stage), "
            f"{s['n_not_assigned']} not assigned, {s['n_zero_list']} in the zero list; "
            f"Q_modularity {s['q_modularity']:.4f}; parameters minSZ={min_size:g} "
            f"minSC={min_sc:g} tarSZ={target_size:g} tarSC={target_sc:g}",
            highlight=False,
        )
        say.print(f"areas written to {output}", highlight=False)
        if summary is not None:
            say.print(f"summary written to {summary}", highlight=False)
        else:
            table = Table(title="Labour-market areas")
            for _, label in SUMMARY_COLUMNS:
                table.add_column(label)
            for row in result.stats.itertuples(index=False):
                table.add_row(*(_fmt(getattr(row, col)) for col, _ in SUMMARY_COLUMNS))
            say.print(table)
        if run.leiden is not None:
            comparison = run.leiden.comparison
            say.print(
                f"Leiden ({'directed' if leiden_directed else 'undirected'}, "
                f"resolution {resolution:g}, seed {seed}): "
                f"{comparison.n_clusters_b} communities, "
                f"Q_modularity {run.leiden.modularity:.4f}; "
                f"adjusted Rand {comparison.adjusted_rand:.4f}, NMI {comparison.nmi:.4f}; "
                f"residents in agreement LMA→Leiden {comparison.agreement_a_in_b:.1%}, "
                f"Leiden→LMA {comparison.agreement_b_in_a:.1%}",
                highlight=False,
            )
