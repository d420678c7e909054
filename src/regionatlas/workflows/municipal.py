"""Municipal commuter flows for a region: the official table when imported, else the modelled
estimate from the published Kreis × Kreis flows (``analysis.interaction``).

The estimate covers flows inside and between the region's districts (a doubly-constrained
spatial-interaction model whose district totals are the published ones). Flows between a
region district and a district outside the region are split over the region district's
municipalities by population and keep the outside district's key as partner; "Übrige …"
pooled rows likewise keep their pseudo key. Every row is flagged ``estimated``.

The BA's Kreis tables publish no flow *within* a district, so flows between two
municipalities of the same district (and a municipality's own residents working there) can
only be estimated when each district's internal total is known: from published employed
residents or jobs, or from an explicit ``employment_rate`` assumption (see
``loading.district_internal``). Without it they are left out and ``within_districts`` is
False.

Within a district the estimate splits the published totals over municipalities by weight:
imported municipal employment (``employed_residents`` at the place of residence, ``jobs`` at
the workplace, e.g. from the BA Gemeindedaten) for the flow period where every municipality
of that district has a number, else population (Gemeindeverzeichnis). With population as the
jobs weight, every municipality of a district has the same jobs per employed resident *by
construction*: such figures say nothing about a single municipality's centrality, and
``FlowBasis.jobs_measured`` says which districts are free of that limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.flowframe import ESTIMATE_NOTE, is_pseudo_key
from regionatlas.analysis.interaction import estimate_municipal_flows
from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLAG_ESTIMATED
from regionatlas.region import Region
from regionatlas.store.base import Store
from regionatlas.workflows.basis import ESTIMATE, OWN_CALCULATION, Provenance
from regionatlas.workflows.loading import (
    district_internal,
    flow_period,
    flows_touching,
    municipalities,
    region_districts,
)

WITHIN_MISSING_NOTE = (
    "flows within districts not estimated: the BA's Kreis tables publish no internal flow; "
    "import the municipal tables, or employed residents per district, or give an explicit "
    "employment rate (modelling assumption)"
)


@dataclass
class FlowBasis:
    """Municipal flows of a region with what they rest on."""

    flows: pd.DataFrame  # origin, destination, persons, flag, pooled, partner_level, ...
    basis: str  # official | modelled estimate | synthetic
    note: str
    attribution: tuple[str, ...]
    period: str
    municipalities: pd.DataFrame  # see loading.municipalities
    within_districts: bool  # flows between municipalities of the same district present
    internal_basis: str = ""  # how district internal totals were obtained (estimate only)
    details: dict[str, Any] = field(default_factory=dict)
    not_estimated: pd.DataFrame | None = None
    stored_batches: tuple[int, ...] = ()  # batches the flows were read from (if stored)
    # districts whose municipal jobs rest on measured figures (published municipal flows, or
    # imported municipal jobs used as the model's weight); elsewhere jobs ∝ population
    jobs_measured: frozenset[str] = frozenset()

    @property
    def estimated(self) -> bool:
        return self.basis == ESTIMATE


def municipal_flows(
    store: Store,
    region: Region,
    period: str | None = None,
    *,
    employment_rate: float | None = None,
    beta: float | None = None,
) -> FlowBasis:
    """Official gemeinde flows of the region's municipalities if imported for every district
    of the region (as residence side); else an estimate imported earlier (see
    ``ingest.estimate``) when no ``employment_rate``/``beta`` is asked for; else the modelled
    estimate computed here (see module doc)."""
    prov = Provenance()
    period = flow_period(store, period)
    districts = region_districts(region)
    mun = municipalities(store, region, prov)
    # official tables first; then an imported estimate, unless the caller asks for an
    # estimate with their own assumptions. A cheap probe (the largest municipality of each
    # district) first: reading every stored municipal flow takes seconds.
    probe = mun.loc[mun["population"].notna()].groupby("district")["population"].idxmax()
    kinds = (False, True) if employment_rate is None and beta is None else (False,)
    if _covers(store, list(probe), period, districts, kinds):
        stored = store.flows(level="gemeinde", period=period, grp="total", origins=list(mun.index))
        for estimated in kinds:
            part = stored if estimated else stored[stored["flag"].ne(FLAG_ESTIMATED)]
            if len(part) and set(districts) <= set(part["origin"].astype(str).str.slice(0, 5)):
                return _stored(store, mun, period, prov, stored, estimated=estimated)
    kreis = flows_touching(store, districts, period, "kreis", prov)
    internal, how, _ = district_internal(
        store, kreis, districts, period, mun, prov, employment_rate=employment_rate
    )
    no_point = mun[mun["x"].isna() | mun["population"].isna()]
    if len(no_point):
        raise ParameterError(
            f"municipality {no_point.index[0]} has no polygon or population in the store; "
            "the estimate needs both for every municipality of the region",
            value=no_point.index[0],
        )
    frame = mun[["x", "y", "area_km2", "district"]].assign(population=mun["population"])
    weights = employment_weights(store, mun, period, prov)
    frame["residents_weight"] = weights["employed_residents"]
    frame["jobs_weight"] = weights["jobs"]
    # one period and group by construction: pass only what the model reads
    district_flows = kreis[["origin", "destination", "persons", "flag"]]
    res = estimate_municipal_flows(
        district_flows, frame, districts=districts, district_internal=internal, beta=beta
    )
    flows = res.flows.assign(partner_level="gemeinde")
    outside = _spread_outside(kreis, mun, districts)
    flows = pd.concat([flows, outside], ignore_index=True)
    flows["period"], flows["grp"], flows["level"] = period, "total", "gemeinde"
    flows["flag"] = FLAG_ESTIMATED
    within = len(internal.reindex(districts).dropna()) == len(districts)
    notes = [ESTIMATE_NOTE + f" ({period})"]
    notes.append(f"district internal totals: {how}")
    notes.append(weights.attrs["note"])
    if not within:
        notes.append(WITHIN_MISSING_NOTE)
    notes += res.notes
    return FlowBasis(
        flows=flows[
            [
                "origin",
                "destination",
                "period",
                "grp",
                "level",
                "persons",
                "flag",
                "pooled",
                "partner_level",
            ]
        ],
        basis=prov.basis(store, estimated=True),
        note="; ".join(notes),
        attribution=prov.attribution(store, extra=[OWN_CALCULATION + " (modelled estimate)"]),
        period=period,
        municipalities=mun,
        within_districts=within,
        internal_basis=how,
        details={
            "beta": res.beta,
            "decay": res.decay,
            "iterations": res.iterations,
            "max_row_error": res.max_row_error,
            "max_col_error": res.max_col_error,
            "max_block_error": res.max_block_error,
        },
        not_estimated=res.not_estimated,
        jobs_measured=frozenset(weights.attrs["measured"]["jobs"]),
    )


def _covers(
    store: Store, probe: list[str], period: str, districts: list[str], kinds: tuple[bool, ...]
) -> bool:
    """Whether stored municipal flows (official, or estimated where allowed) start in every
    district's probe municipality."""
    f = store.flows(level="gemeinde", period=period, grp="total", origins=probe)
    if f.empty:
        return False
    if kinds == (False,):
        f = f[f["flag"].ne(FLAG_ESTIMATED)]
    return set(districts) <= set(f["origin"].astype(str).str.slice(0, 5))


def _stored(
    store: Store,
    mun: pd.DataFrame,
    period: str,
    prov: Provenance,
    from_region: pd.DataFrame,
    *,
    estimated: bool,
) -> FlowBasis:
    """Municipal flows held by the store: official tables, or an imported estimate.
    ``from_region``: the stored flows whose origin is a municipality of the region."""
    keys = list(mun.index)
    to_region = store.flows(level="gemeinde", period=period, grp="total", destinations=keys)
    flows = pd.concat([from_region, to_region], ignore_index=True)
    flows = flows.drop_duplicates(["origin", "destination"], keep="first")
    if not estimated:  # official tables replace an imported estimate
        flows = flows[flows["flag"].ne(FLAG_ESTIMATED)].reset_index(drop=True)
    prov.add(flows)
    pseudo = is_pseudo_key(flows["destination"]) | is_pseudo_key(flows["origin"])
    flows = flows.assign(pooled=pseudo)
    short = (flows["origin"].str.len() < 8) | (flows["destination"].str.len() < 8)
    flows["partner_level"] = np.where(short & ~pseudo, "kreis", "gemeinde")
    real = flows[~pseudo & ~short]
    within = bool((real["origin"].str.slice(0, 5) == real["destination"].str.slice(0, 5)).any())
    ids = sorted({int(b) for b in flows["batch_id"].unique()})
    note = (
        f"{ESTIMATE_NOTE} ({period}; imported as batch {', '.join(map(str, ids))})"
        if estimated
        else f"published municipal flows ({period})"
    )
    if estimated and not within:
        note += "; " + WITHIN_MISSING_NOTE
    return FlowBasis(
        flows=flows,
        basis=prov.basis(store, estimated=estimated),
        note=note,
        attribution=prov.attribution(store),
        period=period,
        municipalities=mun,
        within_districts=within,
        stored_batches=tuple(ids),
        jobs_measured=frozenset(
            employment_weights(store, mun, period, prov).attrs["measured"]["jobs"]
            if estimated
            else mun["district"].unique()
        ),
    )


def employment_weights(
    store: Store, mun: pd.DataFrame, period: str, prov: Provenance
) -> pd.DataFrame:
    """The model's within-district weights (index ags): columns ``employed_residents`` and
    ``jobs`` — the imported municipal figure of ``period`` for a district where every one of
    its municipalities has a number (no marker), else the population of all of them. Never a
    mix inside one district, because the weights only serve as shares of the district total.
    ``attrs["measured"]`` maps each column to the districts with imported figures,
    ``attrs["note"]`` says it in words."""
    keys = list(mun.index)
    obs = store.observations(indicators=["employed_residents", "jobs"], ags=keys, periods=[period])
    prov.add(obs)
    out = pd.DataFrame(index=mun.index)
    measured: dict[str, list[str]] = {}
    parts = []
    for col, words in (("employed_residents", "employed residents"), ("jobs", "jobs")):
        vals = obs.loc[obs["indicator"] == col].set_index("ags")["value"].astype(float)
        vals = vals[~vals.index.duplicated(keep="last")].reindex(mun.index)
        full = vals.notna().groupby(mun["district"]).all()
        ok = sorted(d for d, v in full.items() if v)
        use = mun["district"].isin(ok)
        out[col] = np.where(use, vals, mun["population"]).astype(float)
        measured[col] = ok
        n_all = mun["district"].nunique()
        parts.append(
            f"{words}: imported municipal figures in {len(ok)} of {n_all} districts, "
            "population elsewhere"
            if ok
            else f"{words}: population (no municipal {words} imported for {period})"
        )
    out.attrs["measured"] = measured
    out.attrs["note"] = "municipal weights — " + "; ".join(parts)
    return out


def _spread_outside(kreis: pd.DataFrame, mun: pd.DataFrame, districts: list[str]) -> pd.DataFrame:
    """Flows between a region district and a real district outside the region, split over
    the region district's municipalities by population (the outside key stays)."""
    dset = set(districts)
    real = ~is_pseudo_key(kreis["origin"]) & ~is_pseudo_key(kreis["destination"])
    f = kreis[real & kreis["persons"].notna()]
    o_in, d_in = f["origin"].isin(dset), f["destination"].isin(dset)
    share = mun["population"] / mun.groupby("district")["population"].transform("sum")
    m = pd.DataFrame({"ags": mun.index, "district": mun["district"], "share": share.to_numpy()})
    parts = []
    for side, other, mask in (
        ("origin", "destination", o_in & ~d_in),
        ("destination", "origin", d_in & ~o_in),
    ):
        j = f[mask].merge(m, left_on=side, right_on="district")
        parts.append(
            pd.DataFrame(
                {
                    side: j["ags"].to_numpy(),
                    other: j[other].to_numpy(),
                    "persons": (j["persons"] * j["share"]).to_numpy(float),
                    "pooled": False,
                    "partner_level": "kreis",
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["pooled"] = out["pooled"].astype(bool)
    return out[["origin", "destination", "persons", "pooled", "partner_level"]]


def region_municipal_od(fb: FlowBasis) -> pd.DataFrame:
    """Flows between two municipalities of the region as an OD table for the LMA and Leiden
    (community_live, community_work, amount as whole persons; estimates rounded)."""
    f = fb.flows
    keys = set(fb.municipalities.index)
    f = f[f["origin"].isin(keys) & f["destination"].isin(keys) & f["persons"].notna()]
    f = f.groupby(["origin", "destination"], as_index=False)["persons"].sum()
    amount = np.rint(f["persons"].to_numpy(float)).astype(np.int64)
    od = pd.DataFrame(
        {
            "community_live": f["origin"].to_numpy(),
            "community_work": f["destination"].to_numpy(),
            "amount": amount,
        }
    )
    return od[od["amount"] > 0].reset_index(drop=True)
