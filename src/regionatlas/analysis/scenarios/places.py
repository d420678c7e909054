"""Choosing places by name in a scenario: "all", a list of AGS, or a rule on an attribute.

Selector forms (TOML):
    "all"
    ["06611000", "05774032"]                          explicit AGS list
    { attribute = "central_place", values = ["Mittelzentrum"] }
    { top = 20, by = "hub_score" }                    the 20 places with the highest score
    { places = [...], exclude = [...] }               explicit list, minus some
Any table may add ``exclude = [...]`` and ``within = ["06", "05"]`` (AGS prefixes, e.g.
states or districts). Rules and "all" choose among the region's own places only (column
``in_region`` where the context also holds outside partners); explicit lists may name any.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.errors import ParameterError


def select_places(ctx: ScenarioContext, selector: Any, what: str) -> list[str]:
    """AGS chosen by ``selector``; errors name the lever key ``what``."""
    units = ctx.units
    if selector == "all" or selector is None:
        chosen = list(_home(units).index)
    elif isinstance(selector, list):
        chosen = ctx.require([str(s) for s in selector], what)
    elif isinstance(selector, dict):
        chosen = _from_table(ctx, selector, what)
    else:
        raise ParameterError(
            f'{what}: expected "all", a list of AGS or a selector table (found {selector!r})',
            parameter=what,
        )
    if not chosen:
        raise ParameterError(f"{what}: the selection is empty", parameter=what)
    return chosen


def _from_table(ctx: ScenarioContext, sel: dict[str, Any], what: str) -> list[str]:
    units = ctx.units
    known = {"attribute", "values", "top", "by", "places", "exclude", "within"}
    unknown = set(sel) - known
    if unknown:
        raise ParameterError(
            f"{what}: unknown selector key(s) {sorted(unknown)}; expected {sorted(known)}",
            parameter=what,
        )
    index = pd.Index(_home(units).index)
    if "within" in sel:
        prefixes = tuple(str(p) for p in sel["within"])
        index = index[index.str.startswith(prefixes)]
    if "places" in sel:
        chosen = ctx.require([str(s) for s in sel["places"]], what)
    elif "attribute" in sel:
        attr = sel["attribute"]
        if attr not in units:
            raise ParameterError(
                f"{what}: places carry no attribute {attr!r}; "
                f"available: {', '.join(c for c in units.columns if c not in ('x', 'y'))}",
                parameter=what,
            )
        values = sel.get("values")
        if not isinstance(values, list) or not values:
            raise ParameterError(f"{what}: 'values' must be a non-empty list", parameter=what)
        col = units.loc[index, attr]
        if col.isna().all():
            raise ParameterError(
                f"{what}: no place of the region has a value for {attr!r}"
                + (
                    " (import the cited central-place designations into the store)"
                    if attr == "central_place"
                    else ""
                ),
                parameter=what,
            )
        chosen = list(col.index[col.astype("str").isin([str(v) for v in values])])
    elif "top" in sel:
        by = sel.get("by", "hub_score")
        top = sel["top"]
        if not isinstance(top, int) or top < 1:
            raise ParameterError(f"{what}: 'top' must be a whole number >= 1", parameter=what)
        if by not in units:
            raise ParameterError(f"{what}: places carry no attribute {by!r}", parameter=what)
        col = pd.to_numeric(units.loc[index, by], errors="coerce").dropna()
        chosen = list(col.sort_values(ascending=False, kind="stable").index[:top])
    else:
        chosen = list(index)
    exclude = {str(e) for e in sel.get("exclude", [])}
    return [c for c in chosen if c not in exclude]


def _home(units: pd.DataFrame) -> pd.DataFrame:
    if "in_region" in units:
        return units.loc[units["in_region"].astype(bool)]
    return units
