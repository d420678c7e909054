"""BKG VG5000/VG250 Ebenen reader: keys per level, dissolve, CRS, geometry and bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pyproj
import pytest
from shapely.geometry import MultiPolygon, Polygon
from source_asserts import read_error
from vg_layout import X0, Y0, feature, gem_features, square, write_vg

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import STORE_CRS
from regionatlas.settings import DEFAULT_REGION
from regionatlas.sources import bkg_vg as reader


def test_gemeinden_dissolve_land_and_water_parts(tmp_path: Path) -> None:
    data = reader.read(write_vg(tmp_path, "VG250_GEM", gem_features()))
    data.check_columns()
    units = data.units.set_index("ags")
    assert list(units.index) == ["06633001", "06633003"]
    baunatal = units.loc["06633003"]
    assert baunatal.geometry.geom_type == "MultiPolygon"
    assert baunatal.geometry.area == pytest.approx(1000 * 1000 + 500 * 500)
    assert baunatal["name"] == "Baunatal" and baunatal["kind"] == "Stadt"
    assert baunatal["parent"] == "06633" and baunatal["state"] == "06"
    assert baunatal["ars"] == "066330003003"
    assert baunatal["valid_from"] == "2008-01-01"
    assert data.units.crs.to_string() == STORE_CRS
    assert (data.units.level == "gemeinde").all()
    assert data.units.geom_type.eq("MultiPolygon").all()


@pytest.mark.parametrize(
    ("layer", "ars", "key", "parent"),
    [
        ("LAN", "06", "06", "DE"),
        ("RBZ", "066", "066", "06"),
        ("KRS", "06633", "06633", "06"),
        ("VWG", "066330003", "066330003", "06633"),
        ("STA", "000000000000", "DE", None),
    ],
)
def test_keys_of_every_level(
    tmp_path: Path, layer: str, ars: str, key: str, parent: str | None
) -> None:
    feat = feature(layer, ars, "Einheit", square(X0, Y0), gf=9, ags=ars[:8])
    data = reader.read(write_vg(tmp_path, f"VG5000_{layer}", [feat]))
    unit = data.units.iloc[0]
    assert unit["ags"] == key
    assert unit["parent"] == parent
    assert unit["level"] == reader.LEVEL_OF[layer]


def test_reprojects_from_gauss_krueger(tmp_path: Path) -> None:
    gk_x, gk_y = 3_534_000.0, 5_685_000.0  # near Kassel, EPSG:31467
    feat = feature("GEM", "066110000000", "Kassel", square(gk_x, gk_y), gf=9)
    data = reader.read(write_vg(tmp_path, "VG5000_GEM", [feat], crs="EPSG:31467"))
    expected = pyproj.Transformer.from_crs(31467, 25832, always_xy=True).transform(gk_x, gk_y)
    minx, miny, _, _ = data.units.geometry.iloc[0].bounds
    assert minx == pytest.approx(expected[0], abs=2.0)
    assert miny == pytest.approx(expected[1], abs=2.0)
    assert abs(minx - gk_x) > 1_000_000  # really moved out of zone 3


def test_vintage_and_attribution_from_product_files(tmp_path: Path) -> None:
    product = tmp_path / "vg250_2021"
    (product / "ebenen").mkdir(parents=True)
    (product / "aktualitaet.txt").write_bytes(b"01.01.2021\r\n")
    (product / "quellenvermerk_datenlizenz_deutschland.txt").write_bytes(
        "Quellenvermerk:\r\n© GeoBasis-DE / BKG <Jahr>\r\nVeränderungen".encode("latin-1")
    )
    data = reader.read(write_vg(product / "ebenen", "VG250_GEM", gem_features()))
    assert data.vintage == "2021-01-01"
    assert data.units.as_of.eq("2021-01-01").all()
    assert data.attribution == "© GeoBasis-DE / BKG 2021"
    assert "dl-de/by-2-0" in data.licence
    # without aktualitaet.txt the newest BEGINN is the vintage
    bare = reader.read(write_vg(tmp_path / "bare", "VG250_GEM", gem_features()))
    assert bare.vintage == "2020-10-05"


def test_hash_covers_all_side_files(tmp_path: Path) -> None:
    path = write_vg(tmp_path, "VG250_GEM", gem_features())
    first = reader.read(path).sha256
    prj = path.with_suffix(".prj")
    prj.write_text(prj.read_text() + " ")
    assert reader.read(path).sha256 != first


def _error(path: Path) -> SourceFormatError:
    return read_error(reader, path)


def test_missing_prj_is_an_error_never_a_guess(tmp_path: Path) -> None:
    path = write_vg(tmp_path, "VG250_GEM", gem_features())
    path.with_suffix(".prj").unlink()
    err = _error(path)
    assert "VG250_GEM.prj" in str(err) and "never guessed" in err.expected


def test_unreadable_prj(tmp_path: Path) -> None:
    path = write_vg(tmp_path, "VG250_GEM", gem_features())
    path.with_suffix(".prj").write_text("not a CRS")
    err = _error(path)
    assert err.file.endswith(".prj")


def test_truncated_shp(tmp_path: Path) -> None:
    path = write_vg(tmp_path, "VG250_GEM", gem_features())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    err = _error(path)
    assert "truncated" in err.message and err.file.endswith(".shp")


def test_latin1_attribute_table_names_feature_and_field(tmp_path: Path) -> None:
    feats = gem_features()
    feats[2]["GEN"] = "Ahnatal-Städtchen"
    path = write_vg(tmp_path, "VG250_GEM", feats)
    dbf = path.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes().replace("Städtchen".encode(), "Städtchen ".encode("latin-1")))
    err = _error(path)
    assert err.line == 3 and err.column == "GEN"


def test_changed_attribute_layout(tmp_path: Path) -> None:
    feats = gem_features()
    path = write_vg(tmp_path, "VG250_GEM", feats)
    import geopandas as gpd

    frame = gpd.read_file(path).rename(columns={"GEN": "NAME"})
    frame.to_file(path)
    err = _error(path)
    assert "GEN" in err.value


def test_duplicate_key_with_the_same_land_gf(tmp_path: Path) -> None:
    feats = [*gem_features(), feature("GEM", "066330001001", "Ahnatal", square(X0, Y0 + 5000))]
    err = _error(write_vg(tmp_path, "VG250_GEM", feats))
    assert err.line == 4 and "06633001" in err.value


def test_duplicate_water_part_of_a_gemeinde(tmp_path: Path) -> None:
    water = feature("GEM", "066330003003", "Baunatal", square(X0 + 3000, Y0, 100), gf=2)
    err = _error(write_vg(tmp_path, "VG250_GEM", [*gem_features(), water]))
    assert err.line == 4 and "GF 2" in err.value


def test_several_water_pieces_of_a_land_are_dissolved(tmp_path: Path) -> None:
    feats = [
        feature("LAN", "03", "Niedersachsen", square(X0, Y0), gf=9),
        feature("LAN", "03", "Niedersachsen", square(X0 + 1000, Y0), gf=8),
        feature("LAN", "03", "Niedersachsen", square(X0 + 3000, Y0), gf=8),
    ]
    data = reader.read(write_vg(tmp_path, "VG5000_LAN", feats))
    assert list(data.units.ags) == ["03"]
    assert data.units.geometry.iloc[0].area == pytest.approx(3 * 1000 * 1000)


@pytest.mark.parametrize("ags", ["0663300", "06633ABC", ""])
def test_unknown_ags(tmp_path: Path, ags: str) -> None:
    feats = gem_features()
    feats[2]["AGS"] = ags
    err = _error(write_vg(tmp_path, "VG250_GEM", feats))
    assert err.line == 3 and err.column == "AGS" and "unknown AGS" in err.message


def test_self_intersecting_polygon_names_feature_and_key(tmp_path: Path) -> None:
    feats = gem_features()
    feats[2]["geometry"] = Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)])
    err = _error(write_vg(tmp_path, "VG250_GEM", feats))
    assert err.line == 3 and err.value == "06633001"
    assert "Self-intersection" in err.message


def test_self_touching_ring_is_repaired_without_losing_area(tmp_path: Path) -> None:
    # ESRI "inverted ring": the shell runs into a hole that touches it in (X0+5, Y0+10)
    pts = [(0, 0), (10, 0), (10, 10), (5, 10), (7, 5), (3, 5), (5, 10), (0, 10)]
    ring = [(X0 + x, Y0 + y) for x, y in pts]
    poly = Polygon(ring)
    assert not poly.is_valid
    feats = gem_features()
    feats[2]["geometry"] = poly
    data = reader.read(write_vg(tmp_path, "VG250_GEM", feats))
    geom = data.units.set_index("ags").geometry["06633001"]
    assert geom.is_valid and isinstance(geom, MultiPolygon)
    assert geom.area == pytest.approx(100 - 10)  # square minus the triangular hole
    assert any("repaired" in n for n in data.notes)


def test_sniff_by_name(tmp_path: Path) -> None:
    path = write_vg(tmp_path, "VG250_GEM", gem_features())
    assert reader.sniff(path)
    assert not reader.sniff(path.with_suffix(".dbf"))
    other = write_vg(tmp_path, "roads", gem_features())
    assert not reader.sniff(other)
    err = _error(other)
    assert "VG5000_GEM" in err.expected


# ---------------------------------------------------------------- real files


@pytest.mark.realdata
def test_real_vg5000_gemeinden(shared_data: Path) -> None:
    folder = shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101"
    data = reader.read(folder / "VG5000_GEM.shp")
    data.check_columns()
    assert len(data.units) == 10_997
    assert data.units.ags.str.fullmatch(r"\d{8}").all()
    assert data.units.ags.is_unique
    assert data.units.is_valid.all()
    assert data.vintage == "2021-01-01"
    assert data.attribution == "© GeoBasis-DE / BKG 2021"
    assert data.units.crs.to_epsg() == 25832
    kassel = data.units.set_index("ags").loc["06611000"]
    assert kassel["name"] == "Kassel" and kassel["parent"] == "06611"


@pytest.mark.realdata
def test_real_vg5000_kreise_hold_the_region(shared_data: Path) -> None:
    folder = shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101"
    data = reader.read(folder / "VG5000_KRS.shp")
    region = tomllib.loads(DEFAULT_REGION.read_text(encoding="utf-8"))["region"]
    core = {c["ags"] for c in region["core"]}
    assert core <= set(data.units.ags)
    # Germany is one unit; the Swiss and Austrian parts of the Bodensee are skipped
    sta = reader.read(folder / "VG5000_STA.shp")
    assert list(sta.units.ags) == ["DE"]
    assert any("outside Germany" in n for n in sta.notes)


def test_older_vintage_without_beginn_and_wsk(tmp_path: Path) -> None:
    import geopandas as gpd

    path = write_vg(tmp_path / "vg250" / "ebenen", "VG250_GEM", gem_features())
    gpd.read_file(path).drop(columns=["BEGINN", "WSK"]).to_file(path)
    err = _error(path)  # no aktualitaet.txt and no BEGINN: no reference date
    assert "aktualitaet.txt" in err.expected
    (tmp_path / "vg250" / "aktualitaet.txt").write_text("01.01.2019\n", encoding="latin-1")
    data = reader.read(path)
    assert data.vintage == "2019-01-01" and data.units.valid_from.isna().all()
