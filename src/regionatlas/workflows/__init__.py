"""Workflows: the analyses of ``regionatlas.analysis`` run on a store for a region.

Each function takes ``(store, region, …)``, loads what it needs through the ``Store``
protocol, calls the pure analysis functions and returns a result that carries ``basis``
("official" | "modelled estimate" | "synthetic"), a ``note`` saying what the figures rest on,
and the ``attribution`` lines of the batches used. Nothing is cached; callers cache.

The names below are loaded on first use (PEP 562), so that an entry point importing one
light workflow module (say ``workflows.lma`` for the CLI's option defaults) does not
pay for the analysis stack (igraph, scikit-learn, …) of all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regionatlas.workflows.basis import BASES, ESTIMATE, OFFICIAL, SYNTHETIC
    from regionatlas.workflows.functional import (
        CentralPlaces,
        FunctionalRegions,
        Hubs,
        central_places,
        functional_regions,
        hubs_and_catchments,
    )
    from regionatlas.workflows.ingest.estimate import estimate_as_source
    from regionatlas.workflows.municipal import FlowBasis, municipal_flows
    from regionatlas.workflows.region_analysis import (
        LEVELS,
        CrossBorder,
        IndicatorTable,
        crossborder,
        flow_indicator_table,
    )

# name -> the module that defines it
_HOMES = {
    "BASES": "basis",
    "ESTIMATE": "basis",
    "OFFICIAL": "basis",
    "SYNTHETIC": "basis",
    "CentralPlaces": "functional",
    "FunctionalRegions": "functional",
    "Hubs": "functional",
    "central_places": "functional",
    "functional_regions": "functional",
    "hubs_and_catchments": "functional",
    "estimate_as_source": "ingest.estimate",
    "FlowBasis": "municipal",
    "municipal_flows": "municipal",
    "LEVELS": "region_analysis",
    "CrossBorder": "region_analysis",
    "IndicatorTable": "region_analysis",
    "crossborder": "region_analysis",
    "flow_indicator_table": "region_analysis",
}

__all__ = [
    "BASES",
    "ESTIMATE",
    "LEVELS",
    "OFFICIAL",
    "SYNTHETIC",
    "CentralPlaces",
    "CrossBorder",
    "FlowBasis",
    "FunctionalRegions",
    "Hubs",
    "IndicatorTable",
    "central_places",
    "crossborder",
    "estimate_as_source",
    "flow_indicator_table",
    "functional_regions",
    "hubs_and_catchments",
    "municipal_flows",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
