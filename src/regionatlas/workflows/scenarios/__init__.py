"""The scenario lab on a store: contexts from the store, scenario and parameter files.

    ctx = context_from_store(store, region)                # places + flows of the region
    definition = load_definition("my-scenario.toml")       # or example_definitions()[id]
    result = run_scenario(definition, ctx, load_parameters())   # analysis.scenarios (pure)
    a, b = run_scenario_files([a_toml, b_toml], None, lambda: ctx)  # files in, results out

Modules: context (ScenarioContext from the Store protocol), files (TOML definitions and
parameters; the shipped examples and cited defaults are package data), runs (scenario files
run on a context, for the CLI).
"""

from regionatlas.workflows.scenarios.context import context_from_store
from regionatlas.workflows.scenarios.files import (
    default_parameters,
    definition_to_toml,
    example_definitions,
    load_definition,
    load_parameters,
    save_definition,
)
from regionatlas.workflows.scenarios.runs import run_scenario_files

__all__ = [
    "context_from_store",
    "default_parameters",
    "definition_to_toml",
    "example_definitions",
    "load_definition",
    "load_parameters",
    "run_scenario_files",
    "save_definition",
]
