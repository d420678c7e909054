"""Files on disk: official layouts, synthetic marking, determinism, atomic output."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely
from python_calamine import CalamineWorkbook
from synth_fixtures import DISTRICTS_SMALL, N_SMALL, SEED

from regionatlas.errors import ParameterError
from regionatlas.synth import SynthSummary, generate
from regionatlas.synth.publish import SMALL_CELL, THRESHOLD

KRPEND_SHEETS = [
    "Auspendler Gemeinden",
    "Einpendler Gemeinden",
    "Auspendler Kreise",
    "Einpendler Kreise",
]


def parse_gv100ad_60(line: str) -> dict[str, object]:
    """Fields of a type-60 record at the positions of Destatis' record description."""
    return {
        "satzart": line[0:2],
        "stand": line[2:10],
        "ags": line[10:18],
        "verband": line[18:22],
        "name": line[22:72].rstrip(),
        "tk": line[122:124],
        "area_ha": int(line[128:139]),
        "population": int(line[139:150]),
        "male": int(line[150:161]),
        "plz": line[165:170],
    }


def dbf_fields(path: Path) -> list[tuple[str, str, int]]:
    raw = path.read_bytes()
    out, i = [], 32
    while raw[i] != 0x0D:
        name = raw[i : i + 11].rstrip(b"\0").decode("ascii")
        out.append((name, chr(raw[i + 11]), raw[i + 16]))
        i += 32
    return out


def test_layout_of_output_dir(small_dir: Path) -> None:
    assert (small_dir / "SYNTHETIC.txt").is_file()
    vg = small_dir / "bkg-vg5000" / "vg5000_ebenen_0101"
    for level in ("STA", "LAN", "RBZ", "KRS", "VWG", "GEM"):
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            assert (vg / f"VG5000_{level}.{ext}").is_file()
    assert (small_dir / "bkg-vg5000" / "aktualitaet.txt").read_text().startswith("01.01.2023")
    assert (small_dir / "destatis-gv100ad" / "GV100AD_301123.txt").is_file()
    books = sorted((small_dir / "ba-krpend").glob("krpend-*-0-202306.xlsx"))
    assert [b.name[7:9] for b in books] == [f"{k:02d}" for k in range(1, 17)]
    assert (small_dir / "truth" / "od_gemeinden.csv.gz").is_file()


def test_every_file_is_marked_synthetic(small_dir: Path, small_out: SynthSummary) -> None:
    text = (small_dir / "SYNTHETIC.txt").read_text(encoding="utf-8")
    assert "SYNTHETISCHE DATEN" in text and "synthetic data" in text
    assert f"seed: {SEED}" in text
    assert f"municipalities: {N_SMALL}" in text
    assert "generator_version:" in text and "regionatlas_version:" in text
    for path in small_dir.rglob("*"):
        if path.is_file():
            near = [path.parent, path.parent.parent, path.parent.parent.parent]
            assert any((d / "SYNTHETIC.txt").is_file() for d in near), path


def test_gv100ad_records(small_dir: Path, small_out: SynthSummary) -> None:
    raw = (small_dir / "destatis-gv100ad" / "GV100AD_301123.txt").read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    lines = raw.decode("utf-8").split("\n")[:-1]
    assert {len(line) for line in lines} == {220}
    kinds = pd.Series([line[:2] for line in lines]).value_counts()
    assert kinds["10"] == 16
    assert kinds["40"] == DISTRICTS_SMALL
    assert kinds["60"] == N_SMALL
    assert kinds["50"] == small_out.verbaende
    gem = pd.DataFrame([parse_gv100ad_60(x) for x in lines if x.startswith("60")])
    assert gem["ags"].str.fullmatch(r"\d{8}").all() and gem["ags"].is_unique
    assert gem["name"].str.startswith("Synth").all()
    assert (gem["stand"] == "20231130").all()
    assert gem["population"].sum() == small_out.population
    assert ((gem["male"] > 0.4 * gem["population"]) & (gem["male"] < 0.6 * gem["population"])).all()
    assert (gem["area_ha"] > 0).all()
    assert gem["plz"].str.fullmatch(r"\d{5}").all()
    # every Gemeinde follows its Kreis record and the Kreis' Verband records
    seen_kreis = None
    for line in lines:
        if line.startswith("40"):
            seen_kreis = line[10:15]
        if line.startswith("60"):
            assert line[10:15] == seen_kreis


def _verbands_resolve(text: str) -> bool:
    """Every Gemeinde's (Kreis, Verband) is a type-50 record of the file."""
    lines = text.split("\n")
    verbands = {(x[10:15], x[18:22]) for x in lines if x.startswith("50")}
    gem = [parse_gv100ad_60(x) for x in lines if x.startswith("60")]
    return all((str(g["ags"])[:5], g["verband"]) in verbands for g in gem)


def test_gv100ad_verband_keys_resolve(small_dir: Path) -> None:
    ours = (small_dir / "destatis-gv100ad" / "GV100AD_301123.txt").read_text("utf-8")
    assert _verbands_resolve(ours)


@pytest.mark.realdata
def test_gv100ad_positions_match_the_real_file(shared_data: Path) -> None:
    """The parser the tests use on our file reads the real file correctly too."""
    real = (shared_data / "destatis-gv100ad-2023" / "GV100AD_301123.txt").read_text("utf-8")
    real60 = [parse_gv100ad_60(x) for x in real.split("\n") if x.startswith("60")]
    flensburg = next(r for r in real60 if r["ags"] == "01001000")
    assert flensburg["name"] == "Flensburg, Stadt"
    assert flensburg["population"] > flensburg["male"] > 0
    assert _verbands_resolve(real)


def test_vg5000_layers(small_dir: Path, small_out: SynthSummary) -> None:
    vg = small_dir / "bkg-vg5000" / "vg5000_ebenen_0101"
    expected = {
        "LAN": 16,
        "KRS": DISTRICTS_SMALL,
        "GEM": N_SMALL,
        "STA": 1,
        "VWG": small_out.verbaende,
    }
    for level, n in expected.items():
        info = pyogrio.read_info(vg / f"VG5000_{level}.shp")
        assert info["features"] == n, level
        assert info["crs"] == "EPSG:31467"
        assert info["geometry_type"] == "Polygon"
        assert (vg / f"VG5000_{level}.cpg").read_text().strip() == "UTF-8"
    gem = pyogrio.read_dataframe(vg / "VG5000_GEM.shp")
    assert gem["AGS"].str.fullmatch(r"\d{8}").all()
    assert (gem["ARS"].str[:5] + gem["ARS"].str[9:] == gem["AGS"]).all()
    assert gem["GEN"].str.startswith("Synth").all()
    assert gem["OBJID"].str.startswith("DESYNTH").all()
    assert shapely.is_valid(gem.geometry.to_numpy()).all()
    assert str(gem["WSK"].dtype).startswith("datetime64")
    krs = pyogrio.read_dataframe(vg / "VG5000_KRS.shp")
    assert set(krs["AGS"]) == set(gem["AGS"].str[:5])
    for level in ("STA", "LAN", "RBZ", "KRS", "VWG"):
        layer = pyogrio.read_dataframe(vg / f"VG5000_{level}.shp")
        geoms = layer.geometry.to_numpy()
        assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any(), level
        assert layer["GEN"].str.startswith("Synth").all(), level
    # the Kreis polygons cover exactly the municipalities
    assert krs.geometry.area.sum() == pytest.approx(gem.geometry.area.sum(), rel=1e-6)


@pytest.mark.realdata
def test_vg5000_attribute_layout_equals_bkg(shared_data: Path, small_dir: Path) -> None:
    real = shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101"
    ours = small_dir / "bkg-vg5000" / "vg5000_ebenen_0101"
    for level in ("STA", "LAN", "RBZ", "KRS", "VWG", "GEM"):
        assert dbf_fields(ours / f"VG5000_{level}.dbf") == dbf_fields(
            real / f"VG5000_{level}.dbf"
        ), level
    assert (
        pyogrio.read_info(ours / "VG5000_GEM.shp")["crs"]
        == pyogrio.read_info(real / "VG5000_GEM.shp")["crs"]
    )


def _sheet_rows(path: Path, sheet: str) -> tuple[list[list[object]], list[list[object]]]:
    """(title rows, data rows) of a krpend sheet, data rows with A/B filled forward."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    head = next(i for i, r in enumerate(rows) if str(r[0]).startswith(("Wohnort", "Arbeitsort")))
    data, block = [], None
    for r in rows[head + 1 :]:
        if r[0] == "" and r[2] == "" and r[3] == "":
            break
        if r[0] != "":
            block = (r[0], r[1])
        assert block is not None
        data.append([block[0], block[1], *r[2:]])
    return rows[: head + 1], data


def test_krpend_workbooks(small_dir: Path) -> None:
    book = small_dir / "ba-krpend" / "krpend-09-0-202306.xlsx"
    names = CalamineWorkbook.from_path(str(book)).sheet_names
    assert names[:4] == KRPEND_SHEETS
    stars = 0
    for sheet in KRPEND_SHEETS:
        title, data = _sheet_rows(book, sheet)
        assert (
            title[0][0] == f"SYNTHETISCHE DATEN – synthetic data (regionatlas synth, seed {SEED})"
        )
        assert any(str(r[0]).startswith("Stichtag: 30.06.2023") for r in title)
        header = title[-1]
        block_side = "Wohnort" if sheet.startswith("Aus") else "Arbeitsort"
        other = "Arbeitsort" if block_side == "Wohnort" else "Wohnort"
        assert str(header[0]).startswith(block_side) and str(header[2]).startswith(other)
        assert header[4:10] == [
            "Insgesamt",
            "Männer",
            "Frauen",
            "Deutsche",
            "Ausländer",
            "Auszubildende",
        ]
        key_len = 8 if sheet.endswith("Gemeinden") else 5
        assert data
        by_block: dict[str, dict[str, float]] = {}
        for r in data:
            key, partner, pname, total = str(r[0]), str(r[2]), str(r[3]), r[4]
            assert len(key) == key_len and key.startswith("09") and key.isdigit()
            stars += sum(1 for v in r[5:10] if v == "*")
            assert all(isinstance(v, float) or v in ("*", "-") for v in r[4:10]), r
            assert total != "*"
            t = 0.0 if total == "-" else float(total)
            acc = by_block.setdefault(key, {"ins": -1.0, "parts": 0.0})
            if pname == "Insgesamt":
                assert partner == ""
                acc["ins"] = t
            elif partner == key:
                pass  # self-flow
            elif pname.startswith("Übrige"):
                acc["parts"] += t
            else:
                assert len(partner) == key_len and partner.isdigit()
                assert pname.startswith("Synth")
                assert t >= THRESHOLD, r
                acc["parts"] += t
            for v in r[5:10]:  # sub-groups: 0 is "-", 1 and 2 are "*"
                if isinstance(v, float):
                    assert v >= SMALL_CELL, r
        for key, acc in by_block.items():
            assert acc["ins"] == acc["parts"], key
    assert stars > 0


def test_truth_matches_published_totals(small_dir: Path, small_out: SynthSummary) -> None:
    with gzip.open(small_dir / "truth" / "od_gemeinden.csv.gz", "rt", encoding="utf-8") as fh:
        od = pd.read_csv(fh, dtype={"community_live": str, "community_work": str})
    assert list(od.columns[:3]) == ["community_live", "community_work", "amount"]
    assert len(od) == small_out.od_pairs
    assert od["amount"].sum() == small_out.employed
    assert od["community_live"].str.fullmatch(r"\d{8}").all()
    gem = pd.read_csv(
        small_dir / "truth" / "gemeinden.csv", dtype={"ags": str, "kreis": str, "land": str}
    )
    assert len(gem) == N_SMALL and gem["ags"].str.len().eq(8).all()
    assert "SYNTHETISCHE DATEN" in (small_dir / "truth" / "README.txt").read_text("utf-8")


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(small_dir: Path, tmp_path: Path) -> None:
    # written by two worker processes this time: the bytes must not depend on it
    again = generate(
        tmp_path / "again",
        municipalities=N_SMALL,
        seed=SEED,
        districts=DISTRICTS_SMALL,
        workers=2,
    )
    assert _digest(again.out_dir) == _digest(small_dir)
    other = generate(
        tmp_path / "other", municipalities=N_SMALL, seed=SEED + 1, districts=DISTRICTS_SMALL
    )
    a, b = _digest(other.out_dir), _digest(small_dir)
    assert a.keys() == b.keys()
    gv = "destatis-gv100ad/GV100AD_301123.txt"
    assert a[gv] != b[gv]
    assert a["truth/od_gemeinden.csv.gz"] != b["truth/od_gemeinden.csv.gz"]


def test_rewrites_its_own_output_directory(tmp_path: Path) -> None:
    first = generate(tmp_path / "de", municipalities=60, seed=1)
    (first.out_dir / "stale.txt").write_text("from an earlier run")
    second = generate(tmp_path / "de", municipalities=60, seed=2)
    assert "seed: 2" in (second.out_dir / "SYNTHETIC.txt").read_text(encoding="utf-8")
    assert not (second.out_dir / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["de"]  # no temporary directory left


def test_refuses_foreign_directory_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match=r"SYNTHETIC\.txt"):
        generate(target, municipalities=60, seed=1)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["busy"]


def test_dbf_header_counts_records(small_dir: Path) -> None:
    raw = (small_dir / "bkg-vg5000" / "vg5000_ebenen_0101" / "VG5000_GEM.dbf").read_bytes()
    version, _, _, _, records, header_len, record_len = struct.unpack("<BBBBIHH", raw[:12])
    assert version == 3 and records == N_SMALL
    assert len(raw) == header_len + records * record_len + 1
