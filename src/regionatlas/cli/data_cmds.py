"""Data commands: build, import, batches, rollback, info, export, bundle."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from regionatlas.cli.common import (
    DatabaseUrlOption,
    DbOption,
    QuietOption,
    console,
    opened_store,
    out,
    user_errors,
)
from regionatlas.errors import InputError, NotFoundError
from regionatlas.store.base import BatchInfo, ImportResult, Store

RegionOption = Annotated[
    Path | None,
    typer.Option("--region", help="Region definition (default: the shipped Region der Mitte)"),
]


class ExportWhat(StrEnum):
    units = "units"
    observations = "observations"
    flows = "flows"
    indicators = "indicators"
    batches = "batches"
    indicator_map = "indicator-map"
    flow_map = "flow-map"


class ExportFormat(StrEnum):
    gpkg = "gpkg"
    csv = "csv"
    excel_csv = "excel.csv"
    xlsx = "xlsx"
    geojson = "geojson"


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )


def _batch_table(batches: list[BatchInfo], title: str) -> Table:
    table = Table(title=title)
    for col in ("id", "source", "file", "vintage", "rows", "imported (UTC)", "synthetic"):
        table.add_column(col)
    for b in batches:
        rows = ", ".join(f"{k} {v:,}".replace(",", ".") for k, v in b.row_counts.items())
        table.add_row(
            str(b.id),
            b.source,
            b.file_name,
            b.vintage or "",
            rows,
            b.imported_at[:19],
            "ja/yes" if b.synthetic else "",
        )
    return table


def _import_with_progress(
    store: Store, paths: list[Path], fmt: str | None, quiet: bool
) -> list[ImportResult]:
    """build.import_files (every file validated first) with a progress bar."""
    from regionatlas.workflows.ingest.build import import_files

    with _progress(quiet) as progress:
        task = progress.add_task("Lesen und importieren / reading and importing", total=None)
        return import_files(store, paths, fmt, on_file=lambda _d, _r: progress.advance(task))


def _refresh_monitoring(store: Store, region, quiet: bool) -> None:
    """The build/import hook: recompute goal progress and intervention effects from the
    store and save them (workflows.monitoring); a goal that no longer fits the data is
    reported, the import itself stands."""
    from regionatlas.errors import RegionAtlasError
    from regionatlas.workflows.monitoring import refresh_after_import

    try:
        payload = refresh_after_import(store, region)
    except RegionAtlasError as exc:
        console.print(f"[bold red]Monitoring:[/] {exc.message}", highlight=False)
        return
    if not quiet:
        n = sum(len(g["indicators"]) for g in payload["goals"])
        out.print(
            f"Monitoring: {len(payload['goals'])} Ziele / goals, {n} Indikatoren / indicators, "
            f"{len(payload['interventions'])} Maßnahmen / interventions neu berechnet / recomputed"
        )


def build(
    region: RegionOption = None,
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
    quiet: QuietOption = False,
) -> None:
    """Datenbank der Region aufbauen – build the region's database from its source files."""
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings
    from regionatlas.workflows.ingest.build import build_region

    settings = load_settings(db=db, database_url=database_url)
    reg = load_region(region or settings.region_file)
    with opened_store(db, database_url) as store, _progress(quiet) as progress:
        task = progress.add_task("Importieren / importing", total=None)
        report = build_region(store, reg, on_file=lambda _d, _r: progress.advance(task))
        _refresh_monitoring(store, reg, quiet)
    if not quiet:
        new = [r.batch for r in report.created]
        out.print(_batch_table(new, f"{reg.name_de}: {len(new)} neue Batches / new batches"))
        out.print(
            f"{len(report.skipped)} Dateien bereits importiert / already imported; "
            f"{report.seconds:.1f} s; Datenbank / database: {store.url}"
        )


def import_(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to import")],
    format: Annotated[
        str | None, typer.Option("--format", help="Reader id; default: recognised from content")
    ] = None,
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
    quiet: QuietOption = False,
) -> None:
    """Dateien importieren – import files, one batch each (all or nothing per file)."""
    with opened_store(db, database_url) as store:
        results = _import_with_progress(store, files, format, quiet)
        from regionatlas.region import load_region
        from regionatlas.settings import load_settings

        reg = load_region(load_settings(db=db, database_url=database_url).region_file)
        _refresh_monitoring(store, reg, quiet)
        for r in results:
            state = "neu/new" if r.created else "unverändert/unchanged (already imported)"
            out.print(f"batch {r.batch.id}: {r.batch.file_name} – {state}", highlight=False)


def batches(
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Importierte Batches auflisten – list imported batches."""
    with opened_store(db, database_url) as store:
        items = store.batches()
    if as_json:
        out.print_json(json.dumps([b.__dict__ for b in items], ensure_ascii=False))
    else:
        out.print(_batch_table(items, f"{len(items)} Batches"))


def rollback(
    batch: Annotated[int, typer.Argument(help="Batch id (see `regionatlas batches`)")],
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
    quiet: QuietOption = False,
) -> None:
    """Einen Batch entfernen – remove one batch and all its rows."""
    with opened_store(db, database_url) as store:
        info = store.rollback(batch)
    if not quiet:
        out.print(f"Batch {info.id} ({info.file_name}) entfernt / removed.", highlight=False)


def info(db: DbOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Überblick über die Datenbank – summary of the store."""
    with opened_store(db, database_url) as store:
        units = store.units()
        table = Table(title=f"{store.engine}: {store.url}")
        table.add_column("Tabelle / table")
        table.add_column("Inhalt / content")
        table.add_row("batches", str(len(store.batches())))
        by_level = units.groupby("level").size() if len(units) else {}
        table.add_row("units", ", ".join(f"{k} {v}" for k, v in dict(by_level).items()))
        table.add_row("observation periods", ", ".join(store.periods("observation")))
        table.add_row("flow periods", ", ".join(store.periods("flow")))
        table.add_row("indicators", str(len(store.indicators())))
    out.print(table)


def export(
    what: Annotated[ExportWhat, typer.Argument(help="What to export")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file")],
    format: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="Default: from the file name (x.excel.csv: German Excel)"),
    ] = None,
    level: Annotated[str | None, typer.Option(help="Unit level, e.g. kreis, gemeinde")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Indicator id(s)")] = None,
    period: Annotated[str | None, typer.Option(help="Period YYYY-MM-DD")] = None,
    harmonise_to: Annotated[
        str | None,
        typer.Option(
            "--harmonise-to",
            help="Map observations or flows of merged municipalities onto the Gebietsstand "
            "of this date (YYYY-MM-DD), using the imported territorial changes",
        ),
    ] = None,
    region: RegionOption = None,
    db: DbOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Daten exportieren (GeoPackage, CSV, XLSX, GeoJSON) mit Quellenangaben – export data.

    ``indicator-map`` and ``flow-map`` write the web atlas' download of that map (the same
    file, byte for byte)."""
    from regionatlas import exports
    from regionatlas.exports.write import format_of
    from regionatlas.output import writes_stdout

    fmt = format_of(output, format.value if format else None)
    if what in (ExportWhat.indicator_map, ExportWhat.flow_map):
        table = _map_table(what, level, indicator, period, region, db, database_url)
    else:
        with opened_store(db, database_url) as store:
            frame, batch_ids = _export_frame(store, what, level, indicator, period, fmt)
            if harmonise_to:
                frame = _harmonised(store, what, frame, harmonise_to)
            table = _store_table(store, what, frame, batch_ids, period)
    exports.write(table, output, fmt)
    say = console if writes_stdout(output) else out  # -o -: the data own stdout
    say.print(f"{len(table.frame)} Zeilen / rows → {output}", highlight=False)


def _map_table(
    what: ExportWhat,
    level: str | None,
    indicator: list[str] | None,
    period: str | None,
    region: Path | None,
    db: Path | None,
    database_url: str | None,
):
    """The web atlas' download table of one map (``web.downloads``)."""
    from regionatlas.settings import load_settings
    from regionatlas.web.atlas import Atlas
    from regionatlas.web.downloads import flows_table, indicator_table

    settings = load_settings(db=db, database_url=database_url)
    atlas = Atlas(settings.database_url, region or settings.region_file)
    try:
        if what is ExportWhat.flow_map:
            return flows_table(atlas, level or "kreis", period)
        if not indicator or len(indicator) != 1:
            raise InputError("indicator-map needs exactly one --indicator")
        return indicator_table(atlas, indicator[0], level or "kreis", period)
    finally:
        atlas.close()


def _store_table(
    store: Store, what: ExportWhat, frame: pd.DataFrame, batch_ids: set[int], period: str | None
):
    import geopandas as gpd

    from regionatlas.exports import ExportTable
    from regionatlas.exports.table import sources_of_batches

    geometry = None
    if isinstance(frame, gpd.GeoDataFrame):
        geometry = frame.geometry
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    values = {ExportWhat.observations: ("value",), ExportWhat.flows: ("persons",)}
    dates = [str(p) for p in frame.get("period", pd.Series(dtype=object)).dropna().unique()]
    return ExportTable(
        name=what.value,
        frame=frame,
        sources=sources_of_batches(store.batches(), batch_ids or None),
        reference_date=period or (max(dates) if dates else None),
        geometry=geometry,
        value_columns=values.get(what, ()),
        precision={"persons": 0} if what is ExportWhat.flows else {},
        wkt_in_csv=True,
    )


def _export_frame(
    store: Store,
    what: ExportWhat,
    level: str | None,
    indicator: list[str] | None,
    period: str | None,
    fmt: str,
) -> tuple[pd.DataFrame, set[int]]:

    if what is ExportWhat.units:
        frame = store.units(level=level, geometry=fmt in ("gpkg", "geojson"))
    elif what is ExportWhat.observations:
        frame = store.observations(indicators=indicator, periods=[period] if period else None)
        if level:
            codes = set(store.units(level=level)["ags"])
            frame = frame[frame["ags"].isin(codes)]
    elif what is ExportWhat.flows:
        frame = store.flows(level=level, period=period)
    elif what is ExportWhat.indicators:
        frame = store.indicators()
    else:
        frame = pd.DataFrame([b.__dict__ for b in store.batches()])
    if what is not ExportWhat.batches and len(frame) == 0:
        raise NotFoundError(f"nothing to export for {what.value} with these filters")
    ids = set(frame["batch_id"].dropna().astype(int)) if "batch_id" in frame else set()
    return frame, ids


def _harmonised(store: Store, what: ExportWhat, frame: pd.DataFrame, date: str) -> pd.DataFrame:
    from regionatlas.workflows.harmonise import harmonised_flows, harmonised_observations

    if what not in (ExportWhat.observations, ExportWhat.flows):
        raise InputError("--harmonise-to applies to observations and flows only")
    if what is ExportWhat.observations:
        return harmonised_observations(store, frame, date)
    return harmonised_flows(store, frame, date)


def bundle(
    shared: Annotated[
        Path | None, typer.Option(help="Folder with the official files (../shared/data)")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Bundle folder (default: the shipped regionatlas/data/bundle)"),
    ] = None,
    region: RegionOption = None,
) -> None:
    """Datenpaket aus den amtlichen Dateien bauen – rebuild the shipped data bundle."""
    from regionatlas.bundle.build import build_bundle
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings

    settings = load_settings()
    summary = build_bundle(
        shared or settings.shared_data,
        load_region(region or settings.region_file),
        out_dir or settings.bundle_dir,
    )
    out.print(
        f"{summary.files} Dateien / files, {summary.bytes / 1e6:.1f} MB, "
        f"{summary.municipalities} Gemeinden / municipalities → {summary.out_dir}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("build")(user_errors(build))
    app.command("import")(user_errors(import_))
    app.command("batches")(user_errors(batches))
    app.command("rollback")(user_errors(rollback))
    app.command("info")(user_errors(info))
    app.command("export")(user_errors(export))
    app.command("bundle")(user_errors(bundle))
