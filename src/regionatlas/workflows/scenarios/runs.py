"""Scenario files run on a context: what ``regionatlas scenario run|compare`` does between
parsing its options and printing or exporting the results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.engine import ScenarioResult, run_scenario
from regionatlas.workflows.scenarios.files import load_definition, load_parameters


def run_scenario_files(
    scenario_files: Sequence[str | Path],
    parameters: str | Path | None,
    context: Callable[[], ScenarioContext],
) -> list[ScenarioResult]:
    """Each scenario file run on one context with one parameter set, in the order given.

    The files are read first (the definitions, then the parameters: the shipped, cited
    defaults when ``parameters`` is None), and only then ``context()`` is called, so a bad
    file is reported before any store is opened.
    """
    definitions = [load_definition(path) for path in scenario_files]
    params = load_parameters(parameters)
    ctx = context()
    return [run_scenario(definition, ctx, params) for definition in definitions]
