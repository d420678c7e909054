"""Derived indicators and aggregation of additive indicators (pure functions).

Flags: a derived value whose inputs carry a marker ("*", "x", ".", "/", "…") is itself
that marker with no value — never 0. "-" (exactly nothing) counts as 0 in formulas. A
division by zero gives flag "x" (not meaningful). Everything computed gets flag "derived".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from regionatlas.indicators.formula import evaluate, formula_inputs
from regionatlas.model.schema import FLAG_DERIVED, MARKERS, OBSERVATION_COLUMNS

# which marker wins when several inputs are flagged
MARKER_PRIORITY = ("*", "x", ".", "/", "…")


def _first_marker(flags: pd.DataFrame) -> pd.Series:
    out = pd.Series(None, index=flags.index, dtype=object)
    for marker in reversed(MARKER_PRIORITY):
        hit = (flags == marker).any(axis=1)
        out[hit] = marker
    return out


def _wide(obs: pd.DataFrame, ids: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    part = obs[obs["indicator"].isin(list(ids))]
    values = part.pivot_table(
        index=["ags", "period"],
        columns="indicator",
        values="value",
        aggfunc="first",
        dropna=False,
    )
    flags = (
        part.assign(flag=part["flag"].astype(object)).pivot_table(
            index=["ags", "period"],
            columns="indicator",
            values="flag",
            aggfunc="first",
            dropna=False,
        )
        if part["flag"].notna().any()
        else pd.DataFrame(index=values.index)
    )
    return values, flags


def derive_indicators(
    observations: pd.DataFrame, catalogue: pd.DataFrame, ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Compute derived indicators (those with a formula) for every unit and period."""
    derived = catalogue[catalogue["formula"].notna()]
    if ids is not None:
        derived = derived[derived["id"].isin(list(ids))]
    needed = sorted({i for f in derived["formula"] for i in formula_inputs(f)})
    all_values, all_flags = _wide(observations, needed)
    frames = []
    for row in derived.itertuples():
        inputs = sorted(formula_inputs(row.formula))
        if all_values.empty or any(i not in all_values.columns for i in inputs):
            continue
        values = all_values[inputs]
        flags = all_flags.reindex(index=values.index, columns=inputs)
        present = values.notna() | flags.notna()
        keep = present.all(axis=1)
        values, flags = values.loc[keep], flags.loc[keep]
        if values.empty:
            continue
        dash = flags == "-"
        cols = {i: np.where(dash[i], 0.0, values[i].to_numpy(dtype=float)) for i in inputs}
        result = evaluate(row.formula, cols)
        marker = _first_marker(flags)
        flag = np.where(marker.notna(), marker, np.where(np.isnan(result), "x", FLAG_DERIVED))
        result = np.where(marker.notna(), np.nan, result)
        frames.append(
            pd.DataFrame(
                {
                    "ags": values.index.get_level_values("ags"),
                    "indicator": row.id,
                    "period": values.index.get_level_values("period"),
                    "value": result,
                    "flag": flag,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[OBSERVATION_COLUMNS]


def aggregate_observations(
    observations: pd.DataFrame, mapping: pd.Series, catalogue: pd.DataFrame
) -> pd.DataFrame:
    """Sum additive indicators from units to groups (``mapping``: unit ags -> group ags).

    A group with a member withheld by a confidentiality marker (any of ``MARKERS`` other
    than "-", which means "nothing", i.e. 0) gets that marker and no value. Flags that only
    describe where a number comes from ("derived", "estimated", …) do not withhold it.
    """
    additive = set(catalogue.loc[catalogue["additive"], "id"])
    obs = observations[observations["indicator"].isin(additive)]
    obs = obs[obs["ags"].isin(mapping.index)].copy()
    if obs.empty:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    obs["group"] = obs["ags"].map(mapping)
    flagged = obs["flag"].isin([m for m in MARKERS if m != "-"]) | (
        obs["flag"].notna() & obs["value"].isna() & (obs["flag"] != "-")
    )
    obs["value"] = obs["value"].where(obs["flag"] != "-", 0.0)
    keys = ["group", "indicator", "period"]
    sums = obs.groupby(keys, sort=True)["value"].sum(min_count=1)
    marker = obs[flagged].groupby(keys)["flag"].first()
    out = sums.to_frame("value").join(marker.rename("flag"))
    out["value"] = out["value"].where(out["flag"].isna(), np.nan)
    out["flag"] = out["flag"].where(out["flag"].notna(), FLAG_DERIVED)
    out = out.reset_index().rename(columns={"group": "ags"})
    return out[OBSERVATION_COLUMNS]
