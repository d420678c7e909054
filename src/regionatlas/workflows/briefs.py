"""Argumentationshilfen (briefs for talks with the Landesplanung) on a store (glue; #14).

A brief covers a municipality or district (``unit``), a corridor between two places, or a
functional region (labour-market area). ``BriefContext`` computes the region-wide analyses
once (municipal flows, labour-market areas, central places, scenarios, monitoring) so that
a brief for every core municipality costs little more than rendering it.

Every number in a brief is a ``num`` dict: value, flag (marker, never 0 for a withheld
value), period (vintage), gebietsstand (territorial status of the unit or file), source
(the attribution of the batch or analysis), basis (official | modelled estimate |
synthetic). No clock: a brief depends only on the store and the content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from regionatlas.analysis.monitoring import ESTIMATE, OFFICIAL, SYNTHETIC
from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.region import Region
from regionatlas.workflows.brief_facts import (
    KEY_INDICATORS,
    BriefFacts,
    CentralFacts,
    LmaFacts,
    facts_from_payload,
    load_or_compute_facts,
)
from regionatlas.workflows.monitoring import batch_bases, load_or_recompute

STATE_NAMES = {"03": "Niedersachsen", "05": "Nordrhein-Westfalen", "06": "Hessen"}
TOP = 5


def num(
    value: Any, period: str | None, gebietsstand: str | None, source: str, basis: str,
    flag: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    v = None if value is None or pd.isna(value) else float(value)
    return {"value": v, "flag": flag, "period": period, "gebietsstand": gebietsstand,
            "source": source, "basis": basis}  # fmt: skip


@dataclass
class BriefContext:
    """Region-wide inputs of every brief: the saved facts (``workflows.brief_facts``, read
    in milliseconds when they fit the store, else computed once and saved), the batches and
    the monitoring payload."""

    store: Any
    region: Region
    with_scenarios: bool = True
    cache_dir: Any = None
    _fb: Any = field(default=None, repr=False)

    @cached_property
    def facts(self) -> BriefFacts:
        payload = load_or_compute_facts(self.store, self.region, self.cache_dir,
                                        self.with_scenarios)  # fmt: skip
        return facts_from_payload(payload)

    @cached_property
    def units(self) -> pd.DataFrame:
        return self.facts.units

    @cached_property
    def batches(self) -> dict[int, Any]:
        return {b.id: b for b in self.store.batches()}

    @cached_property
    def bases(self) -> dict[int, str]:
        return batch_bases(self.store)

    @cached_property
    def catalogue(self) -> pd.DataFrame:
        from regionatlas.indicators.catalogue import catalogue

        return catalogue().set_index("id")

    @property
    def observations(self) -> pd.DataFrame:
        return self.facts.observations

    @property
    def flow_period(self) -> str | None:
        return self.facts.flow_period

    @property
    def kreis_flows(self) -> pd.DataFrame:
        return self.facts.kreis_flows

    @property
    def flow_basis(self):
        """Municipal flows (only the corridor brief reads them: computed from the store)."""
        if self._fb is None:
            from regionatlas.workflows import municipal_flows
            from regionatlas.workflows.assumptions import national_employment_rate

            rate = national_employment_rate().value
            self._fb = municipal_flows(self.store, self.region, employment_rate=rate)
        return self._fb

    @property
    def functional(self) -> LmaFacts | None:
        return self.facts.functional

    @property
    def central(self) -> CentralFacts | None:
        return self.facts.central

    @property
    def scenarios(self) -> list[dict[str, Any]]:
        """Each example scenario: name, file, basis, period, per-municipality changes."""
        return (self.facts.scenarios or []) if self.with_scenarios else []

    @cached_property
    def monitoring(self) -> dict[str, Any]:
        return load_or_recompute(self.store, self.region, self.cache_dir)

    def warm(self) -> BriefContext:
        """Read or compute every region-wide input now (before forking workers: they then
        need no store access)."""
        for name in ("facts", "units", "batches", "bases", "catalogue", "monitoring"):
            getattr(self, name)
        return self

    # -- helpers ----------------------------------------------------------------------------
    def name(self, ags: str) -> str:
        if ags == "DE":
            return "Deutschland"
        return str(self.units["name"].get(ags, STATE_NAMES.get(ags, ags)))

    def level(self, ags: str) -> str | None:
        lv = self.units["level"].get(ags)
        return None if lv is None else str(lv)

    def obs_num(self, ags: str, indicator: str) -> dict[str, Any] | None:
        try:
            row = self.observations.loc[(ags, indicator)]
        except KeyError:
            return None
        batch = self.batches.get(int(row["batch_id"]))
        basis = self.bases.get(int(row["batch_id"]), OFFICIAL)
        flag = row["flag"] if isinstance(row["flag"], str) else None
        if basis == OFFICIAL and flag == "estimated":
            basis = ESTIMATE
        as_of = self.units["as_of"].get(ags) if ags in self.units.index else None
        src = (
            self.catalogue["source"].get(indicator, "") if indicator in self.catalogue.index else ""
        )
        attribution = batch.attribution if batch is not None else ""
        return num(
            row["value"], str(row["period"]), None if as_of is None else str(as_of),
            f"{src} — {attribution}" if src else attribution, basis,
            flag if flag not in (None, "derived", "estimated") else None,
        )  # fmt: skip

    def flow_source(self) -> tuple[str, str, str | None]:
        return self.facts.flow_source


def check_subject(ctx: BriefContext, ags: str) -> str:
    level = ctx.level(ags)
    if level not in ("gemeinde", "kreis") or ags[:5] not in ctx.region.all_district_codes:
        raise NotFoundError(
            f"no brief for {ags!r}: not a municipality or district of {ctx.region.name_de}",
            value=ags,
            expected="an 8-digit municipality or 5-digit district AGS of the region",
        )
    return level


# ------------------------------------------------------------------------- sections


def key_figures(ctx: BriefContext, ags: str) -> list[dict[str, Any]]:
    """Key indicators of the unit with its state and Germany (the district's where the
    municipality has none, labelled so)."""
    rows = []
    for ind in KEY_INDICATORS:
        own = ctx.obs_num(ags, ind)
        scope = "unit"
        if own is None and len(ags) == 8:
            own, scope = ctx.obs_num(ags[:5], ind), "district"
        if own is None or ind not in ctx.catalogue.index:
            continue
        cat = ctx.catalogue.loc[ind]
        rows.append(
            {
                "indicator": ind,
                "name_de": cat["name_de"],
                "name_en": cat["name_en"],
                "unit": cat["unit"],
                "scope": scope,
                "value": own,
                "state": ctx.obs_num(ags[:2], ind),
                "germany": ctx.obs_num("DE", ind),
            }
        )
    return rows


def crossborder_links(ctx: BriefContext, ags: str) -> dict[str, Any] | None:
    """Commuters between the unit's district and districts in other states (official
    district flows), strongest partners each way, and the cross-state share."""
    if ctx.flow_period is None:
        return None
    d = ags[:5]
    f = ctx.kreis_flows
    attr, basis, vintage = ctx.flow_source()
    out_f = f[(f["origin"] == d) & (f["d_state"] != d[:2])]
    in_f = f[(f["destination"] == d) & (f["o_state"] != d[:2])]

    def partners(frame: pd.DataFrame, col: str) -> list[dict[str, Any]]:
        frame = frame[frame[col].str.len() == 5].sort_values("persons", ascending=False)
        return [
            {
                "ags": k,
                "name": ctx.name(k),
                "state": STATE_NAMES.get(k[:2], k[:2]),
                "persons": num(
                    p, ctx.flow_period, vintage, attr, basis, fl if isinstance(fl, str) else None
                ),
            }
            for k, p, fl in zip(frame[col], frame["persons"], frame["flag"], strict=True)
        ][:TOP]

    out_total = ctx.obs_num(d, "out_commuters")
    cross_out = float(out_f["persons"].sum(min_count=1)) if len(out_f) else None
    share = None
    if cross_out is not None and out_total and out_total["value"]:
        share = num(100 * cross_out / out_total["value"], ctx.flow_period, vintage,
                    f"{attr}; eigene Berechnung / own calculation", basis)  # fmt: skip
    return {
        "district": d,
        "district_name": ctx.name(d),
        "level_note": "district flows (Kreis × Kreis); municipal flows are not published in "
        "the store"
        if len(ags) == 8
        else "",
        "out": partners(out_f, "destination"),
        "in": partners(in_f, "origin"),
        "cross_state_out": num(cross_out, ctx.flow_period, vintage, attr, basis),
        "cross_state_in": num(
            float(in_f["persons"].sum(min_count=1)) if len(in_f) else None,
            ctx.flow_period,
            vintage,
            attr,
            basis,
        ),
        "cross_state_out_share": share,
        "suppressed": int(out_f["persons"].isna().sum() + in_f["persons"].isna().sum()),
    }


def lma_of(ctx: BriefContext, ags: str) -> dict[str, Any] | None:
    fr = ctx.functional
    if fr is None:
        return None
    a = fr.assignment
    members = [ags] if len(ags) == 8 else [m for m in a.index if str(m).startswith(ags)]
    ids = sorted(
        {int(a.at[m, "lma"]) for m in members if m in a.index and pd.notna(a.at[m, "lma"])}
    )
    return {
        "basis": fr.basis,
        "note": fr.note,
        "period": fr.period,
        "attribution": list(fr.attribution),
        "areas": [lma_summary(ctx, i) for i in ids if i > 0],
        "not_assigned": [
            m for m in members if m in a.index and a.at[m, "lma_status"] != "assigned"
        ],
    }


def lma_summary(ctx: BriefContext, lma_id: int) -> dict[str, Any]:
    fr = ctx.functional
    if fr is None:
        raise NotFoundError("no labour-market areas: the store lacks municipal flows")
    stats = fr.stats.set_index("cluster")
    if lma_id not in stats.index:
        raise NotFoundError(f"unknown labour-market area {lma_id}", value=lma_id,
                            expected=", ".join(str(i) for i in stats.index))  # fmt: skip
    s = stats.loc[lma_id]
    a = fr.assignment
    members = sorted(str(m) for m in a.index[a["lma"] == lma_id])
    states = sorted({m[:2] for m in members})
    src = "; ".join(fr.attribution)

    def n(v: Any) -> dict[str, Any]:
        return num(v, fr.period, None, src, fr.basis)

    return {
        "id": int(lma_id),
        "centre": str(s["main_centre"]),
        "centre_name": ctx.name(str(s["main_centre"])),
        "members": [{"ags": m, "name": ctx.name(m)} for m in members],
        "states": [STATE_NAMES.get(x, x) for x in states],
        "crosses_state_border": len(states) > 1,
        "residents": n(s["residents"]),
        "jobs": n(s["jobs"]),
        "sc_supply_side": n(100 * s["sc_supply_side"]),
        "sc_demand_side": n(100 * s["sc_demand_side"]),
    }


def central_place_of(ctx: BriefContext, ags: str) -> dict[str, Any] | None:
    cp = ctx.central
    if cp is None:
        return None
    p = cp.places
    p = p[p["ags"].astype(str).str.startswith(ags)] if len(ags) == 5 else p[p["ags"] == ags]
    p = p[p["designated_level"].notna()] if len(ags) == 5 else p
    rows = []
    for r in p.to_dict("records"):
        rows.append(
            {
                "ags": r["ags"],
                "name": r["name"],
                "designation": r["category"] if isinstance(r["category"], str) else None,
                "designation_source": r["source"] if isinstance(r["source"], str) else None,
                "designated_level": r["designated_level"],
                "functional_level": r["functional_level"] if r["assessable"] else None,
                "deviation": r["deviation"] if r["assessable"] else None,
                "assessable": bool(r["assessable"]),
                "assessment": r["assessment"] or None,
            }
        )
    return {"basis": cp.basis, "note": cp.note, "period": cp.period,
            "attribution": list(cp.attribution), "places": rows}  # fmt: skip


def scenario_results(ctx: BriefContext, members: list[str]) -> list[dict[str, Any]]:
    """Change of commuter-km per day and CO2 per year for the subject's municipalities in
    each example scenario (modelled)."""
    out = []
    for sc in ctx.scenarios:
        bm = sc["by_municipality"]
        rows = bm[bm.index.isin(members)]
        if rows.empty:
            continue
        src = f"regionatlas scenario {sc['file']}"
        out.append(
            {
                "name": sc["name"],
                "file": sc["file"],
                "basis": ESTIMATE if sc["basis"] != SYNTHETIC else SYNTHETIC,
                "note": sc["basis"],
                "km_day_change": num(
                    rows["commuter_km_day_change"].sum(), sc["period"], None, src, ESTIMATE
                ),
                "co2_change": num(
                    rows["co2_t_year_change"].sum(), sc["period"], None, src, ESTIMATE
                ),
            }
        )
    return out


def goals_for(ctx: BriefContext, keys: list[str]) -> list[dict[str, Any]]:
    """Goals with an indicator whose territory contains one of ``keys`` or its district."""
    wanted = set(keys) | {k[:5] for k in keys}
    hits = []
    for g in ctx.monitoring["goals"]:
        inds = [
            i for i in g["indicators"]
            if wanted & set(i["territory"]["members"]) or any(
                m.startswith(k) or k.startswith(m) for m in i["territory"]["members"] for k in keys
            )
        ]  # fmt: skip
        if inds:
            hits.append({**g, "indicators": inds})
    return hits


# ------------------------------------------------------------------------- briefs


def _base(ctx: BriefContext, kind: str, key: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "key": key,
        "region": {
            "id": ctx.region.id,
            "name_de": ctx.region.name_de,
            "name_en": ctx.region.name_en,
        },
        "store_version": sorted(ctx.batches),
        "attribution": list(dict.fromkeys(b.attribution for b in ctx.batches.values())),
        "synthetic": any(v == SYNTHETIC for v in ctx.bases.values()),
    }


def unit_brief(ctx: BriefContext, ags: str) -> dict[str, Any]:
    level = check_subject(ctx, ags)
    members = [ags] if level == "gemeinde" else [
        str(m) for m in ctx.units.index if len(str(m)) == 8 and str(m).startswith(ags)
    ]  # fmt: skip
    return {
        **_base(ctx, "unit", ags),
        "subject": {
            "ags": ags,
            "name": ctx.name(ags),
            "level": level,
            "state": STATE_NAMES.get(ags[:2], ags[:2]),
            "district": ags[:5],
            "district_name": ctx.name(ags[:5]),
            "role": ctx.region.role_of(ags),
        },
        "figures": key_figures(ctx, ags),
        "crossborder": crossborder_links(ctx, ags),
        "functional": lma_of(ctx, ags),
        "central_place": central_place_of(ctx, ags),
        "scenarios": scenario_results(ctx, members),
        "goals": goals_for(ctx, [ags]),
    }


def corridor_brief(ctx: BriefContext, a: str, b: str) -> dict[str, Any]:
    if a == b:
        raise ParameterError("a corridor needs two different places", value=a)
    for x in (a, b):
        check_subject(ctx, x)
    fb = ctx.flow_basis
    f = fb.flows
    est = []
    for o, d in ((a, b), (b, a)):
        v = None
        if len(o) == 8 and len(d) == 8:
            rows = f[(f["origin"] == o) & (f["destination"] == d)]
            v = float(rows["persons"].sum()) if len(rows) else None
        src = "; ".join(fb.attribution)
        est.append(
            {"origin": o, "destination": d, "persons": num(v, fb.period, None, src, fb.basis)}
        )
    kf = ctx.kreis_flows
    attr, basis, vintage = ctx.flow_source()
    official = []
    for o, d in ((a[:5], b[:5]), (b[:5], a[:5])):
        rows = kf[(kf["origin"] == o) & (kf["destination"] == d)]
        v = rows["persons"].iloc[0] if len(rows) else None
        fl = rows["flag"].iloc[0] if len(rows) and isinstance(rows["flag"].iloc[0], str) else None
        official.append({"origin": o, "destination": d,
                         "persons": num(v, ctx.flow_period, vintage, attr, basis, fl)})  # fmt: skip
    return {
        **_base(ctx, "corridor", f"{a}-{b}"),
        "subject": {
            "places": [
                {"ags": x, "name": ctx.name(x), "state": STATE_NAMES.get(x[:2], x[:2])}
                for x in (a, b)
            ],
            "crosses_state_border": a[:2] != b[:2],
        },
        "flows_official": official if a[:5] != b[:5] else [],
        "flows_official_note": "district flows (Kreis × Kreis), both directions; a missing "
        "row means fewer than the BA's threshold (pooled), never 0",
        "flows_modelled": est,
        "flows_modelled_note": fb.note,
        "figures": [{"ags": x, "name": ctx.name(x), "rows": key_figures(ctx, x)} for x in (a, b)],
        "functional": [lma_of(ctx, x) for x in (a, b)],
        "scenarios": scenario_results(ctx, [x for x in (a, b) if len(x) == 8]),
        "goals": goals_for(ctx, [a, b]),
    }


def lma_brief(ctx: BriefContext, lma_id: int) -> dict[str, Any]:
    area = lma_summary(ctx, int(lma_id))
    members = [m["ags"] for m in area["members"]]
    fr = ctx.functional
    return {
        **_base(ctx, "lma", str(lma_id)),
        "subject": {"id": area["id"], "name": area["centre_name"]},
        "area": area,
        "basis": fr.basis if fr else None,
        "note": fr.note if fr else None,
        "crossborder": [crossborder_links(ctx, d) for d in sorted({m[:5] for m in members})],
        "scenarios": scenario_results(ctx, members),
        "goals": goals_for(ctx, members),
    }


def core_municipalities(ctx: BriefContext) -> list[str]:
    u = ctx.units
    sel = u[(u["level"] == "gemeinde") & u["ags"].str[:5].isin(ctx.region.core_codes)]
    return sorted(sel["ags"])
