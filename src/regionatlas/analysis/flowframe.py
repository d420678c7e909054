"""Shared helpers for the commuter-flow analyses: checking a flows frame, telling real
partner keys from the BA's pseudo keys, and the words used to label derived figures.

A flows frame (``model.schema.FLOW_COLUMNS``) holds one row per (origin, destination) of one
period and one group. ``persons`` is NaN when the publisher wrote a marker (``flag`` keeps it);
``flag == "pooled"`` marks the BA's "Übrige …" rows whose partner is a pseudo key such as
``"010xx"`` (other districts of Regierungsbezirk 010) or ``"06611xxx"`` (other municipalities
of district 06611). Partners abroad keep the BA's country code (``"A"``, ``"CH"``), unflagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_POOLED

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
    """Return ``flows`` with float persons, an object flag column and the keys as
    categoricals sharing one sorted set of categories (``key_codes`` gives integer codes:
    ~1M rows but ~11k keys, so key lookups run on the keys only).

    Raises ParameterError when columns are missing or the frame mixes periods or groups
    (callers select one period and one group first).
    """
    missing = [c for c in REQUIRED if c not in flows.columns]
    if missing:
        raise ParameterError(
            f"{what}: missing columns {missing}", value=list(flows.columns), expected=REQUIRED
        )
    if _is_prepared(flows):
        for col in ("period", "grp"):
            if col in flows.columns and len(flows) and _mixed(flows[col]):
                raise ParameterError(f"{what}: more than one {col}", expected=f"a single {col}")
        if (flows["persons"] < 0).any():
            raise ParameterError(f"{what}: negative persons", expected="persons >= 0 or NaN")
        return flows
    single: dict[str, pd.Categorical] = {}
    for col in ("period", "grp"):
        if col in flows.columns:
            codes, uniq = pd.factorize(flows[col].to_numpy(dtype=object), use_na_sentinel=False)
            if len(uniq) > 1:
                raise ParameterError(
                    f"{what}: more than one {col} ({sorted(map(str, uniq))[:5]}); "
                    f"select one {col} first",
                    expected=f"a single {col}",
                )
            single[col] = pd.Categorical.from_codes(codes, categories=pd.Index(uniq))
    persons = pd.to_numeric(flows["persons"]).to_numpy(dtype=float)
    if "flag" in flows.columns:
        flag = flows["flag"].to_numpy(dtype=object).copy()
        flag[pd.isna(flag)] = None
    else:
        flag = np.full(len(flows), None, dtype=object)
    neg = persons < 0
    if neg.any():
        k = int(np.flatnonzero(neg)[0])
        raise ParameterError(
            f"{what}: negative persons",
            value=f"{flows['origin'].iloc[k]}→{flows['destination'].iloc[k]}: {persons[k]}",
            expected="persons >= 0 or NaN with a marker flag",
        )
    # keys: factorize each side (fast), then one sorted set of categories for both
    co, uo = pd.factorize(flows["origin"].to_numpy(dtype=object))
    cd, ud = pd.factorize(flows["destination"].to_numpy(dtype=object))
    keys = pd.Index(sorted({str(k) for k in uo} | {str(k) for k in ud}), dtype=object)
    oc = keys.get_indexer(np.asarray([str(k) for k in uo], dtype=object))[co]
    dc = keys.get_indexer(np.asarray([str(k) for k in ud], dtype=object))[cd]
    out = pd.DataFrame(
        {
            "origin": pd.Categorical.from_codes(oc, categories=keys),
            "destination": pd.Categorical.from_codes(dc, categories=keys),
            "persons": persons,
            "flag": pd.Series(flag, dtype=object),
            **single,
        }
    )
    pair = np.sort(oc.astype(np.int64) * max(len(keys), 1) + dc)
    if len(pair) > 1 and (pair[1:] == pair[:-1]).any():
        dup = pd.Series(oc.astype(np.int64) * max(len(keys), 1) + dc).duplicated().to_numpy()
        bad = out.loc[dup].iloc[0]
        raise ParameterError(
            f"{what}: a pair appears twice (deduplicate reported_by first, as Store.flows does)",
            value=f"{bad['origin']}→{bad['destination']}",
            expected="one row per (origin, destination)",
        )
    return out


def prepare_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Validate and convert a flows frame once (``check_flows``); every analysis function
    accepts the result and skips the conversion — worth it when one table feeds many."""
    return check_flows(flows)


def _is_prepared(flows: pd.DataFrame) -> bool:
    o, d = flows["origin"].dtype, flows["destination"].dtype
    return (
        isinstance(o, pd.CategoricalDtype)
        and isinstance(d, pd.CategoricalDtype)
        and o.categories.equals(d.categories)
        and flows["persons"].dtype == np.float64
        and "flag" in flows.columns
        and (flows["flag"].dtype == object or pd.api.types.is_string_dtype(flows["flag"]))
    )


def _mixed(col: pd.Series) -> bool:
    first = col.iloc[0]
    if pd.isna(first):
        return bool(col.notna().any())
    return bool((col != first).any() or col.isna().any())


def key_codes(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(origin codes, destination codes, distinct keys) of a frame from ``check_flows``."""
    cats = np.asarray(f["origin"].cat.categories, dtype=object)
    return (
        f["origin"].cat.codes.to_numpy().astype(np.int64),
        f["destination"].cat.codes.to_numpy().astype(np.int64),
        cats,
    )


def plain(f: pd.DataFrame) -> pd.DataFrame:
    """``f`` with origin/destination as plain str columns again (for simple pandas code)."""
    return f.assign(
        origin=f["origin"].astype(object).astype(str),
        destination=f["destination"].astype(object).astype(str),
    )


def per_key(keys: pd.Series, fn: Callable[[pd.Series], Any]) -> np.ndarray:
    """Apply a vectorised string function ``fn(pd.Series of str) -> array-like`` to the
    distinct keys only and broadcast back (a flows frame has ~1M rows but ~11k keys)."""
    codes, uniq = pd.factorize(np.asarray(keys, dtype=object))
    if len(uniq) == 0:
        result: np.ndarray = np.asarray(fn(pd.Series([], dtype=str)))[codes]
        return result
    result = np.asarray(fn(pd.Series(np.asarray(uniq, dtype=object)).astype(str)))[codes]
    return result


def is_pseudo_key(keys: pd.Series | np.ndarray) -> np.ndarray:
    """True for the BA's pooled pseudo keys (``"010xx"``, ``"06611xxx"``)."""
    return per_key(keys, lambda k: k.str.fullmatch(r"\d+x+").to_numpy(dtype=bool)).astype(bool)


def pooled_mask(flows: pd.DataFrame) -> np.ndarray:
    """Rows that are "Übrige …" pools: flagged pooled, or with a pseudo key on either side."""
    flagged = (flows["flag"] == FLAG_POOLED).to_numpy()
    result: np.ndarray = (
        flagged | is_pseudo_key(flows["origin"]) | is_pseudo_key(flows["destination"])
    )
    return result


def pseudo_prefix(keys: pd.Series) -> pd.Series:
    """The known part of a pseudo key: ``"010xx"`` -> ``"010"``, ``"06611xxx"`` -> ``"06611"``."""
    return keys.astype(str).str.replace("x", "", regex=False)
