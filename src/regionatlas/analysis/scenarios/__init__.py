"""Scenario lab "Region der kurzen Wege": commuter-km, CO2 and hours of commuting, and what
remote work, co-working sites, ride-sharing corridors and job relocation would change.

Public API (pure functions; files and the store are read by ``workflows.scenarios``, the
exports are written by ``workflows.scenario_export`` through ``regionatlas.exports``)::

    ctx = build_context(units, od, estimate_basis=...)        # or workflows context_from_store
    definition = parse_definition(raw)                        # or workflows load_definition
    result = run_scenario(definition, ctx, parameters)        # ScenarioResult
    result.to_dict()                                          # JSON-ready
    compare(a, b); compare_to_dict(a, b)                      # side by side
    lever_catalogue()                                         # levers + parameters for forms
    # workflows.scenario_export.export("brief.pdf", a, b=None)  # .csv/.zip/.xlsx/.pdf

Modules: parameters (cited assumptions; the shipped defaults are package data), context,
metrics (trip table -> km, CO2, hours), remote, sites + location (p-median / coverage site
choice), rideshare, gravity + relocation (doubly-constrained model), scoring, definition,
engine, synthetic (labelled synthetic test region).
"""

from regionatlas.analysis.scenarios.catalogue import lever_catalogue
from regionatlas.analysis.scenarios.context import ScenarioContext, build_context
from regionatlas.analysis.scenarios.definition import (
    ScenarioDefinition,
    definition_to_dict,
    parse_definition,
)
from regionatlas.analysis.scenarios.engine import (
    ScenarioResult,
    baseline_report,
    compare,
    compare_municipalities,
    compare_to_dict,
    run_scenario,
)
from regionatlas.analysis.scenarios.parameters import Parameters, parse_parameters

__all__ = [
    "Parameters",
    "ScenarioContext",
    "ScenarioDefinition",
    "ScenarioResult",
    "baseline_report",
    "build_context",
    "compare",
    "compare_municipalities",
    "compare_to_dict",
    "definition_to_dict",
    "lever_catalogue",
    "parse_definition",
    "parse_parameters",
    "run_scenario",
]
