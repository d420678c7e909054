"""A profile's functional region and central-place role.

Everything here is read from the payloads the regions page shows (``web.functional`` for the
municipal layers, ``Atlas.communities`` for the district communities), so a profile and the
regions page never disagree; the municipal layers rest on modelled flows, and their basis,
note and assumption travel with them. The designation citation (plan, source kind, URL or
title) comes from the cited file ``regionatlas/data/central-places/central-places.csv`` the
central-place workflow reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.sources import central_places_curated as cpc
from regionatlas.web import functional
from regionatlas.web.citation_i18n import designation_source_de

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

# the citation columns of the curated file (everything but the unit's own keys)
CITATION_FIELDS = tuple(c for c in cpc.COLUMNS if c not in ("ags", "name", "state", "level"))


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def _citations(atlas: Atlas) -> dict[str, dict[str, Any]]:
    """Rows of the cited central-place file that carry a designation, by AGS (empty when the
    file is absent); a municipality whose designation was not found has none."""

    def compute() -> dict[str, dict[str, Any]]:
        from regionatlas.workflows.functional import CURATED_CENTRAL_PLACES

        if not CURATED_CENTRAL_PLACES.is_file():
            return {}
        rows = cpc.designation_rows(cpc.read_rows(CURATED_CENTRAL_PLACES))
        return {
            str(r["ags"]): {k: _text(r.get(k)) for k in CITATION_FIELDS}
            | {"level": int(r["level"])}
            for r in rows.to_dict("records")
        }

    return atlas.cached(("profile", "central_place_citations"), compute)


def _layers(atlas: Atlas) -> dict[str, Any] | None:
    """The regions page's LMA and Leiden payloads at their default parameters (None when the
    store cannot carry the municipal layers)."""
    if not functional.available(atlas):
        return None

    def compute() -> dict[str, Any] | None:
        params = functional.lma_params()
        try:
            return {
                "lma": functional.lma_payload(atlas, params),
                "leiden": functional.leiden_payload(atlas, params),
            }
        except (NotFoundError, ParameterError):
            return None

    return atlas.cached(("profile", "functional_layers"), compute)


def _central_places(atlas: Atlas) -> dict[str, Any] | None:
    """The regions page's central-place payload (None: no flows or no designations)."""
    if not functional.available(atlas):
        return None

    def compute() -> dict[str, Any] | None:
        try:
            return functional.central_places_payload(atlas)
        except (NotFoundError, ParameterError):
            return None

    return atlas.cached(("profile", "central_places"), compute)


def _basis(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "basis": payload["basis"],
        "period": payload["period"],
        "note": payload["flow_note"],
        "note_de": payload.get("flow_note_de"),
        "note_en": payload.get("flow_note_en"),
        "assumption": payload["assumption"],
        "attribution": payload["attribution"],
    }


def _district_community(atlas: Atlas, district: str) -> dict[str, Any] | None:
    """The district's Leiden community among the districts (official published flows)."""
    if not atlas.flow_periods() or "kreis" not in atlas.flow_levels():
        return None
    try:
        res = atlas.communities("kreis")
    except NotFoundError:
        return None
    clusters = res["clusters"]
    if district not in clusters:
        return None
    c = clusters[district]
    names = atlas.names()
    return {
        "community": c,
        "members": [
            {"ags": a, "name": names.get(a, a)}
            for a, k in sorted(clusters.items())
            if k == c and a != district
        ],
        "n_communities": res["n_clusters"],
        "modularity": res["modularity"],
        "period": res["period"],
    }


def municipality_functional(layers: dict[str, Any], ags: str) -> dict[str, Any] | None:
    """The municipality's labour-market area and Leiden community (from the layer payloads)."""
    lma, leiden = layers["lma"], layers["leiden"]
    row = next((m for m in lma["municipalities"] if m["ags"] == ags), None)
    if row is None:
        return None
    area = next((a for a in lma["areas"] if a["lma"] == row["lma"]), None)
    lrow = next((m for m in leiden["municipalities"] if m["ags"] == ags), None)
    community = None
    if lrow is not None and lrow["leiden"] is not None:
        members = [m for m in leiden["municipalities"] if m["leiden"] == lrow["leiden"]]
        community = {
            "leiden": lrow["leiden"],
            "municipalities": len(members),
            "districts": sorted({m["district"] for m in members}),
            "resolution": leiden["resolution"],
            "n_communities": leiden["n_communities"],
            "modularity": leiden["modularity"],
        }
    return {
        **_basis(lma),
        "lma": {
            "lma": row["lma"],
            "status": row["status"],
            "main_centre": row["main_centre"],
            "main_centre_name": row["main_centre_name"],
            "municipalities": area["municipalities"] if area else None,
            "residents": row["residents"],
            "jobs": area["jobs"] if area else None,
            "sc_supply_side": row["sc_supply_side"],
            "sc_demand_side": row["sc_demand_side"],
            "n_areas": lma["n_areas"],
            "params": lma["params"],
        },
        "leiden": community,
    }


def district_lma_areas(layers: dict[str, Any], district: str) -> list[dict[str, Any]]:
    """The labour-market areas the district's municipalities belong to, largest share first."""
    lma = layers["lma"]
    counts: dict[int, int] = {}
    for m in lma["municipalities"]:
        if m["district"] == district and m["lma"] is not None:
            counts[m["lma"]] = counts.get(m["lma"], 0) + 1
    areas = {a["lma"]: a for a in lma["areas"]}
    return [
        {
            "lma": c,
            "main_centre": areas[c]["main_centre"],
            "main_centre_name": areas[c]["main_centre_name"],
            "municipalities_in_district": n,
            "municipalities": areas[c]["municipalities"],
            "residents": areas[c]["residents"],
            "sc_supply_side": areas[c]["sc_supply_side"],
        }
        for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c in areas
    ]


def functional_region(atlas: Atlas, ags: str, level: str) -> dict[str, Any] | None:
    """What the profile shows under "functional region" for a unit (None: nothing to show).

    Municipality: its labour-market area and Leiden community (municipal layers, modelled
    unless official municipal flows are imported). District: its community among the
    districts (published flows) and the labour-market areas of its municipalities."""
    if level not in ("gemeinde", "kreis"):
        return None
    layers = _layers(atlas)
    out: dict[str, Any] = {"level": level}
    if level == "gemeinde":
        if layers is None:
            return None
        m = municipality_functional(layers, ags)
        if m is None:
            return None
        out |= m
        return out
    out["district_community"] = _district_community(atlas, ags)
    out["lma_areas"] = district_lma_areas(layers, ags) if layers else []
    if layers:
        out |= _basis(layers["lma"])
    if not out["district_community"] and not out["lma_areas"]:
        return None
    return out


def _place(row: dict[str, Any], citations: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "ags": row["ags"],
        "name": row["name"],
        "designated_level": row["designated_level"],
        "designated_category": row["designated_category"],
        "functional_level": row["functional_level"],
        "deviation": row["deviation"],
        "category": row["category"],
        "balance": row["balance"],
        "jobs": row["jobs"],
        "job_centrality": row["job_centrality"],
        "assessment": row.get("assessment"),
        "citation": (
            citations.get(row["ags"], {"source": row["designation_source"]})
            if row["designated_level"] is not None
            else None
        ),
    }


def _designations_only(atlas: Atlas, citations: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Without municipal flows there is no functional level, but the cited designations still
    stand: rows in the shape of the central-place payload with ``category`` "no_data" (or
    "no_designation"), no basis and no assumption."""
    if not citations:
        return None

    units = atlas.units()
    mun = units[units["level"] == "gemeinde"]
    rows = []
    for ags, name in zip(mun["ags"], mun["name"], strict=True):
        c = citations.get(ags)
        rows.append(
            {
                "ags": ags,
                "name": name,
                "designated_level": c["level"] if c else None,
                "designated_category": c["category_state"] if c else None,
                "designation_source": f"{c['plan']} ({c['source_kind']})" if c else None,
                "designation_source_de": (
                    designation_source_de(f"{c['plan']} ({c['source_kind']})") if c else None
                ),
                "functional_level": None,
                "deviation": None,
                "category": "no_data" if c else "no_designation",
                "balance": None,
                "jobs": None,
                "job_centrality": None,
            }
        )
    return {
        "basis": None,
        "period": None,
        "designation_basis": "cited file central-places.csv",
        "method": None,
        "flow_note": None,
        "assumption": None,
        "attribution": [cpc.ATTRIBUTION],
        "municipalities": rows,
    }


def central_place_role(
    atlas: Atlas, ags: str | None, level: str, districts: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """The cited designation against the functional class (municipality), or the designated
    places within the unit (district; the region: ``level="region"`` with its core
    ``districts``)."""
    citations = _citations(atlas)
    cp = _central_places(atlas) or _designations_only(atlas, citations)
    if cp is None:
        return None
    base = {
        "basis": cp["basis"],
        "period": cp["period"],
        "designation_basis": cp["designation_basis"],
        "method": cp["method"],
        "note": cp["flow_note"],
        "note_de": cp.get("flow_note_de"),
        "note_en": cp.get("flow_note_en"),
        "assumption": cp["assumption"],
        "attribution": cp["attribution"],
    }
    if level == "gemeinde":
        row = next((m for m in cp["municipalities"] if m["ags"] == ags), None)
        return None if row is None else {**base, "place": _place(row, citations)}
    if level not in ("kreis", "region"):
        return None
    inside = districts if level == "region" and districts else frozenset([ags or ""])
    rows = [m for m in cp["municipalities"] if m["ags"][:5] in inside]
    if not rows:
        return None
    counts = {c: sum(1 for r in rows if r["category"] == c) for c in functional.CP_CATEGORIES}
    designated = [r for r in rows if r["designated_level"] is not None]
    designated.sort(key=lambda r: (-r["designated_level"], r["name"]))
    return {
        **base,
        "municipalities": len(rows),
        "categories": counts,
        "places": [_place(r, citations) for r in designated],
    }


def region_functional(atlas: Atlas) -> dict[str, Any] | None:
    """How the region divides functionally: number of labour-market areas and Leiden
    communities of its municipalities, and the communities among its districts."""
    out: dict[str, Any] = {"level": "region", "lma_summary": None, "leiden_summary": None}
    layers = _layers(atlas)
    if layers is not None:
        lma, leiden = layers["lma"], layers["leiden"]
        out |= _basis(lma)
        out["lma_summary"] = {
            "n_areas": lma["n_areas"],
            "modularity": lma["summary"].get("q_modularity"),
            "areas": sorted(
                (
                    {
                        "lma": a["lma"],
                        "main_centre": a["main_centre"],
                        "main_centre_name": a["main_centre_name"],
                        "municipalities": a["municipalities"],
                        "residents": a["residents"],
                        "sc_supply_side": a["sc_supply_side"],
                    }
                    for a in lma["areas"]
                ),
                key=lambda a: -(a["residents"] or 0),
            ),
        }
        out["leiden_summary"] = {
            "n_communities": leiden["n_communities"],
            "modularity": leiden["modularity"],
            "adjusted_rand": leiden["comparison"]["adjusted_rand"],
        }
    communities = None
    if atlas.flow_periods() and "kreis" in atlas.flow_levels():
        try:
            res = atlas.communities("kreis")
            communities = {
                "n_communities": res["n_clusters"],
                "modularity": res["modularity"],
                "period": res["period"],
            }
        except NotFoundError:
            communities = None
    out["district_communities"] = communities
    if layers is None and communities is None:
        return None
    return out
