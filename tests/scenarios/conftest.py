"""Small hand-made places and flows for the scenario lab (coordinates in EPSG:25832 m)."""

from __future__ import annotations

import pytest
from scenario_frames import od_frame, units_frame

from regionatlas.analysis.scenarios.context import build_context
from regionatlas.workflows.scenarios import load_parameters


@pytest.fixture
def params():
    return load_parameters()


@pytest.fixture
def unit_detour(params):
    """Defaults with detour factor 1, so road km = straight km (easier hand arithmetic)."""
    return params.with_overrides({"distance.detour_factor": 1.0})


@pytest.fixture
def line_ctx():
    """A (0,0); B 10 km east; C 30 km north. A->B 100, A->C 10."""
    units = units_frame(
        [("06611001", 0, 0, "06"), ("06611002", 10, 0, "06"), ("05774003", 0, 30, "05")]
    )
    od = od_frame([("06611001", "06611002", 100.0), ("06611001", "05774003", 10.0)])
    return build_context(units, od)
