"""Downloads of every map and table as CSV, XLSX, GeoJSON and GeoPackage.

Every file carries the source attribution and licence of the batches its rows come from:
CSV as ``attribution``/``licence`` columns, XLSX on a second sheet, GeoJSON as foreign members
``attribution``/``licence``/``sources``, GeoPackage as a ``sources`` table. Suppressed values
stay empty with their marker in ``flag``; geometries are the atlas' simplified WGS84 ones.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from regionatlas.errors import ParameterError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
DERIVED_NOTE = "Geometrien vereinfacht und nach WGS84 umprojiziert (Daten verändert)"


def _sources(atlas, batch_ids: set[int]) -> list[dict[str, Any]]:
    rows = []
    for b in atlas.store.batches():
        if b.id in batch_ids:
            rows.append(
                {
                    "batch": b.id,
                    "source": b.source,
                    "publisher": b.publisher,
                    "licence": b.licence,
                    "attribution": b.attribution,
                    "vintage": b.vintage,
                    "synthetic": b.synthetic,
                }
            )
    return rows


def indicator_table(atlas, indicator: str, level: str, period: str | None):
    """(rows frame, geometry features by ags, sources) for one indicator map."""
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
    return frame, geo, _sources(atlas, ids)


def flows_table(atlas, level: str, period: str | None):
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
    geo = {}
    for o, d in zip(frame["origin"], frame["destination"], strict=True):
        if o in pts and d in pts:
            geo[(o, d)] = {"type": "LineString", "coordinates": [list(pts[o]), list(pts[d])]}
    ids = set(atlas.raw_flows(per)["batch_id"].astype(int))
    return frame, geo, _sources(atlas, ids)


def _with_attribution(frame: pd.DataFrame, sources: list[dict[str, Any]]) -> pd.DataFrame:
    attribution = "; ".join(dict.fromkeys(s["attribution"] for s in sources))
    licence = "; ".join(dict.fromkeys(s["licence"] for s in sources))
    return frame.assign(attribution=attribution, licence=licence)


def serialise(
    frame: pd.DataFrame,
    geo: dict,
    key: list[str],
    sources: list[dict[str, Any]],
    fmt: str,
    title: str,
) -> bytes:
    """The table in one download format; ``geo`` maps the key value(s) to GeoJSON geometry."""
    if fmt not in FORMATS:
        raise ParameterError(f"unknown format {fmt!r}", value=fmt, expected=", ".join(FORMATS))
    if fmt == "csv":
        return _with_attribution(frame, sources).to_csv(index=False).encode("utf-8")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="xlsxwriter") as xw:
            frame.to_excel(xw, sheet_name="data", index=False)
            pd.DataFrame(sources).to_excel(xw, sheet_name="sources", index=False)
        return buf.getvalue()

    def key_of(row: dict) -> Any:
        return row[key[0]] if len(key) == 1 else tuple(row[k] for k in key)

    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    if fmt == "geojson":
        doc = {
            "type": "FeatureCollection",
            "name": title,
            "attribution": "; ".join(dict.fromkeys(s["attribution"] for s in sources)),
            "licence": "; ".join(dict.fromkeys(s["licence"] for s in sources)),
            "note": DERIVED_NOTE,
            "sources": sources,
            "features": [
                {"type": "Feature", "geometry": geo.get(key_of(r)), "properties": r}
                for r in records
            ],
        }
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    # GeoPackage: the layer plus a 'sources' table
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import shape

    geoms = [shape(geo[key_of(r)]) if key_of(r) in geo else None for r in records]
    gdf = gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geoms, crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "download.gpkg"
        pyogrio.write_dataframe(gdf, path, layer=title, driver="GPKG")
        src = (
            pd.DataFrame(sources).astype({"synthetic": int})
            if sources
            else pd.DataFrame({"attribution": []})
        )
        pyogrio.write_dataframe(src, path, layer="sources", driver="GPKG", append=True)
        return path.read_bytes()
