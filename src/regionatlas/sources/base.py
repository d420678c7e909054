"""What every reader returns: canonical frames plus provenance.

A reader module (one per real-world format) exposes::

    FORMAT_ID: str                        # e.g. "destatis-gv100ad"
    def sniff(path: Path) -> bool         # cheap check: is this file in my format?
    def read(path: Path) -> SourceData    # validate everything, raise SourceFormatError
    def fingerprint(path: Path) -> str    # optional: read(path).sha256 without parsing, so
                                          # ``build`` skips files already imported

Readers never touch the store; the store imports a SourceData in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from regionatlas.store.schema import (
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


def sha256_of(*paths: Path) -> str:
    """SHA-256 over the bytes of one or more files (in the given order)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def derived_fingerprint(kind: str, *parts: str, inputs: list[str]) -> str:
    """The SHA-256 identity of a derived batch: its kind, parameters and input batches.

    Same inputs give the same fingerprint, so re-deriving is a no-op import.
    """
    return hashlib.sha256("\n".join([kind, *parts, *sorted(inputs)]).encode()).hexdigest()


def content_sha256(path: Path) -> str:
    """SHA-256 of a file's content as most readers hash it for their batch: the bytes, a
    gzip stream decompressed first (``_common.read_bytes``). Cheap: nothing is parsed."""
    from regionatlas.sources._common import read_bytes

    return hashlib.sha256(read_bytes(Path(path))).hexdigest()
