"""Build the compact data bundle that ships with the project, reproducibly.

The bundle holds official files in their *published formats*, only cut down, so the same
readers read the bundle and the originals:

* BKG VG5000 Ebenen: ``VG5000_LAN`` and ``VG5000_KRS`` (all Germany, unchanged copies) and
  ``VG5000_GEM`` reduced to the municipalities of the region's core and context ring;
* Destatis GV100AD: the whole file, gzip-compressed (all Germany: needed for state and
  Germany comparisons);
* BA Pendleratlas Kreise CSVs: all 32 files, gzip-compressed (all Germany).

gzip output is deterministic (mtime 0), and the cut-down ``VG5000_GEM.dbf`` carries the
publisher's own "last update" date from the source header instead of the day GDAL wrote it,
so the same inputs give byte-identical bundles on any day, in any timezone and locale.
``MANIFEST.json`` lists every input and output file with its SHA-256.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyogrio.raw import read as ogr_read
from pyogrio.raw import write as ogr_write

from regionatlas.errors import InputError
from regionatlas.model.fingerprint import sha256_of
from regionatlas.output import check_directory_target
from regionatlas.region import Region

VG_DIR = Path("bkg-vg5000-2021")
VG_LAYERS = Path("bkg-vg5000-2021/vg5000_ebenen_0101")
GV_FILE = Path("destatis-gv100ad-2023/GV100AD_301123.txt")
BA_DIR = Path("ba-pendleratlas-2023-kreise")
SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

BUNDLE_README = (Path(__file__).parent / "README.template.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class BundleSummary:
    out_dir: Path
    files: int
    bytes: int
    municipalities: int


def _gzip_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(src, "rb") as fin,
        open(dst, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        shutil.copyfileobj(fin, gz)


def _write_shapefile_subset(src: Path, dst: Path, where: str) -> int:
    """Copy the features of ``src`` matching ``where`` with the same fields, types and .prj."""
    meta, _fids, geometry, fields = ogr_read(src, where=where)
    # keep DBF date fields as dates (pyogrio reads them as datetime64[D])
    fields = [
        f.astype("datetime64[D]") if np.issubdtype(f.dtype, np.datetime64) else f for f in fields
    ]
    ogr_write(
        dst,
        geometry,
        fields,
        meta["fields"],
        crs=meta["crs"],
        geometry_type=meta["geometry_type"],
        encoding="UTF-8",
        driver="ESRI Shapefile",
    )
    shutil.copyfile(src.with_suffix(".prj"), dst.with_suffix(".prj"))  # the publisher's WKT
    copy_dbf_update_date(src.with_suffix(".dbf"), dst.with_suffix(".dbf"))
    return len(geometry)


# dBASE header: byte 0 version, bytes 1-3 date of last update (YY since 1900, MM, DD)
_DBF_DATE = slice(1, 4)


def copy_dbf_update_date(src: Path, dst: Path) -> None:
    """Give ``dst`` the last-update date of ``src``'s dBASE header.

    GDAL stamps a written .dbf with the day it was written (from the C library clock), which
    would make the bundle differ from day to day; the publisher's date is the honest one.
    """
    stamp = src.read_bytes()[_DBF_DATE]
    if len(stamp) != 3:
        raise InputError(f"{src}: not a dBASE file (header shorter than 4 bytes)")
    with open(dst, "r+b") as fh:
        fh.seek(_DBF_DATE.start)
        fh.write(stamp)


def _require(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"{path}: official input file missing; expected ../shared/data layout")
    return path


def build_bundle(shared_data: Path, region: Region, out_dir: Path) -> BundleSummary:
    """Write the bundle for ``region`` from ``shared_data`` into ``out_dir`` (replaced)."""
    out_dir = check_directory_target(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    vg_out = out_dir / "vg5000"
    vg_out.mkdir(parents=True)
    inputs: list[Path] = []

    for layer in ("VG5000_LAN", "VG5000_KRS"):
        for ext in SHP_PARTS:
            src = _require(shared_data / VG_LAYERS / f"{layer}{ext}")
            shutil.copyfile(src, vg_out / src.name)
            inputs.append(src)

    gem = _require(shared_data / VG_LAYERS / "VG5000_GEM.shp")
    inputs += [gem.with_suffix(ext) for ext in SHP_PARTS]
    districts = sorted(region.boundary_district_codes)
    where = "SUBSTR(AGS, 1, 5) IN ({})".format(",".join(f"'{d}'" for d in districts))
    n_gem = _write_shapefile_subset(gem, vg_out / gem.name, where)
    for extra in ("aktualitaet.txt", "quellenvermerk_datenlizenz_deutschland.txt"):
        src = _require(shared_data / VG_DIR / extra)
        shutil.copyfile(src, vg_out / extra)
        inputs.append(src)

    gv = _require(shared_data / GV_FILE)
    _gzip_copy(gv, out_dir / (gv.name + ".gz"))
    inputs.append(gv)

    for csv in sorted((_require(shared_data / BA_DIR)).rglob("*.csv")):
        rel = csv.relative_to(shared_data / BA_DIR)
        _gzip_copy(csv, out_dir / BA_DIR.name / rel.parent / (rel.name + ".gz"))
        inputs.append(csv)

    (out_dir / "README.md").write_text(
        BUNDLE_README.format(region=region.name_de, n_gem=n_gem), encoding="utf-8"
    )
    outputs = sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != "MANIFEST.json")
    manifest = {
        "built_by": "regionatlas bundle",
        "region": region.id,
        "inputs": {str(p.relative_to(shared_data)): sha256_of(p) for p in inputs},
        "outputs": {str(p.relative_to(out_dir)): sha256_of(p) for p in outputs},
    }
    (out_dir / "MANIFEST.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return BundleSummary(
        out_dir=out_dir,
        files=len(outputs) + 1,
        bytes=sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file()),
        municipalities=n_gem,
    )
