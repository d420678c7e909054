"""Cross-border linkages ("Schnittstellen"): state×state and district×district matrices and
the strongest municipality pairs across a state border, in absolute and relative terms.

Matrices hold the sum of published flows; ``lower_bound`` marks cells with suppressed parts
and ``not_assigned`` (a column) holds each origin's pooled "Übrige …" rows — commuters the
publisher did not assign to a partner. A cell with nothing published is NaN, never 0;
a pair with no row at all is 0 only where the caller says flows are complete (``fill``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regionatlas.analysis.aggregate import (
    FLAG_INCOMPLETE,
    FLAG_LOWER_BOUND,
    aggregate_flows,
    mapping_to_level,
)
from regionatlas.analysis.flowframe import check_flows, is_pseudo_key, key_codes, plain
from regionatlas.errors import ParameterError


@dataclass(frozen=True)
class FlowMatrix:
    """Origin × destination persons; lower_bound True where suppressed parts are missing."""

    persons: pd.DataFrame
    lower_bound: pd.DataFrame
    not_assigned: pd.Series  # per origin: pooled persons without a partner
    level: str

    def long(self) -> pd.DataFrame:
        """One row per cell: origin, destination, persons, lower_bound."""
        p = self.persons.stack(future_stack=True).rename("persons")
        lb = self.lower_bound.stack(future_stack=True).rename("lower_bound")
        return pd.concat([p, lb], axis=1).rename_axis(["origin", "destination"]).reset_index()


def border_matrix(
    flows: pd.DataFrame,
    mapping: pd.Series,
    *,
    level: str = "group",
    keys: list[str] | None = None,
    fill: float | None = 0.0,
) -> FlowMatrix:
    """Aggregate ``flows`` with ``mapping`` and pivot to an origin × destination matrix.

    ``keys``: rows/columns to show (default: every group seen). ``fill``: value for pairs with
    no row (0 when the flows table lists every published pair, as the BA's do; None → NaN).
    Diagonal cells are the groups' internal flows as far as known (NaN when incomplete).
    """
    agg = aggregate_flows(flows, mapping, level=level)
    pooled = is_pseudo_key(agg["destination"]) | is_pseudo_key(agg["origin"])
    real = agg[~pooled]
    if keys is None:
        keys = sorted(set(real["origin"]) | set(real["destination"]))
    persons = real.pivot(index="origin", columns="destination", values="persons")
    persons = persons.reindex(index=keys, columns=keys)
    present = real.pivot(index="origin", columns="destination", values="n_parts")
    present = present.reindex(index=keys, columns=keys).notna()
    if fill is not None:
        persons = persons.where(present, fill)
    lb = real.assign(lb=real["flag"].isin([FLAG_LOWER_BOUND, FLAG_INCOMPLETE]))
    lower = lb.pivot(index="origin", columns="destination", values="lb")
    lower = lower.reindex(index=keys, columns=keys).fillna(False).astype(bool)
    na = agg[pooled & ~is_pseudo_key(agg["origin"])].groupby("origin")["persons_published"].sum()
    persons.index.name = lower.index.name = "origin"
    persons.columns.name = lower.columns.name = "destination"
    return FlowMatrix(persons, lower, na.reindex(keys).fillna(0.0).rename("not_assigned"), level)


def state_matrix(flows: pd.DataFrame, keys: list[str] | None = None) -> FlowMatrix:
    """State × state matrix from municipal or district flows (AGS prefix)."""
    f = check_flows(flows)
    m = mapping_to_level(key_codes(f)[2], "land")
    return border_matrix(f, m, level="land", keys=keys)


def district_matrix(flows: pd.DataFrame, keys: list[str] | None = None) -> FlowMatrix:
    """District × district matrix from municipal or district flows (AGS prefix)."""
    f = check_flows(flows)
    m = mapping_to_level(key_codes(f)[2], "kreis")
    return border_matrix(f, m, level="kreis", keys=keys)


def strongest_crossborder_pairs(
    flows: pd.DataFrame,
    *,
    n: int = 20,
    by: str = "persons",
    unit_state: pd.Series | None = None,
    out_totals: pd.Series | None = None,
    jobs: pd.Series | None = None,
    undirected: bool = False,
) -> pd.DataFrame:
    """The ``n`` strongest pairs whose two ends lie in different states.

    Columns: origin, destination, origin_state, destination_state, persons,
    share_of_origin_out (persons / origin's out-commuters: ``out_totals`` where given, else
    the origin's published flows incl. pooled rows), share_of_destination_jobs (persons /
    ``jobs`` of the destination; NaN when not given), rank. ``by`` picks the ranking:
    "persons", "share_of_origin_out" or "share_of_destination_jobs". ``undirected`` adds both
    directions of a pair (shares then refer to the first-named place as origin).
    """
    if by not in ("persons", "share_of_origin_out", "share_of_destination_jobs"):
        raise ParameterError("unknown ranking", value=by, expected="persons or a share column")
    if n < 1:
        raise ParameterError("n must be at least 1", value=n)
    f = plain(check_flows(flows))
    f = f[(f["origin"] != f["destination"])]
    out_pub = f[f["persons"].notna()].groupby("origin")["persons"].sum()
    real = f[~is_pseudo_key(f["origin"]) & ~is_pseudo_key(f["destination"])]
    real = real[real["persons"].notna()]
    os_, ds = _state(real["origin"], unit_state), _state(real["destination"], unit_state)
    cross = pd.notna(os_) & pd.notna(ds) & (os_ != ds)
    pairs = real[cross].copy()
    pairs["origin_state"], pairs["destination_state"] = os_[cross], ds[cross]
    if undirected:
        a = np.minimum(pairs["origin"], pairs["destination"])
        b = np.maximum(pairs["origin"], pairs["destination"])
        pairs = (
            pairs.assign(origin=a, destination=b)
            .groupby(["origin", "destination"], as_index=False)["persons"]
            .sum()
        )
        pairs["origin_state"] = _state(pairs["origin"], unit_state)
        pairs["destination_state"] = _state(pairs["destination"], unit_state)
    denom = out_pub
    if out_totals is not None:
        t = out_totals.astype(float)
        t.index = t.index.astype(str)
        denom = t.reindex(out_pub.index).fillna(out_pub).combine_first(t)
    pairs["share_of_origin_out"] = pairs["persons"] / denom.reindex(pairs["origin"]).to_numpy()
    if jobs is not None:
        j = jobs.astype(float)
        j.index = j.index.astype(str)
        share_j = pairs["persons"] / j.reindex(pairs["destination"]).to_numpy()
    else:
        share_j = np.nan
    pairs["share_of_destination_jobs"] = share_j
    pairs = pairs.sort_values([by, "origin", "destination"], ascending=[False, True, True])
    pairs = pairs.head(n).reset_index(drop=True)
    pairs["rank"] = np.arange(1, len(pairs) + 1)
    cols = [
        "rank",
        "origin",
        "destination",
        "origin_state",
        "destination_state",
        "persons",
        "share_of_origin_out",
        "share_of_destination_jobs",
    ]
    return pairs[cols]


def _state(keys: pd.Series, unit_state: pd.Series | None) -> np.ndarray:
    k = keys.astype(str).reset_index(drop=True)
    st = k.str.slice(0, 2).where(k.str.fullmatch(r"\d{2,}"), None).astype(object)
    if unit_state is not None:
        m = unit_state.astype(str)
        m.index = m.index.astype(str)
        mapped = k.map(m)
        st = mapped.astype(object).where(mapped.notna(), st)
    result: np.ndarray = st.to_numpy(dtype=object)
    return result
