"""Commuter-flow analyses of a region on a store (issue #3): thin glue that loads frames
through the ``Store`` protocol, calls the pure functions of ``regionatlas.analysis`` and
returns results that say what they rest on (``basis``, ``note``) and whom to credit
(``attribution``).

Public functions (all take ``(store, region, …)``; nothing is cached):

* :func:`municipal_flows` (from ``workflows.municipal``) → ``FlowBasis``
* :func:`flow_indicator_table` → ``IndicatorTable`` for gemeinde | kreis | land | region | custom
* :func:`crossborder` → ``CrossBorder`` (state×state, district×district, strongest pairs)
* :func:`functional_regions`, :func:`hubs_and_catchments`, :func:`central_places`
  (from ``workflows.functional``)

Levels: *kreis* uses the official Kreis × Kreis flows and the BA's published totals, so the
commuters the BA did not assign to a partner ("Übrige …" rows, rounding) show up as
``not_assigned_out`` / ``not_assigned_in``; *land*, *region* and *custom* aggregate them (the
BA publishes no totals there; out-commuters come from the residence side's tables and
in-commuters from the workplace side's, so the BA's "Übrige …" pools are never counted
twice); *gemeinde* uses :func:`municipal_flows` (official when imported, else a modelled
estimate, labelled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from regionatlas.analysis.aggregate import aggregate_flows, custom_mapping, mapping_to_level
from regionatlas.analysis.crossborder import (
    FlowMatrix,
    border_matrix,
    strongest_crossborder_pairs,
)
from regionatlas.analysis.flow_indicators import flow_indicators
from regionatlas.analysis.flowframe import is_pseudo_key
from regionatlas.errors import ParameterError
from regionatlas.region import Region
from regionatlas.store.base import Store
from regionatlas.workflows.basis import OFFICIAL, OWN_CALCULATION, Provenance, combine
from regionatlas.workflows.loading import (
    district_centroids,
    district_internal,
    district_keys_of_states,
    flow_period,
    flows_touching,
    municipalities,
    published_totals,
    region_districts,
)
from regionatlas.workflows.municipal import WITHIN_MISSING_NOTE, FlowBasis, municipal_flows

LEVELS = ("gemeinde", "kreis", "land", "region", "custom")
PAIR_RANKINGS = ("persons", "share_of_origin_out")


@dataclass
class IndicatorTable:
    """Flow indicators (``analysis.flow_indicators``) for the units of one level."""

    table: pd.DataFrame  # index ags (or group name); name + INDICATOR_COLUMNS
    level: str
    period: str
    basis: str
    note: str
    attribution: tuple[str, ...]


@dataclass
class CrossBorder:
    """Cross-border linkages ("Schnittstellen") of a region."""

    states: FlowMatrix  # state × state, flows between the region's districts
    districts: FlowMatrix  # district × district (core + ring)
    district_pairs: pd.DataFrame  # strongest district pairs across a state border (official)
    pairs: pd.DataFrame  # strongest municipality pairs across a state border
    basis: str  # of the matrices and district pairs
    pairs_basis: str  # of the municipality pairs
    note: str
    pairs_note: str
    attribution: tuple[str, ...]
    period: str
    names: dict[str, str] = field(default_factory=dict)


def _names(store: Store, keys: Iterable[str]) -> dict[str, str]:
    keys = sorted({str(k) for k in keys})
    if not keys:
        return {}
    u = store.units(ags=keys)
    return dict(zip(u["ags"].astype(str), u["name"].astype(str), strict=False))


def flow_indicator_table(
    store: Store,
    region: Region,
    level: str,
    period: str | None = None,
    *,
    groups: Mapping[str, Iterable[str]] | None = None,
    employment_rate: float | None = None,
) -> IndicatorTable:
    """Flow indicators for every unit of ``level`` in the region (see module doc).

    ``groups`` (level "custom"): group name -> AGS prefixes (states, districts or
    municipalities of the region). ``employment_rate``: optional modelling assumption for
    district internal flows (see ``loading.district_internal``); without it employed
    residents, jobs, rates and self-containment stay NaN where the BA publishes no internal
    flow.
    """
    if level not in LEVELS:
        raise ParameterError(f"unknown level {level!r}", value=level, expected=" | ".join(LEVELS))
    if level == "custom" and not groups:
        raise ParameterError(
            "level 'custom' needs groups", expected="a mapping group -> AGS prefixes"
        )
    if level == "gemeinde":
        fb = municipal_flows(store, region, period, employment_rate=employment_rate)
        return gemeinde_table(store, region, fb)
    prov = Provenance()
    period = flow_period(store, period)
    districts = region_districts(region)
    mun = municipalities(store, region, prov)
    if level == "custom":
        prefixes = [str(p) for members in groups.values() for p in members]  # type: ignore[union-attr]
        if any(len(p) > 5 for p in prefixes):
            return _custom_municipal(store, region, period, groups, employment_rate)  # type: ignore[arg-type]
        states = {p[:2] for p in prefixes if len(p) < 5}
        load = sorted(
            {p for p in prefixes if len(p) == 5} | set(district_keys_of_states(store, states))
        )
    elif level == "land":
        states = {d[:2] for d in districts}
        load = district_keys_of_states(store, states)
    else:
        load = districts
    kreis = flows_touching(store, load, period, "kreis", prov)
    internal, how, est = district_internal(
        store, kreis, districts, period, mun, prov, employment_rate=employment_rate
    )
    notes = [f"official Kreis × Kreis flows ({period}); district internal flows: {how}"]
    if level == "kreis":
        totals = published_totals(store, districts, period, prov)
        table = flow_indicators(
            kreis,
            districts,
            internal=internal,
            totals=totals,
            centroids=district_centroids(mun),
        )
        notes.append(
            "out/in-commuters: totals published by the BA; not_assigned = total − "
            "sum of flows to named partners"
        )
        names = _names(store, districts)
    else:
        keys = pd.concat([kreis["origin"], kreis["destination"]])
        if level == "land":
            mapping = mapping_to_level(keys, "land")
            units = sorted({d[:2] for d in districts})
            resolve = True
        elif level == "region":
            mapping = custom_mapping(keys, {region.id: sorted(region.core_codes)})
            units = [region.id]
            resolve = False
        else:
            mapping = custom_mapping(keys, groups)  # type: ignore[arg-type]
            units = list(groups)  # type: ignore[arg-type]
            resolve = False
        table = _two_sided(kreis, mapping, units, level, internal, resolve)
        notes.append(
            "aggregated from Kreis flows: totals are sums of published flows incl. "
            "pooled 'Übrige …' rows (out-commuters from the residence side's tables, "
            "in-commuters from the workplace side's); no published totals at this level"
        )
        names = _names(store, units) if level == "land" else {}
        if level == "region":
            names = {region.id: region.name_de}
    table.insert(0, "name", [names.get(str(k), str(k)) for k in table.index])
    basis = prov.basis(store, estimated=est)
    extra = [OWN_CALCULATION + " (modelled estimate)"] if est else []
    return IndicatorTable(
        table=table,
        level=level,
        period=period,
        basis=basis,
        note="; ".join(notes),
        attribution=prov.attribution(store, extra=extra),
    )


IN_SIDE = [
    "in_commuters",
    "in_published",
    "not_assigned_in",
    "share_in_cross_district",
    "share_in_cross_state",
    "commuter_km_in",
]


def _two_sided(
    kreis: pd.DataFrame,
    mapping: pd.Series,
    units: list[str],
    level: str,
    internal: pd.Series,
    resolve: bool,
) -> pd.DataFrame:
    """Indicators of groups of districts without counting pooled commuters twice.

    The BA pools small flows on both sides: a district's out-commuter table has rows
    "→ Übrige Kreise (RB 091)" and the workplace's in-commuter table has "Übrige Kreise
    (RB 064) →" for the same people. Out-commuters therefore come from the frame without
    pooled origins, in-commuters from the frame without pooled destinations; the combined
    figures follow the formulas of ``analysis.flow_indicators``."""
    pseudo_o = is_pseudo_key(kreis["origin"])
    pseudo_d = is_pseudo_key(kreis["destination"])
    sides = []
    for keep in (~pseudo_o, ~pseudo_d):
        agg = aggregate_flows(
            kreis[keep], mapping, level=level, internal=internal, resolve_pooled=resolve
        )
        sides.append(flow_indicators(agg, units))
    out, inn = sides
    table = out.copy()
    for col in IN_SIDE:
        table[col] = inn[col]
    loc, in_c, out_c = table["internal"], table["in_commuters"], table["out_commuters"]
    jobs, er = loc + in_c, table["employed_residents"]
    table["jobs"] = jobs
    table["balance"] = in_c - out_c
    table["in_rate"] = (in_c / jobs).where(jobs > 0)
    table["job_centrality"] = (jobs / er).where(er > 0)
    table["sc_demand"] = (loc / jobs).where(jobs > 0)
    table["notes"] = [
        "; ".join(dict.fromkeys(x for x in (a + "; " + b).split("; ") if x))
        for a, b in zip(out["notes"], inn["notes"], strict=True)
    ]
    return table


def gemeinde_table(store: Store, region: Region, fb: FlowBasis) -> IndicatorTable:
    """Municipal flow indicators from municipal flows the caller already has."""
    prov = Provenance()
    mun = fb.municipalities
    totals = published_totals(store, mun.index, fb.period, prov)
    table = flow_indicators(
        fb.flows,
        mun.index,
        totals=totals if len(totals) else None,
        centroids=mun.loc[mun["x"].notna(), ["x", "y"]],
    )
    if not fb.within_districts:
        table["notes"] = [
            "; ".join(
                x for x in (n, "in/out-commuters cover flows to/from other districts only") if x
            )
            for n in table["notes"]
        ]
    table.insert(0, "name", mun["name"].reindex(table.index).to_numpy())
    return IndicatorTable(
        table=table,
        level="gemeinde",
        period=fb.period,
        basis=combine(fb.basis, prov.basis(store, False)),
        note=fb.note,
        attribution=tuple(dict.fromkeys(fb.attribution + prov.attribution(store))),
    )


def _custom_municipal(
    store: Store,
    region: Region,
    period: str | None,
    groups: Mapping[str, Iterable[str]],
    employment_rate: float | None,
) -> IndicatorTable:
    fb = municipal_flows(store, region, period, employment_rate=employment_rate)
    outside = [
        p
        for ps in groups.values()
        for p in ps
        if not fb.municipalities.index.str.startswith(str(p)).any()
    ]
    if outside:
        raise ParameterError(
            "custom group member outside the region's municipalities",
            value=outside[0],
            expected="AGS prefixes of the region's municipalities",
        )
    keys = pd.concat([fb.flows["origin"], fb.flows["destination"]])
    mapping = custom_mapping(keys, groups)
    agg = aggregate_flows(fb.flows, mapping, level="custom")
    table = flow_indicators(agg, list(groups))
    table.insert(0, "name", list(table.index))
    note = fb.note + "; aggregated from municipal flows"
    if not fb.within_districts:
        note += "; " + WITHIN_MISSING_NOTE
    return IndicatorTable(
        table=table,
        level="custom",
        period=fb.period,
        basis=fb.basis,
        note=note,
        attribution=fb.attribution,
    )


def crossborder(
    store: Store,
    region: Region,
    period: str | None = None,
    *,
    n: int = 20,
    by: str = "persons",
    employment_rate: float | None = None,
    flows: FlowBasis | None = None,
    with_pairs: bool = True,
) -> CrossBorder:
    """State × state and district × district matrices of flows between the region's districts
    (core + ring; official), the strongest district pairs across a state border (official) and
    the strongest municipality pairs across a state border (municipal flows: a modelled
    estimate unless official municipal tables are imported). ``by``: persons |
    share_of_origin_out. ``flows``: municipal flows already
    computed by the caller (else computed here); ``with_pairs=False`` skips the municipal
    pairs (and the estimate they need)."""
    if by not in PAIR_RANKINGS:
        raise ParameterError("unknown ranking", value=by, expected=" | ".join(PAIR_RANKINGS))
    prov = Provenance()
    period = flow_period(store, period)
    districts = region_districts(region)
    kreis = flows_touching(store, districts, period, "kreis", prov)
    inner = kreis[kreis["origin"].isin(districts)]
    inner = inner[inner["destination"].isin(districts) | inner["flag"].eq("pooled")]
    states = sorted({d[:2] for d in districts})
    # a pair without a row had fewer than 10 commuters, pooled by the BA into "Übrige …"
    # (not_assigned): its cell stays empty, never 0
    keys = pd.concat([inner["origin"], inner["destination"]])
    sm = border_matrix(inner, mapping_to_level(keys, "land"), level="land", keys=states, fill=None)
    dm = border_matrix(
        inner, mapping_to_level(keys, "kreis"), level="kreis", keys=districts, fill=None
    )
    totals = published_totals(store, districts, period, prov)
    dpairs = strongest_crossborder_pairs(
        inner[inner["destination"].isin(districts)],
        n=n,
        by=by,
        out_totals=totals.get("out_commuters"),
    )
    names = _names(store, [*districts, *states])
    if with_pairs:
        fb = (
            flows
            if flows is not None
            else municipal_flows(store, region, period, employment_rate=employment_rate)
        )
        mkeys = set(fb.municipalities.index)
        mf = fb.flows
        out_all = mf[mf["origin"].isin(mkeys) & (mf["origin"] != mf["destination"])]
        out_all = out_all.groupby("origin")["persons"].sum(min_count=1)
        both = mf[mf["origin"].isin(mkeys) & mf["destination"].isin(mkeys)]
        pairs = strongest_crossborder_pairs(both, n=n, by=by, out_totals=out_all)
        names.update(fb.municipalities["name"].to_dict())
        pairs_basis, pairs_attr = fb.basis, fb.attribution
        pairs_note = (
            (fb.note if fb.basis != OFFICIAL else "published municipal flows")
            + "; share_of_origin_out relative to the origin's flows to other municipalities "
            "and districts"
        )
    else:
        pairs = strongest_crossborder_pairs(dpairs.iloc[0:0][["origin", "destination", "persons"]])
        pairs_basis, pairs_attr, pairs_note = "", (), "not computed (with_pairs=False)"
    for frame in (dpairs, pairs):
        frame.insert(2, "origin_name", frame["origin"].map(names).to_numpy())
        frame.insert(4, "destination_name", frame["destination"].map(names).to_numpy())
    pairs["basis"] = pairs_basis
    dpairs["basis"] = prov.basis(store, estimated=False)
    note = (
        f"official Kreis × Kreis flows ({period}) between the region's {len(districts)} "
        "districts (core and ring); an empty cell had fewer than 10 commuters, which the BA "
        "pools into 'Übrige …' rows (column not_assigned: pooled commuters without a named "
        "partner); the diagonal (flows within a unit) is not published"
    )
    attribution = tuple(dict.fromkeys(prov.attribution(store) + pairs_attr))
    return CrossBorder(
        states=sm,
        districts=dm,
        district_pairs=dpairs,
        pairs=pairs,
        basis=prov.basis(store, estimated=False),
        pairs_basis=pairs_basis,
        note=note,
        pairs_note=pairs_note,
        attribution=attribution,
        period=period,
        names=names,
    )


from regionatlas.workflows.functional import (  # noqa: E402  (public facade)
    central_places,
    functional_regions,
    hubs_and_catchments,
)

__all__ = [
    "LEVELS",
    "CrossBorder",
    "FlowBasis",
    "IndicatorTable",
    "central_places",
    "crossborder",
    "flow_indicator_table",
    "functional_regions",
    "hubs_and_catchments",
    "municipal_flows",
]
