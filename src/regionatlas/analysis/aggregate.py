"""Aggregate commuter flows from one level to a coarser one (districts, states, the region,
any custom grouping), and build the mappings that say which unit belongs to which group.

Honest aggregation — what happens to markers, pools and internal flows:

* ``persons`` of an aggregate row is the sum of its **published** parts. Parts the publisher
  suppressed (persons NaN, flag ``*`` etc.) are never counted as 0: they are counted in
  ``n_unpublished`` and the row is flagged ``lower-bound`` (the true value is at least
  ``persons``). A row whose parts are all unpublished keeps persons NaN and the marker.
* "Übrige …" pooled rows keep their pseudo partner key (``"010xx"``) and the flag ``pooled``;
  their real side is mapped to its group. They are never attributed to a partner group.
* Flows between two members of a group become the group's self-flow (origin == destination).
  A group's self-flow is complete only when every member's own internal flow is known (a
  self-flow row in the input or a value in ``internal``). BA Kreis tables publish no internal
  flow, so without ``internal`` the self-flow of a state built from districts is incomplete:
  persons NaN, flag ``"incomplete"``, and ``persons_published`` keeps the partial sum (the
  flows between member districts) for display.
* An aggregate frame can be aggregated again: its ``persons_published`` / ``n_parts`` /
  ``n_unpublished`` are carried along, so two steps give the same result as one.

Output columns: origin, destination, [period, grp], level, persons, persons_published,
flag, n_parts, n_unpublished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from regionatlas.analysis.flowframe import check_flows, is_pseudo_key, key_codes
from regionatlas.errors import ParameterError
from regionatlas.model.schema import AGS_LENGTH, FLAG_POOLED

FLAG_LOWER_BOUND = "lower-bound"  # sum of published parts; some parts were suppressed
FLAG_INCOMPLETE = "incomplete"  # a group self-flow whose members' internal flows are missing

AGG_COLUMNS = [
    "origin",
    "destination",
    "level",
    "persons",
    "persons_published",
    "flag",
    "n_parts",
    "n_unpublished",
]


# --- mappings ---------------------------------------------------------------------------


def mapping_to_level(keys: Iterable[str], level: str) -> pd.Series:
    """Map AGS keys to the enclosing unit of ``level`` by key prefix (AGS are hierarchical:
    municipality 06611000 -> district 06611 -> state 06). ``level`` is one of land, rbz,
    kreis, or "staat" (everything -> "DE"). Pseudo keys and keys shorter than the target are
    left out (aggregate_flows then keeps them as they are)."""
    idx = _key_index(keys)
    if level == "staat":
        return pd.Series("DE", index=idx, dtype=str, name="staat")
    if level not in AGS_LENGTH:
        raise ParameterError(
            f"unknown level {level!r}", value=level, expected=f"one of {sorted(AGS_LENGTH)}"
        )
    n = AGS_LENGTH[level]
    s = pd.Series(idx, index=idx, dtype=str)
    ok = (s.str.len() >= n) & s.str.fullmatch(r"\d+") & ~pd.Series(is_pseudo_key(s), index=idx)
    return s[ok].str.slice(0, n).rename(level)


def region_mapping(
    keys: Iterable[str], members: Iterable[str], region_id: str, rest: str | None = None
) -> pd.Series:
    """Map every key whose AGS starts with one of ``members`` (districts, municipalities or
    states) to ``region_id``; other keys map to ``rest`` when given, else to themselves."""
    return custom_mapping(keys, {region_id: members}, rest=rest)


def custom_mapping(
    keys: Iterable[str], groups: Mapping[str, Iterable[str]], rest: str | None = None
) -> pd.Series:
    """Map keys to named groups; each group lists AGS prefixes (e.g. district keys).

    Keys in no group map to ``rest`` when given, else to themselves. A key matched by two
    groups raises ParameterError. Pseudo keys are left out.
    """
    idx = _key_index(keys)
    idx = idx[~is_pseudo_key(idx)]
    s = pd.Series(idx, index=idx, dtype=str)
    out = pd.Series(np.full(len(idx), None, dtype=object), index=idx)
    for name, prefixes in groups.items():
        prefixes = [str(p) for p in prefixes]
        if not prefixes:
            continue
        hit = s.str.startswith(tuple(prefixes)).to_numpy()
        clash = hit & out.notna().to_numpy()
        if clash.any():
            key = idx[clash][0]
            raise ParameterError(
                f"unit {key} belongs to two groups ({out[key]!r} and {name!r})",
                value=key,
                expected="disjoint groups",
            )
        out[hit] = name
    fill = s if rest is None else pd.Series(rest, index=idx)
    return out.where(out.notna(), fill).astype(str).rename("group")


def _key_index(keys: Iterable[str]) -> pd.Index:
    if isinstance(keys, pd.Series | pd.Index | np.ndarray):
        arr = np.asarray(keys, dtype=object)
    else:
        arr = np.asarray(list(keys), dtype=object)
    uniq = pd.unique(arr)
    return pd.Index(np.asarray([str(k) for k in uniq], dtype=object))


def sum_by_group(values: pd.Series, mapping: pd.Series) -> pd.Series:
    """Sum an additive per-unit quantity (population, internal flows of members) per group.

    A group with any NaN member (or a member of the mapping missing from ``values``) is NaN:
    missing is never counted as 0."""
    members = mapping.index
    v = values.reindex(members).astype(float)
    df = pd.DataFrame({"g": mapping.to_numpy(), "v": v.to_numpy()})
    return (
        df.groupby("g", sort=True)["v"]
        .sum(min_count=1)
        .where(~df["v"].isna().groupby(df["g"], sort=True).any())
        .rename(values.name)
    )


# --- flows --------------------------------------------------------------------------------


def aggregate_flows(
    flows: pd.DataFrame,
    mapping: pd.Series,
    *,
    level: str = "group",
    internal: pd.Series | None = None,
    unmapped: str = "keep",
    resolve_pooled: bool = False,
) -> pd.DataFrame:
    """Sum flows to the groups of ``mapping`` (a Series ags -> group), see the module doc.

    ``internal``: members' internal flows (ags -> persons) for members whose self-flow is not
    in ``flows`` (a self-flow row in ``flows`` wins). ``unmapped``: what to do with a real key
    (not a pseudo key) missing from the mapping: "keep" it as its own group, or "error".
    ``resolve_pooled``: a pseudo key whose known prefix lies wholly inside one group (e.g.
    "064xx", other districts of Regierungsbezirk Kassel, when aggregating to states: all in
    "06") is mapped to that group — exact knowledge, not an attribution; other pseudo keys stay.
    Only sound when the mapping covers every unit with that prefix (true for
    ``mapping_to_level`` mappings of all units, not for a mapping of the region only).
    """
    f = check_flows(flows)
    extra = {c: flows[c].iloc[0] for c in ("period", "grp") if c in flows.columns and len(flows)}
    mapping = mapping.astype(str)
    mapping.index = mapping.index.astype(str)
    if mapping.index.has_duplicates:
        raise ParameterError("mapping lists a unit twice", expected="one group per unit")
    if unmapped not in ("keep", "error"):
        raise ParameterError("unmapped must be 'keep' or 'error'", value=unmapped)

    # per input row: published value, parts, unpublished parts (composable: an aggregate frame
    # can be aggregated again and carries its counts along)
    oc, dc, keys = key_codes(f)
    persons = f["persons"].to_numpy(float)
    flags = f["flag"].to_numpy(object)
    if {"persons_published", "n_parts", "n_unpublished"} <= set(flows.columns):
        persons = pd.to_numeric(flows["persons_published"]).to_numpy(float)
        parts = flows["n_parts"].to_numpy(np.int64)
        unpub = flows["n_unpublished"].to_numpy(np.int64)
    else:
        parts = np.ones(len(f), dtype=np.int64)
        unpub = np.isnan(persons).astype(np.int64)
    self_rows = (oc == dc) & (flags != FLAG_INCOMPLETE)
    have_self = pd.Index(keys[np.unique(oc[self_rows])], dtype=object)
    if internal is not None:
        add = internal.astype(float).dropna()
        add.index = add.index.astype(str)
        add = add[~add.index.isin(have_self)]
        if len(add):
            key_idx = pd.Index(keys, dtype=object)
            pos = key_idx.get_indexer(add.index)
            new_keys = add.index[pos < 0].to_numpy(dtype=object)
            keys = np.concatenate([keys, new_keys])
            pos[pos < 0] = len(key_idx) + np.arange(len(new_keys))
            oc, dc = np.concatenate([oc, pos]), np.concatenate([dc, pos])
            persons = np.concatenate([persons, add.to_numpy()])
            flags = np.concatenate([flags, np.full(len(add), None, dtype=object)])
            parts = np.concatenate([parts, np.ones(len(add), dtype=np.int64)])
            unpub = np.concatenate([unpub, np.zeros(len(add), dtype=np.int64)])
            have_self = have_self.append(add.index)

    gk = _map_keys(pd.Series(keys, dtype=object), mapping, unmapped)
    if resolve_pooled:
        gk = _resolve_pseudo(gk, mapping)
    gcode, gkeys = pd.factorize(gk, sort=True)
    gkeys = np.asarray(gkeys, dtype=object)
    ng = len(gkeys)
    og, dg = gcode[oc].astype(np.int64), gcode[dc].astype(np.int64)
    upair, inv = np.unique(og * ng + dg, return_inverse=True)
    known = ~np.isnan(persons)
    m = len(upair)
    published = np.bincount(inv, weights=np.where(known, persons, 0.0), minlength=m)
    n_known = np.bincount(inv, weights=known.astype(float), minlength=m)
    n_parts = np.bincount(inv, weights=parts.astype(float), minlength=m).astype(np.int64)
    n_unpub = np.bincount(inv, weights=unpub.astype(float), minlength=m).astype(np.int64)
    none_known = n_known == 0
    uo, ud = upair // ng, upair % ng

    flag = np.full(m, None, dtype=object)
    flag[(n_unpub > 0) & ~none_known] = FLAG_LOWER_BOUND
    if none_known.any():
        # nothing published: keep the publisher's marker (the first one found)
        rows = np.flatnonzero(~known)
        grp, first = np.unique(inv[rows], return_index=True)
        marker = flags[rows[first]]
        flag[grp] = np.where(pd.isna(marker), "*", marker)
    gpseudo = is_pseudo_key(gkeys)
    pooled = gpseudo[uo] | gpseudo[ud]
    flag[pooled & (flag == None)] = FLAG_POOLED  # noqa: E711 (elementwise)
    persons_out = np.where(none_known, np.nan, published)
    persons_pub = persons_out.copy()

    # self-flows of groups: complete only when every member's internal flow is known
    present = np.zeros(ng, dtype=bool)
    present[uo] = True
    present[ud] = True
    present &= ~gpseudo
    groups_in_out = pd.Index(gkeys[present], dtype=object)
    members = mapping[mapping.isin(groups_in_out)]
    missing_internal = members[~members.index.isin(have_self)]
    # unmapped real keys kept as their own group: their internal is their own self-flow
    kept = groups_in_out[~groups_in_out.isin(mapping.to_numpy())]
    kept_missing = kept[~kept.isin(have_self)]
    incomplete = np.zeros(ng, dtype=bool)
    inc_keys = pd.Index(missing_internal.unique(), dtype=object).append(kept_missing)
    incomplete[pd.Index(gkeys, dtype=object).get_indexer(inc_keys)] = True
    is_self = uo == ud
    bad_self = is_self & incomplete[uo]
    persons_out[bad_self] = np.nan
    flag[bad_self] = FLAG_INCOMPLETE
    has_self_row = np.zeros(ng, dtype=bool)
    has_self_row[uo[is_self]] = True
    absent = np.flatnonzero(incomplete & ~has_self_row)
    if len(absent):
        uo, ud = np.concatenate([uo, absent]), np.concatenate([ud, absent])
        persons_out = np.concatenate([persons_out, np.full(len(absent), np.nan)])
        persons_pub = np.concatenate([persons_pub, np.full(len(absent), np.nan)])
        n_parts = np.concatenate([n_parts, np.zeros(len(absent), dtype=np.int64)])
        n_unpub = np.concatenate([n_unpub, np.zeros(len(absent), dtype=np.int64)])
        flag = np.concatenate([flag, np.full(len(absent), FLAG_INCOMPLETE, dtype=object)])
    order = np.lexsort((ud, uo))
    out = pd.DataFrame(
        {
            "origin": gkeys[uo[order]],
            "destination": gkeys[ud[order]],
            **{c: v for c, v in extra.items()},
            "level": level,
            "persons": persons_out[order],
            "persons_published": persons_pub[order],
            "flag": flag[order],
            "n_parts": n_parts[order],
            "n_unpublished": n_unpub[order],
        }
    )
    out["flag"] = out["flag"].astype(object)
    return out


def _resolve_pseudo(keys: np.ndarray, mapping: pd.Series) -> np.ndarray:
    pseudo = is_pseudo_key(keys)
    if not pseudo.any():
        return keys
    out = keys.copy()
    idx = pd.Series(mapping.index.astype(str))
    vals = mapping.to_numpy()
    for key in pd.unique(keys[pseudo]):
        prefix = str(key).replace("x", "")
        if not prefix:
            continue
        groups = pd.unique(vals[idx.str.startswith(prefix).to_numpy()])
        if len(groups) == 1:
            out[keys == key] = groups[0]
    return out


def _map_keys(keys: pd.Series, mapping: pd.Series, unmapped: str) -> np.ndarray:
    keys = keys.astype(str)
    pos = mapping.index.get_indexer(keys.to_numpy())
    vals = mapping.to_numpy()
    miss = pos < 0
    if unmapped == "error":
        real_miss = miss & ~is_pseudo_key(keys)
        if real_miss.any():
            key = keys.to_numpy()[real_miss][0]
            raise ParameterError(
                f"unit {key} is not in the mapping", value=key, expected="a key of the mapping"
            )
    if len(vals) == 0:
        result: np.ndarray = keys.to_numpy(dtype=object)
        return result
    result = np.where(miss, keys.to_numpy(dtype=object), vals[np.where(miss, 0, pos)]).astype(
        object
    )
    return result
