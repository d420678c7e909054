"""Shared helpers for the commuter-flow analyses: checking a flows frame, telling real
partner keys from the BA's pseudo keys, and the words used to label derived figures.

A flows frame (``store.schema.FLOW_COLUMNS``) holds one row per (origin, destination) of one
period and one group. ``persons`` is NaN when the publisher wrote a marker (``flag`` keeps it);
``flag == "pooled"`` marks the BA's "Übrige …" rows whose partner is a pseudo key such as
``"010xx"`` (other districts of Regierungsbezirk 010) or ``"06611xxx"`` (other municipalities
of district 06611). Partners abroad keep the BA's country code (``"A"``, ``"CH"``), unflagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.store.schema import FLAG_POOLED

REQUIRED = ("origin", "destination", "persons")

STRAIGHT_LINE_NOTE = (
    "modelled: straight line between population-weighted centroids × detour factor {factor:g}"
)
ROUTES_NOTE = (
    "routes approximated by straight lines between population-weighted centroids "
    "(no transport network imported yet)"
)
ESTIMATE_NOTE = (
    "modelled estimate: municipal flows from a doubly-constrained spatial-interaction model "
    "fitted to the published district-to-district totals"
)


def check_flows(flows: pd.DataFrame, what: str = "flows") -> pd.DataFrame:
    """Return ``flows`` with str keys, float persons and an object flag column.

    Raises ParameterError when columns are missing or the frame mixes periods or groups
    (callers select one period and one group first).
    """
    missing = [c for c in REQUIRED if c not in flows.columns]
    if missing:
        raise ParameterError(
            f"{what}: missing columns {missing}", value=list(flows.columns), expected=REQUIRED
        )
    for col in ("period", "grp"):
        if col in flows.columns and flows[col].nunique(dropna=False) > 1:
            raise ParameterError(
                f"{what}: more than one {col} ({sorted(map(str, flows[col].unique()))[:5]}); "
                f"select one {col} first",
                expected=f"a single {col}",
            )
    out = pd.DataFrame(
        {
            "origin": flows["origin"].astype(str).to_numpy(),
            "destination": flows["destination"].astype(str).to_numpy(),
            "persons": pd.to_numeric(flows["persons"]).astype(float).to_numpy(),
            "flag": (
                flows["flag"].astype(object).to_numpy()
                if "flag" in flows.columns
                else np.full(len(flows), None, dtype=object)
            ),
        }
    )
    out["flag"] = out["flag"].where(out["flag"].notna(), None)
    if (out["persons"] < 0).any():
        bad = out.loc[out["persons"] < 0].iloc[0]
        raise ParameterError(
            f"{what}: negative persons",
            value=f"{bad['origin']}→{bad['destination']}: {bad['persons']}",
            expected="persons >= 0 or NaN with a marker flag",
        )
    if out.duplicated(["origin", "destination"]).any():
        bad = out.loc[out.duplicated(["origin", "destination"])].iloc[0]
        raise ParameterError(
            f"{what}: a pair appears twice (deduplicate reported_by first, as Store.flows does)",
            value=f"{bad['origin']}→{bad['destination']}",
            expected="one row per (origin, destination)",
        )
    return out


def is_pseudo_key(keys: pd.Series | np.ndarray) -> np.ndarray:
    """True for the BA's pooled pseudo keys (``"010xx"``, ``"06611xxx"``)."""
    k = pd.Series(np.asarray(keys, dtype=object)).astype(str)
    return k.str.fullmatch(r"\d+x+").to_numpy(dtype=bool)


def pooled_mask(flows: pd.DataFrame) -> np.ndarray:
    """Rows that are "Übrige …" pools: flagged pooled, or with a pseudo key on either side."""
    flagged = (flows["flag"] == FLAG_POOLED).to_numpy()
    return flagged | is_pseudo_key(flows["origin"]) | is_pseudo_key(flows["destination"])


def pseudo_prefix(keys: pd.Series) -> pd.Series:
    """The known part of a pseudo key: ``"010xx"`` -> ``"010"``, ``"06611xxx"`` -> ``"06611"``."""
    return keys.astype(str).str.replace("x", "", regex=False)
