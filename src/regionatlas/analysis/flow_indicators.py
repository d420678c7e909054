"""Commuter-flow indicators for every unit of one level (municipality, district, state, the
region, a custom grouping), from a flows frame of that level (see ``aggregate.py``).

Definitions (one row per unit; I internal, O out-, In in-commuters):

    internal            commuters living and working in the unit (its self-flow, else ``internal``)
    out_commuters  O    published total (``totals``) where given, else the sum of the unit's
                        published flows to other units incl. pooled rows; NaN when a flow is
                        suppressed and no total is published (``out_published`` keeps the sum)
    in_commuters   In   likewise, by destination
    employed_residents  I + O     (SV-Beschäftigte am Wohnort)
    jobs                I + In    (SV-Beschäftigte am Arbeitsort)
    balance             In − O
    out_rate            O / employed_residents    in_rate   In / jobs
    job_centrality      jobs / employed_residents
    sc_supply           I / employed_residents (share of the unit's workers who work locally)
    sc_demand           I / jobs (share of the unit's jobs held by its residents)
    share_out_cross_district / _state, share_in_cross_district / _state
                        published flows whose partner lies in another district/state (abroad
                        counts as crossing) over flows whose partner's district/state is known
                        (pooled rows count where their pseudo key's prefix tells)
    not_assigned_out / _in
                        published total − sum of published partner flows: commuters the
                        publisher did not assign to a partner (pooled "Übrige …" rows and
                        suppressed flows). Rounding by the publisher can make it slightly < 0.
    flows_basis         "published", "modelled estimate" or "partly modelled estimate" (flows
                        flagged ``estimated``, e.g. from ``interaction.estimate_municipal_flows``)
    commuter_km_out / _in
                        Σ persons × straight-line km × detour factor over flows with a known
                        partner and distance — labelled modelled (see ``commuter_km_basis``);
                        internal flows and not-assigned commuters are not included.

What cannot be computed is NaN, never 0, and ``notes`` says why.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from regionatlas.analysis.aggregate import (
    FLAG_LOWER_BOUND,
    aggregate_flows,
    mapping_to_level,
    sum_by_group,
)
from regionatlas.analysis.flowframe import (
    ESTIMATE_NOTE,
    STRAIGHT_LINE_NOTE,
    check_flows,
    is_pseudo_key,
    key_codes,
    per_key,
    pseudo_prefix,
)
from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_ESTIMATED, FLAG_POOLED

INDICATOR_COLUMNS = [
    "employed_residents",
    "jobs",
    "internal",
    "in_commuters",
    "out_commuters",
    "balance",
    "in_rate",
    "out_rate",
    "job_centrality",
    "sc_supply",
    "sc_demand",
    "share_out_cross_district",
    "share_out_cross_state",
    "share_in_cross_district",
    "share_in_cross_state",
    "not_assigned_out",
    "not_assigned_in",
    "out_published",
    "in_published",
    "commuter_km_out",
    "commuter_km_in",
    "commuter_km_basis",
    "flows_basis",
    "notes",
]


def flow_indicators(
    flows: pd.DataFrame,
    level_units: Iterable[str],
    *,
    internal: pd.Series | None = None,
    totals: pd.DataFrame | None = None,
    unit_state: pd.Series | None = None,
    unit_district: pd.Series | None = None,
    distances: pd.Series | None = None,
    centroids: pd.DataFrame | None = None,
    detour_factor: float = 1.3,
) -> pd.DataFrame:
    """Indicators for each unit in ``level_units`` (see the module doc).

    ``internal``: ags -> internal commuters, used where ``flows`` has no (published) self-flow.
    ``totals``: index ags, columns ``out_commuters`` / ``in_commuters`` (published totals, e.g.
    the BA's "… insgesamt" rows; see ``totals_from_observations``).
    ``unit_state`` / ``unit_district``: key -> state / district for keys that are not AGS
    (AGS keys are resolved by prefix). ``distances``: km per (origin, destination) MultiIndex,
    or ``centroids`` (index ags, columns x, y in EPSG:25832 m) to compute them.
    """
    if detour_factor < 1:
        raise ParameterError("detour factor below 1", value=detour_factor, expected=">= 1")
    f = check_flows(flows)
    units = pd.Index(pd.unique(pd.Series(list(level_units), dtype=str)), name="ags")
    n = len(units)
    persons = f["persons"].to_numpy()
    known = ~np.isnan(persons)
    p0 = np.where(known, persons, 0.0)
    oc, dc, keys = key_codes(f)
    is_self = oc == dc
    key_pseudo = is_pseudo_key(keys)
    pooled = (f["flag"] == FLAG_POOLED).to_numpy() | key_pseudo[oc] | key_pseudo[dc]
    partial = (f["flag"] == FLAG_LOWER_BOUND).to_numpy()
    partner = ~is_self & ~pooled
    key_pos = units.get_indexer(keys)
    o_pos, d_pos = key_pos[oc], key_pos[dc]
    key_abroad = _abroad(pd.Series(keys, dtype=object))

    def by(pos: np.ndarray, mask: np.ndarray, w: np.ndarray) -> np.ndarray:
        m = mask & (pos >= 0)
        return np.bincount(pos[m], weights=w[m], minlength=n)

    # internal
    self_known = by(o_pos, is_self & known, np.ones(len(f)))
    internal_v = np.where(self_known > 0, by(o_pos, is_self & known, p0), np.nan)
    if internal is not None:
        ext = internal.astype(float)
        ext.index = ext.index.astype(str)
        internal_v = np.where(np.isnan(internal_v), ext.reindex(units).to_numpy(), internal_v)
    internal_partial = by(o_pos, is_self & partial, np.ones(len(f))) > 0

    res = {"internal": internal_v}
    notes: list[tuple[np.ndarray, str]] = [
        (
            np.isnan(internal_v),
            "internal flow not published at this level: employed "
            "residents, jobs, rates and self-containment not computable",
        ),
        (internal_partial, "internal flow is a lower bound (suppressed parts)"),
    ]
    for side, pos, other in (("out", o_pos, dc), ("in", d_pos, oc)):
        pub = by(pos, (partner | pooled) & known, p0)
        pub_partner = by(pos, partner & known, p0)
        n_unknown = by(pos, (partner | pooled) & (~known | partial), np.ones(len(f)))
        col = f"{side}_commuters"
        total = np.full(n, np.nan)
        if totals is not None and col in totals.columns:
            t = totals[col].astype(float)
            t.index = t.index.astype(str)
            total = t.reindex(units).to_numpy()
        value = np.where(np.isnan(total), np.where(n_unknown > 0, np.nan, pub), total)
        res[col] = value
        res[f"{side}_published"] = pub
        res[f"not_assigned_{side}"] = value - pub_partner
        notes.append(
            (
                np.isnan(value) & (n_unknown > 0),
                f"{col} unknown: suppressed flows and no published total",
            )
        )
        for border, length, mapping in (
            ("district", 5, unit_district),
            ("state", 2, unit_state),
        ):
            own = _region_of(pd.Series(units, dtype=object), length, mapping)
            part = _region_of(pd.Series(keys, dtype=object), length, mapping)
            rc, _ = pd.factorize(np.concatenate([own, part]))
            own_rc, key_rc = rc[:n], rc[n:]
            part_rc = key_rc[other]
            own_rc_row = np.where(pos >= 0, own_rc[np.where(pos >= 0, pos, 0)], -1)
            status_known = (part_rc >= 0) & (own_rc_row >= 0)
            crossing = status_known & (part_rc != own_rc_row)
            abroad = key_abroad[other] & (pos >= 0)
            status_known = status_known | abroad
            crossing = crossing | abroad
            elig = (partner | pooled) & known & ~partial
            den = by(pos, elig & status_known, p0)
            num = by(pos, elig & crossing, p0)
            with np.errstate(invalid="ignore", divide="ignore"):
                res[f"share_{side}_cross_{border}"] = np.where(den > 0, num / den, np.nan)

    loc, out_c, in_c = res["internal"], res["out_commuters"], res["in_commuters"]
    er, jobs = loc + out_c, loc + in_c
    with np.errstate(invalid="ignore", divide="ignore"):
        res.update(
            employed_residents=er,
            jobs=jobs,
            balance=in_c - out_c,
            in_rate=np.where(jobs > 0, in_c / jobs, np.nan),
            out_rate=np.where(er > 0, out_c / er, np.nan),
            job_centrality=np.where(er > 0, jobs / er, np.nan),
            sc_supply=np.where(er > 0, loc / er, np.nan),
            sc_demand=np.where(jobs > 0, loc / jobs, np.nan),
        )

    # commuter-km over partner flows with a known distance
    km = _pair_km(f, oc, dc, keys, distances, centroids)
    basis = STRAIGHT_LINE_NOTE.format(factor=detour_factor)
    if km is None:
        res["commuter_km_out"] = res["commuter_km_in"] = np.full(n, np.nan)
        basis = "no distances given"
    else:
        use = partner & known & ~np.isnan(km)
        w = np.where(use, p0 * np.nan_to_num(km) * detour_factor, 0.0)
        res["commuter_km_out"] = by(o_pos, use, w)
        res["commuter_km_in"] = by(d_pos, use, w)
        notes.append(
            (
                by(o_pos, partner & known & np.isnan(km), np.ones(len(f))) > 0,
                "commuter-km leave out flows to partners without a centroid",
            )
        )
    res["commuter_km_basis"] = np.full(n, basis, dtype=object)
    est = (f["flag"] == FLAG_ESTIMATED).to_numpy()
    n_est = by(o_pos, est, np.ones(len(f))) + by(d_pos, est & ~is_self, np.ones(len(f)))
    n_all = by(o_pos, np.ones(len(f), bool), np.ones(len(f))) + by(d_pos, ~is_self, np.ones(len(f)))
    res["flows_basis"] = np.where(
        n_est == 0,
        "published",
        np.where(n_est < n_all, "partly modelled estimate", "modelled estimate"),
    ).astype(object)
    notes.append((n_est > 0, ESTIMATE_NOTE))
    res["notes"] = _join_notes(notes, n)
    out = pd.DataFrame(res, index=units)[INDICATOR_COLUMNS]
    out.attrs["commuter_km_basis"] = basis
    return out


def indicators_by_level(
    flows: pd.DataFrame,
    units: Iterable[str],
    *,
    levels: tuple[str, ...] = ("kreis", "land"),
    groupings: dict[str, pd.Series] | None = None,
    internal: pd.Series | None = None,
    totals: pd.DataFrame | None = None,
    centroids: pd.DataFrame | None = None,
    detour_factor: float = 1.3,
) -> dict[str, pd.DataFrame]:
    """Indicators for the base units of ``flows`` and for every coarser level and grouping.

    ``levels``: AGS levels to aggregate to by key prefix; ``groupings``: name -> mapping
    (ags -> group), e.g. the region (see ``aggregate.region_mapping``). Published totals
    exist for base units only, so at coarser levels a suppressed flow between two members
    makes out/in-commuters unknown (``out_published`` keeps the lower bound) — where the
    publisher covers a level directly (BA Kreis tables), pass those tables for that level.
    Commuter-km of a group are the sum of its members' (trips between members included).
    ``units`` must list every base unit (pooled rows whose pseudo key lies wholly inside one
    group are resolved to it, see ``aggregate_flows(resolve_pooled=True)``).
    """
    f = check_flows(flows)
    keys = pd.Index(pd.unique(pd.Series(list(units), dtype=str)))
    base = flow_indicators(
        f, keys, internal=internal, totals=totals, centroids=centroids, detour_factor=detour_factor
    )
    out = {"base": base}
    maps = {lv: mapping_to_level(keys, lv) for lv in levels}
    maps.update(groupings or {})
    for name, mapping in maps.items():
        agg = aggregate_flows(f, mapping, level=name, internal=internal, resolve_pooled=True)
        ind = flow_indicators(agg, pd.unique(mapping.to_numpy()), detour_factor=detour_factor)
        for col in ("commuter_km_out", "commuter_km_in"):
            ind[col] = sum_by_group(base[col], mapping).reindex(ind.index).to_numpy()
        ind["commuter_km_basis"] = base.attrs.get("commuter_km_basis", "") + (
            "; sum over member units"
        )
        out[name] = ind
    return out


def totals_from_observations(observations: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """Published per-unit totals (index ags; columns out_commuters, in_commuters) from the
    canonical observations frame (flagged values stay NaN)."""
    obs = observations[observations["indicator"].isin(["out_commuters", "in_commuters"])]
    if period is not None:
        obs = obs[obs["period"] == period]
    if "period" in obs.columns and obs["period"].nunique() > 1:
        raise ParameterError("observations span several periods; pass period=", expected="one")
    obs = obs.drop_duplicates(["ags", "indicator"], keep="last")
    wide = obs.pivot(index="ags", columns="indicator", values="value").astype(float)
    wide.index = wide.index.astype(str)
    return wide.reindex(columns=["out_commuters", "in_commuters"])


def top_partners(
    flows: pd.DataFrame,
    ags: str | None = None,
    n: int = 10,
    direction: str = "out",
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ``n`` largest published partners per unit (or of one unit ``ags``).

    Columns: unit, rank, partner, persons, share (of the unit's published out/in total where
    ``totals`` give it, else of its published flows incl. pooled rows), flag. Pooled rows and
    suppressed flows are not partners and are left out (they are the "not assigned" part).
    """
    if direction not in ("out", "in"):
        raise ParameterError("direction must be 'out' or 'in'", value=direction)
    if n < 1:
        raise ParameterError("n must be at least 1", value=n)
    f = check_flows(flows)
    oc, dc, keys = key_codes(f)
    uc, pc = (oc, dc) if direction == "out" else (dc, oc)
    persons = f["persons"].to_numpy(float)
    base = (oc != dc) & ~np.isnan(persons)
    if ags is not None:
        code = pd.Index(keys, dtype=object).get_indexer([str(ags)])[0]
        base &= uc == code
    denom = np.bincount(uc[base], weights=persons[base], minlength=len(keys))
    if totals is not None and f"{direction}_commuters" in totals.columns:
        t = totals[f"{direction}_commuters"].astype(float)
        t.index = t.index.astype(str)
        t = t.reindex(pd.Index(keys, dtype=object)).to_numpy()
        denom = np.where(np.isnan(t), denom, t)
    key_pseudo = is_pseudo_key(keys)
    pooled = (f["flag"] == FLAG_POOLED).to_numpy() | key_pseudo[oc] | key_pseudo[dc]
    idx = np.flatnonzero(base & ~pooled)
    idx = idx[np.lexsort((pc[idx], -persons[idx], uc[idx]))]
    u = uc[idx]
    pos = np.arange(len(idx))
    start = np.maximum.accumulate(np.where(np.r_[True, u[1:] != u[:-1]], pos, 0)) if len(u) else pos
    rank = pos - start + 1
    keep = idx[rank <= n]
    out = pd.DataFrame(
        {
            "unit": keys[uc[keep]].astype(str),
            "rank": rank[rank <= n],
            "partner": keys[pc[keep]].astype(str),
            "persons": persons[keep],
            "share": persons[keep] / denom[uc[keep]],
            "flag": f["flag"].to_numpy(object)[keep],
        }
    )
    return out


# --- helpers ------------------------------------------------------------------------------


def _region_of(keys: pd.Series, length: int, mapping: pd.Series | None) -> np.ndarray:
    """District (length 5) or state (2) of each key: mapping first, else AGS/pseudo prefix."""
    m = None
    if mapping is not None:
        m = mapping.astype(str)
        m.index = m.index.astype(str)

    def region(k: pd.Series) -> np.ndarray:
        pref = pseudo_prefix(k)
        digits = pref.str.fullmatch(r"\d+") & (pref.str.len() >= length)
        out = pref.str.slice(0, length).where(digits, None).astype(object)
        if m is not None:
            mapped = k.map(m)
            out = mapped.astype(object).where(mapped.notna(), out)
        result: np.ndarray = out.to_numpy(dtype=object)
        return result

    return per_key(keys, region)


def _abroad(keys: pd.Series) -> np.ndarray:
    """Partners abroad: the BA's country codes (letters only, e.g. "A", "CH", "PL")."""
    return per_key(keys, lambda k: k.str.fullmatch(r"[A-Z]{1,3}").to_numpy(dtype=bool)).astype(bool)


def _pair_km(
    f: pd.DataFrame,
    oc: np.ndarray,
    dc: np.ndarray,
    keys: np.ndarray,
    distances: pd.Series | None,
    centroids: pd.DataFrame | None,
) -> np.ndarray | None:
    if distances is not None:
        idx = pd.MultiIndex.from_arrays([keys[oc], keys[dc]])
        result: np.ndarray | None = distances.reindex(idx).to_numpy(float)
        return result
    if centroids is not None:
        cen = centroids.reindex(pd.Index(keys, dtype=object))
        x, y = cen["x"].to_numpy(float), cen["y"].to_numpy(float)
        result = np.hypot(x[oc] - x[dc], y[oc] - y[dc]) / 1000.0
        return result
    return None


def _join_notes(notes: list[tuple[np.ndarray, str]], n: int) -> np.ndarray:
    out = pd.Series([""] * n, dtype=object)
    for mask, text in notes:
        m = pd.Series(np.asarray(mask, bool))
        sep = np.where(out.str.len() > 0, "; ", "")
        out = out.where(~m, out + sep + text)
    result: np.ndarray = out.to_numpy(dtype=object)
    return result


__all__ = [
    "INDICATOR_COLUMNS",
    "flow_indicators",
    "top_partners",
    "totals_from_observations",
]
