"""Municipal functional-region layers of the atlas: labour-market areas, Leiden communities,
catchments of the top centres and central places (designated vs. functional).

All four rest on one municipal flow basis (``workflows.municipal_flows``): official tables
when imported, else the modelled estimate, which needs the named assumption
``workflows.assumptions.national_employment_rate`` for the flows within districts. The
flow basis and every workflow result are cached in the Atlas per store state (the Atlas drops
its caches when the batches change). Payloads are plain JSON; every one carries ``basis``,
``note``, ``assumption`` and ``attribution``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.web.citation_i18n import designation_source_de
from regionatlas.web.note_i18n import translate as translate_note
from regionatlas.workflows.lma import DEFAULT_LMA
from regionatlas.workflows.municipal import WITHIN_MISSING_NOTE

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

# defaults of the CLI (`regionatlas analyse regions`) and of the static export
LMA_DEFAULTS = dataclasses.asdict(DEFAULT_LMA)
DEFAULT_RESOLUTION = 1.0
DEFAULT_CENTRES = 10
MAX_CENTRES = 30
N_COLOURS = 8  # the qualitative palette of pages/regions.py (Okabe-Ito)
# central places: the comparison category of a municipality
CP_CATEGORIES = ("above", "as_designated", "below", "not_assessable", "no_designation", "no_data")


def _num(x: Any, digits: int = 4) -> float | int | None:
    """JSON-safe number (None for NA/NaN)."""
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(v) or math.isinf(v):
        return None
    return round(v, digits)


def _int(x: Any) -> int | None:
    v = _num(x)
    return None if v is None else int(v)


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def colour_classes(
    membership: Mapping[str, Hashable], neighbours: list[tuple[str, str]]
) -> dict[Hashable, int]:
    """Colour index (0..N_COLOURS-1) per class such that classes sharing a border differ
    where the palette allows (greedy, most neighbours first, the least used free colour; up
    to N_COLOURS classes all differ). ``membership``: unit -> class;
    ``neighbours``: pairs of units that share a border."""
    adj: dict[Hashable, set[Hashable]] = {c: set() for c in set(membership.values())}
    for a, b in neighbours:
        ca, cb = membership.get(a), membership.get(b)
        if ca is not None and cb is not None and ca != cb:
            adj[ca].add(cb)
            adj[cb].add(ca)
    size = pd.Series(list(membership.values())).value_counts()
    order = sorted(adj, key=lambda c: (-len(adj[c]), -int(size.get(c, 0)), c))
    colour: dict[Hashable, int] = {}
    uses = [0] * N_COLOURS
    for c in order:
        used = {colour[n] for n in adj[c] if n in colour}
        free = [i for i in range(N_COLOURS) if i not in used] or list(range(N_COLOURS))
        pick = min(free, key=lambda i: (uses[i], i))  # the least used: spread the palette
        colour[c] = pick
        uses[pick] += 1
    return colour


# ----------------------------------------------------------------------------- cache keys
# The API's answers (serialised once, web.api.deps.cached) are keyed here so that the
# start-up warm-up (web.functional_cache) fills exactly the entries the first request reads.


def lma_key(params, resolution: float) -> tuple:
    return ("query", "functional-lma", params, resolution)  # free parameters: bounded cache


def leiden_key(params, resolution: float) -> tuple:
    return ("query", "functional-leiden", params, resolution)


def catchments_key(n_centres: int) -> tuple:
    return ("functional-catchments", n_centres)


CENTRAL_PLACES_KEY = "functional-central-places"


def default_answers(atlas: Atlas) -> list[tuple[Any, Any]]:
    """(API cache key, payload function) of every layer at its default parameters: what the
    regions page loads."""
    p, r = lma_params(), DEFAULT_RESOLUTION
    return [
        (lma_key(p, r), lambda: lma_payload(atlas, p, r)),
        (leiden_key(p, r), lambda: leiden_payload(atlas, p, r)),
        (catchments_key(DEFAULT_CENTRES), lambda: catchments_payload(atlas, DEFAULT_CENTRES)),
        (CENTRAL_PLACES_KEY, lambda: central_places_payload(atlas)),
    ]


# ----------------------------------------------------------------------------- computations


def _region(atlas: Atlas):
    path = getattr(atlas, "region_file", None)
    if path is None:
        raise NotFoundError("the atlas runs without a region: no municipal functional layers")
    from regionatlas.region import load_region

    return load_region(path)


def assumption_payload() -> dict[str, Any]:
    from regionatlas.workflows.assumptions import national_employment_rate

    a = national_employment_rate()
    return {
        "name": a.name,
        "value": a.value,
        "note_de": a.note_de,
        "note_en": a.note_en,
        "sources": list(a.sources),
    }


def flow_basis(atlas: Atlas):
    """The region's municipal flows (FlowBasis), computed once per store state."""

    def compute():
        from regionatlas.workflows import municipal_flows
        from regionatlas.workflows.assumptions import default_employment_rate

        rate = default_employment_rate()  # the CLI's default too
        fb = municipal_flows(atlas.store, _region(atlas), employment_rate=rate)
        if not fb.within_districts:
            raise NotFoundError(f"no municipal functional layers: {WITHIN_MISSING_NOTE}")
        return fb

    return atlas.cached(("functional", "flow_basis"), compute)


def available(atlas: Atlas) -> bool:
    """Whether the store supports the municipal layers (flows within districts, known or
    estimable); the answer is cached per store state."""

    def compute() -> bool:
        try:
            flow_basis(atlas)
        except (NotFoundError, ParameterError):
            return False
        return True

    return atlas.cached(("functional", "available"), compute)


def neighbours(atlas: Atlas) -> list[tuple[str, str]]:
    """Pairs of the region's municipalities that share a border (store geometries)."""

    def compute() -> list[tuple[str, str]]:
        from shapely import STRtree

        keys = set(flow_basis(atlas).municipalities.index)
        g = atlas.store.units(level="gemeinde", geometry=True)
        g = g[g["ags"].isin(keys).to_numpy() & g.geometry.notna().to_numpy()]
        geoms = g.geometry.buffer(1.0).to_numpy()  # 1 m: slivers between neighbours
        ags = g["ags"].astype(str).to_numpy()
        left, right = STRtree(geoms).query(geoms, predicate="intersects")
        return sorted({(ags[i], ags[j]) for i, j in zip(left, right, strict=True) if i < j})

    return atlas.cached(("functional", "neighbours"), compute)


def notes(note: str, flow_note: str) -> dict[str, str]:
    """The result's and the flows' notes as the workflows wrote them (English, ``note``,
    ``flow_note``) and in both page languages (``note_de``/``note_en``, …)."""
    out: dict[str, str] = {"note": note, "flow_note": flow_note}
    for lang in ("de", "en"):
        out[f"note_{lang}"] = translate_note(note, lang)
        out[f"flow_note_{lang}"] = translate_note(flow_note, lang)
    return out


def _base(result, fb) -> dict[str, Any]:
    return {
        "basis": result.basis,
        **notes(result.note, fb.note),
        "assumption": assumption_payload() if fb.estimated else None,
        "attribution": list(result.attribution),
        "period": result.period,
    }


def lma_params(
    min_size: float | None = None,
    min_sc: float | None = None,
    target_size: float | None = None,
    target_sc: float | None = None,
):
    """LmaParams with the defaults filled in (ParameterError on inconsistent values)."""
    from regionatlas.workflows.lma import LmaParams

    given = {
        "min_size": min_size,
        "min_sc": min_sc,
        "target_size": target_size,
        "target_sc": target_sc,
    }
    values = {k: (LMA_DEFAULTS[k] if v is None else float(v)) for k, v in given.items()}
    return LmaParams(**values)


def regions_result(atlas: Atlas, params, resolution: float = DEFAULT_RESOLUTION):
    """workflows.functional_regions on the cached flow basis (cached per parameters)."""
    if not (math.isfinite(resolution) and resolution > 0):
        raise ParameterError("Leiden resolution must be > 0", value=resolution)

    def compute():
        from regionatlas.workflows import functional_regions

        fb = flow_basis(atlas)
        return functional_regions(atlas.store, _region(atlas), params, resolution, flows=fb)

    return atlas.cached(("functional", "regions", params, resolution), compute)


def lma_payload(atlas: Atlas, params, resolution: float = DEFAULT_RESOLUTION) -> dict[str, Any]:
    """Labour-market area of every municipality (cluster, main centre, size, self-containment
    on both sides) and one summary row per area."""
    res = regions_result(atlas, params, resolution)
    fb = flow_basis(atlas)
    stats = res.lma.stats.set_index("cluster")
    names = res.assignment["name"].to_dict()
    membership = {a: int(c) for a, c in res.assignment["lma"].dropna().items() if int(c) > 0}
    colours = colour_classes(membership, neighbours(atlas))
    areas = []
    for c, row in stats.iterrows():
        centre = _str(row["main_centre"])
        areas.append(
            {
                "lma": int(c),
                "colour": colours.get(int(c), 0),
                "main_centre": centre,
                "main_centre_name": names.get(centre) if centre else None,
                "municipalities": _int(row["n_com"]),
                "residents": _int(row["residents"]),
                "jobs": _int(row["jobs"]),
                "internal": _int(row["internal"]),
                "sc_supply_side": _num(row["sc_supply_side"]),
                "sc_demand_side": _num(row["sc_demand_side"]),
            }
        )
    by_area = {a["lma"]: a for a in areas}
    rows = []
    for ags, r in res.assignment.iterrows():
        c = _int(r["lma"])
        a = by_area.get(c) if c else None
        rows.append(
            {
                "ags": ags,
                "name": r["name"],
                "district": r["district"],
                "lma": c if c else None,
                "status": r["lma_status"],
                "main_centre": a["main_centre"] if a else None,
                "main_centre_name": a["main_centre_name"] if a else None,
                "residents": a["residents"] if a else None,
                "sc_supply_side": a["sc_supply_side"] if a else None,
                "sc_demand_side": a["sc_demand_side"] if a else None,
            }
        )
    summary = {
        k: _num(v) if not isinstance(v, dict) else {kk: _num(vv) for kk, vv in v.items()}
        for k, v in res.lma.summary.items()
    }
    return {
        "layer": "lma",
        **_base(res, fb),
        "params": {k: getattr(params, k) for k in LMA_DEFAULTS},
        "n_areas": len(areas),
        "summary": summary,
        "areas": areas,
        "municipalities": rows,
    }


def leiden_payload(atlas: Atlas, params, resolution: float = DEFAULT_RESOLUTION) -> dict[str, Any]:
    """Leiden communities of the municipal flows and their comparison with the LMA."""
    res = regions_result(atlas, params, resolution)
    fb = flow_basis(atlas)
    membership = {a: int(c) for a, c in res.assignment["leiden"].dropna().items()}
    colours = colour_classes(membership, neighbours(atlas))
    counts = pd.Series(membership).value_counts()
    cmp_ = res.comparison
    return {
        "layer": "leiden",
        **_base(res, fb),
        "resolution": res.resolution,
        "seed": res.seed,
        "n_communities": len(counts),
        "modularity": _num(res.q_leiden),
        "modularity_lma": _num(res.q_lma),
        "comparison": {
            "adjusted_rand": _num(cmp_.adjusted_rand),
            "nmi": _num(cmp_.nmi),
            "agreement_lma_in_leiden": _num(cmp_.agreement_a_in_b),
            "agreement_leiden_in_lma": _num(cmp_.agreement_b_in_a),
            "weights": "residents",
        },
        "communities": [
            {"leiden": int(c), "colour": colours.get(int(c), 0), "municipalities": int(n)}
            for c, n in sorted(counts.items())
        ],
        "municipalities": [
            {
                "ags": ags,
                "name": r["name"],
                "district": r["district"],
                "leiden": _int(r["leiden"]),
                "lma": _int(r["lma"]) or None,
            }
            for ags, r in res.assignment.iterrows()
        ],
    }


def catchments_payload(atlas: Atlas, n_centres: int = DEFAULT_CENTRES) -> dict[str, Any]:
    """The top centres, each municipality's main centre among them (the one receiving the
    largest share of its out-commuters) with that share, and the dominant-flow hierarchy."""
    if not 1 <= n_centres <= MAX_CENTRES:
        raise ParameterError(
            f"n_centres must be between 1 and {MAX_CENTRES}",
            value=n_centres,
            expected=f"1..{MAX_CENTRES}",
        )
    fb = flow_basis(atlas)

    def compute():
        from regionatlas.workflows import hubs_and_catchments

        return hubs_and_catchments(atlas.store, _region(atlas), n_centres=n_centres, flows=fb)

    h = atlas.cached(("functional", "hubs", n_centres), compute)
    top = h.centres[h.centres["rank_inflow"].notna()].head(n_centres)
    top_keys = [str(a) for a in top.index]
    # a place without out-commuters (e.g. an unincorporated area) has no main centre
    c = h.catchments
    real = c["primary"].astype(bool) & c["share"].notna() & (c["persons"] > 0)
    primary = c[real].drop_duplicates("origin").set_index("origin")
    hier = h.hierarchy
    hier = hier[hier["dominant_persons"].notna() & (hier["dominant_persons"] > 0)]
    # colours: neighbouring catchments differ where the palette allows
    membership = {str(o): str(r["centre"]) for o, r in primary.iterrows()}
    membership |= {a: a for a in top_keys}
    colours = colour_classes(membership, neighbours(atlas))
    centre_colour = {a: colours.get(a, i % N_COLOURS) for i, a in enumerate(top_keys)}
    rows = []
    for ags, name in fb.municipalities["name"].items():
        p = primary.loc[ags] if ags in primary.index else None
        hr = hier.loc[ags] if ags in hier.index else None
        rows.append(
            {
                "ags": ags,
                "name": name,
                "is_centre": ags in centre_colour,
                "centre": _str(p["centre"]) if p is not None else None,
                "centre_name": _str(p["centre_name"]) if p is not None else None,
                "persons": _num(p["persons"], 1) if p is not None else None,
                "share": _num(p["share"]) if p is not None else None,
                "dominant_target": _str(hr["dominant_target"]) if hr is not None else None,
                "dominant_share": _num(hr["dominant_share"]) if hr is not None else None,
                "hierarchy_centre": _str(hr["centre"]) if hr is not None else None,
                "depth": _int(hr["depth"]) if hr is not None else None,
            }
        )
    return {
        "layer": "catchments",
        "basis": h.basis,
        **notes(h.note, fb.note),
        "assumption": assumption_payload() if fb.estimated else None,
        "attribution": list(h.attribution),
        "period": h.period,
        "n_centres": n_centres,
        "hierarchy_size": h.size_basis,
        "centres": [
            {
                "ags": a,
                "name": r["name"],
                "colour": centre_colour[a],
                "rank": _int(r["rank_inflow"]),
                "in_commuters": _num(r["in_commuters"], 1),
                "jobs": _num(r["jobs"], 1),
            }
            for a, r in top.iterrows()
        ],
        "municipalities": rows,
    }


def _cp_category(row) -> str:
    if pd.isna(row["designated_level"]):
        return "no_designation"
    if "assessable" in row.index and row["assessable"] is not None and not row["assessable"]:
        return "not_assessable"
    if pd.isna(row["functional_level"]):
        return "no_data"
    d = int(row["deviation"])
    return "above" if d > 0 else "below" if d < 0 else "as_designated"


def central_places_payload(atlas: Atlas) -> dict[str, Any]:
    """Designated level (cited file, with its source per place) against the functional level
    of every municipality, the designated × functional matrix and the places above/below."""
    fb = flow_basis(atlas)

    def compute():
        from regionatlas.workflows import central_places

        return central_places(atlas.store, _region(atlas), flows=fb)

    cp = atlas.cached(("functional", "central_places"), compute)
    comp = cp.comparison
    places = comp.places
    rows = [
        {
            "ags": r["ags"],
            "name": r["name"],
            "designated_level": _int(r["designated_level"]),
            "designated_category": _str(r["category"]),
            "designation_source": _str(r["source"]),
            "designation_source_de": designation_source_de(_str(r["source"])),
            "functional_level": _int(r["functional_level"]),
            "deviation": _int(r["deviation"]),
            "category": _cp_category(r),
            "balance": _num(r["balance"], 1),
            "jobs": _num(r["jobs"], 1),
            "job_centrality": _num(r["job_centrality"]),
            "assessment": _str(r.get("assessment")) or None,
        }
        for _, r in places.iterrows()
    ]
    matrix = comp.matrix
    counts = pd.Series([r["category"] for r in rows]).value_counts()
    return {
        "layer": "central_places",
        "basis": cp.basis,
        **notes(cp.note, fb.note),
        "assumption": assumption_payload() if fb.estimated else None,
        "attribution": list(cp.attribution),
        "period": cp.period,
        "designation_basis": cp.designation_basis,
        "method": comp.method,
        "matrix": {
            "rows": [str(i) for i in matrix.index],
            "columns": [str(c) for c in matrix.columns],
            "counts": [[int(v) for v in row] for row in matrix.to_numpy()],
        },
        "categories": {c: int(counts.get(c, 0)) for c in CP_CATEGORIES},
        "above": [r["ags"] for r in rows if r["category"] == "above"],
        "below": [r["ags"] for r in rows if r["category"] == "below"],
        "municipalities": rows,
    }
