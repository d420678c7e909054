"""Observations and flows of earlier Gebietsstände mapped onto the Gebietsstand of a
reference date (``regionatlas export --harmonise-to``): the territorial changes come from
the store, which indicators may be summed from the indicator catalogue; the mapping itself is
``analysis.harmonise`` (pure)."""

from __future__ import annotations

import pandas as pd

from regionatlas.analysis.harmonise import harmonise
from regionatlas.indicators.catalogue import catalogue
from regionatlas.store.base import Store

__all__ = ["harmonised_flows", "harmonised_observations"]


def harmonised_observations(store: Store, frame: pd.DataFrame, date: str) -> pd.DataFrame:
    """Observations on the Gebietsstand of ``date``.

    Commuter totals are additive over merged municipalities only within one border; the flags
    of non-additive indicators become "x" (see analysis.harmonise).
    """
    cat = catalogue()
    additive = set(cat.loc[cat["additive"], "id"])
    return harmonise(frame, store.unit_changes(), date, additive=additive)


def harmonised_flows(store: Store, frame: pd.DataFrame, date: str) -> pd.DataFrame:
    """Flows on the Gebietsstand of ``date`` (persons are additive)."""
    return harmonise(frame, store.unit_changes(), date)
