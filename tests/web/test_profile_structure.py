"""Profile structure charts (population by sex, sectors, age pyramid) and the region profile on
a synthetic store: the fixture store plus observations written through the store API for
sector and age-band indicators (with confidentiality markers), discovered through catalogue
``structure`` keys. Every number here is synthetic and the expected results are computed
from the constants below, not copied from the implementation."""

from __future__ import annotations

import re

import fixture_store as fs
import pandas as pd
import pytest

from regionatlas.model.schema import OBSERVATION_COLUMNS
from regionatlas.store import open_store
from regionatlas.web.charts import bars_svg, pyramid_svg
from regionatlas.web.profile_structure import structure_specs

AGS = "06633002"  # Baunatal in the fixture
PERIOD, OLD = "2023-06-30", "2022-06-30"
# sector id -> (structure_order, value or marker); deliberately listed out of order
SECTORS = {
    "emp_sector_services": (3, 900.0),
    "emp_sector_agriculture": (1, "."),
    "emp_sector_industry": (2, 450.0),
}
# band -> (order, male, female); "*" = withheld
BANDS = {"0-17": (1, 2500.0, 2400.0), "18-64": (2, 9000.0, "*"), "65+": (3, 3000.0, 3600.0)}
MALE, FEMALE = 13_800.0, 14_100.0


def structure_catalogue() -> pd.DataFrame:
    """Catalogue rows as the indicator catalogue carries them (structure keys included)."""
    rows = []
    for ind, (order, _) in SECTORS.items():
        label = ind.removeprefix("emp_sector_")
        rows.append(
            dict(
                id=ind,
                name_de=f"Beschäftigte {label}",
                name_en=f"Employees {label}",
                unit="Personen",
                structure="sectors",
                structure_order=order,
            )
        )
    for band, (order, _, _) in BANDS.items():
        for sex in ("male", "female"):
            rows.append(
                dict(
                    id=f"age_{sex}_{order}",
                    name_de=f"Alter {band} {sex}",
                    name_en=f"Age {band} {sex}",
                    unit="Personen",
                    structure="age_pyramid",
                    structure_sex=sex,
                    structure_band=band,
                    structure_order=order,
                )
            )
    rows.append(dict(id="population", name_de="Bevölkerung", name_en="Population", unit="P"))
    return pd.DataFrame(rows)


def _obs(ags: str, ind: str, period: str, v) -> tuple:
    return (ags, ind, period, None, v) if isinstance(v, str) else (ags, ind, period, v, None)


def structure_observations() -> pd.DataFrame:
    rows = []
    for ind, (_, v) in SECTORS.items():
        rows.append(_obs(AGS, ind, PERIOD, v))
        rows.append(_obs(AGS, ind, OLD, 1.0))  # an older period the chart must not show
    for order, m, f in BANDS.values():
        rows.append(_obs(AGS, f"age_male_{order}", PERIOD, m))
        rows.append(_obs(AGS, f"age_female_{order}", PERIOD, f))
    rows.append((AGS, "employed_residents.men", PERIOD, 7_000.0, None))
    rows.append((AGS, "employed_residents.women", PERIOD, None, "*"))
    rows.append((AGS, "population_male", "2023-12-31", MALE, None))
    rows.append((AGS, "population_female", "2023-12-31", FEMALE, "derived"))
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


PACKAGED_AGS = "03159002"  # Hann. Münden: observations for the packaged catalogue's ids


def packaged_observations() -> pd.DataFrame:
    """One synthetic value per structure indicator of the packaged catalogue (value = 100 ×
    its position), the first sector withheld ("*")."""
    from regionatlas.indicators.catalogue import catalogue

    cat = catalogue()
    ids = list(cat.loc[cat["structure"].notna(), "id"])
    rows = [_obs(PACKAGED_AGS, i, PERIOD, 100.0 * (k + 1)) for k, i in enumerate(ids)]
    first = structure_specs(cat)["sectors"][0]["indicator"]
    rows = [r if r[1] != first else _obs(PACKAGED_AGS, first, PERIOD, "*") for r in rows]
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


@pytest.fixture(scope="module")
def atlas(tmp_path_factory, region_file):
    from regionatlas.web.atlas import Atlas

    d = tmp_path_factory.mktemp("structure")
    path = fs.build(d / "atlas.gpkg")
    store = open_store(path)
    try:
        store.import_source(fs._source(d, "structure", observations=structure_observations()))
        store.import_source(fs._source(d, "packaged", observations=packaged_observations()))
    finally:
        store.close()
    a = Atlas(str(path), region_file)
    yield a
    a.close()


@pytest.fixture(scope="module")
def specs():
    return structure_specs(structure_catalogue())


def test_specs_follow_the_catalogue_order_and_pair_the_sexes(specs):
    assert [s["indicator"] for s in specs["sectors"]] == sorted(
        SECTORS, key=lambda k: SECTORS[k][0]
    )
    assert [b["band"] for b in specs["age_pyramid"]] == list(BANDS)
    first = specs["age_pyramid"][0]
    assert (first["male"], first["female"]) == ("age_male_1", "age_female_1")


def test_catalogue_without_structure_keys_gives_no_specs():
    assert structure_specs(pd.DataFrame([dict(id="population")])) == {
        "sectors": [],
        "age_pyramid": [],
        "sources": {},
    }


def test_packaged_catalogue_has_sectors_and_a_full_pyramid():
    from regionatlas.indicators.catalogue import catalogue

    cat = catalogue()
    specs = structure_specs(cat)
    n_age = int((cat["structure"] == "age_pyramid").sum())
    assert specs["sectors"] and len(specs["age_pyramid"]) * 2 == n_age
    assert all(b["male"] and b["female"] for b in specs["age_pyramid"])


def test_profile_structure_from_store(atlas, specs):
    from regionatlas.web.profile import profile_data

    p = profile_data(atlas, AGS, specs=specs)
    st = p["structure"]
    assert st["missing"] == []
    sec = st["sectors"]
    assert sec["period"] == PERIOD
    order = sorted(SECTORS, key=lambda k: SECTORS[k][0])
    assert [r["indicator"] for r in sec["rows"]] == order
    agri = sec["rows"][0]
    assert agri["value"] is None and agri["flag"] == "."  # the marker, never 0
    assert sec["rows"][2]["value"] == SECTORS["emp_sector_services"][1]
    bands = st["age_pyramid"]["bands"]
    assert [b["band"] for b in bands] == list(BANDS)
    assert bands[1]["female"] == {"value": None, "flag": "*"}
    assert bands[2]["male"]["value"] == BANDS["65+"][1]
    sex = st["sex"]["population"]
    assert (sex["male"]["value"], sex["female"]["value"]) == (MALE, FEMALE)
    emp = st["sex"]["employed_residents"]
    assert emp["male"]["value"] == 7_000.0 and emp["female"] == {"value": None, "flag": "*"}
    # structure indicators stay out of the key-figure table
    shown = {f["indicator"] for f in p["figures"]}
    assert not shown & {s["indicator"] for s in specs["sectors"]}


def test_packaged_catalogue_ids_become_charts(atlas):
    """Default specs (the packaged catalogue): every sector and every band is drawn."""
    from regionatlas.indicators.catalogue import catalogue
    from regionatlas.web.pages.profiles import profile_page_body
    from regionatlas.web.profile import profile_data

    specs = structure_specs(catalogue())
    st = profile_data(atlas, PACKAGED_AGS)["structure"]
    assert st["missing"] == []
    assert [r["indicator"] for r in st["sectors"]["rows"]] == [
        s["indicator"] for s in specs["sectors"]
    ]
    assert st["sectors"]["rows"][0] == {**st["sectors"]["rows"][0], "value": None, "flag": "*"}
    assert [b["band"] for b in st["age_pyramid"]["bands"]] == [
        b["band"] for b in specs["age_pyramid"]
    ]
    html = profile_page_body(atlas, "en", PACKAGED_AGS)
    sec = html[html.index('aria-labelledby="sectors-t sectors-d"') :]
    sec = sec[: sec.index("</svg>")]
    assert sec.count("<rect") == len(specs["sectors"]) - 1  # none for the withheld sector
    age = html[html.index('aria-labelledby="age-t age-d"') :]
    age = age[: age.index("</svg>")]
    assert age.count("<rect") == 2 * len(specs["age_pyramid"])


def test_unit_without_structure_names_the_sources(atlas, specs):
    from regionatlas.web.profile import profile_data

    st = profile_data(atlas, "06633001", specs=specs)["structure"]
    assert st["sectors"] is None and st["age_pyramid"] is None
    sources = {m["part"]: m["source"] for m in st["missing"]}
    assert "BA Gemeindedaten" in sources["sectors"]
    assert "12411-02-03-5" in sources["age_pyramid"]
    assert "population" not in st["sex"]  # the fixture holds no population by sex there


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_renders_accessible_charts_with_markers(atlas, specs, lang):
    from regionatlas.web.pages.profiles import profile_page_body

    html = profile_page_body(atlas, lang, AGS, specs=specs)
    for chart in ("sectors", "age", "sex-population", "sex-employed_residents"):
        assert f'aria-labelledby="{chart}-t {chart}-d"' in html
        assert f'<title id="{chart}-t">' in html and f'<desc id="{chart}-d">' in html
    reason = {"de": "unbekannt oder geheim", "en": "unknown or confidential"}[lang]
    agri = re.search(r"<th scope=\"row\">[^<]*agriculture[^<]*</th><td[^>]*>(.*?)</td>", html)
    assert agri is not None and reason in agri.group(1) and ">0<" not in agri.group(1)
    withheld = {"de": "Geheimhaltung", "en": "confidentiality"}[lang]
    row = re.search(r"<th scope=\"row\">18-64</th>(.*?)</tr>", html)
    assert row is not None and withheld in row.group(1) and ">*</abbr>" in row.group(1)
    # pyramid: one bar per numeric cell (5 of 6), none for the withheld cell
    age_svg = html[html.index('aria-labelledby="age-t age-d"') :]
    age_svg = age_svg[: age_svg.index("</svg>")]
    assert age_svg.count("<rect") == 5
    assert 'class="note missing-structure"' not in html


def test_page_without_structure_says_not_imported(client):
    notes = {}
    for lang in ("de", "en"):
        html = client.get(f"/{lang}/profile/06633001/").text
        notes[lang] = re.findall(r'<p class="note missing-structure">(.*?)</p>', html)
    assert len(notes["en"]) == 2 and all("not imported yet" in n for n in notes["en"])
    # the source named is the catalogue's (12411-02-03-5 for the age groups)
    from regionatlas.indicators.catalogue import catalogue

    cat = catalogue()
    for n, kind in zip(notes["en"], ("sectors", "age_pyramid"), strict=True):
        sources = set(cat.loc[cat["structure"] == kind, "source"])
        assert sources and all(src in n for src in sources)
    assert "12411-02-03-5" in notes["en"][1]
    assert all("noch nicht importiert" in n for n in notes["de"])


def test_bars_with_labels_above_scale_alike():
    rows = [{"label": "long " * 20, "value": 30.0}, {"label": "b", "value": 90.0}]
    svg = bars_svg("t", rows, "en", "T", width=400, label_width=0)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(widths[1] / 3, abs=0.1)
    assert all(float(x) < 10 for x in re.findall(r'<rect x="([\d.]+)"', svg))


def test_bars_scale_and_markers():
    rows = [
        {"label": "a", "value": 50.0, "flag": None},
        {"label": "b", "value": 100.0, "flag": None},
        {"label": "c", "value": None, "flag": "x", "flag_text": "x (locked)"},
    ]
    svg = bars_svg("t", rows, "en", "T", width=400, label_width=100)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2  # no bar for the marker row
    assert widths[0] == pytest.approx(widths[1] / 2, abs=0.1)
    assert "x (locked)" in svg


def test_pyramid_puts_men_left_and_women_right():
    bands = [
        {"band": "0-9", "male": {"value": 10.0, "flag": None}, "female": {"value": 5.0}},
    ]
    svg = pyramid_svg("p", bands, "en", "P", "Men", "Women", width=460)
    rects = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    (xm, wm), (xf, wf) = [(float(x), float(w)) for x, w in rects]
    assert xm + wm <= xf  # the male bar ends left of where the female bar starts
    assert wm == pytest.approx(2 * wf, abs=0.1)


# ------------------------------------------------------------------------- region profile
def _core_sum(i: int) -> float | None:
    vals = [v[i] for a, v in fs.POPULATION.items() if a[:5] in fs.CORE]
    return None if any(v is None for v in vals) else float(sum(vals))


def test_region_profile_adds_up_the_core_districts(client):
    r = client.get("/api/v1/profiles/region.json")
    assert r.status_code == 200
    p = r.json()
    assert p["unit"]["level"] == "region" and p["unit"]["name"] == "Testregion"
    series = {pt["period"]: pt for pt in p["series"]["population"]}
    assert series[fs.PERIODS[0]]["value"] == _core_sum(0)
    # a core municipality is withheld in 2023: the region's total is the marker, not a sum
    assert _core_sum(1) is None
    assert series[fs.PERIODS[1]]["value"] is None and series[fs.PERIODS[1]]["flag"] == "."
    assert {c["ags"] for c in p["children"] if c["role"] == "core"} == set(fs.CORE)
    assert {c["ags"] for c in p["children"] if c["role"] == "ring"} == set(fs.RING)


def test_region_flows_are_relations_with_the_outside(client):
    p = client.get("/api/v1/profiles/region.json").json()
    inside = set(fs.CORE)
    expected_in = {
        o: v for o, d, v, f in fs.FLOWS if d in inside and o not in inside and v is not None
    }
    got_in = {r["partner"]: r["persons"] for r in p["flows"]["in"]}
    assert got_in == expected_in
    out = {r["partner"]: r for r in p["flows"]["out"]}
    assert out["05774"]["persons"] is None and out["05774"]["flag"] == "*"
    assert not set(out) & inside  # flows between core districts are internal


@pytest.mark.parametrize("lang", ["de", "en"])
def test_region_page(client, lang):
    r = client.get(f"/{lang}/profile/region/")
    assert r.status_code == 200
    name = {"de": "Testregion", "en": "Test region"}[lang]
    assert f"<h1>{name}" in r.text
    assert client.get(f"/{lang}/profile/06633/").text.count("/profile/region/") == 1


def test_region_profile_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/profiles/region.json" in paths
    doc = paths["/api/v1/profiles/{ags}.json"]["get"]["description"]
    assert "modelled estimate" in doc and "central_place" in doc


def test_no_region_no_region_profile(web_store):
    from fastapi.testclient import TestClient

    from regionatlas.web.app import create_app

    with TestClient(create_app(str(web_store), None), raise_server_exceptions=False) as c:
        assert c.get("/api/v1/profiles/region.json").status_code == 404


def test_static_export_lists_the_region_profile(atlas):
    from regionatlas.web.export import urls

    listed = set(urls(atlas))
    assert {"/de/profile/region/", "/en/profile/region/"} <= listed
    assert "/api/v1/profiles/region.json" in listed


def test_region_locator_highlights_the_core(atlas):
    from regionatlas.web.pages.profiles import region_profile_page_body

    html = region_profile_page_body(atlas, "en")
    loc = html[html.index('<svg class="locator"') :]
    loc = loc[: loc.index("</svg>")]
    assert loc.count('class="me"') == len(fs.CORE)
    assert loc.count('class="other"') == len(fs.DISTRICTS) - len(fs.CORE)


def _cited_rows() -> dict[str, dict[str, str]]:
    import csv

    from regionatlas.workflows.functional import CURATED_CENTRAL_PLACES

    with open(CURATED_CENTRAL_PLACES, encoding="utf-8", newline="") as fh:
        return {r["ags"]: r for r in csv.DictReader(fh)}


def test_designation_without_flows_is_still_cited(client):
    """The fixture store has no flows within districts: no functional level, but a
    municipality listed in the cited file shows its designation and citation, and one
    that is not listed says "no cited designation" (never "no central place")."""
    cited = _cited_rows()
    listed = [a for a in fs.MUNICIPALITIES if a in cited]
    unlisted = [a for a in fs.MUNICIPALITIES if a not in cited]
    assert listed and unlisted  # the fixture's keys cover both cases
    p = client.get(f"/api/v1/profiles/{listed[0]}.json").json()["central_place"]
    assert p["basis"] is None and p["assumption"] is None
    place = p["place"]
    assert place["designated_level"] == int(cited[listed[0]]["level"])
    assert place["citation"]["plan"] == cited[listed[0]]["plan"]
    assert place["functional_level"] is None and place["category"] == "no_data"
    q = client.get(f"/api/v1/profiles/{unlisted[0]}.json").json()["central_place"]["place"]
    assert q["designated_level"] is None and q["category"] == "no_designation"
    html = client.get(f"/de/profile/{unlisted[0]}/").text
    sec = re.search(r'class="profile-central">(.*?)</section>', html, re.S).group(1)
    assert "keine zitierte Festlegung" in sec and "kein zentraler Ort" not in sec
    assert "regions/#layer" not in sec  # no functional layer to link to


def test_children_grouped_by_level(client):
    html = client.get("/en/profile/06633/").text
    m = re.search(r"<h3>Municipalities <span class=\"meta\">\((\d+)\)</span></h3>", html)
    assert m is not None
    assert int(m.group(1)) == sum(1 for a in fs.MUNICIPALITIES if a[:5] == "06633")
    state = client.get("/de/profile/06/").text
    assert "<h3>Kreise" in state
