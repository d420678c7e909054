"""Place names for the maps: one label point per unit of a level, largest places first (by
population), so a map can name as many places as it has room for. No glyph server is
needed: the browser draws the names as HTML (static/js/common.js ``placeLabels``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def ranked_labels(
    points: dict[str, tuple[float, float]],
    names: dict[str, str],
    population: dict[str, float | None],
) -> list[dict[str, Any]]:
    """[{ags, name, lon, lat, population}] for the units with a point and a name, the most
    populous first; units without a population figure last, by name (pure)."""
    rows = [
        {
            "ags": a,
            "name": names[a],
            "lon": p[0],
            "lat": p[1],
            "population": population.get(a),
        }
        for a, p in points.items()
        if a in names
    ]
    rows.sort(key=lambda r: (r["population"] is None, -float(r["population"] or 0), r["name"]))
    return rows


def labels(atlas: Atlas, level: str) -> dict[str, Any]:
    """The label points of a level in the atlas's scope (see ``ranked_labels``)."""
    units = atlas.units()
    units = units[units["level"] == level]
    names = dict(zip(units["ags"], units["name"], strict=True))
    try:
        pop = {r["ags"]: r["value"] for r in atlas.values("population", level, None)["rows"]}
    except Exception:  # no population in this atlas: names in alphabetical order
        pop = {}
    return {"level": level, "labels": ranked_labels(atlas.points(level), names, pop)}
