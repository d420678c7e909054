"""What every workflow result says about itself: its basis and the sources it was built from.

``basis`` is one of three words:

* ``"official"``           figures as published (sums, rates and shares computed from them);
* ``"modelled estimate"``  figures that rest on a model (municipal flows estimated from the
                           published district totals, or an assumed employment rate);
* ``"synthetic"``          anything built from a batch marked synthetic (generated data).

``attribution`` lists the attribution lines of the batches whose rows were used (in batch
order), so a table, a download or a map can show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from regionatlas.store.base import Store

OFFICIAL = "official"
ESTIMATE = "modelled estimate"
SYNTHETIC = "synthetic"
BASES = (OFFICIAL, ESTIMATE, SYNTHETIC)

OWN_CALCULATION = "regionatlas: eigene Berechnungen / own calculations"


def combine(*bases: str) -> str:
    """The weakest of several bases: synthetic > modelled estimate > official."""
    if SYNTHETIC in bases:
        return SYNTHETIC
    if ESTIMATE in bases:
        return ESTIMATE
    return OFFICIAL


@dataclass
class Provenance:
    """Collects the batches a result was built from."""

    batch_ids: set[int] = field(default_factory=set)

    def add(self, frame: pd.DataFrame | None) -> pd.DataFrame | None:
        """Remember the batches of ``frame`` (its ``batch_id`` column); returns ``frame``."""
        if frame is not None and "batch_id" in frame.columns and len(frame):
            ids = pd.to_numeric(frame["batch_id"], errors="coerce").dropna().astype(int)
            self.batch_ids.update(int(i) for i in ids.unique())
        return frame

    def merge(self, other: Provenance) -> Provenance:
        self.batch_ids |= other.batch_ids
        return self

    def attribution(self, store: Store, extra: Iterable[str] = ()) -> tuple[str, ...]:
        lines: list[str] = []
        for bid in sorted(self.batch_ids):
            text = store.batch(bid).attribution
            if text and text not in lines:
                lines.append(text)
        for text in extra:
            if text and text not in lines:
                lines.append(text)
        return tuple(lines)

    def synthetic(self, store: Store) -> bool:
        return any(store.batch(bid).synthetic for bid in sorted(self.batch_ids))

    def basis(self, store: Store, estimated: bool) -> str:
        if self.synthetic(store):
            return SYNTHETIC
        return ESTIMATE if estimated else OFFICIAL
