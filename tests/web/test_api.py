"""Every API endpoint against the synthetic store: right rows, and every bad parameter gets
404/422 in the one error shape, never a 500."""

from __future__ import annotations

import csv
import io
import json

import fixture_store as fs
import pytest

API = "/api/v1"


def ok(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    return r


def test_meta(client):
    m = ok(client, f"{API}/meta.json").json()
    assert m["region"] == {"de": "Testregion", "en": "Test region"}
    assert m["levels"] == ["gemeinde", "kreis"]
    assert m["flow_levels"] == ["land", "kreis"]
    assert m["attributions"] == [fs.ATTRIBUTION]


def test_units_scope_and_levels(client):
    units = ok(client, f"{API}/units.json").json()
    gem = {u["ags"] for u in units if u["level"] == "gemeinde"}
    assert gem == set(fs.MUNICIPALITIES)
    assert all(isinstance(u["ags"], str) for u in units)
    kreise = ok(client, f"{API}/units.json?level=kreis").json()
    assert {u["ags"] for u in kreise} == set(fs.DISTRICTS)
    assert ok(client, f"{API}/units/06633003.json").json()["name"] == "Calden"


def test_indicators_periods_levels(client):
    inds = {i["id"]: i for i in ok(client, f"{API}/indicators.json").json()}
    assert inds["population"]["periods"] == list(fs.PERIODS)
    assert inds["population"]["levels"] == ["gemeinde", "kreis"]
    assert inds["unemployment_rate"]["levels"] == ["kreis"]
    assert inds["no_data_yet"]["periods"] == []
    assert ok(client, f"{API}/indicators/population.json").json()["name_en"] == "Population"


def test_values_keep_suppressed_as_missing(client):
    v = ok(client, f"{API}/values/population/gemeinde/latest.json").json()
    assert v["period"] == fs.PERIODS[-1]
    rows = {r["ags"]: r for r in v["rows"]}
    assert rows["06633003"]["value"] is None and rows["06633003"]["flag"] == "."
    assert rows["06611000"]["value"] == 201_000
    # the district containing the suppressed municipality is itself not summed as if 0
    k = {
        r["ags"]: r for r in ok(client, f"{API}/values/population/kreis/latest.json").json()["rows"]
    }
    assert k["06633"]["value"] is None and k["06633"]["flag"] == "."
    q5 = v["breaks"]["quantiles"]["5"]
    assert q5[0] == 8_100 and q5[-1] == 201_000


def test_values_older_period_and_references(client):
    v = ok(client, f"{API}/values/population/gemeinde/{fs.PERIODS[0]}.json").json()
    assert {r["ags"]: r["value"] for r in v["rows"]}["06633003"] == 7_500
    u = ok(client, f"{API}/values/unemployment_rate/kreis/latest.json").json()
    refs = {r["ags"]: r["value"] for r in u["references"]}
    assert refs == {"06": 5.0, "DE": 5.7}


def test_classified_map(client):
    url = f"{API}/maps/population/gemeinde/latest.geojson?method=manual&breaks=20000,100000"
    g = ok(client, url).json()
    props = {f["properties"]["ags"]: f["properties"] for f in g["features"]}
    assert props["06633001"]["class"] == 0  # 8,100 <= 20,000
    assert props["06633002"]["class"] == 1  # 27,900
    assert props["06611000"]["class"] == 2
    assert props["06633003"]["class"] == -1 and props["06633003"]["colour"] is None
    assert g["classification"]["counts"] == [1, 3, 3]  # 8,100 | 21,100 23,800 27,900 | rest
    assert g["classification"]["missing"] == 1
    lon, lat = g["features"][0]["geometry"]["coordinates"][0][0]
    assert 5 < lon < 16 and 47 < lat < 56  # reprojected to WGS84


def test_geometry_and_outline(client):
    g = ok(client, f"{API}/geometry/kreis.geojson").json()
    assert len(g["features"]) == 4 and len(g["bbox"]) == 4
    o = ok(client, f"{API}/outline.geojson").json()
    assert len(o["features"]) == 1
    assert len(ok(client, f"{API}/geometry/land.geojson").json()["features"]) == 3


def test_flows_filters(client):
    rows = ok(client, f"{API}/flows/kreis/latest.json").json()["rows"]
    pairs = {(r["origin"], r["destination"]): r for r in rows}
    assert pairs[("06633", "06611")]["persons"] == 40_000
    assert pairs[("03159", "05774")]["persons"] is None
    assert pairs[("03159", "05774")]["flag"] == "*"
    assert ("06611", "010xx") not in pairs  # pooled partner has no place on the map
    big = ok(client, f"{API}/flows/kreis/latest.json?min=2000").json()["rows"]
    assert {(r["origin"], r["destination"]) for r in big} == {
        ("06633", "06611"),
        ("06611", "06633"),
        ("03159", "06611"),
        ("06633", "03159"),
    }
    land = ok(client, f"{API}/flows/kreis/latest.json?cross=land").json()["rows"]
    assert all(r["origin"][:2] != r["destination"][:2] for r in land) and len(land) == 5
    to_kassel = ok(client, f"{API}/flows/kreis/latest.json?destination=06611").json()["rows"]
    assert {r["origin"] for r in to_kassel} == {"06633", "03159", "05774"}
    frm = ok(client, f"{API}/flows/kreis/latest.json?origin=06633&min=3000").json()["rows"]
    assert [(r["destination"], r["persons"]) for r in frm] == [("06611", 40_000)]


def test_flows_aggregated_to_states(client):
    rows = ok(client, f"{API}/flows/land/latest.json").json()["rows"]
    pairs = {(r["origin"], r["destination"]): r for r in rows}
    # Hessen -> Niedersachsen: 06611->03159 (1,200) + 06633->03159 (2,500)
    assert pairs[("06", "03")]["persons"] == 3_700
    assert pairs[("03", "05")]["persons"] is None  # only a suppressed part: stays unknown


def test_flow_lines_and_compact(client):
    g = ok(client, f"{API}/flows/kreis/latest.geojson").json()
    assert len(g["features"]) == 6 and g["suppressed"] == 1
    c = ok(client, f"{API}/flows/kreis/latest/compact.json").json()
    assert sorted(f[2] for f in c["flows"]) == [900, 1_200, 2_500, 3_000, 15_000, 40_000]
    assert set(c["points"]) == set(fs.DISTRICTS)


def test_unit_flows_spider(client):
    s = ok(client, f"{API}/flows/kreis/latest/units/06611.json").json()
    assert [x["partner"] for x in s["in"]] == ["06633", "03159", "05774"]
    assert s["in_total"] == 43_900 and s["out_total"] == 16_200


def test_profile(client):
    p = ok(client, f"{API}/profiles/06633002.json").json()
    fig = {f["indicator"]: f for f in p["figures"]}
    assert fig["population"]["value"] == 27_900
    assert fig["population"]["rank"] == 4 and fig["population"]["of"] == 7
    assert [x["ags"] for x in p["parents"]] == ["06633", "06"]
    assert [pt["value"] for pt in p["series"]["population"]] == [28_000, 27_900]
    k = ok(client, f"{API}/profiles/06633.json").json()
    assert {c["ags"] for c in k["children"]} == {"06633001", "06633002", "06633003"}
    assert k["flows"]["out"][0]["partner"] == "06611"


def test_search(client):
    hits = ok(client, f"{API}/search.json?q=gottingen").json()
    assert [h["ags"] for h in hits][:2] == ["03159", "03159001"]
    assert next(h["ags"] for h in ok(client, f"{API}/search.json?q=06633").json()) == "06633"
    assert ok(client, f"{API}/search.json?q=zzz").json() == []


def test_leiden_communities(client):
    r = ok(client, f"{API}/regions/leiden/kreis/latest.json").json()
    assert set(r["clusters"]) == set(fs.DISTRICTS)
    assert r["n_clusters"] == len(set(r["clusters"].values())) >= 1
    # Kassel city and its surrounding district exchange 55,000 commuters: one region
    assert r["clusters"]["06611"] == r["clusters"]["06633"]
    assert -0.5 <= r["modularity"] <= 1


def test_batches(client):
    b = ok(client, f"{API}/batches.json").json()
    assert len(b) == 3 and all(x["synthetic"] for x in b)
    assert ok(client, f"{API}/batches/1.json").json()["licence"] == "CC0-1.0"


def test_csv_download_rows_and_attribution(client):
    r = ok(client, f"{API}/downloads/indicator/population/gemeinde/latest.csv")
    assert r.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(fs.MUNICIPALITIES)
    by = {x["ags"]: x for x in rows}
    assert by["06633003"]["value"] == "" and by["06633003"]["flag"] == "."
    assert by["06633003"]["missing_reason"] == "unbekannt oder geheim / unknown or confidential (.)"
    assert by["03159002"]["value"] == "23800"  # a count of persons: an integer
    assert float(by["03159002"]["value"]) == 23_800
    assert all(x["attribution"] == fs.ATTRIBUTION and x["licence"] == "CC0-1.0" for x in rows)


def test_xlsx_geojson_gpkg_downloads(client, tmp_path):
    import openpyxl
    import pyogrio

    x = ok(client, f"{API}/downloads/indicator/unemployment_rate/kreis/latest.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames == ["Daten - Data", "Quellen - Sources"]
    assert wb["Daten - Data"].max_row == 1 + len(fs.DISTRICTS)
    g = json.loads(ok(client, f"{API}/downloads/flows/kreis/latest.geojson").content)
    assert g["attribution"] == fs.ATTRIBUTION and len(g["features"]) == 7
    p = tmp_path / "f.gpkg"
    p.write_bytes(ok(client, f"{API}/downloads/indicator/population/kreis/latest.gpkg").content)
    layers = {name for name, _ in pyogrio.list_layers(p)}
    assert "sources" in layers
    df = pyogrio.read_dataframe(p, layer=next(n for n in layers if n != "sources"))
    assert len(df) == 4 and df.crs.to_epsg() == 4326


BAD = [
    ("/units/99999.json", 404),
    ("/units/abc.json", 422),
    ("/profiles/12345678.json", 404),
    ("/indicators/nope.json", 404),
    ("/values/nope/gemeinde/latest.json", 404),
    ("/values/population/bund/latest.json", 422),
    ("/values/population/gemeinde/1999-01-01.json", 404),
    ("/values/population/gemeinde/yesterday.json", 422),
    ("/values/no_data_yet/kreis/latest.json", 404),
    ("/values/unemployment_rate/gemeinde/latest.json", 200),  # no values: empty, not an error
    ("/maps/population/kreis/latest.geojson?method=magic", 422),
    ("/maps/population/kreis/latest.geojson?k=1", 422),
    ("/maps/population/kreis/latest.geojson?method=manual", 422),
    ("/maps/population/kreis/latest.geojson?method=manual&breaks=9,3", 422),
    ("/maps/population/kreis/latest.geojson?method=manual&breaks=a", 422),
    ("/maps/population/kreis/latest.geojson?scheme=jet", 422),
    ("/geometry/bund.geojson", 422),
    ("/flows/kreis/1999-06-30.json", 404),
    ("/flows/gemeinde/latest.json", 404),
    ("/flows/kreis/latest.json?min=-1", 422),
    ("/flows/kreis/latest.json?cross=sea", 422),
    ("/flows/kreis/latest.json?origin=99999", 404),
    ("/flows/kreis/latest.json?origin=0661", 422),
    ("/flows/kreis/latest/units/99999.json", 404),
    ("/search.json", 422),
    ("/search.json?q=", 422),
    ("/batches/999.json", 404),
    ("/regions/leiden/kreis/1999-01-01.json", 404),
    ("/regions/leiden/bund/latest.json", 422),
    ("/batches/0.json", 422),
    ("/downloads/indicator/population/kreis/latest.pdf", 422),
    ("/downloads/indicator/nope/kreis/latest.csv", 404),
    ("/downloads/flows/kreis/1999-01-01.csv", 404),
    ("/nothing-here.json", 404),
    ("/toolkit/nope.json", 404),
    ("/toolkit/Bad_Id.json", 422),
    ("/goals/nope.json", 404),
    ("/briefs/09162000.json", 404),
    ("/briefs/0661.json", 422),
    ("/briefs/lma/0.json", 422),
    ("/briefs/06611000.fr.pdf", 422),
    ("/briefs/corridor/06611000/06611000.json", 422),
]


@pytest.mark.parametrize(("path", "status"), BAD)
def test_bad_parameters_one_error_shape(client, path, status):
    r = client.get(API + path)
    assert r.status_code == status, r.text
    if status >= 400:
        err = r.json()["error"]
        assert set(err) == {"type", "message", "details"}
        assert err["message"] and err["type"] in ("NotFoundError", "ParameterError")


def test_openapi_lists_every_route(client):
    """Every route of every module in web/api (found on disk, not from the app's own list, so
    a module left out of the mounting is caught too) is in the OpenAPI document."""
    import importlib
    import pkgutil

    import regionatlas.web.api as api_package

    spec = ok(client, f"{API}/openapi.json").json()
    documented = set(spec["paths"])
    modules = [
        importlib.import_module(f"{api_package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(api_package.__path__)
    ]
    routes = {API + r.path for m in modules if hasattr(m, "router") for r in m.router.routes}
    assert len(routes) >= 20
    assert routes == documented
    assert all(op.get("summary") for p in spec["paths"].values() for op in p.values())


def test_no_external_resources_in_pages(client):
    """Nothing a page loads comes from another server (no CDN, tiles or fonts); links to
    cited sources (<a href>) are allowed, they load nothing."""
    import re

    loads = re.compile(
        r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"']?(?P<a>[^\"' >]+)"
        r"|<link\b[^>]*\bhref=[\"']?(?P<b>[^\"' >]+)"
        r"|url\(\s*[\"']?(?P<c>[^\"')]+)"
        r"|@import\s+[\"'](?P<d>[^\"']+)",
        re.I,
    )
    for url in ("/de/", "/en/flows/", "/api/docs", "/de/profile/06611/", "/de/profile/06611000/"):
        html = ok(client, url).text
        found = [next(g for g in m.groups() if g) for m in loads.finditer(html)]
        assert found, url  # the pattern sees the page's own resources
        external = [u for u in found if re.match(r"(?:https?:)?//", u)]
        assert external == [], (url, external)
