"""Write the synthetic boundaries as BKG VG5000 "Ebenen" shapefiles (STA/LAN/RBZ/KRS/VWG/GEM).

Attribute layout, order and types as in BKG's product (OBJID … WSK); CRS EPSG:31467; UTF-8
(.cpg). OBJIDs start with ``DESYNTH`` so a synthetic feature is never mistaken for BKG's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from regionatlas.synth.dbf import write_dbf
from regionatlas.synth.model import Country

VG5000_FIELDS = (
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
)
LEVEL_ADE = {"STA": 1, "LAN": 2, "RBZ": 3, "KRS": 4, "VWG": 5, "GEM": 6}
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _frame(
    level: str,
    geometry: np.ndarray,
    ars: list[str],
    ags: list[str],
    gen: list[str],
    bez: list[str],
    ibz: list[int],
    bem: list[str],
    nuts: list[str],
    sdv_ars: list[str],
    key12: list[str],
    as_of: date,
) -> gpd.GeoDataFrame:
    """One layer's attribute table; key12 is the 12-digit ARS the SN_* parts come from."""
    n = len(ars)
    ade = LEVEL_ADE[level]
    k = pd.Series(key12, dtype="str")
    day = pd.Timestamp(as_of)
    df = pd.DataFrame(
        {
            "OBJID": [f"DESYNTH{ade}{i:08d}" for i in range(1, n + 1)],
            "BEGINN": [day] * n,
            "ADE": np.full(n, ade, dtype=np.int32),
            "GF": np.full(n, 9, dtype=np.int32),
            "BSG": np.full(n, 1, dtype=np.int32),
            "ARS": ars,
            "AGS": ags,
            "SDV_ARS": sdv_ars,
            "GEN": gen,
            "BEZ": bez,
            "IBZ": np.asarray(ibz, dtype=np.int32),
            "BEM": bem,
            "NBD": ["ja"] * n,
            "SN_L": k.str[0:2],
            "SN_R": k.str[2:3],
            "SN_K": k.str[3:5],
            "SN_V1": k.str[5:7],
            "SN_V2": k.str[7:9],
            "SN_G": k.str[9:12],
            "FK_S3": ["0" if ade <= 2 else "R"] * n,
            "NUTS": nuts,
            "ARS_0": key12,
            "AGS_0": [a if a.startswith("-") else (a + "0" * 8)[:8] for a in ags],
            "WSK": [day] * n,
        }
    )
    return gpd.GeoDataFrame(df, geometry=list(geometry), crs="EPSG:31467")


def _nuts(country: Country) -> dict[str, str]:
    """Synthetic NUTS codes by key (Land 3, RB 4, Kreis 5 characters)."""
    out: dict[str, str] = {}
    for land, nuts1 in zip(country.states["land"], country.states["nuts"], strict=True):
        out[land] = nuts1
        d = country.districts[country.districts["land"] == land]
        rbs = sorted(set(d["rbz"]))
        for r_i, rb in enumerate(rbs, start=1):
            n2 = nuts1 + (_B36[r_i % 36] if len(rbs) > 1 else "0")
            out[rb] = n2
            for k_i, kreis in enumerate(sorted(d.loc[d["rbz"] == rb, "kreis"]), start=1):
                out[kreis] = n2 + _B36[k_i % 36]
    return out


def vg5000_layers(country: Country, as_of: date) -> dict[str, gpd.GeoDataFrame]:
    """The six VG5000 layers as GeoDataFrames (pure)."""
    gm, d, s, v = country.municipalities, country.districts, country.states, country.verbaende
    nuts = _nuts(country)
    biggest = gm.sort_values(["population", "ags"], ascending=[False, True])
    seat_by = {}
    for col in ("land", "rbz", "kreis", "vwg"):
        seat_by[col] = biggest.drop_duplicates(col).set_index(col)["ars"].to_dict()
    layers: dict[str, gpd.GeoDataFrame] = {}
    layers["STA"] = _frame(
        "STA",
        np.array([shapely.union_all(s.geometry.to_numpy(), grid_size=1.0)]),
        ["000000000000"],
        ["00000000"],
        ["Synthdeutschland"],
        ["Bundesrepublik"],
        [10],
        ["--"],
        ["DE"],
        [biggest["ars"].iloc[0]],
        ["000000000000"],
        as_of,
    )
    lk = list(s["land"])
    layers["LAN"] = _frame(
        "LAN",
        s.geometry.to_numpy(),
        lk,
        lk,
        list(s["name"]),
        list(s["bez"]),
        list(s["ibz"]),
        ["--"] * len(s),
        [nuts[x] for x in lk],
        [seat_by["land"][x] for x in lk],
        [x + "0" * 10 for x in lk],
        as_of,
    )
    rb = country.rbs
    rk = list(rb["rbz"])
    rgeom = [shapely.union_all(d.loc[d["rbz"] == r].geometry.to_numpy(), grid_size=1.0) for r in rk]
    layers["RBZ"] = _frame(
        "RBZ",
        np.array(rgeom, dtype=object),
        rk,
        rk,
        list(rb["name"]),
        ["Regierungsbezirk"] * len(rk),
        [30] * len(rk),
        ["--"] * len(rk),
        [nuts[x] for x in rk],
        [seat_by["rbz"][x] for x in rk],
        [x + "0" * 9 for x in rk],
        as_of,
    )
    kk = list(d["kreis"])
    layers["KRS"] = _frame(
        "KRS",
        d.geometry.to_numpy(),
        kk,
        kk,
        list(d["name"]),
        list(d["bez"]),
        list(d["ibz"]),
        ["--"] * len(kk),
        [nuts[x] for x in kk],
        [seat_by["kreis"][x] for x in kk],
        [x + "0" * 7 for x in kk],
        as_of,
    )
    vk = list(v["vwg"])
    layers["VWG"] = _frame(
        "VWG",
        v.geometry.to_numpy(),
        vk,
        ["--------"] * len(vk),
        list(v["name"]),
        list(v["bez"]),
        list(v["ibz"]),
        list(v["bem"]),
        [nuts[x[:5]] for x in vk],
        [seat_by["vwg"][x] for x in vk],
        [x + "000" for x in vk],
        as_of,
    )
    ars = list(gm["ars"])
    layers["GEM"] = _frame(
        "GEM",
        gm.geometry.to_numpy(),
        ars,
        list(gm["ags"]),
        list(gm["name"]),
        list(gm["bez"]),
        list(gm["ibz"]),
        list(gm["bem"]),
        [nuts[x] for x in gm["kreis"]],
        ars,
        ars,
        as_of,
    )
    return layers


def write_vg5000(country: Country, directory: Path, as_of: date) -> list[Path]:
    """Write ``VG5000_<LEVEL>.shp`` (+ .shx/.dbf/.prj/.cpg) for all layers into directory."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for level, frame in vg5000_layers(country, as_of).items():
        path = directory / f"VG5000_{level}.shp"
        # pyogrio writes geometry, index, .prj and .cpg; the .dbf gets BKG's exact layout
        pyogrio.write_dataframe(
            frame[["OBJID", "geometry"]],
            path,
            driver="ESRI Shapefile",
            layer_options={"ENCODING": "UTF-8"},
            promote_to_multi=False,
        )
        write_dbf(path.with_suffix(".dbf"), frame, updated=as_of)
        written.append(path)
    return written
