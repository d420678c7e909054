"""Harmonise data of merged or split municipalities onto a reference Gebietsstand.

``harmonise(frame, unit_changes, reference_date)`` is pure: it maps every row whose unit was
changed by a territorial reform on or before ``reference_date`` (and whose period lies before
that reform) onto the new unit(s), weighting additive values by the change's share, and sums
the parts. Chains of reforms are followed in date order.

Markers survive: a sum with any part that is secret or unknown (value NULL with a marker other
than "-") is NULL with that marker ("." when parts carry different markers) — never a silent 0.
"-" (exactly zero) parts count as 0; a sum of only "-" parts stays "-". A combined or split
value is flagged "derived" (or "estimated" if any part was an estimate). Non-additive
indicators (rates, shares) cannot be summed: a combined or split one becomes NULL with "x".
A unit that was only renamed (one part, share 1) keeps its value and flag.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_DERIVED, FLAG_ESTIMATED

_SHARE_TOLERANCE = 1e-6


def _shape(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """(value column, key columns that hold AGS) of an observation or flow frame."""
    if {"origin", "destination", "persons"} <= set(frame.columns):
        return "persons", ["origin", "destination"]
    if {"ags", "value"} <= set(frame.columns):
        return "value", ["ags"]
    raise ParameterError(
        "harmonise needs an observation frame (ags, value, …) or a flow frame "
        "(origin, destination, persons, …)",
        value=", ".join(map(str, frame.columns)),
    )


def _checked_changes(unit_changes: pd.DataFrame, reference_date: str) -> pd.DataFrame:
    need = {"old_ags", "new_ags", "date", "share"}
    if not need <= set(unit_changes.columns):
        raise ParameterError(
            "unit_changes lacks columns", value=sorted(need - set(unit_changes.columns))
        )
    ch = unit_changes[["old_ags", "new_ags", "date", "share"]]
    ch = ch[ch["date"] <= reference_date]
    if ((ch["share"] <= 0) | (ch["share"] > 1 + _SHARE_TOLERANCE)).any():
        bad = ch[(ch["share"] <= 0) | (ch["share"] > 1 + _SHARE_TOLERANCE)].iloc[0]
        raise ParameterError(
            f"share of {bad['old_ags']} -> {bad['new_ags']} out of range",
            value=float(bad["share"]),
            expected="0 < share <= 1",
        )
    totals = ch.groupby(["old_ags", "date"])["share"].sum()
    if (totals > 1 + _SHARE_TOLERANCE).any():
        old, date = totals[totals > 1 + _SHARE_TOLERANCE].index[0]
        raise ParameterError(
            f"shares of {old} at {date} add up to more than 1",
            value=float(totals[(old, date)]),
            expected="shares of one old unit summing to at most 1",
        )
    return ch


def _map_parts(parts: pd.DataFrame, changes: pd.DataFrame, ags_cols: list[str]) -> pd.DataFrame:
    """Apply the reforms in date order; parts carry a cumulative weight ``_w``."""
    for date, group in changes.groupby("date", sort=True):
        table = group[["old_ags", "new_ags", "share"]]
        for col in ags_cols:
            hit = parts[col].isin(table["old_ags"]) & (parts["period"] < date)
            if not hit.any():
                continue
            moved = parts[hit].merge(table, left_on=col, right_on="old_ags", how="inner")
            moved[col] = moved["new_ags"]
            moved["_w"] = moved["_w"] * moved["share"]
            moved["_moved"] = True
            moved = moved.drop(columns=["old_ags", "new_ags", "share"])
            parts = pd.concat([parts[~hit], moved], ignore_index=True)
    return parts


def harmonise(
    frame: pd.DataFrame,
    unit_changes: pd.DataFrame,
    reference_date: str,
    *,
    additive: Collection[str] | None = None,
) -> pd.DataFrame:
    """Map observations or flows onto the Gebietsstand of ``reference_date``.

    ``additive``: the indicator ids that may be summed (observations only); None means all.
    Returns a frame with the same columns, one row per key on the reference Gebietsstand.
    """
    value_col, ags_cols = _shape(frame)
    changes = _checked_changes(unit_changes, reference_date)
    if frame.empty or changes.empty:
        return frame.reset_index(drop=True)
    columns = list(frame.columns)
    extra = [c for c in ("batch_id", "reported_by") if c in columns]
    keys = [c for c in columns if c not in (value_col, "flag", *extra)]

    parts = frame.reset_index(drop=True).assign(_w=1.0, _moved=False)
    parts = _map_parts(parts, changes, ags_cols)

    value = parts[value_col].to_numpy(dtype="float64")
    flag = parts["flag"]
    missing = np.isnan(value)
    dash = missing & (flag == "-").to_numpy()
    secret = missing & ~dash
    parts = parts.assign(
        _wv=np.where(missing, 0.0, value * parts["_w"].to_numpy()),
        _secret=secret,
        _dash=dash,
        _est=(flag == FLAG_ESTIMATED).to_numpy(),
        _marker=flag.where(secret, None).fillna(".") if secret.any() else None,
        _split=parts["_w"].to_numpy() < 1 - _SHARE_TOLERANCE,
    )
    grouped = parts.groupby(keys, sort=False, dropna=False)
    agg = grouped.agg(
        _n=("_w", "size"),
        _sum=("_wv", "sum"),
        _any_secret=("_secret", "any"),
        _all_dash=("_dash", "all"),
        _any_est=("_est", "any"),
        _any_split=("_split", "any"),
        _first_value=(value_col, "first"),
        _first_flag=("flag", "first"),
    )
    if secret.any():
        markers = parts[parts["_secret"]].groupby(keys, sort=False, dropna=False)["_marker"]
        agg["_marker"] = markers.agg(lambda m: m.iloc[0] if m.nunique() == 1 else ".")
    else:
        agg["_marker"] = None
    for col in extra:
        agg[col] = grouped[col].max() if col == "batch_id" else grouped[col].min()

    combined = (agg["_n"] > 1) | agg["_any_split"]
    non_additive = pd.Series(False, index=agg.index)
    if additive is not None and "indicator" in keys:
        non_additive = ~agg.index.get_level_values("indicator").isin(list(additive))
        non_additive = pd.Series(non_additive, index=agg.index)

    out_value = agg["_sum"].where(~(agg["_any_secret"] | agg["_all_dash"]), np.nan)
    out_flag = pd.Series(
        np.where(agg["_any_est"], FLAG_ESTIMATED, FLAG_DERIVED), index=agg.index, dtype=object
    )
    out_flag[agg["_all_dash"]] = "-"
    out_flag[agg["_any_secret"]] = agg["_marker"][agg["_any_secret"]]
    # rename only: keep what the publisher wrote
    out_value[~combined] = agg["_first_value"][~combined]
    out_flag[~combined] = agg["_first_flag"][~combined]
    # a rate of several parts is not the sum of its parts
    blocked = combined & non_additive
    out_value[blocked] = np.nan
    out_flag[blocked] = "x"

    result = agg[extra].assign(**{value_col: out_value, "flag": out_flag}).reset_index()
    result = result[columns]
    result["flag"] = result["flag"].astype("str")
    return result.sort_values(keys, kind="stable").reset_index(drop=True)
