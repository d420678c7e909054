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


# Layer -> (Country table, key column = the unit's ARS, values for columns that table lacks).
# Every key column is also a municipality column, which gives each unit's seat (biggest
# municipality); the first five key digits are the Kreis whose NUTS code a VWG/GEM carries.
_LAYERS: dict[str, tuple[str, str, dict[str, object]]] = {
    "LAN": ("states", "land", {"bem": "--"}),
    "RBZ": ("rbs", "rbz", {"bez": "Regierungsbezirk", "ibz": 30, "bem": "--"}),
    "KRS": ("districts", "kreis", {"bem": "--"}),
    "VWG": ("verbaende", "vwg", {"ags": "--------"}),
    "GEM": ("municipalities", "ars", {}),
}


def _frame(level: str, units: pd.DataFrame, as_of: date) -> gpd.GeoDataFrame:
    """One layer's attribute table from its units (columns ars, ags, gen, bez, ibz, bem, nuts,
    sdv_ars, geometry); the SN_* parts come from the ARS padded to 12 digits."""
    n = len(units)
    ade = LEVEL_ADE[level]
    key12 = [a.ljust(12, "0") for a in units["ars"]]
    k = pd.Series(key12, dtype="str")
    day = pd.Timestamp(as_of)
    df = pd.DataFrame(
        {
            "OBJID": [f"DESYNTH{ade}{i:08d}" for i in range(1, n + 1)],
            "BEGINN": [day] * n,
            "ADE": np.full(n, ade, dtype=np.int32),
            "GF": np.full(n, 9, dtype=np.int32),
            "BSG": np.full(n, 1, dtype=np.int32),
            "ARS": list(units["ars"]),
            "AGS": list(units["ags"]),
            "SDV_ARS": list(units["sdv_ars"]),
            "GEN": list(units["gen"]),
            "BEZ": list(units["bez"]),
            "IBZ": np.asarray(units["ibz"], dtype=np.int32),
            "BEM": list(units["bem"]),
            "NBD": ["ja"] * n,
            "SN_L": k.str[0:2],
            "SN_R": k.str[2:3],
            "SN_K": k.str[3:5],
            "SN_V1": k.str[5:7],
            "SN_V2": k.str[7:9],
            "SN_G": k.str[9:12],
            "FK_S3": ["0" if ade <= 2 else "R"] * n,
            "NUTS": list(units["nuts"]),
            "ARS_0": key12,
            "AGS_0": [a if a.startswith("-") else (a + "0" * 8)[:8] for a in units["ags"]],
            "WSK": [day] * n,
        }
    )
    return gpd.GeoDataFrame(df, geometry=list(units["geometry"]), crs="EPSG:31467")


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


def _units(country: Country) -> dict[str, pd.DataFrame]:
    """Each layer's units in one shape (see ``_frame``), in layer order STA … GEM."""
    nuts = _nuts(country)
    biggest = country.municipalities.sort_values(["population", "ags"], ascending=[False, True])
    d = country.districts
    rb_geometry = {
        r: shapely.union_all(d.loc[d["rbz"] == r].geometry.to_numpy(), grid_size=1.0)
        for r in country.rbs["rbz"]
    }
    units = {
        "STA": pd.DataFrame(
            {
                "ars": ["000000000000"],
                "ags": ["00000000"],
                "gen": ["Synthdeutschland"],
                "bez": ["Bundesrepublik"],
                "ibz": [10],
                "bem": ["--"],
                "nuts": ["DE"],
                "sdv_ars": [biggest["ars"].iloc[0]],
                "geometry": [shapely.union_all(country.states.geometry.to_numpy(), grid_size=1.0)],
            }
        )
    }
    for level, (table_name, key, fixed) in _LAYERS.items():
        table = getattr(country, table_name)
        keys = list(table[key])
        seats = biggest.drop_duplicates(key)
        seat = dict(zip(seats[key], seats["ars"], strict=True))
        column = {
            c: ([fixed[c]] * len(keys) if c in fixed else list(table[c]))
            for c in ("bez", "ibz", "bem")
        }
        if "ags" in fixed:
            ags = [fixed["ags"]] * len(keys)
        else:
            ags = list(table["ags"]) if "ags" in table else keys
        units[level] = pd.DataFrame(
            {
                "ars": keys,
                "ags": ags,
                "gen": list(table["name"]),
                **column,
                "nuts": [nuts[x[:5]] for x in keys],
                "sdv_ars": [seat[x] for x in keys],
                "geometry": (
                    [rb_geometry[x] for x in keys]
                    if level == "RBZ"
                    else list(table.geometry.to_numpy())
                ),
            }
        )
    return units


def vg5000_layers(country: Country, as_of: date) -> dict[str, gpd.GeoDataFrame]:
    """The six VG5000 layers as GeoDataFrames (pure)."""
    return {level: _frame(level, units, as_of) for level, units in _units(country).items()}


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
