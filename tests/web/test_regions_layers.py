"""Municipal functional-region layers of the regions page (web.functional, api/regions.py):
labour-market areas, Leiden communities, catchments and central places on the real region,
whose municipal flows are a modelled estimate resting on the named employment-rate
assumption. API answers, the page, the colouring and one browser run."""

from __future__ import annotations

import pytest

from regionatlas.web.serving import serving
from regionatlas.workflows.assumptions import national_employment_rate

API = "/api/v1/regions/functional"
LAYERS = ("lma", "leiden", "catchments", "central-places")


@pytest.fixture(scope="module")
def real_store(tmp_path_factory, shared_data):
    from regionatlas.region import load_region
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.store import open_store
    from regionatlas.workflows.ingest.build import build_region

    path = tmp_path_factory.mktemp("layers") / "atlas.gpkg"
    store = open_store(str(path))
    try:
        build_region(store, load_region(DEFAULT_REGION))
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def real_app(real_store):
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.web.app import create_app

    return create_app(str(real_store), DEFAULT_REGION)


@pytest.fixture(scope="module")
def rc(real_app):
    from fastapi.testclient import TestClient

    with TestClient(real_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def region_municipalities(real_store) -> set[str]:
    """The region's municipalities at the newest Gebietsstand, as the store holds them
    (independent of the layers)."""
    from regionatlas.region import load_region
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.store import open_store
    from regionatlas.workflows.loading import region_districts

    districts = set(region_districts(load_region(DEFAULT_REGION)))
    store = open_store(str(real_store), create=False)
    try:
        u = store.units(level="gemeinde")
    finally:
        store.close()
    u = u[u["as_of"] == u["as_of"].max()]  # the newest Gebietsstand
    return {a for a in u["ags"].astype(str) if a[:5] in districts}


def get(client, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# ------------------------------------------------------------------------------ API


@pytest.mark.realdata
@pytest.mark.parametrize("layer", LAYERS)
def test_layer_is_labelled_modelled_estimate_with_assumption(rc, layer):
    d = get(rc, f"{API}/{layer}.json")
    a = national_employment_rate()
    assert d["basis"] == "modelled estimate"
    assert d["assumption"]["value"] == a.value
    assert d["assumption"]["note_de"] == a.note_de and d["assumption"]["note_en"] == a.note_en
    assert d["assumption"]["sources"]
    assert "assumed employment rate" in d["flow_note"]
    assert d["note"] and d["attribution"] and d["period"]


@pytest.mark.realdata
def test_every_municipality_in_exactly_one_lma(rc, region_municipalities):
    d = get(rc, f"{API}/lma.json")
    keys = [m["ags"] for m in d["municipalities"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == region_municipalities
    areas = {a["lma"]: a for a in d["areas"]}
    assert d["n_areas"] == len(areas) > 1
    by_area: dict[int, list[dict]] = {}
    for m in d["municipalities"]:
        if m["lma"] is None:
            assert m["status"] != "assigned"
            continue
        assert m["status"] == "assigned"
        by_area.setdefault(m["lma"], []).append(m)
    assert set(by_area) == set(areas)
    row = {m["ags"]: m for m in d["municipalities"]}
    for c, members in by_area.items():
        a = areas[c]
        assert a["municipalities"] == len(members)
        assert row[a["main_centre"]]["lma"] == c  # the main centre lies in its own area
        assert 0 < a["sc_supply_side"] <= 1 and 0 < a["sc_demand_side"] <= 1
        # supply side: internal / residents, demand side: internal / jobs
        assert a["sc_supply_side"] == pytest.approx(a["internal"] / a["residents"], abs=1e-3)
        assert a["sc_demand_side"] == pytest.approx(a["internal"] / a["jobs"], abs=1e-3)
        assert all(m["main_centre"] == a["main_centre"] for m in members)


@pytest.mark.realdata
def test_leiden_partition_and_comparison(rc, region_municipalities):
    d = get(rc, f"{API}/leiden.json")
    assert {m["ags"] for m in d["municipalities"]} == region_municipalities
    counts: dict[int, int] = {}
    for m in d["municipalities"]:
        if m["leiden"] is None:  # only places without any flow (unincorporated areas)
            assert m["lma"] is None
            continue
        counts[m["leiden"]] = counts.get(m["leiden"], 0) + 1
    assert sum(counts.values()) > 0.9 * len(region_municipalities)
    assert {c["leiden"]: c["municipalities"] for c in d["communities"]} == counts
    assert d["n_communities"] == len(counts)
    c = d["comparison"]
    assert -1 <= c["adjusted_rand"] <= 1 and 0 <= c["nmi"] <= 1
    assert -1 <= d["modularity"] <= 1


@pytest.mark.realdata
def test_catchments_of_the_top_centres(rc, region_municipalities):
    d = get(rc, f"{API}/catchments.json?n_centres=5")
    assert d["n_centres"] == 5 and len(d["centres"]) == 5
    ranks = [c["rank"] for c in d["centres"]]
    assert ranks == sorted(ranks)
    inflow = [c["in_commuters"] for c in d["centres"]]
    assert inflow == sorted(inflow, reverse=True)
    centres = {c["ags"] for c in d["centres"]}
    assert {m["ags"] for m in d["municipalities"]} == region_municipalities
    assert {m["ags"] for m in d["municipalities"] if m["is_centre"]} == centres
    with_centre = [m for m in d["municipalities"] if m["centre"]]
    assert len(with_centre) > len(region_municipalities) / 2
    for m in with_centre:
        assert m["centre"] in centres and m["centre"] != m["ags"]
        assert 0 <= m["share"] <= 1
    # the dominant-flow hierarchy points into the region
    targets = {m["dominant_target"] for m in d["municipalities"] if m["dominant_target"]}
    assert targets and targets <= region_municipalities


@pytest.mark.realdata
def test_central_places_matrix_adds_up(rc, region_municipalities):
    d = get(rc, f"{API}/central-places.json")
    places = d["municipalities"]
    assert {m["ags"] for m in places} == region_municipalities
    total = sum(sum(row) for row in d["matrix"]["counts"])
    assert total == len(places)
    assert sum(d["categories"].values()) == len(places)
    cited = [m for m in places if m["designated_level"] is not None]
    assert cited and all(m["designation_source"] for m in cited)
    for m in places:
        if m["designated_level"] is None:
            assert m["category"] == "no_designation" and m["designation_source"] is None
        elif m["functional_level"] is not None:
            diff = m["functional_level"] - m["designated_level"]
            expected = "above" if diff > 0 else "below" if diff < 0 else "as_designated"
            assert m["category"] == expected
    assert d["above"] == [m["ags"] for m in places if m["category"] == "above"]
    assert d["below"] == [m["ags"] for m in places if m["category"] == "below"]
    # the row of places without a cited designation holds exactly those places
    row = d["matrix"]["rows"].index("no cited designation")
    assert sum(d["matrix"]["counts"][row]) == len(places) - len(cited)
    assert "cited file" in d["designation_basis"]


@pytest.mark.realdata
def test_central_places_without_measured_jobs_are_not_assessable(rc):
    """On the bundle the municipal jobs are modelled in proportion to population: only the
    kreisfreie Stadt Kassel (a district of one municipality) can be judged; every other
    designated place is 'not assessable' with the reason, never 'below designation'."""
    d = get(rc, f"{API}/central-places.json")
    places = {m["ags"]: m for m in d["municipalities"]}
    judged = {a for a, m in places.items() if m["category"] in ("above", "below", "as_designated")}
    assert judged == {"06611000"}
    paderborn = places["05774032"]
    assert paderborn["category"] == "not_assessable" and paderborn["functional_level"] is None
    assert "jobs at municipal level not measured" in paderborn["assessment"]
    assert d["categories"]["not_assessable"] == sum(
        1 for m in places.values() if m["designated_level"] is not None and a_not(m)
    )
    assert "not assessable" in d["matrix"]["columns"]
    # the basis note in both page languages
    assert "nicht beurteilbar" in d["note_de"] and "not assessable" in d["note_en"]
    assert d["note_de"] != d["note_en"] and "Modellschätzung" in d["flow_note_de"]


@pytest.mark.realdata
def test_regions_page_states_its_basis_in_the_page_language(rc):
    de = rc.get("/de/regions/").text
    en = rc.get("/en/regions/").text
    assert "Modellschätzung: Gemeindeströme aus einem zweiseitig" in de
    assert "doubly-constrained spatial-interaction model" not in de
    assert "doubly-constrained spatial-interaction model" in en


def a_not(m: dict) -> bool:
    return m["category"] == "not_assessable"


BAD = [
    f"{API}/lma.json?min_size=20000",  # min_size >= target_size
    f"{API}/lma.json?min_sc=1.5",
    f"{API}/lma.json?target_size=abc",
    f"{API}/leiden.json?resolution=-1",
    f"{API}/catchments.json?n_centres=0",
    f"{API}/catchments.json?n_centres=many",
]


@pytest.mark.realdata
@pytest.mark.parametrize("url", BAD)
def test_bad_parameter_is_422_in_the_error_shape(rc, url):
    r = rc.get(url)
    assert r.status_code == 422
    err = r.json()["error"]
    assert set(err) == {"type", "message", "details"} and err["message"]


@pytest.mark.realdata
def test_other_parameters_give_another_partition(rc):
    default = get(rc, f"{API}/lma.json")
    bigger = get(rc, f"{API}/lma.json?min_size=20000&target_size=100000")
    assert bigger["params"]["min_size"] == 20000
    assert bigger["n_areas"] < default["n_areas"]


@pytest.mark.realdata
@pytest.mark.parametrize(("lang", "label"), [("de", "basis_estimate"), ("en", "basis_estimate")])
def test_page_shows_basis_assumption_and_switch(rc, lang, label):
    from regionatlas.web.i18n import catalogue

    html = rc.get(f"/{lang}/regions/").text
    texts = catalogue(lang)
    note = getattr(national_employment_rate(), f"note_{lang}")
    assert texts[f"regions_layers.{label}"] in html
    # the page labels the assumption itself, so the note appears without its own label,
    # and the label appears once ("Annahme: Annahme:" was a visible duplication)
    own_label, text = note.split(":", 1)
    assert text.strip() in html
    assert f"{own_label}: {own_label}:" not in html
    assert f"<strong>{texts['regions_layers.assumption']}:</strong> {text.strip()}" in html
    for layer in ("lma", "leiden", "catchments", "central_places"):
        assert f'name="layer" value="{layer}"' in html
        assert texts[f"regions_layers.{layer}"] in html
    assert 'id="layers-map"' in html and 'id="layers-attribution"' in html


@pytest.mark.realdata
def test_static_export_lists_the_layers(real_app):
    from regionatlas.web.export import urls

    listed = set(urls(real_app.state.atlas))
    for layer in LAYERS:
        assert f"{API}/{layer}.json" in listed


# -------------------------------------------------------- the synthetic fixture store


def test_store_without_internal_flows_has_no_layers(client):
    """The small synthetic store has a suppressed population: flows within districts cannot
    be estimated, so the layers answer 404 and the page says why (no empty map)."""
    from regionatlas.web.i18n import catalogue

    r = client.get(f"{API}/lma.json")
    assert r.status_code == 404
    assert "within districts" in r.json()["error"]["message"]
    html = client.get("/en/regions/").text
    assert catalogue("en")["regions_layers.unavailable"] in html
    assert 'id="layers-map"' not in html


# ----------------------------------------------------------------------- colouring


def test_neighbouring_classes_get_different_colours():
    from regionatlas.web.functional import N_COLOURS, colour_classes

    # a ring of five classes (odd cycle: needs three colours) and a hub touching all of them
    ring = ["a", "b", "c", "d", "e"]
    membership = {u: i + 1 for i, u in enumerate(ring)} | {"hub": 9, "hub2": 9}
    pairs = [(ring[i], ring[(i + 1) % 5]) for i in range(5)] + [(u, "hub") for u in ring]
    colours = colour_classes(membership, pairs)
    assert set(colours) == {1, 2, 3, 4, 5, 9}
    for a, b in pairs:
        assert colours[membership[a]] != colours[membership[b]]
    assert all(0 <= c < N_COLOURS for c in colours.values())
    # units of the same class never force a conflict with themselves
    assert colour_classes({"x": 1, "y": 1}, [("x", "y")]) == {1: 0}
    # up to N_COLOURS classes all get their own colour, neighbours or not
    few = {f"u{i}": i for i in range(N_COLOURS)}
    assert len(set(colour_classes(few, []).values())) == N_COLOURS


# ------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def real_server(real_app):
    with serving(real_app) as url:
        yield url


def wait_layer(page, layer: str) -> int:
    page.wait_for_function(
        f"(document.body.dataset.layerReady || '').startsWith({layer + '/'!r})",
        timeout=60_000,
    )
    return int(page.evaluate("document.body.dataset.layerReady").split("/")[1])


@pytest.mark.browser
@pytest.mark.realdata
def test_switch_to_lma_layer_in_browser(page, real_server, region_municipalities):
    from axe_playwright_python.sync_playwright import Axe
    from test_browser import distinct_colours, shot

    page.goto(f"{real_server}/de/regions/#layer=central_places")
    wait_layer(page, "central_places")
    shot(page, "regions-layers-central-places-de", "#layers .map-layout")
    assert page.locator("#layers-matrix table tbody tr").count() == 5
    assert "keine zitierte Festlegung" in page.locator("#layers-legend").inner_text()
    assert Axe().run(page).violations_count == 0
    page.get_by_role("radio", name="Arbeitsmarktregionen").check()
    n = wait_layer(page, "lma")
    assert n == len(region_municipalities)
    assert page.locator("#layers-table tbody tr").count() == n
    assert "layer=lma" in page.evaluate("location.hash")
    assert len(distinct_colours(shot(page, "regions-layers-lma-de", "#layers-map"))) > 3
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# ------------------------------------------------------- start-up warm-up and its cache file


@pytest.mark.realdata
def test_warm_up_answers_like_a_fresh_computation_and_survives_a_restart(real_store, tmp_path):
    import json

    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.web import functional, functional_cache, warmup
    from regionatlas.web.atlas import Atlas

    first = Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path)
    assert not warmup.load_saved(first)  # nothing saved yet
    assert functional_cache.warm(first) == "computed"
    assert len(list(tmp_path.glob("functional-*.pickle"))) == 1
    for key, _ in functional.default_answers(first):  # what the first request reads
        assert ("json", key) in first.cache and ("gzip", key) in first.cache

    restarted = Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path)
    assert warmup.load_saved(restarted)
    assert functional_cache.warm(restarted) == "cached"  # nothing left to compute

    fresh = Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path / "elsewhere")
    fresh.refresh(force=True)
    for (key, _), (_, compute) in zip(
        functional.default_answers(restarted), functional.default_answers(fresh), strict=True
    ):
        body = json.dumps(compute(), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        assert restarted.cache.entries([("json", key)])[("json", key)] == body.encode("utf-8"), key
    # the loaded flow basis serves other parameters too, with the same result
    other = functional.lma_params(min_size=20_000, target_size=100_000)
    assert functional.lma_payload(restarted, other) == functional.lma_payload(fresh, other)
    assert not (tmp_path / "elsewhere").exists()  # the fresh atlas never warmed

    # a damaged file is ignored (and would be rewritten by the next warm-up)
    path = functional_cache.cache_path(restarted, functional_cache.fingerprint(restarted))
    path.write_bytes(b"not a pickle")
    assert not warmup.load_saved(Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path))


@pytest.mark.realdata
def test_cache_file_is_keyed_by_region_and_store_state(real_store, tmp_path):
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.web import functional_cache
    from regionatlas.web.atlas import Atlas

    a = Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path)
    b = Atlas(str(real_store), DEFAULT_REGION, cache_dir=tmp_path)
    assert functional_cache.fingerprint(a) == functional_cache.fingerprint(b)
    edited = tmp_path / "region.toml"
    edited.write_text(DEFAULT_REGION.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    c = Atlas(str(real_store), edited, cache_dir=tmp_path)
    assert functional_cache.fingerprint(c) != functional_cache.fingerprint(a)
    # a rollback (on a copy of the store) changes the store state, hence the fingerprint
    import shutil

    from regionatlas.store import open_store

    copy = tmp_path / "copy.gpkg"
    shutil.copyfile(real_store, copy)
    store = open_store(str(copy), create=False)
    try:
        store.rollback(store.batches()[-1].id)
    finally:
        store.close()
    d = Atlas(str(copy), DEFAULT_REGION, cache_dir=tmp_path)
    assert functional_cache.fingerprint(d) != functional_cache.fingerprint(a)


# --------------------------------------------- ended units: Anrode and Dünwald (web.ended)

ENDED = {"16064073": "Anrode", "16064014": "Dünwald"}


@pytest.mark.realdata
def test_dissolved_municipalities_carry_their_reason(rc):
    g = get(rc, "/api/v1/geometry/gemeinde.geojson")
    ended = {f["properties"]["ags"]: f["properties"] for f in g["features"]}
    ended = {a: p for a, p in ended.items() if p.get("ended")}
    assert set(ended) == set(ENDED)
    for ags, p in ended.items():
        assert p["name"] == ENDED[ags]
        assert p["ended_date"] == "2023-01-01" and p["ended_as_of"] < p["ended_reference"]
        assert "Mühlhausen/Thüringen" in p["ended_to"]
    # no value is made up for them: the newest population has none (not 0)
    v = get(rc, "/api/v1/values/population/gemeinde/latest.json")
    rows = {r["ags"]: r for r in v["rows"]}
    assert all(rows[a]["value"] is None for a in ENDED)
    # districts: none ended (Eisenach's merger is a recorded reform)
    k = get(rc, "/api/v1/geometry/kreis.geojson")
    assert not [f for f in k["features"] if f["properties"].get("ended")]


@pytest.mark.browser
@pytest.mark.realdata
@pytest.mark.parametrize(
    ("lang", "text"), [("de", "am 1. Januar 2023 aufgelöst"), ("en", "dissolved on 1 January 2023")]
)
def test_start_page_explains_dissolved_municipalities(page, real_server, lang, text):
    page.goto(f"{real_server}/{lang}/")
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=60_000)
    row = page.locator("#legend-ended")
    assert row.locator(".count").inner_text() == "2"
    notes = page.locator("#legend .ended-notes li").all_inner_texts()
    assert len(notes) == 2 and all(text in n for n in notes)
    assert {n.split(":")[0] for n in notes} == set(ENDED.values())
    # drawn as their own class (not hatched as confidential), and the tooltip gives the reason
    own = page.evaluate(
        "() => [...new Set(window.atlasMap.querySourceFeatures('units')"
        ".filter((f) => f.properties.c === -2).map((f) => f.properties.ags))].sort()"
    )
    assert own == sorted(ENDED)
    x, y = page.evaluate(
        """() => {  // a pixel of the map where Anrode is drawn
          const m = window.atlasMap;
          const c = m.getCanvas().getBoundingClientRect();
          const hits = [];  // then the middle one of the pixels (not at an edge)
          for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) {
            const hit = m.queryRenderedFeatures([x, y], { layers: ['units-ended'] });
            if (hit.some((f) => f.properties.ags === '16064073')) hits.push([x, y]);
          }
          const [x, y] = hits[Math.floor(hits.length / 2)];
          return [c.left + x, c.top + y];
        }"""
    )
    # the dotted pattern is drawn there (not the grey of a missing image)
    import io

    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB")).astype(int)
    patch = img[int(y) - 2 : int(y) + 3, int(x) - 2 : int(x) + 3].reshape(-1, 3)
    light, dot = np.array([0xEC, 0xE8, 0xF2]), np.array([0x6A, 0x5A, 0x8C])
    near = lambda c: (np.abs(patch - c).sum(axis=1) < 40).any()  # noqa: E731
    assert near(light) and near(dot), patch[:5]
    page.mouse.move(x, y)
    tip = page.locator(".tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert tip.inner_text().startswith("Anrode") and text in tip.inner_text()
    # the table says it too
    cell = page.locator("#values-table tbody tr[data-ags='16064073'] td").nth(2)
    assert cell.inner_text() in ("aufgelöst, keine Daten", "dissolved, no data")
