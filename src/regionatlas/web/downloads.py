"""The download tables of the maps: an indicator at one level and period, the flows of a
level and period. Each becomes an ``exports.ExportTable`` (written by ``regionatlas.exports``
in every format, the same bytes from the web and from ``regionatlas export``).

Suppressed values stay empty with their marker in ``flag`` and the reason in
``missing_reason``; geometries are the atlas' simplified WGS84 ones.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, shape

from regionatlas import exports
from regionatlas.exports import ExportTable
from regionatlas.exports.table import precision_for_unit, sources_of_batches
from regionatlas.web.read.scope import FLOW_LEVELS

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

WEB_CRS = "EPSG:4326"


def indicator_table(atlas: Atlas, indicator: str, level: str, period: str | None) -> ExportTable:
    """One indicator map's table: every unit of the level, value or marker, with geometry."""
    v = atlas.values(indicator, level, period)
    ind = atlas.indicator(indicator)
    frame = pd.DataFrame(v["rows"], columns=["ags", "name", "value", "flag"])
    frame.insert(2, "level", level)
    frame.insert(3, "indicator", indicator)
    frame.insert(4, "period", v["period"])
    frame["unit"] = ind["unit"]
    obs = atlas.observations_all()
    sel = obs[(obs["indicator"] == indicator) & (obs["period"] == v["period"])]
    units = atlas.units()
    ids = set(sel["batch_id"].astype(int)) | set(
        units.loc[units["level"] == level, "batch_id"].astype(int)
    )
    geo = {f["properties"]["ags"]: f["geometry"] for f in atlas.geometry(level)["features"]}
    geoms = [shape(geo[a]) if a in geo else None for a in frame["ags"]]
    return ExportTable(
        name=f"{indicator}_{level}_{v['period']}",
        frame=frame,
        sources=sources_of_batches(atlas.store.batches(), ids),
        reference_date=v["period"],
        geometry=gpd.GeoSeries(geoms, crs=WEB_CRS),
        precision={"value": precision_for_unit(ind["unit"])},
        value_columns=("value",),
    )


def flows_table(atlas: Atlas, level: str, period: str | None) -> ExportTable:
    """The commuter flows of a level: persons (whole numbers) or marker, as straight lines."""
    f = atlas.flows(level, period)
    names = atlas.all_names(level)
    per = atlas.resolve_flow_period(period)
    frame = pd.DataFrame(
        {
            "origin": f["origin"],
            "origin_name": f["origin"].map(lambda a: names.get(a, a)),
            "destination": f["destination"],
            "destination_name": f["destination"].map(lambda a: names.get(a, a)),
            "period": per,
            "level": level,
            "persons": f["persons"],
            "flag": f["flag"].where(f["flag"].map(lambda x: isinstance(x, str)), None),
        }
    ).sort_values(["origin", "destination"], ignore_index=True)
    pts = atlas.points(level)
    geoms = [
        LineString([pts[o], pts[d]]) if o in pts and d in pts else None
        for o, d in zip(frame["origin"], frame["destination"], strict=True)
    ]
    ids = set(atlas.raw_flows(per)["batch_id"].astype(int))
    return ExportTable(
        name=f"flows_{level}_{per}",
        frame=frame,
        sources=sources_of_batches(atlas.store.batches(), ids),
        reference_date=per,
        geometry=gpd.GeoSeries(geoms, crs=WEB_CRS),
        precision={"persons": 0},
        value_columns=("persons",),
    )


def _file(
    atlas: Atlas, key: tuple[str, ...], table: Callable[[], ExportTable], fmt: str, packed: bool
) -> tuple[str, bytes]:
    """(file name, bytes) written once per store version, gzip-compressed once if
    ``packed``; bounded in the cache (evicted oldest first)."""

    def write() -> tuple[str, bytes]:
        t = table()
        return f"{t.name}.{fmt}", exports.to_bytes(t, fmt)

    ckey = ("download", *key, fmt)
    name, body = atlas.cached(ckey, write, bounded=True)
    if not packed:
        return name, body
    return name, atlas.cached(
        ("download-gzip", *ckey), lambda: gzip.compress(body, 5, mtime=0), bounded=True
    )


def indicator_file(
    atlas: Atlas, indicator: str, level: str, period: str | None, fmt: str, packed: bool = False
) -> tuple[str, bytes]:
    """An indicator map's download: (file name, bytes, gzip-compressed if ``packed``)."""
    per = atlas.resolve_period(atlas.indicator(indicator), period)
    key = ("indicator", indicator, level, per)
    return _file(atlas, key, lambda: indicator_table(atlas, indicator, level, per), fmt, packed)


def flows_file(
    atlas: Atlas, level: str, period: str | None, fmt: str, packed: bool = False
) -> tuple[str, bytes]:
    """A flow map's download: (file name, bytes, gzip-compressed if ``packed``)."""
    per = atlas.resolve_flow_period(period)
    atlas.check_level(level, FLOW_LEVELS)
    return _file(atlas, ("flows", level, per), lambda: flows_table(atlas, level, per), fmt, packed)
