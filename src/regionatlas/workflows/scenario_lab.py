"""What the web's scenario lab uses of the pure scenario engine (``analysis.scenarios``), in
one place: definitions, running and comparing, the lever catalogue, goals and levers. The
store context and the scenario files are ``workflows.scenarios``."""

from __future__ import annotations

from regionatlas.analysis.scenarios import (
    ScenarioContext,
    ScenarioDefinition,
    ScenarioResult,
    compare_to_dict,
    lever_catalogue,
    parse_definition,
    run_scenario,
)
from regionatlas.analysis.scenarios.definition import GOALS, LEVERS

__all__ = [
    "GOALS",
    "LEVERS",
    "ScenarioContext",
    "ScenarioDefinition",
    "ScenarioResult",
    "compare_to_dict",
    "lever_catalogue",
    "parse_definition",
    "run_scenario",
]
