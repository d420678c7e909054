"""What the web's scenario lab uses of the scenario engine, in one place: definitions, the
context from the store, running and comparing, the lever catalogue (``analysis.scenarios``)."""

from __future__ import annotations

from regionatlas.analysis.scenarios import (
    ScenarioContext,
    ScenarioDefinition,
    ScenarioResult,
    compare_to_dict,
    lever_catalogue,
    load_definition,
    parse_definition,
    run_scenario,
)
from regionatlas.analysis.scenarios.definition import GOALS, LEVERS


def context_from_store(store: object, districts: list[str]) -> ScenarioContext:
    """Places and flows of ``districts`` from the atlas store."""
    from regionatlas.analysis.scenarios.store_glue import context_from_store as build

    return build(store, districts)


__all__ = [
    "GOALS",
    "LEVERS",
    "ScenarioContext",
    "ScenarioDefinition",
    "ScenarioResult",
    "compare_to_dict",
    "context_from_store",
    "lever_catalogue",
    "load_definition",
    "parse_definition",
    "run_scenario",
]
