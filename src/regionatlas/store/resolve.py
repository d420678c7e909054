"""History resolution shared by both engines (pure functions over frames).

* units: per ags the latest version (as_of, then batch), geometry from the latest version
  that has one;
* observations: per (ags, indicator, period) the latest batch;
* flows: per (origin, destination, period, grp) the residence side's figure over the
  workplace side's, then the latest batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OBSERVATION_KEY = ["ags", "indicator", "period"]
FLOW_KEY = ["origin", "destination", "period", "grp"]


def latest_units(
    frame: pd.DataFrame,
    geometry: bool = False,
    *,
    include_ended: bool = True,
    as_of: str | None = None,
) -> pd.DataFrame:
    """One row per ags: latest as_of (then latest batch); geometry from the newest one with it.

    ``include_ended=False`` drops units whose latest version has ended (``valid_to`` on or
    before ``as_of``; any ``valid_to`` when no date is given).
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    ordered = frame.sort_values(["ags", "as_of", "batch_id"], kind="stable")
    latest = ordered.drop_duplicates("ags", keep="last")
    if not include_ended and "valid_to" in latest.columns:
        # only an ISO date ends a unit (a foreign tool may have written junk into the column)
        valid_to = latest["valid_to"].astype(object).where(latest["valid_to"].notna(), "")
        ended = np.array(valid_to.astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}"), dtype=bool)
        if as_of is not None:
            ended = ended & np.array(valid_to.astype(str) <= as_of, dtype=bool)
        latest = latest[~ended]
    if geometry and "geometry" in frame.columns:
        with_geom = ordered[ordered["geometry"].notna()].drop_duplicates("ags", keep="last")
        geom = with_geom.set_index("ags")["geometry"]
        mapped = latest["ags"].map(geom).to_numpy(dtype=object, copy=True)
        mapped[pd.isna(mapped)] = None
        latest = latest.assign(geometry=mapped)
    return latest.sort_values("ags", kind="stable").reset_index(drop=True)


def latest_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (ags, indicator, period): the latest batch wins."""
    if frame.empty or not frame.duplicated(OBSERVATION_KEY).any():
        return frame.reset_index(drop=True)
    ordered = frame.sort_values([*OBSERVATION_KEY, "batch_id"], kind="stable")
    return ordered.drop_duplicates(OBSERVATION_KEY, keep="last").reset_index(drop=True)


def preferred_flows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (origin, destination, period, grp): residence side first, then latest batch.

    Only rows whose key occurs more than once are sorted, so a store holding one batch per
    period returns its (often million-row) frame without a sort.
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    dup = frame.duplicated(FLOW_KEY, keep=False).to_numpy()
    if not dup.any():
        return frame.reset_index(drop=True)
    clash = frame[dup]
    rank = np.where(clash["reported_by"].to_numpy() == "residence", 1, 0)
    chosen = (
        clash.assign(_rank=rank)
        .sort_values([*FLOW_KEY, "_rank", "batch_id"], kind="stable")
        .drop_duplicates(FLOW_KEY, keep="last")
        .drop(columns="_rank")
    )
    return pd.concat([frame[~dup], chosen], ignore_index=True)
