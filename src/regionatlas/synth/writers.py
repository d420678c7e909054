"""All file output of ``regionatlas synth`` (the model itself is pure: see model.py).

Layout of an output directory::

    SYNTHETIC.txt                                  marker, seed, parameters, version
    bkg-vg5000/aktualitaet.txt                     reference date, like BKG's download
    bkg-vg5000/vg5000_ebenen_0101/VG5000_*.shp     boundaries (STA, LAN, RBZ, KRS, VWG, GEM)
    destatis-gv100ad/GV100AD_301123.txt            Gemeindeverzeichnis
    ba-krpend/krpend-LL-0-202306.xlsx              commuter flows, one workbook per Land
    ba-gemband/gemband-dlk-0-202306-xlsx.xlsx      employees by residence/workplace (Gemeindedaten)
    regionalstatistik/13111-07-05-4.csv            employees at workplace by sector (Kreise)
    truth/od_gemeinden.csv.gz                      all flows before suppression
    truth/gemeinden.csv                            municipal ground truth (population, ...)
    truth/.regionatlas-ignore                      folder scans (import, build) pass over truth/

Each subdirectory holds its own copy of SYNTHETIC.txt, so a copied folder stays marked.
"""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path

import pandas as pd

from regionatlas import __version__ as package_version
from regionatlas.sources import IGNORE_MARKER
from regionatlas.synth.gemband import write_gemband
from regionatlas.synth.gv100ad import write_gv100ad
from regionatlas.synth.krpend import write_krpend
from regionatlas.synth.model import Country
from regionatlas.synth.publish import Sheet
from regionatlas.synth.sectors import write_sectors
from regionatlas.synth.vg5000 import write_vg5000

__all__ = [
    "GEMBAND_STICHTAG",
    "GV100AD_STAND",
    "KRPEND_STICHTAG",
    "VG5000_AS_OF",
    "synthetic_text",
    "write_gemband",
    "write_gv100ad",
    "write_krpend",
    "write_marker",
    "write_sectors",
    "write_truth",
    "write_vg5000",
]

VG5000_AS_OF = date(2023, 1, 1)
GV100AD_STAND = date(2023, 11, 30)
KRPEND_STICHTAG = date(2023, 6, 30)
GEMBAND_STICHTAG = KRPEND_STICHTAG
MARKER = "SYNTHETIC.txt"


def synthetic_text(country: Country) -> str:
    """Content of SYNTHETIC.txt: what this is, and everything needed to regenerate it."""
    lines = [
        "SYNTHETISCHE DATEN – synthetic data",
        "",
        "Diese Dateien wurden von regionatlas synth erzeugt. Sie haben die Formate amtlicher",
        "Dateien (BKG VG5000, Destatis GV100AD, BA krpend und gemband, Regionalstatistik",
        "13111-07-05-4), enthalten aber keine amtliche Statistik. These files were generated",
        "by regionatlas synth in the formats of official files; they are not official",
        "statistics.",
        "",
        f"Attribution: Synthetische Daten, erzeugt von regionatlas synth (Seed {country.seed})"
        " – synthetic data, not official statistics",
        "Licence: CC0-1.0",
        "",
        f"regionatlas_version: {package_version}",
    ]
    lines += [f"{k}: {v}" for k, v in country.params.items()]
    lines += [
        f"vg5000_as_of: {VG5000_AS_OF.isoformat()}",
        f"gv100ad_stand: {GV100AD_STAND.isoformat()}",
        f"krpend_stichtag: {KRPEND_STICHTAG.isoformat()}",
        f"gemband_stichtag: {GEMBAND_STICHTAG.isoformat()}",
    ]
    return "\n".join(lines) + "\n"


def write_marker(country: Country, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MARKER
    path.write_text(synthetic_text(country), encoding="utf-8")
    return path


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    """gzip with a fixed timestamp, so equal data give equal bytes."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))


def write_truth(country: Country, directory: Path) -> list[Path]:
    """Ground truth for validation: every flow (incl. the suppressed ones) and the units."""
    directory.mkdir(parents=True, exist_ok=True)
    fl = country.flows.rename(
        columns={"origin": "community_live", "destination": "community_work", "total": "amount"}
    )
    od = directory / "od_gemeinden.csv.gz"
    _write_csv_gz(fl, od)
    gm = country.municipalities
    units = gm[
        ["ags", "name", "kreis", "land", "population", "employed", "jobs", "area_km2", "x", "y"]
    ].copy()
    units["area_km2"] = units["area_km2"].round(3)
    units["x"] = units["x"].round(1)
    units["y"] = units["y"].round(1)
    gem = directory / "gemeinden.csv"
    units.to_csv(gem, index=False, lineterminator="\n")
    readme = directory / "README.txt"
    readme.write_text(
        "SYNTHETISCHE DATEN – synthetic data (regionatlas synth, seed "
        f"{country.seed})\n\n"
        "od_gemeinden.csv.gz: every municipal commuter flow of the synthetic country before\n"
        "BA-style suppression: community_live, community_work (8-digit AGS), amount (persons),\n"
        "men, women, german, foreign, trainees. Rows with community_live == community_work\n"
        "are people who live and work in the same municipality.\n"
        "gemeinden.csv: ags, name, kreis, land, population, employed (SV-employed residents),\n"
        "jobs (workplaces = column sums of the flows), area_km2, x, y (EPSG:31467 metres of the\n"
        "point the municipality's Voronoi cell was built from).\n",
        encoding="utf-8",
    )
    return [od, gem, readme]


def write_all(
    country: Country, out: Path, sheets: list[Sheet] | None = None, workers: int = 1
) -> dict[str, list[Path]]:
    """Write every file of the synthetic country into ``out`` (which must exist)."""
    files: dict[str, list[Path]] = {}
    write_marker(country, out)
    vg = out / "bkg-vg5000"
    files["vg5000"] = write_vg5000(country, vg / "vg5000_ebenen_0101", VG5000_AS_OF)
    (vg / "aktualitaet.txt").write_text(VG5000_AS_OF.strftime("%d.%m.%Y") + "\n\n")
    write_marker(country, vg)
    gv = out / "destatis-gv100ad"
    files["gv100ad"] = [write_gv100ad(country, gv, GV100AD_STAND)]
    write_marker(country, gv)
    ba = out / "ba-krpend"
    files["krpend"] = write_krpend(country, ba, KRPEND_STICHTAG, sheets, workers)
    write_marker(country, ba)
    gb = out / "ba-gemband"
    files["gemband"] = write_gemband(country, gb, GEMBAND_STICHTAG)
    write_marker(country, gb)
    rs = out / "regionalstatistik"
    files["sectors"] = write_sectors(country, rs, GEMBAND_STICHTAG)
    write_marker(country, rs)
    files["truth"] = write_truth(country, out / "truth")
    write_marker(country, out / "truth")
    (out / "truth" / IGNORE_MARKER).write_bytes(b"")  # validation data, not a source to import
    return files
