"""Workflows: the analyses of ``regionatlas.analysis`` run on a store for a region.

Each function takes ``(store, region, …)``, loads what it needs through the ``Store``
protocol, calls the pure analysis functions and returns a result that carries ``basis``
("official" | "modelled estimate" | "synthetic"), a ``note`` saying what the figures rest on,
and the ``attribution`` lines of the batches used. Nothing is cached; callers cache.
"""

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
