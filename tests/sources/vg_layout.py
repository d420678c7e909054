"""Small BKG VG "Ebenen" shapefiles in the published attribute layout (for tests).

Columns as in VG5000/VG250 (OBJID, BEGINN, ADE, GF, BSG, ARS, AGS, SDV_ARS, GEN, BEZ, IBZ,
BEM, NBD, SN_L, SN_R, SN_K, SN_V1, SN_V2, SN_G, FK_S3, NUTS, ARS_0, AGS_0, WSK); geometries
are simple squares in the given CRS.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon, box

COLUMNS = [
    "OBJID",
    "BEGINN",
    "ADE",
    "GF",
    "BSG",
    "ARS",
    "AGS",
    "SDV_ARS",
    "GEN",
    "BEZ",
    "IBZ",
    "BEM",
    "NBD",
    "SN_L",
    "SN_R",
    "SN_K",
    "SN_V1",
    "SN_V2",
    "SN_G",
    "FK_S3",
    "NUTS",
    "ARS_0",
    "AGS_0",
    "WSK",
]
ADE = {"STA": 1, "LAN": 2, "RBZ": 3, "KRS": 4, "VWG": 5, "GEM": 6}


def feature(
    level: str,
    ars: str,
    name: str,
    geometry: Polygon,
    *,
    gf: int = 4,
    bez: str = "Gemeinde",
    ags: str | None = None,
    wsk: dt.date = dt.date(2008, 1, 1),
    beginn: dt.date = dt.date(2020, 10, 5),
) -> dict[str, object]:
    ars12 = ars.ljust(12, "0")
    return {
        "OBJID": f"DEBKGVG2000{len(name):05d}",
        "BEGINN": beginn,
        "ADE": ADE[level],
        "GF": gf,
        "BSG": 1,
        "ARS": ars,
        "AGS": ags if ags is not None else ars[:5] + ars[9:],
        "SDV_ARS": ars12,
        "GEN": name,
        "BEZ": bez,
        "IBZ": 60,
        "BEM": "--",
        "NBD": "ja",
        "SN_L": ars12[:2],
        "SN_R": ars12[2],
        "SN_K": ars12[3:5],
        "SN_V1": ars12[5:7],
        "SN_V2": ars12[7:9],
        "SN_G": ars12[9:12],
        "FK_S3": "R",
        "NUTS": "DE731",
        "ARS_0": ars12,
        "AGS_0": (ars12[:5] + ars12[9:12]),
        "WSK": wsk,
        "geometry": geometry,
    }


def square(x: float, y: float, size: float = 1000.0) -> Polygon:
    return box(x, y, x + size, y + size)


# Two Gemeinden of Landkreis Kassel in EPSG:25832, Baunatal with a water part (GF 2)
X0, Y0 = 530_000.0, 5_680_000.0


def gem_features() -> list[dict[str, object]]:
    return [
        feature("GEM", "066330003003", "Baunatal", square(X0, Y0), bez="Stadt"),
        feature("GEM", "066330003003", "Baunatal", square(X0 + 1000, Y0, 500), gf=2, bez="Stadt"),
        feature("GEM", "066330001001", "Ahnatal", square(X0, Y0 + 1000)),
    ]


def write_vg(
    folder: Path, name: str, features: list[dict[str, object]], crs: str | None = "EPSG:25832"
) -> Path:
    """Write features (dicts from ``feature``) as ``folder/name.shp`` with its side files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [dict(f) for f in features]
    geoms = [r.pop("geometry") for r in rows]
    frame = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry=geoms, crs=crs)
    for col in ("BEGINN", "WSK"):
        frame[col] = pd.Series(frame[col], dtype=object)
    path = folder / f"{name}.shp"
    frame.to_file(path, driver="ESRI Shapefile", encoding="UTF-8")
    return path
