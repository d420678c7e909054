"""Points for the platform maps: a unit's label point from the atlas (WGS84)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


def unit_point(atlas: Atlas, ags: str) -> tuple[float, float] | None:
    level = "gemeinde" if len(ags) == 8 else "kreis"
    return atlas.points(level).get(ags)


def known_unit(atlas: Atlas):
    """``known(ags)``: the atlas has this municipality or district in scope."""

    def known(ags: str) -> bool:
        try:
            unit = atlas.unit(ags)
        except Exception:  # NotFoundError and friends
            return False
        return unit.get("level") in ("gemeinde", "kreis")

    return known


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def point_feature(lonlat: tuple[float, float], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lonlat[0], 5), round(lonlat[1], 5)]},
        "properties": props,
    }
