"""``regionatlas scenario run|compare``: the scenario lab "Region der kurzen Wege" on the store.

Results are printed as JSON on stdout; ``--out FILE`` (.csv: the summary; .zip: one CSV per table;
.xlsx; .pdf) also exports them (``--out -`` sends the CSV to stdout and the JSON to stderr).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from regionatlas.cli.common import (
    DatabaseUrlOption,
    DbOption,
    opened_store,
    option_group,
    user_errors,
)

if TYPE_CHECKING:
    from regionatlas.workflows.scenario_lab import ScenarioContext

OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Export to FILE (.csv summary, .zip of CSVs, .xlsx or .pdf)"),
]
ParamsOption = Annotated[
    Path | None,
    typer.Option("--parameters", help="Parameter file (default: the shipped, cited defaults)"),
]
PeriodOption = Annotated[str | None, typer.Option("--period", help="Flow period (default latest)")]
RingOption = Annotated[
    bool, typer.Option("--include-ring", help="Also treat the context ring as the region")
]
RegionOption = Annotated[
    Path | None, typer.Option("--region", help="Region TOML (default from settings)")
]


@dataclass(frozen=True)
class ScenarioOptions:
    """The options of ``scenario run`` and ``compare`` after their arguments."""

    db: DbOption = None
    database_url: DatabaseUrlOption = None
    out_file: OutOption = None
    parameters: ParamsOption = None
    period: PeriodOption = None
    include_ring: RingOption = False
    region: RegionOption = None


def _context(opts: ScenarioOptions) -> ScenarioContext:
    from regionatlas.region import load_region
    from regionatlas.settings import load_settings
    from regionatlas.workflows.scenarios import context_from_store

    settings = load_settings(db=opts.db, database_url=opts.database_url)
    reg = load_region(opts.region or settings.region_file)
    with opened_store(opts.db, opts.database_url) as store:
        return context_from_store(store, reg, period=opts.period, include_ring=opts.include_ring)


def _print(data: dict[str, Any], out_file: Path | None) -> None:
    """The result as JSON on stdout, or on stderr when --out - sends the export there."""
    from regionatlas.output import writes_stdout

    stream = sys.stderr if out_file is not None and writes_stdout(out_file) else sys.stdout
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    scenario = typer.Typer(
        help="Szenarien „Region der kurzen Wege“ – commuting scenarios (km, CO2, hours).",
        no_args_is_help=True,
    )

    @scenario.command("run")
    @user_errors
    @option_group(ScenarioOptions)
    def run(
        scenario_file: Annotated[Path, typer.Argument(help="Scenario TOML")],
        *,
        opts: ScenarioOptions,
    ) -> None:
        """Baseline vs. scenario (commuter-km, CO2, hours, per lever) as JSON."""
        from regionatlas.workflows.scenario_export import export
        from regionatlas.workflows.scenarios import run_scenario_files

        (result,) = run_scenario_files([scenario_file], opts.parameters, lambda: _context(opts))
        if opts.out_file:
            export(opts.out_file, result)
        _print(result.to_dict(), opts.out_file)

    @scenario.command("compare")
    @user_errors
    @option_group(ScenarioOptions)
    def compare_cmd(
        scenario_a: Annotated[Path, typer.Argument(help="Scenario A (TOML)")],
        scenario_b: Annotated[Path, typer.Argument(help="Scenario B (TOML)")],
        *,
        opts: ScenarioOptions,
    ) -> None:
        """Two scenarios side by side (totals, score, per-municipality differences) as JSON."""
        from regionatlas.workflows.scenario_export import export
        from regionatlas.workflows.scenario_lab import compare_to_dict
        from regionatlas.workflows.scenarios import run_scenario_files

        a, b = run_scenario_files([scenario_a, scenario_b], opts.parameters, lambda: _context(opts))
        if opts.out_file:
            export(opts.out_file, a, b)
        _print(compare_to_dict(a, b), opts.out_file)

    app.add_typer(scenario, name="scenario")
