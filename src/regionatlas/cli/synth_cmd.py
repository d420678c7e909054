"""``regionatlas synth``: write a synthetic Germany in the official file formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from regionatlas.cli.common import QuietOption, console, out, user_errors
from regionatlas.errors import ParameterError

STEP_LABELS = {
    "model": "Modell: Gebiete, Bevölkerung, Pendlerströme / model",
    "publish": "Geheimhaltung wie die BA / BA-style confidentiality",
    "write": "Dateien schreiben / writing files",
}


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)


@user_errors
def synth(
    out_dir: Annotated[Path, typer.Option("--out", help="Zielverzeichnis / output directory")],
    municipalities: Annotated[
        int, typer.Option("--municipalities", "-n", help="Zahl der Gemeinden / municipalities")
    ] = 10_800,
    seed: Annotated[int, typer.Option("--seed", help="Zufallsstartwert / random seed")] = 1,
    districts: Annotated[
        int | None,
        typer.Option("--districts", help="Zahl der Kreise (Standard: N/27, 400 bei 10.800)"),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Synthetisches Deutschland in amtlichen Formaten (VG5000, GV100AD, BA krpend) –
    synthetic Germany in the official formats, marked synthetic in every file."""
    from regionatlas.synth import generate

    if municipalities < 20:
        raise ParameterError(
            f"--municipalities must be at least 20, got {municipalities}",
            value=municipalities,
            expected=">= 20",
        )
    if seed < 0:
        raise ParameterError(f"--seed must be >= 0, got {seed}", value=seed)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        task = None

        def step(name: str) -> None:
            nonlocal task
            if task is not None:
                progress.update(task, completed=1, total=1)
            task = progress.add_task(STEP_LABELS.get(name, name), total=None)

        summary = generate(
            out_dir,
            municipalities=municipalities,
            seed=seed,
            districts=districts,
            progress=step,
        )
        if task is not None:
            progress.update(task, completed=1, total=1)

    table = Table(title="SYNTHETISCHE DATEN – synthetic data", show_header=False)
    rows = [
        ("Verzeichnis / directory", str(summary.out_dir)),
        ("Seed", str(summary.seed)),
        ("Länder / states", f"{summary.states}"),
        ("Kreise / districts", f"{summary.districts}"),
        ("Gemeindeverbände", f"{summary.verbaende}"),
        ("Gemeinden / municipalities", f"{summary.municipalities:,}"),
        ("Einwohner / population", f"{summary.population:,}"),
        ("SV-Beschäftigte am Wohnort / employed", f"{summary.employed:,}"),
        ("OD-Paare (>0) / OD pairs", f"{summary.od_pairs:,}"),
        (
            "veröffentlichte Partnerzeilen / published partner rows",
            f"{summary.published_partner_rows:,}",
        ),
        ("in „Übrige …“ / suppressed share", f"{summary.suppressed_share:.1%}"),
        ("Sekunden / seconds", f"{summary.seconds:.1f}"),
    ]
    for k, v in rows:
        table.add_row(k, v)
    out.print(table)
