"""The synthetic country as pure data: ``build_country(n, seed) -> Country``.

Deterministic given its arguments (numpy ``Generator(PCG64(seed))``); no I/O. Steps:

1. a Germany-sized outline is split into states of Germany-like relative area around
   Germany-like centres (capacity-constrained power diagram of background points);
2. each state gets its share of the N municipalities as Voronoi cells of seeded points;
3. districts: k-means groups of municipalities (Landkreise); the largest ones give up their
   central municipality as a kreisfreie Stadt; Regierungsbezirke group districts;
4. keys follow the AGS structure (Land 2, RB 1, Kreis 2, Gemeinde 3; Verband 4 digits);
5. populations are rank-size distributed per state (heavy tail, scaled to the state's
   share of about 7,700 inhabitants per municipality); employed residents and jobs
   (concentrated in larger places) follow;
6. commuter flows: see ``flows.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from regionatlas.errors import ParameterError
from regionatlas.synth import geometry as geo
from regionatlas.synth.flows import FlowParams, commuter_flows
from regionatlas.synth.profiles import (
    CITY_STATES,
    MEAN_MUNICIPAL_POPULATION,
    STATES,
    StateProfile,
)

GENERATOR_VERSION = "1"
RANK_SIZE_EXPONENT = 0.85
EMPLOYED_SHARE = 0.415  # SV-Beschäftigte am Wohnort per inhabitant (about 35 of 84 million)
JOB_CONCENTRATION = 1.12  # jobs grow faster than population with the size of a place
KREISFREI_SHARE = 0.25  # about a quarter of Germany's districts are kreisfreie Städte
VERBAND_MAX_POPULATION = 5_000  # smaller municipalities join a Gemeindeverband
BACKGROUND_POINTS = 2_500


@dataclass
class Country:
    """All frames of one synthetic country; every key column is a zero-padded string."""

    seed: int
    params: dict[str, object]
    states: gpd.GeoDataFrame  # land, name, bez, ibz, nuts, geometry
    rbs: pd.DataFrame  # rbz (3), land, name
    districts: gpd.GeoDataFrame  # kreis (5), land, rbz, name, kreisfrei, nuts, geometry
    verbaende: gpd.GeoDataFrame  # vwg (9 = kreis + 4), kreis, name, bez, geometry
    municipalities: gpd.GeoDataFrame  # ags, ars, name, bez, population, ..., geometry
    flows: pd.DataFrame  # origin, destination (ags), total, men, women, german, foreign, ...
    notes: list[str] = field(default_factory=list)


def _largest_remainder(weights: np.ndarray, total: int, minimum: np.ndarray) -> np.ndarray:
    """Integers >= minimum summing to total, proportional to weights beyond the minimum."""
    base = minimum.astype(np.int64).copy()
    rest = total - base.sum()
    if rest < 0:
        raise ParameterError(f"cannot split {total} into parts of at least {minimum.tolist()}")
    share = weights / weights.sum() * rest
    add = np.floor(share).astype(np.int64)
    left = rest - add.sum()
    order = np.argsort(-(share - add), kind="stable")
    add[order[:left]] += 1
    return base + add


def allocate(profiles: tuple[StateProfile, ...], n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Municipalities and districts per state; city states keep one municipality per district."""
    city = np.array([p.key in CITY_STATES for p in profiles])
    muni_real = np.array([p.municipalities for p in profiles], dtype=float)
    dist_real = np.array([p.districts for p in profiles], dtype=float)
    fixed = np.where(city, np.minimum(muni_real, 2 if n >= 50 else 1), 0).astype(np.int64)
    if (~city).sum() == 0:
        raise ParameterError("choose states so that at least one is not a city state")
    d_free = d - fixed.sum()
    n_free = n - fixed.sum()
    if d_free < (~city).sum() or n_free < d_free:
        raise ParameterError(
            f"{n} municipalities in {d} districts and {len(profiles)} states do not fit",
            expected="states <= districts <= municipalities",
        )
    dist = fixed.copy()
    dist[~city] = _largest_remainder(dist_real[~city], d_free, np.ones((~city).sum()))
    muni = fixed.copy()
    muni[~city] = _largest_remainder(muni_real[~city], n_free, dist[~city])
    return muni, dist


def _state_polygons(profiles: tuple[StateProfile, ...], rng: np.random.Generator) -> np.ndarray:
    outline = geo.country_outline()
    bg = geo.points_in(outline, BACKGROUND_POINTS, rng)
    sites = geo.lonlat_to_gk3(np.array([p.centre for p in profiles]))
    area = np.array([p.area_km2 for p in profiles])
    targets = _largest_remainder(area, BACKGROUND_POINTS, np.ones(len(profiles)))
    labels = geo.power_assign(bg, sites, targets)
    cells = geo.voronoi_cells(bg, outline)
    return geo.union_by(cells, labels, len(profiles))


def _rank_size(n: int, total: float, rng: np.random.Generator) -> np.ndarray:
    """n populations, descending, heavy-tailed (rank-size with lognormal noise), sum ~ total."""
    ranks = np.arange(1, n + 1, dtype=float)
    raw = ranks**-RANK_SIZE_EXPONENT * rng.lognormal(0.0, 0.3, n)
    raw[0] = max(raw[0], raw[1:].max(initial=0) * 1.05)  # keep one clear largest place
    pop = np.maximum(np.round(raw / raw.sum() * total), 5).astype(np.int64)
    return np.sort(pop)[::-1]


def _north_first(xy: np.ndarray) -> np.ndarray:
    """Order of points from north to south (then west to east), on a 1 km grid."""
    return np.lexsort((np.round(xy[:, 0] / 1000), -np.round(xy[:, 1] / 1000)))


def _districts_of_state(
    pts: np.ndarray, n_dist: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """District label per municipality, kreisfrei flag per district, seat per Landkreis.

    Returns (labels, kreisfrei[n_dist], central[n]) where ``central`` marks the seat
    (the municipality nearest the centre) of each Landkreis.
    """
    n = len(pts)
    if n == n_dist:
        return np.arange(n), np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    k_free = round(KREISFREI_SHARE * n_dist) if n_dist > 1 else 0
    k_free = min(k_free, n_dist - 1)
    n_lk = n_dist - k_free
    labels = geo.kmeans(pts, n_lk, rng)
    kreisfrei = np.zeros(n_dist, dtype=bool)
    taken = np.zeros(n, dtype=bool)
    for k in range(k_free):
        sizes = np.bincount(labels, minlength=n_dist)
        big = int(np.argmax(np.where(np.arange(n_dist) < n_lk, sizes, -1)))
        members = np.flatnonzero((labels == big) & ~taken)
        centre = pts[labels == big].mean(axis=0)
        pick = members[np.argmin(((pts[members] - centre) ** 2).sum(axis=1))]
        labels[pick] = n_lk + k
        kreisfrei[n_lk + k] = True
        taken[pick] = True
    central = np.zeros(n, dtype=bool)
    for lk in range(n_lk):
        members = np.flatnonzero(labels == lk)
        centre = pts[members].mean(axis=0)
        central[members[np.argmin(((pts[members] - centre) ** 2).sum(axis=1))]] = True
    return labels, kreisfrei, central


def _assign_populations(
    total: float,
    labels: np.ndarray,
    kreisfrei: np.ndarray,
    central: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Largest populations to kreisfreie Städte, then to Landkreis seats, rest at random."""
    n = len(labels)
    pops = _rank_size(n, total, rng)
    free_idx = np.flatnonzero(kreisfrei[labels])
    seat_idx = np.flatnonzero(central & ~kreisfrei[labels])
    rest = np.setdiff1d(np.arange(n), np.concatenate([free_idx, seat_idx]))
    order = np.concatenate([free_idx, rng.permutation(seat_idx), rng.permutation(rest)])
    out = np.empty(n, dtype=np.int64)
    out[order] = pops
    return out


def _verband_groups(pts: np.ndarray, pops: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Verband number per municipality of one Landkreis (0 = Einheitsgemeinde)."""
    small = np.flatnonzero(pops < VERBAND_MAX_POPULATION)
    out = np.zeros(len(pts), dtype=np.int64)
    if len(small) < 2:
        return out
    k = max(1, int(np.ceil(len(small) / 6)))
    lab = geo.kmeans(pts[small], k, rng)
    sizes = np.bincount(lab, minlength=k)
    number = 0
    for g in range(k):
        if sizes[g] >= 2:
            number += 1
            out[small[lab == g]] = number
    return out


def build_country(
    n: int = 10_800,
    seed: int = 1,
    states: int = 16,
    districts: int | None = None,
    flow_params: FlowParams | None = None,
) -> Country:
    """Generate the synthetic country (pure, deterministic given the arguments)."""
    if not 1 <= states <= len(STATES):
        raise ParameterError(f"states must be 1..16, got {states}", value=states)
    if districts is None:
        districts = max(states + 3, round(400 * n / 10_800))
    if n < 1 or n > 99_999:
        raise ParameterError(f"municipalities must be 1..99999, got {n}", value=n)
    profiles = STATES[:states]
    rng = np.random.Generator(np.random.PCG64(seed))
    muni_n, dist_n = allocate(profiles, n, districts)
    state_polys = _state_polygons(profiles, rng)
    pop_share = np.array([p.population for p in profiles], dtype=float)
    pop_total = pop_share / pop_share.sum() * MEAN_MUNICIPAL_POPULATION * n

    rows: list[dict] = []
    dist_rows: list[dict] = []
    rb_rows: list[dict] = []
    for s, prof in enumerate(profiles):
        poly = state_polys[s]
        pts = geo.relaxed_points(poly, int(muni_n[s]), rng)
        cells = geo.voronoi_cells(pts, poly)
        labels, kreisfrei, central = _districts_of_state(pts, int(dist_n[s]), rng)
        pops = _assign_populations(pop_total[s], labels, kreisfrei, central, rng)
        nd = int(dist_n[s])
        dcent = np.array([pts[labels == k].mean(axis=0) for k in range(nd)])
        # Regierungsbezirke: groups of districts, numbered north to south
        digits = prof.rb_digits if len(prof.rb_digits) <= nd else prof.rb_digits[:nd]
        if len(digits) > 1:
            rb_lab = geo.kmeans(dcent, len(digits), rng)
            rb_cent = np.array([dcent[rb_lab == r].mean(axis=0) for r in range(len(digits))])
            rb_order = _north_first(rb_cent)
            rb_digit = np.empty(nd, dtype=np.int64)
            for pos, r in enumerate(rb_order):
                rb_digit[rb_lab == r] = digits[pos]
        else:
            rb_digit = np.full(nd, digits[0])
        single_city = muni_n[s] == 1
        kreis_key = np.empty(nd, dtype=object)
        for digit in sorted(set(rb_digit.tolist())):
            in_rb = np.flatnonzero(rb_digit == digit)
            rb_key = f"{prof.key}{digit}"
            if digit != 0:
                rb_rows.append({"rbz": rb_key, "land": prof.key, "name": f"Synthbezirk {rb_key}"})
            ordered = in_rb[_north_first(dcent[in_rb])]
            free = [k for k in ordered if kreisfrei[k]]
            lks = [k for k in ordered if not kreisfrei[k]]
            if len(free) > 50 or len(lks) > 49:
                raise ParameterError(
                    f"state {prof.key} needs {len(free)} kreisfreie Städte and {len(lks)} "
                    "Landkreise in one Regierungsbezirk; AGS keys allow 50 and 49",
                    expected="fewer districts",
                )
            for num, k in enumerate(free, start=1):
                kreis_key[k] = f"{prof.key}000" if single_city else f"{rb_key}{num:02d}"
            for num, k in enumerate(lks, start=51):
                kreis_key[k] = f"{rb_key}{num:02d}"
        for k in range(nd):
            members = np.flatnonzero(labels == k)
            kk = kreis_key[k]
            dist_rows.append(
                {
                    "kreis": kk,
                    "land": prof.key,
                    "rbz": kk[:3],
                    "kreisfrei": bool(kreisfrei[k]),
                    "_state": s,
                }
            )
            if kreisfrei[k]:
                gem = {members[0]: "000"}
                vb = {members[0]: 0}
            else:
                if len(members) > 999:
                    raise ParameterError(
                        f"district {kk} would hold {len(members)} municipalities (max 999)"
                    )
                ordm = members[_north_first(pts[members])]
                gem = {m: f"{num:03d}" for num, m in enumerate(ordm, start=1)}
                vb = dict.fromkeys(ordm, 0)
                if prof.verband is not None:
                    groups = _verband_groups(pts[ordm], pops[ordm], rng)
                    vb = dict(zip(ordm, groups.tolist(), strict=True))
            for m in members:
                g = gem[m]
                vnum = vb[m]
                vkey = "0000" if kreisfrei[k] else (f"{5000 + vnum}" if vnum else f"0{g}")
                rows.append(
                    {
                        "ags": f"{kk}{g}",
                        "ars": f"{kk}{vkey}{g}",
                        "vwg": f"{kk}{vkey}",
                        "kreis": kk,
                        "land": prof.key,
                        "rbz": kk[:3],
                        "kreisfrei": bool(kreisfrei[k]),
                        "in_verband": vnum > 0,
                        "population": int(pops[m]),
                        "x": float(pts[m, 0]),
                        "y": float(pts[m, 1]),
                        "_cell": cells[m],
                    }
                )
    muni = pd.DataFrame(rows).sort_values("ags", ignore_index=True)
    return _finish(muni, dist_rows, rb_rows, profiles, seed, n, districts, flow_params, rng)


def _finish(
    muni: pd.DataFrame,
    dist_rows: list[dict],
    rb_rows: list[dict],
    profiles: tuple[StateProfile, ...],
    seed: int,
    n: int,
    districts: int,
    flow_params: FlowParams | None,
    rng: np.random.Generator,
) -> Country:
    from regionatlas.synth.naming import name_units

    crs = geo.VG5000_CRS
    cells = geo.polygonal(muni.pop("_cell").to_numpy())
    gm = gpd.GeoDataFrame(muni, geometry=cells, crs=crs)
    gm["area_km2"] = shapely.area(cells) / 1e6
    # employment: employed residents and jobs (jobs concentrate in larger places)
    pop = gm["population"].to_numpy().astype(float)
    employed = np.round(pop * EMPLOYED_SHARE * rng.lognormal(0.0, 0.08, len(pop)))
    jobs_w = pop**JOB_CONCENTRATION * rng.lognormal(0.0, 0.3, len(pop))
    jobs = np.round(jobs_w / jobs_w.sum() * employed.sum())
    gm["employed"] = employed.astype(np.int64)
    foreign = np.clip(0.04 + 0.035 * np.log10(np.maximum(pop, 10) / 100), 0.02, 0.3)
    gm["foreign_share"] = np.round(foreign, 4)

    dist = pd.DataFrame(dist_rows).sort_values("kreis", ignore_index=True)
    code = pd.Categorical(gm["kreis"], categories=dist["kreis"])
    dgeom = geo.union_by(cells, np.asarray(code.codes), len(dist))
    gd = gpd.GeoDataFrame(dist.drop(columns="_state"), geometry=dgeom, crs=crs)
    keys = [p.key for p in profiles]
    scode = pd.Categorical(gd["land"], categories=keys)
    sgeom = geo.union_by(dgeom, np.asarray(scode.codes), len(keys))
    gs = gpd.GeoDataFrame(
        {
            "land": keys,
            "bez": [p.bez for p in profiles],
            "ibz": [p.ibz for p in profiles],
            "nuts": [p.nuts1 for p in profiles],
        },
        geometry=sgeom,
        crs=crs,
    )
    vw = gm.dissolve(by="vwg", as_index=False, sort=True)[["vwg", "kreis", "geometry"]]
    rbs = pd.DataFrame(rb_rows, columns=["rbz", "land", "name"]).sort_values(
        "rbz", ignore_index=True
    )

    xy_km = gm[["x", "y"]].to_numpy() / 1000.0
    fl = commuter_flows(
        xy_km,
        gm["area_km2"].to_numpy(),
        gm["employed"].to_numpy(),
        jobs.astype(np.int64),
        gm["foreign_share"].to_numpy(),
        rng,
        flow_params,
    )
    ags = gm["ags"].to_numpy()
    fl.insert(0, "origin", ags[fl.pop("origin").to_numpy()])
    fl.insert(1, "destination", ags[fl.pop("destination").to_numpy()])
    gm["jobs"] = fl.groupby("destination")["total"].sum().reindex(ags, fill_value=0).to_numpy()
    country = Country(
        seed=seed,
        params={
            "municipalities": n,
            "districts": districts,
            "states": len(profiles),
            "seed": seed,
            "generator_version": GENERATOR_VERSION,
        },
        states=gs,
        rbs=rbs,
        districts=gd,
        verbaende=vw,
        municipalities=gm,
        flows=fl,
    )
    name_units(country, profiles)
    return country
