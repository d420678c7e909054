"""Scenario lab "Region der kurzen Wege": commuter-km, CO2 and hours of commuting, and what
remote work, co-working sites, ride-sharing corridors and job relocation would change.

Public API (pure functions; the only I/O is ``store_glue`` and ``export``)::

    ctx = build_context(units, od, estimate_basis=...)        # or store_glue.context_from_store
    definition = load_definition("scenarios/x.toml")          # or parse_definition(dict)
    result = run_scenario(definition, ctx)                    # ScenarioResult
    result.to_dict()                                          # JSON-ready
    compare(a, b); compare_to_dict(a, b)                      # side by side
    lever_catalogue()                                         # levers + parameters for forms
    export("brief.pdf", a, b=None)                            # .csv / .xlsx / .pdf

Modules: parameters (cited assumptions, parameters/defaults.toml), context, metrics (trip
table -> km, CO2, hours), remote, sites + location (p-median / coverage site choice), rideshare,
gravity + relocation (doubly-constrained model), scoring, definition, engine, export,
store_glue, synthetic (labelled synthetic test region).
"""

from regionatlas.analysis.scenarios.catalogue import lever_catalogue
from regionatlas.analysis.scenarios.context import ScenarioContext, build_context
from regionatlas.analysis.scenarios.definition import (
    ScenarioDefinition,
    definition_to_toml,
    load_definition,
    parse_definition,
    save_definition,
)
from regionatlas.analysis.scenarios.engine import (
    ScenarioResult,
    baseline_report,
    compare,
    compare_municipalities,
    compare_to_dict,
    run_scenario,
)
from regionatlas.analysis.scenarios.parameters import Parameters, load_parameters

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
    "definition_to_toml",
    "lever_catalogue",
    "load_definition",
    "load_parameters",
    "parse_definition",
    "run_scenario",
    "save_definition",
]
