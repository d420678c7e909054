"""BKG administrative boundaries, products VG5000/VG250 "Ebenen" (one shapefile per level).

File names ``VG5000_GEM.shp``, ``VG250_KRS.shp`` … give the level (STA staat, LAN land,
RBZ rbz, KRS kreis, VWG vwg, GEM gemeinde). Keys (model/schema.py): staat "DE", land SN_L, rbz
SN_L+SN_R, kreis ARS[:5], vwg ARS[:5]+ARS[5:9], gemeinde AGS (8 chars). The CRS comes from
the ``.prj`` (EPSG:31467 for VG5000, EPSG:25832 for VG250); a missing or unreadable ``.prj``
is an error, never a guess. Output geometry: one MultiPolygon per key in ``STORE_CRS``.

Several features per key are normal: land (GF 3/4/9) and water (GF 1/2/8) parts, and the
several sea/lake pieces of Germany and its Länder. They are dissolved per key. The same key
twice with the same GF is a duplicate-key error (only in STA and LAN may water pieces, GF
1/2/8, repeat: the sea and lake parts of Germany and its Länder). Features
outside Germany (the Swiss and Austrian Bodensee parts of VG5000_STA, key ``--``) are skipped.

Geometry: every feature must be valid. The one kind of OGC-invalidity BKG's files do contain
(a ring touching itself in a single point, "Ring Self-intersection", valid in the ESRI model)
is repaired with ``shapely.make_valid`` when that keeps the area (relative change < 1e-9) and
counted in ``notes``; anything else (a crossing "Self-intersection", too few points …) is a
SourceFormatError naming the feature number (``line``, 1-based) and the key.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon

from regionatlas.errors import SourceFormatError
from regionatlas.model.fingerprint import sha256_of
from regionatlas.model.schema import STORE_CRS, UNIT_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.sources._common import (
    DL_DE_BY_2_0,
    Provenance,
    german_date_to_iso,
    provenance,
    source_data,
)

FORMAT_ID = "bkg-vg"
LEVEL_OF = {
    "STA": "staat",
    "LAN": "land",
    "RBZ": "rbz",
    "KRS": "kreis",
    "VWG": "vwg",
    "GEM": "gemeinde",
}
NAME_RE = re.compile(r"VG(\d+)_(STA|LAN|RBZ|KRS|VWG|GEM)", re.IGNORECASE)
LAND_GF = {3, 4, 9}
REQUIRED = ("ARS", "AGS", "GEN", "BEZ", "GF", "SN_L", "SN_R")  # WSK, BEGINN: newer vintages
LICENCE = DL_DE_BY_2_0
PUBLISHER = "Bundesamt für Kartographie und Geodäsie (BKG)"
KEY_LENGTH = {"land": 2, "rbz": 3, "kreis": 5, "vwg": 9, "gemeinde": 8}


def sniff(path: Path) -> bool:
    return path.suffix.lower() == ".shp" and NAME_RE.search(path.stem) is not None


def side_files(path: Path) -> list[Path]:
    """The shapefile's parts that the batch hash covers (.shp, .shx, .dbf, .prj, .cpg)."""
    return [
        p
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")
        if (p := path.with_suffix(ext)).exists()
    ]


def read(path: Path) -> SourceData:
    path = Path(path)
    m = NAME_RE.search(path.stem)
    if path.suffix.lower() != ".shp" or m is None:
        raise SourceFormatError(
            path,
            "not a BKG VG Ebenen shapefile",
            value=path.name,
            expected="a file named like VG5000_GEM.shp or VG250_KRS.shp",
        )
    level = LEVEL_OF[m.group(2).upper()]
    _check_parts(path)
    frame = _read_frame(path)
    vintage = _vintage(path, frame)
    units, notes = _units(path, frame, level, vintage)
    prov = provenance(path, _official(path, vintage))
    return source_data(
        FORMAT_ID,
        path,
        sha256_of(*side_files(path)),
        prov,
        vintage=vintage,
        units=units,
        notes=notes,
    )


def _check_parts(path: Path) -> None:
    for ext, what in ((".shx", "index"), (".dbf", "attribute table"), (".prj", "CRS (.prj)")):
        if not path.with_suffix(ext).exists():
            raise SourceFormatError(
                path,
                f"the shapefile's {what} is missing",
                value=path.with_suffix(ext).name,
                expected=f"{path.stem}{ext} next to {path.name}"
                + ("; the CRS is never guessed" if ext == ".prj" else ""),
            )
    for ext in (".shp", ".shx"):
        part = path.with_suffix(ext)
        data = part.read_bytes()[:28]
        size = part.stat().st_size
        if len(data) < 28 or struct.unpack(">i", data[:4])[0] != 9994:
            raise SourceFormatError(
                part, "not a shapefile header", expected="file code 9994 in bytes 1-4"
            )
        declared = struct.unpack(">i", data[24:28])[0] * 2
        if declared != size:
            raise SourceFormatError(
                part,
                f"file has {size} bytes but its header declares {declared} (truncated?)",
                expected="a complete file",
            )


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    try:
        info = pyogrio.read_info(path)
        frame = pyogrio.read_dataframe(path)
    except UnicodeDecodeError as exc:
        record, field = _locate_bad_text(path.with_suffix(".dbf"), exc.encoding)
        raise SourceFormatError(
            path.with_suffix(".dbf"),
            f"text is not valid {exc.encoding} (a Latin-1 file with a UTF-8 .cpg?)",
            line=record,
            column=field,
            value=exc.object[exc.start : exc.start + 1],
            expected=f"{exc.encoding} text as the .cpg declares",
        ) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise SourceFormatError(path, f"cannot read the shapefile: {exc}") from None
    if frame.crs is None:
        raise SourceFormatError(
            path.with_suffix(".prj"),
            "the .prj holds no CRS that can be read",
            expected="a CRS definition, e.g. EPSG:31467 (VG5000) or EPSG:25832 (VG250)",
        )
    if len(frame) != info["features"]:
        raise SourceFormatError(
            path,
            f"read {len(frame)} of {info['features']} features (truncated?)",
            expected="every feature of the index",
        )
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SourceFormatError(
            path.with_suffix(".dbf"),
            "attribute columns are missing",
            value=", ".join(missing),
            expected="the BKG VG attribute layout (" + ", ".join(REQUIRED) + ")",
        )
    for col in ("GEN", "BEZ"):
        bad = frame[col].astype(str).str.contains("\ufffd", regex=False)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise SourceFormatError(
                path.with_suffix(".dbf"),
                "text is not valid in the declared encoding",
                line=i + 1,
                column=col,
                value=frame[col].iloc[i],
                expected="UTF-8 text as the .cpg declares",
            )
    return frame


def _locate_bad_text(dbf: Path, encoding: str) -> tuple[int | None, str | None]:
    """(1-based record, field name) of the first text cell that does not decode."""
    data = dbf.read_bytes()
    header_len, record_len = struct.unpack("<HH", data[8:12])
    fields, pos, offset = [], 32, 1  # each record starts with a deletion flag byte
    while pos + 32 <= header_len and data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0", 1)[0].decode("ascii", "replace")
        fields.append((name, offset, data[pos + 16]))
        offset += data[pos + 16]
        pos += 32
    n = (len(data) - header_len) // max(record_len, 1)
    for r in range(n):
        rec = data[header_len + r * record_len : header_len + (r + 1) * record_len]
        for name, start, length in fields:
            try:
                rec[start : start + length].decode(encoding)
            except UnicodeDecodeError:
                return r + 1, name
    return None, None


def _vintage(path: Path, frame: pd.DataFrame) -> str:
    for folder in (path.parent, path.parent.parent):
        f = folder / "aktualitaet.txt"
        if f.is_file():
            iso = german_date_to_iso(f.read_bytes().decode("latin-1"))
            if iso:
                return iso
    if "BEGINN" not in frame.columns:
        raise SourceFormatError(
            path, "no reference date", expected="aktualitaet.txt next to the product or BEGINN"
        )
    beginn = pd.to_datetime(frame["BEGINN"], errors="coerce").max()
    if pd.isna(beginn):
        raise SourceFormatError(
            path, "no reference date", expected="aktualitaet.txt or BEGINN dates"
        )
    result: str = beginn.strftime("%Y-%m-%d")
    return result


def _official(path: Path, vintage: str) -> Provenance:
    year = vintage[:4]
    for folder in (path.parent, path.parent.parent):
        f = folder / "quellenvermerk_datenlizenz_deutschland.txt"
        if f.is_file():
            text = f.read_bytes().decode("latin-1")  # BKG ships this file Latin-1 encoded
            m = re.search(r"©\s*GeoBasis-DE\s*/\s*BKG", text)
            if m:
                break
    return Provenance(PUBLISHER, LICENCE, f"© GeoBasis-DE / BKG {year}")


def _key_column(frame: pd.DataFrame, level: str) -> pd.Series:
    ars = frame["ARS"].fillna("").astype(str)
    if level == "staat":
        return ars.map(lambda a: "DE" if a.strip("0") == "" and a else a)
    if level == "land":
        return frame["SN_L"].fillna("").astype(str)
    if level == "rbz":
        return frame["SN_L"].fillna("").astype(str) + frame["SN_R"].fillna("").astype(str)
    if level == "kreis":
        return ars.str[:5]
    if level == "vwg":
        return ars.str[:5] + ars.str[5:9]
    return frame["AGS"].fillna("").astype(str)


def _valid_key(key: str, level: str) -> bool:
    if level == "staat":
        return key == "DE"
    return len(key) == KEY_LENGTH[level] and key.isdigit()


def _units(
    path: Path, frame: gpd.GeoDataFrame, level: str, vintage: str
) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    keys = _key_column(frame, level)
    foreign = (
        (frame["ARS"].fillna("").astype(str).str.strip("-") == "") if level == "staat" else None
    )
    keep = np.ones(len(frame), dtype=bool) if foreign is None else ~foreign.to_numpy()
    if not keep.all():
        notes.append(f"{int((~keep).sum())} features outside Germany skipped")
    for i in np.flatnonzero(keep):
        if not _valid_key(keys.iloc[i], level):
            raise SourceFormatError(
                path,
                f"unknown AGS: not a {level} key",
                line=int(i) + 1,
                column="AGS" if level == "gemeinde" else "ARS",
                value=keys.iloc[i],
                expected="DE" if level == "staat" else f"{KEY_LENGTH[level]} digits",
            )
    gf = frame["GF"].to_numpy()
    land = np.isin(gf, list(LAND_GF))
    # Germany's and the Länder's sea and lake parts come in several water features
    checked = keep & (land if level in ("staat", "land") else True)
    dup = pd.DataFrame({"k": keys, "gf": gf})[checked].duplicated()
    if dup.any():
        first = int(dup[dup].index[0])
        raise SourceFormatError(
            path,
            "duplicate key",
            line=first + 1,
            column="AGS" if level == "gemeinde" else "ARS",
            value=f"{keys.iloc[i]} (GF {gf[i]})",
            expected="each key once per GF (Gebietsform)",
        )
    geoms = np.array(frame.geometry.to_numpy(), dtype=object)
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    empty = (kinds == -1) | shapely.is_empty(geoms)
    for i in np.flatnonzero(keep & (empty | ~polygonal)):
        geom = geoms[i]
        missing = geom is None or geom.is_empty
        raise SourceFormatError(
            path,
            "feature has no geometry" if missing else f"feature is a {geom.geom_type}",
            line=int(i) + 1,
            value=keys.iloc[i],
            expected="a Polygon or MultiPolygon",
        )
    repaired = 0
    for i in np.flatnonzero(keep & ~shapely.is_valid(geoms)):  # vectorised check, rare repairs
        reason = shapely.is_valid_reason(geoms[i])
        fixed = _repair_touching_ring(geoms[i], reason)
        if fixed is None:
            raise SourceFormatError(
                path,
                f"invalid geometry: {reason}",
                line=int(i) + 1,
                value=keys.iloc[i],
                expected="a valid polygon (no self-intersection)",
            )
        geoms[i] = fixed
        repaired += 1
    if repaired:
        notes.append(f"{repaired} self-touching rings repaired (area unchanged)")
    work = gpd.GeoDataFrame(
        {
            "key": keys.to_numpy()[keep],
            "land": land[keep],
            "GEN": frame["GEN"].to_numpy()[keep],
            "BEZ": frame["BEZ"].to_numpy()[keep],
            "ARS": _ars12(frame, level)[keep],
            "SN_L": frame["SN_L"].to_numpy()[keep],
            "WSK": pd.to_datetime(
                frame["WSK"] if "WSK" in frame.columns else pd.Series([None] * len(frame)),
                errors="coerce",
            ).to_numpy()[keep],
        },
        geometry=gpd.GeoSeries(geoms[keep], crs=frame.crs).to_numpy(),
        crs=frame.crs,
    )
    units = _dissolve(work)
    units = units.to_crs(STORE_CRS)
    out = gpd.GeoDataFrame(
        {
            "ags": units["key"].astype("str"),
            "as_of": vintage,
            "name": units["GEN"].astype("str"),
            "level": level,
            "parent": [_parent(k, level) for k in units["key"]],
            "state": None if level == "staat" else units["key"].str[:2].astype("str"),
            "ars": None if level == "staat" else units["ARS"],
            "kind": units["BEZ"],
            "valid_from": pd.Series(units["WSK"])
            .dt.strftime("%Y-%m-%d")
            .astype(object)
            .where(pd.Series(units["WSK"]).notna(), None)
            .to_numpy(),
            "valid_to": None,
        },
        geometry=units.geometry.to_numpy(),
        crs=STORE_CRS,
    )
    return out[UNIT_COLUMNS].reset_index(drop=True), notes


def _ars12(frame: pd.DataFrame, level: str) -> np.ndarray:
    if "ARS_0" in frame.columns:
        result: np.ndarray = frame["ARS_0"].fillna("").astype(str).to_numpy()
        return result
    result = frame["ARS"].fillna("").astype(str).str.ljust(12, "0").to_numpy()
    return result


def _parent(key: str, level: str) -> str | None:
    return {
        "staat": None,
        "land": "DE",
        "rbz": key[:2],
        "kreis": key[:2],
        "vwg": key[:5],
        "gemeinde": key[:5],
    }[level]


def _repair_touching_ring(geom: Polygon | MultiPolygon, reason: str) -> MultiPolygon | None:
    if not reason.startswith("Ring Self-intersection"):
        return None
    fixed = shapely.make_valid(geom)
    polys = shapely.get_parts(fixed)
    polys = [p for p in polys if p.geom_type == "Polygon"]
    if not polys:
        return None
    out = MultiPolygon(polys)
    if abs(out.area - geom.area) > 1e-9 * max(geom.area, 1.0) or not out.is_valid:
        return None
    return out


def _dissolve(work: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per key; attributes from the land-area feature; geometry the union."""
    work = work.sort_values(["key", "land"], ascending=[True, False], kind="stable")
    first = work.drop_duplicates("key", keep="first").reset_index(drop=True)
    geoms = _as_multi_all(first.geometry.to_numpy())
    counts = work["key"].value_counts()
    position = {k: i for i, k in enumerate(first["key"])}
    for key in counts[counts > 1].index:
        parts = work.geometry[work["key"] == key].to_numpy()
        union = shapely.union_all(parts)
        polys = [p for p in shapely.get_parts(union) if p.geom_type == "Polygon"]
        geoms[position[key]] = MultiPolygon(polys)
    return gpd.GeoDataFrame(first.drop(columns="geometry"), geometry=geoms, crs=work.crs)


def _as_multi_all(geoms: np.ndarray) -> np.ndarray:
    """Every Polygon wrapped into a MultiPolygon, in one vectorised call."""
    out = np.array(geoms, dtype=object)
    single = shapely.get_type_id(out) == shapely.GeometryType.POLYGON
    if single.any():
        idx = np.flatnonzero(single)
        out[idx] = shapely.multipolygons(out[idx], indices=np.arange(len(idx)))
    return out


def fingerprint(path: Path) -> str:
    """The SHA-256 that ``read(path).sha256`` gives, without parsing:
    the shapefile with its side files."""
    return sha256_of(*side_files(Path(path)))
