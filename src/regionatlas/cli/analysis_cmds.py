"""``regionatlas analyse …``: the commuter-flow analyses of issue #3 on the store.

One typer sub-app ``analyse`` with one command per analysis (flows, crossborder, regions,
hubs, central-places). Every command reads the store chosen by --db/--database-url and the
region of --region, prints a table (the first --limit rows) or writes the whole table with
-o FILE (csv, xlsx, gpkg or geojson, with the attribution of its sources), and always states
its basis: official, modelled estimate or synthetic.

Municipal figures rest on a modelled estimate when no municipal tables are imported; the
estimate needs flows within districts, which the BA's Kreis tables do not publish: where
neither they nor employed residents are imported, ``regions``, ``hubs`` and
``central-places`` assume the cited national employment rate (workflows/assumptions.toml),
exactly as the web atlas does, and print that assumption; --employment-rate states another
one (``flows``, ``crossborder`` and ``estimate`` estimate them only when it is given).
``analyse estimate --import`` stores the estimate as a batch flagged "estimated" (for the web
atlas and the scenario lab).
Custom groupings of units are available from Python (``flow_indicator_table(…, "custom",
groups=…)``), not from the command line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, cast

import pandas as pd
import typer
from rich.table import Table

from regionatlas.cli.common import (
    DatabaseUrlOption,
    DbOption,
    MinScOption,
    MinSizeOption,
    RegionFileOption,
    TargetScOption,
    TargetSizeOption,
    console,
    opened_store,
    option_group,
    out,
    user_errors,
)
from regionatlas.workflows.lma import DEFAULT_LMA

PeriodOption = Annotated[
    str | None, typer.Option("--period", help="Reference date of the flows (default: latest)")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the table to FILE (.csv, .xlsx, .gpkg, .geojson)"),
]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows to print (without -o)")]


def _rate(value: str | None) -> float | None:
    """'national' -> the cited national rate (workflows/assumptions.toml); else a number."""
    if value is None:
        return None
    if value.strip().lower() == "national":
        from regionatlas.workflows.assumptions import national_employment_rate

        return national_employment_rate().value
    try:
        rate = float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r}: expected a number in (0, 1] or 'national'") from None
    if not 0 < rate <= 1:
        raise typer.BadParameter(f"{value!r}: expected a number in (0, 1] or 'national'")
    return rate


RateOption = Annotated[
    str | None,
    typer.Option(
        "--employment-rate",
        help="Assumed SV-employed residents per inhabitant for flows within districts, or "
        "'national' for the cited national rate 2023 (0.4085; workflows/assumptions.toml), "
        "the default of regions, hubs and central-places (as in the web atlas). "
        "A modelling assumption: results are labelled modelled estimate.",
        callback=_rate,
    ),
]


@dataclass(frozen=True)
class AnalysisOptions:
    """The options every ``analyse`` command takes after its own (see common.option_group)."""

    region: RegionFileOption = None
    period: PeriodOption = None
    employment_rate: RateOption = None  # the callback turns the text into a rate
    output: OutputOption = None
    limit: LimitOption = 30
    db: DbOption = None
    database_url: DatabaseUrlOption = None

    @property
    def rate(self) -> float | None:
        """The employment rate as the callback left it (typer declares the option as text)."""
        return cast(float | None, self.employment_rate)


# how a result's note says that the flows within districts rest on the employment rate
# (workflows.loading.district_internal)
ASSUMED_RATE = "assumed employment rate"

# what the console shows of the indicator table (-o writes every column)
FLOW_COLUMNS = [
    "ags",
    "name",
    "out_commuters",
    "in_commuters",
    "balance",
    "not_assigned_out",
    "not_assigned_in",
    "internal",
    "sc_supply",
    "share_out_cross_state",
]


class FlowLevel(StrEnum):
    gemeinde = "gemeinde"
    kreis = "kreis"
    land = "land"
    region = "region"


class CrossTable(StrEnum):
    states = "states"
    districts = "districts"
    district_pairs = "district-pairs"
    pairs = "pairs"


class HubTable(StrEnum):
    centres = "centres"
    catchments = "catchments"
    hierarchy = "hierarchy"
    knotenpunkte = "knotenpunkte"


class HubLevel(StrEnum):
    gemeinde = "gemeinde"
    kreis = "kreis"


class CentralTable(StrEnum):
    matrix = "matrix"
    deviations = "deviations"
    places = "places"


def _region(path: Path | None) -> Any:
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings

    return load_region(path or load_settings().region_file)


@contextmanager
def _region_and_store(opts: AnalysisOptions) -> Iterator[tuple[Any, Any]]:
    """The region of --region and the store of --db/--database-url (closed afterwards)."""
    reg = _region(opts.region)
    with opened_store(opts.db, opts.database_url) as store:
        yield reg, store


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def _period_of(frame: pd.DataFrame) -> str | None:
    """The latest reference date in the table (the date its files carry), if it has one."""
    if "period" not in frame.columns:
        return None
    periods = [str(p) for p in frame["period"].dropna().unique()]
    return max(periods) if periods else None


def _emit(
    frame: pd.DataFrame,
    title: str,
    basis: str,
    note: str,
    attribution: tuple[str, ...],
    opts: AnalysisOptions,
    extra: list[str] | None = None,
    columns: list[str] | None = None,
) -> None:
    """Print the basis and sources, then the table (``columns`` of it, the first --limit
    rows) or write the whole table to --output."""
    from regionatlas.output import writes_stdout

    output, limit = opts.output, opts.limit
    # with -o - the table goes to stdout, so everything said about it goes to stderr
    say = console if output is not None and writes_stdout(output) else out
    table = frame.assign(basis=basis) if "basis" not in frame.columns else frame
    say.print(f"[bold]{title}[/]")
    say.print(f"Grundlage / basis: [bold]{basis}[/] — {note}", highlight=False)
    for line in extra or []:
        say.print(line, highlight=False)
    if ASSUMED_RATE in note:  # the flows within districts rest on the employment rate
        from regionatlas.workflows.assumptions import employment_rate_assumption, label

        rate = opts.employment_rate  # a float: the option's callback parsed the text
        a = employment_rate_assumption(None if rate is None else float(rate))
        say.print(f"Annahme / assumption: {label(a, 'both')}", highlight=False)
    if output is not None:
        from regionatlas import exports

        path = exports.write(
            exports.ExportTable(
                name=output.stem,
                frame=table,
                sources=[exports.Source(attribution=a) for a in attribution],
                reference_date=_period_of(table),
            ),
            output,
        )
        say.print(f"written to {path} ({len(table)} rows)", highlight=False)
    else:
        if columns:
            table = table[[c for c in columns if c in table.columns] + ["basis"]]
        rt = Table(title=title, caption=f"{min(limit, len(table))} of {len(table)} rows")
        for col in table.columns:
            rt.add_column(str(col), overflow="fold")
        for row in table.head(limit).itertuples(index=False):
            rt.add_row(*(_fmt(v) for v in row))
        out.print(rt)
    say.print("Quellen / sources: " + " | ".join(attribution), highlight=False)


def register(app: typer.Typer) -> None:
    analyse = typer.Typer(
        help="Pendleranalysen der Region – commuter-flow analyses of the region (issue #3).",
        no_args_is_help=True,
    )
    app.add_typer(analyse, name="analyse")

    @analyse.command("flows")
    @user_errors
    @option_group(AnalysisOptions)
    def flows(
        level: Annotated[
            FlowLevel, typer.Option("--level", help="gemeinde | kreis | land | region")
        ] = FlowLevel.kreis,
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Pendlerkennzahlen je Einheit – flow indicators for every unit of a level."""
        from regionatlas.workflows import flow_indicator_table

        with _region_and_store(opts) as (reg, store):
            res = flow_indicator_table(
                store, reg, level.value, opts.period, employment_rate=opts.rate
            )
        _emit(
            res.table.reset_index(),
            f"{reg.name_de}: flow indicators, level {res.level}, {res.period}",
            res.basis,
            res.note,
            res.attribution,
            opts,
            columns=FLOW_COLUMNS,
        )

    @analyse.command("crossborder")
    @user_errors
    @option_group(AnalysisOptions)
    def crossborder(
        what: Annotated[
            CrossTable,
            typer.Option("--table", help="states | districts | district-pairs | pairs"),
        ] = CrossTable.states,
        n: Annotated[int, typer.Option("--n", help="number of strongest pairs")] = 20,
        by: Annotated[
            str, typer.Option("--by", help="rank pairs by persons | share_of_origin_out")
        ] = "persons",
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Schnittstellen über Landesgrenzen – cross-border linkages (matrices, strongest pairs)."""
        from regionatlas.workflows import crossborder as run

        with _region_and_store(opts) as (reg, store):
            res = run(
                store,
                reg,
                opts.period,
                n=n,
                by=by,
                employment_rate=opts.rate,
                with_pairs=what == CrossTable.pairs,
            )
        if what in (CrossTable.states, CrossTable.districts):
            m = res.states if what == CrossTable.states else res.districts
            frame = m.persons.copy()
            frame.insert(0, "origin_name", [res.names.get(k, k) for k in frame.index])
            frame["not_assigned"] = m.not_assigned.reindex(frame.index)
            frame = frame.reset_index()
            frame.columns = [str(c) for c in frame.columns]
            basis, note = res.basis, res.note
        elif what == CrossTable.district_pairs:
            frame, basis, note = res.district_pairs, res.basis, res.note
        else:
            frame, basis, note = res.pairs, res.pairs_basis, res.pairs_note
        _emit(
            frame,
            f"{reg.name_de}: cross-border linkages ({what.value}), {res.period}",
            basis,
            note,
            res.attribution,
            opts,
        )

    @analyse.command("regions")
    @user_errors
    @option_group(AnalysisOptions)
    def regions(
        min_size: MinSizeOption = DEFAULT_LMA.min_size,
        min_sc: MinScOption = DEFAULT_LMA.min_sc,
        target_size: TargetSizeOption = DEFAULT_LMA.target_size,
        target_sc: TargetScOption = DEFAULT_LMA.target_sc,
        resolution: Annotated[float, typer.Option("--resolution", help="Leiden resolution")] = 1.0,
        seed: Annotated[int, typer.Option("--seed", help="Leiden seed")] = 42,
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Funktionalräume – labour-market areas and Leiden communities, compared."""
        from regionatlas.workflows import functional_regions
        from regionatlas.workflows.lma import LmaParams

        params = LmaParams(min_size, min_sc, target_size, target_sc)
        with _region_and_store(opts) as (reg, store):
            res = functional_regions(
                store,
                reg,
                params,
                resolution,
                seed=seed,
                period=opts.period,
                employment_rate=opts.rate,
            )
        c = res.comparison
        s = res.lma.summary
        extra = [
            f"LMA: {s['n_lma']} areas, {s['n_not_assigned']} not assigned, Q {res.q_lma:.4f} "
            f"(minSZ={min_size:g} minSC={min_sc:g} tarSZ={target_size:g} tarSC={target_sc:g})",
            f"Leiden (resolution {resolution:g}, seed {seed}): {c.n_clusters_b} communities, "
            f"Q {res.q_leiden:.4f}; adjusted Rand {c.adjusted_rand:.4f}, NMI {c.nmi:.4f}; "
            f"residents in agreement LMA→Leiden {c.agreement_a_in_b:.1%}, "
            f"Leiden→LMA {c.agreement_b_in_a:.1%}",
        ]
        _emit(
            res.assignment.reset_index(),
            f"{reg.name_de}: functional regions, {res.period}",
            res.basis,
            res.note,
            res.attribution,
            opts,
            extra,
        )

    @analyse.command("hubs")
    @user_errors
    @option_group(AnalysisOptions)
    def hubs(
        what: Annotated[
            HubTable,
            typer.Option("--table", help="centres | catchments | hierarchy | knotenpunkte"),
        ] = HubTable.centres,
        level: Annotated[HubLevel, typer.Option("--level", help="gemeinde | kreis")] = (
            HubLevel.gemeinde
        ),
        n_centres: Annotated[int, typer.Option("--centres", help="centres for catchments")] = 10,
        cell_km: Annotated[
            float, typer.Option("--cell-km", help="grid cell for Knotenpunkte (km)")
        ] = 2.0,
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Zentren und Einzugsbereiche – hubs, catchments, dominant flows, Knotenpunkte."""
        from regionatlas.workflows import hubs_and_catchments

        with _region_and_store(opts) as (reg, store):
            res = hubs_and_catchments(
                store,
                reg,
                opts.period,
                level=level.value,
                n_centres=n_centres,
                cell_km=cell_km,
                employment_rate=opts.rate,
            )
        frames = {
            HubTable.centres: res.centres.reset_index(),
            HubTable.catchments: res.catchments,
            HubTable.hierarchy: res.hierarchy.reset_index(),
            HubTable.knotenpunkte: res.knotenpunkte.places.reset_index(),
        }
        note = res.note
        if what == HubTable.knotenpunkte:
            note += "; " + res.routes_note
        _emit(
            frames[what],
            f"{reg.name_de}: hubs ({what.value}, level {res.level}), {res.period}",
            res.basis,
            note,
            res.attribution,
            opts,
            [f"hierarchy sized by {res.size_basis}"] if what == HubTable.hierarchy else None,
        )

    @analyse.command("central-places")
    @user_errors
    @option_group(AnalysisOptions)
    def central_places(
        what: Annotated[
            CentralTable, typer.Option("--table", help="matrix | deviations | places")
        ] = CentralTable.matrix,
        method: Annotated[
            str, typer.Option("--method", help="matched | thresholds | quantiles")
        ] = "matched",
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Zentrale Orte: Festlegung und Funktion – designated vs functional central places."""
        from regionatlas.workflows import central_places as run

        with _region_and_store(opts) as (reg, store):
            res = run(store, reg, opts.period, method=method, employment_rate=opts.rate)
        c = res.comparison
        frames = {
            CentralTable.matrix: c.matrix.reset_index(),
            CentralTable.deviations: c.deviations,
            CentralTable.places: c.places,
        }
        frame = frames[what]
        frame.columns = [str(col) for col in frame.columns]
        cuts = ", ".join(f"{x:,.0f}" for x in c.cuts)
        _emit(
            frame,
            f"{reg.name_de}: central places ({what.value}), {res.period}",
            res.basis,
            res.note,
            res.attribution,
            opts,
            [f"method {c.method}, score {c.score}; cut points (Grund, Mittel, Ober): {cuts}"],
        )

    @analyse.command("estimate")
    @user_errors
    @option_group(AnalysisOptions, limit=10)
    def estimate(
        import_: Annotated[
            bool,
            typer.Option(
                "--import",
                help="store the estimate as a batch (flagged estimated) for the "
                "web atlas and the scenario lab",
            ),
        ] = False,
        *,
        opts: AnalysisOptions,
    ) -> None:
        """Gemeindeströme schätzen – modelled municipal flows from the district totals."""
        from regionatlas.workflows import municipal_flows
        from regionatlas.workflows.ingest.estimate import estimate_as_source

        with _region_and_store(opts) as (reg, store):
            fb = municipal_flows(store, reg, opts.period, employment_rate=opts.rate)
            extra = [
                f"{len(fb.flows):,} rows; flows within districts: "
                f"{'yes' if fb.within_districts else 'no'}"
            ]
            if fb.details:
                d = fb.details
                extra.append(
                    f"beta {d['beta']:.4g} ({d['decay']}), {d['iterations']} iterations; "
                    f"max deviation from district totals {d['max_block_error']:.1e}, "
                    f"from municipal margins {max(d['max_row_error'], d['max_col_error']):.1e}"
                )
            if import_:
                if fb.stored_batches:
                    extra.append(
                        "already in the store (batch "
                        + ", ".join(map(str, fb.stored_batches))
                        + "); nothing imported"
                    )
                else:
                    res = store.import_source(estimate_as_source(fb, reg))
                    extra.append(
                        f"imported as batch {res.batch.id}"
                        if res.created
                        else f"identical estimate already imported (batch {res.batch.id})"
                    )
        frame = fb.flows.drop(columns=["pooled"], errors="ignore")
        _emit(
            frame,
            f"{reg.name_de}: municipal flows, {fb.period}",
            fb.basis,
            fb.note,
            fb.attribution,
            opts,
            extra,
        )
