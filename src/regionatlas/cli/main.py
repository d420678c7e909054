"""The ``regionatlas`` command line: one typer app; each area registers its commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="regionatlas",
    help="Atlas und Planungswerkzeug für Regionen über Landesgrenzen – atlas and planning tool.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Each module defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "regionatlas.cli.data_cmds",
    "regionatlas.cli.synth_cmd",
    "regionatlas.cli.analysis_cmds",
    "regionatlas.cli.lma_cmd",
    "regionatlas.cli.scenario_cmds",
    "regionatlas.cli.web_cmds",
    "regionatlas.cli.impact_cmds",
    "regionatlas.cli.platform_cmds",
    "regionatlas.cli.survey_cmds",
)

# a module that fails to import is an error (never a silently missing command)
for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:  # pragma: no cover - entry point
    app()
