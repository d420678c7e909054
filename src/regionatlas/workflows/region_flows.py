"""A region's commuter relations with the units outside it: the flows of its member districts
added up into one region key (glue around ``analysis.aggregate``)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from regionatlas.analysis.aggregate import aggregate_flows, region_mapping


def region_outside_flows(
    flows: pd.DataFrame, members: Iterable[str], region_id: str
) -> pd.DataFrame:
    """``flows`` (origin, destination, persons, flag) with every member key replaced by
    ``region_id`` and summed (markers kept, never counted as 0)."""
    keys = pd.concat([flows["origin"], flows["destination"]]).astype(str).unique()
    mapping = region_mapping(keys, sorted(members), region_id)
    return aggregate_flows(flows[["origin", "destination", "persons", "flag"]], mapping)
