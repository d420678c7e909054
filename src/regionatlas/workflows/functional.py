"""Functional regions (LMA + Leiden), hubs and catchments, and the central-place comparison
of a region on a store — glue around ``analysis.lma``, ``analysis.communities``,
``analysis.partition_compare``, ``analysis.hubs`` and ``analysis.central_places``.

All three rest on municipal flows (``workflows.municipal``): official when the municipal
tables are imported, else a modelled estimate — and the estimate needs flows *within*
districts, which the BA's Kreis tables do not publish. Where neither they nor employed
residents or jobs are imported, the estimate rests on the named assumption
``employment_rate`` (default: the cited national rate, ``workflows.assumptions``, as in the
web atlas); hubs can also run on the official Kreis level (``level="kreis"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from regionatlas.analysis.central_places import (
    CentralPlaceComparison,
    central_place_comparison,
    check_designations,
    curated_designations,
    functional_figures,
)
from regionatlas.analysis.communities import flow_modularity, leiden_communities
from regionatlas.analysis.flowframe import ROUTES_NOTE, pooled_mask
from regionatlas.analysis.hubs import (
    Knotenpunkte,
    catchments,
    dominant_flow_hierarchy,
    knotenpunkte,
    rank_centres,
)
from regionatlas.analysis.lma import LmaParams, LmaResult, find_lma
from regionatlas.analysis.partition_compare import PartitionComparison, compare_partitions
from regionatlas.data import shipped
from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.model.central_places import LEVEL_LABELS
from regionatlas.region import Region
from regionatlas.store.base import Store
from regionatlas.workflows.assumptions import default_employment_rate
from regionatlas.workflows.basis import OFFICIAL, Provenance, combine
from regionatlas.workflows.loading import district_centroids, flows_touching, municipalities
from regionatlas.workflows.municipal import (
    WITHIN_MISSING_NOTE,
    FlowBasis,
    municipal_flows,
    region_municipal_od,
)

CURATED_CENTRAL_PLACES = shipped("central-places", "central-places.csv")
HUB_LEVELS = ("gemeinde", "kreis")


def _within_flows(
    store: Store,
    region: Region,
    period: str | None,
    flows: FlowBasis | None,
    employment_rate: float | None,
    what: str,
) -> FlowBasis:
    """The caller's flows, else the region's municipal flows, their flows within districts
    estimated with ``employment_rate`` where not published (default: the national rate, as
    in the web atlas); ParameterError naming ``what`` when they still lack them."""
    if flows is None:
        rate = default_employment_rate() if employment_rate is None else employment_rate
        flows = municipal_flows(store, region, period, employment_rate=rate)
    fb = flows
    _need_within(fb, what)
    return fb


def _need_within(fb: FlowBasis, what: str) -> None:
    if not fb.within_districts:
        raise ParameterError(
            f"{what}: needs commuter flows within districts, which the store does not hold; "
            f"{WITHIN_MISSING_NOTE} (--employment-rate on the command line)",
            expected="municipal flows incl. flows within districts",
        )


# ------------------------------------------------------------------------ functional regions


@dataclass
class FunctionalRegions:
    """LMA and Leiden partitions of the region's municipalities and their comparison."""

    assignment: pd.DataFrame  # index ags: name, district, lma, lma_status, leiden
    lma: LmaResult
    leiden: pd.Series  # ags -> community 1..k
    comparison: PartitionComparison
    q_lma: float
    q_leiden: float
    params: LmaParams
    resolution: float
    seed: int
    basis: str
    note: str
    attribution: tuple[str, ...]
    period: str


def functional_regions(
    store: Store,
    region: Region,
    params: LmaParams,
    leiden_resolution: float = 1.0,
    *,
    seed: int = 42,
    period: str | None = None,
    employment_rate: float | None = None,
    flows: FlowBasis | None = None,
) -> FunctionalRegions:
    """Labour-market areas (Eurostat/ISTAT) and Leiden communities on the flows between the
    region's municipalities (estimates rounded to whole persons), compared.

    Every municipality of the region appears once in ``assignment``: ``lma`` is its LMA
    (0 = not assigned after the reserve stage), ``lma_status`` says assigned / not assigned
    / zero list / no flows."""
    fb = _within_flows(store, region, period, flows, employment_rate, "functional regions")
    od = region_municipal_od(fb)
    if od.empty:
        raise NotFoundError("no flows between the region's municipalities")
    result = find_lma(od, params)
    leiden = leiden_communities(od, resolution=leiden_resolution, seed=seed)
    residents = result.cluster_list.set_index("community")["residents"]
    lma_assign = result.assignment()
    comparison = compare_partitions(lma_assign, leiden, residents)
    mun = fb.municipalities
    table = mun[["name", "district"]].copy()
    table["lma"] = lma_assign.reindex(table.index).astype("Int64")
    zero = set(map(str, result.zero_list))
    table["lma_status"] = [
        "no flows"
        if pd.isna(c)
        else "zero list"
        if a in zero
        else "not assigned"
        if c == 0
        else "assigned"
        for a, c in zip(table.index, table["lma"], strict=True)
    ]
    table["leiden"] = leiden.reindex(table.index).astype("Int64")
    note = f"{fb.note}; flows between the region's {len(mun)} municipalities only" + (
        "; estimates rounded to whole persons" if fb.basis != OFFICIAL else ""
    )
    return FunctionalRegions(
        assignment=table,
        lma=result,
        leiden=leiden,
        comparison=comparison,
        q_lma=float(result.summary.get("q_modularity", float("nan"))),
        q_leiden=flow_modularity(od, leiden),
        params=params,
        resolution=leiden_resolution,
        seed=seed,
        basis=fb.basis,
        note=note,
        attribution=fb.attribution,
        period=fb.period,
    )


# ------------------------------------------------------------------------- hubs, catchments


@dataclass
class Hubs:
    """Centres, catchments, dominant-flow tree and candidate Knotenpunkte of a region."""

    level: str
    centres: pd.DataFrame  # index ags: name, in_commuters, jobs, job_centrality, balance, ranks
    catchments: pd.DataFrame  # origin, centre, persons, share, share_basis, primary
    hierarchy: pd.DataFrame  # index ags: dominant_target, parent, centre, depth, ...
    knotenpunkte: Knotenpunkte
    size_basis: str  # what ranks places in the hierarchy (jobs or in-commuters)
    routes_note: str
    basis: str
    note: str
    attribution: tuple[str, ...]
    period: str


def hubs_and_catchments(
    store: Store,
    region: Region,
    period: str | None = None,
    *,
    level: str = "gemeinde",
    n_centres: int = 10,
    cell_km: float = 2.0,
    min_persons: float = 1.0,
    employment_rate: float | None = None,
    flows: FlowBasis | None = None,
) -> Hubs:
    """Rank the region's places as centres, their catchments (share of each place's
    out-commuters going to each of the top ``n_centres``), the Nystuen–Dacey dominant-flow
    tree and candidate Knotenpunkte (routes approximated by straight lines; flows below
    ``min_persons`` are left out of the routes — a modelled estimate spreads fractions of a
    person over far pairs, which would only cost time)."""
    from regionatlas.workflows.region_analysis import flow_indicator_table, gemeinde_table

    if level not in HUB_LEVELS:
        raise ParameterError(
            f"unknown level {level!r}", value=level, expected=" | ".join(HUB_LEVELS)
        )
    if n_centres < 1:
        raise ParameterError("n_centres must be at least 1", value=n_centres)
    if level == "gemeinde":
        fb = _within_flows(
            store, region, period, flows, employment_rate, "municipal hubs and catchments"
        )
        ind = gemeinde_table(store, region, fb)
        f = fb.flows
        mun = fb.municipalities
        cen = mun.loc[mun["x"].notna(), ["x", "y"]]
        point_note = "polygon centroids of municipalities"
    else:
        ind = flow_indicator_table(store, region, "kreis", period, employment_rate=employment_rate)
        prov = Provenance()
        f = flows_touching(store, ind.table.index, ind.period, "kreis", prov)
        cen = district_centroids(municipalities(store, region, prov))
        point_note = "population-weighted centroids of districts"
    units = list(ind.table.index)
    t = ind.table
    centres = rank_centres(t, min_jobs=0.0)
    centres.insert(0, "name", t["name"].reindex(centres.index).to_numpy())
    top = [str(a) for a in centres.index[centres["rank_inflow"].notna()][:n_centres]]
    inner = f[f["origin"].isin(units)]
    catch = catchments(inner, top, out_totals=t["out_commuters"])
    names = t["name"].to_dict()
    catch.insert(1, "origin_name", catch["origin"].map(names).to_numpy())
    catch.insert(3, "centre_name", catch["centre"].map(names).to_numpy())
    use_jobs = t["jobs"].notna().all()
    size = t["jobs"] if use_jobs else t["in_commuters"]
    size_basis = "jobs" if use_jobs else "in-commuters (jobs unknown: no internal flows)"
    among = f[f["origin"].isin(units) & (f["destination"].isin(units) | pooled_mask(f))]
    hier = dominant_flow_hierarchy(among, size)
    hier.insert(0, "name", t["name"].reindex(hier.index).to_numpy())
    kp = knotenpunkte(
        among[among["destination"].isin(units)],
        cen,
        places=[u for u in units if u in cen.index],
        cell_km=cell_km,
        min_persons=min_persons,
    )
    kp.places.insert(0, "name", t["name"].reindex(kp.places.index).to_numpy())
    routes_note = f"{ROUTES_NOTE}; points: {point_note}"
    return Hubs(
        level=level,
        centres=centres,
        catchments=catch,
        hierarchy=hier,
        knotenpunkte=kp,
        size_basis=size_basis,
        routes_note=routes_note,
        basis=ind.basis,
        note=ind.note,
        attribution=ind.attribution,
        period=ind.period,
    )


# ------------------------------------------------------------------------- central places


@dataclass
class CentralPlaces:
    comparison: CentralPlaceComparison
    designation_basis: str  # where the designations come from
    basis: str  # of the functional figures
    note: str
    attribution: tuple[str, ...]
    period: str

    @property
    def estimate_basis(self) -> str:
        return self.comparison.estimate_basis


def designations_for(
    store: Store, keys: list[str], prov: Provenance, curated_path: Path | None = None
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """Designations of ``keys``: the cited file when readable (it carries the citations),
    else the store's ``central_place_level`` observations. Returns (frame, basis, attribution).
    """
    from regionatlas.sources import central_places_curated as cpc

    path = Path(curated_path) if curated_path is not None else CURATED_CENTRAL_PLACES
    if path.is_file():
        des = curated_designations(cpc.read_rows(path))
        des = des[des["ags"].isin(keys)].reset_index(drop=True)
        return des, f"cited file {path.name}", (cpc.ATTRIBUTION,)
    obs = store.observations(indicators=[cpc.INDICATOR], ags=keys)
    if obs.empty:
        raise NotFoundError(
            "no central-place designations: neither the shipped central-places/central-places.csv "
            "nor imported central_place_level observations",
        )
    local = Provenance()
    local.add(obs)
    obs = obs.sort_values("period").drop_duplicates("ags", keep="last")
    obs = obs[obs["value"].notna()]
    lvl = obs["value"].astype(int)
    des = pd.DataFrame(
        {
            "ags": obs["ags"].astype(str).to_numpy(),
            "level": lvl.to_numpy(),
            "category": lvl.map(LEVEL_LABELS).to_numpy(),
            "source": "store: central_place_level",
        }
    )
    prov.merge(local)
    return (
        check_designations(des),
        "store observations central_place_level",
        local.attribution(store),
    )


NOT_ASSESSABLE_WHY = (
    "jobs at municipal level not measured — the model splits each district's jobs by "
    "population, so all its municipalities get the same jobs per employed resident; "
    "import the BA Gemeindedaten (gemband) or municipal commuter tables (krpend) to assess them"
)


def assessability(fb: FlowBasis) -> tuple[pd.Series, str]:
    """Which municipalities' functional figures speak for the place itself (index ags): those
    in districts with measured municipal jobs, and a district that is one municipality (its
    in- and out-commuters are the published district figures). Returns (flags, reason)."""
    mun = fb.municipalities
    single = mun.groupby("district")["district"].transform("size") == 1
    ok = mun["district"].isin(fb.jobs_measured) | single
    return ok.astype(bool), NOT_ASSESSABLE_WHY


def central_places(
    store: Store,
    region: Region,
    period: str | None = None,
    *,
    method: str = "matched",
    employment_rate: float | None = None,
    curated_path: Path | None = None,
    flows: FlowBasis | None = None,
) -> CentralPlaces:
    """Designated central places of the region against their functional figures (balance of
    in- and out-commuters, jobs, catchment population) on municipal flows; ``comparison``
    holds the designated × functional matrix and the places above or below designation."""
    from regionatlas.workflows.region_analysis import gemeinde_table

    fb = _within_flows(
        store, region, period, flows, employment_rate, "the central-place comparison"
    )
    ind = gemeinde_table(store, region, fb)
    mun = fb.municipalities
    prov = Provenance()
    des, des_basis, des_attr = designations_for(store, list(mun.index), prov, curated_path)
    real = (
        fb.flows[fb.flows["partner_level"] == "gemeinde"]
        if "partner_level" in fb.flows
        else fb.flows
    )
    figures = functional_figures(ind.table, flows=real, residents=mun["population"])
    figures.insert(1, "name", mun["name"].reindex(figures["ags"]).to_numpy())
    assessable, why = assessability(fb)
    figures["assessable"] = assessable.reindex(figures["ags"]).fillna(True).to_numpy(bool)
    figures["assessment"] = np.where(figures["assessable"], "", why)
    if fb.basis == OFFICIAL:
        estimate_basis = f"official municipal flows ({fb.period})"
    elif fb.note.startswith(f"{fb.basis}: "):  # the note already says what it is
        estimate_basis = fb.note
    else:
        estimate_basis = f"{fb.basis}: {fb.note}"
    comp = central_place_comparison(des, figures, estimate_basis=estimate_basis, method=method)
    n_out = int((~figures["assessable"]).sum())
    note = f"designations: {des_basis}; functional figures: {estimate_basis}"
    if n_out:
        note += f"; {n_out} of {len(figures)} places not assessable: {why}"
    return CentralPlaces(
        comparison=comp,
        designation_basis=des_basis,
        basis=combine(fb.basis, ind.basis),
        note=note,
        attribution=tuple(dict.fromkeys(fb.attribution + des_attr)),
        period=fb.period,
    )
