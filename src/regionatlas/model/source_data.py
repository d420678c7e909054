"""What every reader returns: canonical frames plus provenance (``SourceData``).

Readers (``sources/``) build it, the store (``store/``) imports it in one transaction; neither
imports the other, both import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from regionatlas.model.schema import (
    FLOW_COLUMNS,
    OBSERVATION_COLUMNS,
    UNIT_CHANGE_COLUMNS,
    UNIT_COLUMNS,
)


@dataclass
class SourceData:
    """Canonical content of one source file (or one shapefile with its side files)."""

    source: str  # reader id (FORMAT_ID)
    file: Path
    sha256: str
    publisher: str
    licence: str
    attribution: str
    vintage: str | None  # ISO date the data refers to
    units: pd.DataFrame | None = None  # UNIT_COLUMNS; a GeoDataFrame when geometry is present
    observations: pd.DataFrame | None = None  # OBSERVATION_COLUMNS
    flows: pd.DataFrame | None = None  # FLOW_COLUMNS
    unit_changes: pd.DataFrame | None = None  # UNIT_CHANGE_COLUMNS
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        return {
            name: len(frame)
            for name, frame in (
                ("unit", self.units),
                ("observation", self.observations),
                ("flow", self.flows),
                ("unit_change", self.unit_changes),
            )
            if frame is not None
        }

    def check_columns(self) -> None:
        """Raise AssertionError if a frame lacks canonical columns (a programming error)."""
        for frame, cols in (
            (self.units, UNIT_COLUMNS),
            (self.observations, OBSERVATION_COLUMNS),
            (self.flows, FLOW_COLUMNS),
            (self.unit_changes, UNIT_CHANGE_COLUMNS),
        ):
            if frame is not None:
                missing = [c for c in cols if c not in frame.columns]
                assert not missing, f"{self.source}: frame lacks columns {missing}"
