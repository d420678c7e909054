"""Leiden communities of a set of flows between units, with their flow modularity (glue
around ``analysis.communities`` for the web read model)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regionatlas.analysis.communities import flow_modularity, leiden_communities


@dataclass(frozen=True)
class Communities:
    membership: pd.Series  # unit key -> community 1..k
    modularity: float


def flow_communities(origin: pd.Series, destination: pd.Series, persons: pd.Series) -> Communities:
    """Leiden on the flows ``origin -> destination`` weighted by ``persons`` (all known)."""
    od = pd.DataFrame(
        {
            "community_live": origin.to_numpy(dtype=object),
            "community_work": destination.to_numpy(dtype=object),
            "amount": persons.to_numpy(dtype=float),
        }
    )
    membership = leiden_communities(od)
    return Communities(membership, float(flow_modularity(od, membership)))
