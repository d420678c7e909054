"""Issue #10 on the server-rendered pages (fixture store): the about page states each
source's kind, place labels come largest first, profiles say among which units they rank
and what the region's totals cover, the scenario page states the scope of its totals."""

from __future__ import annotations

import fixture_store as fs
import pytest

from regionatlas.web.i18n import Translator
from regionatlas.web.labels import ranked_labels
from regionatlas.web.source_kinds import kinds_present, source_kind


def test_source_kinds():
    assert source_kind({"source": "ba-pendleratlas-csv", "synthetic": False}) == "official"
    assert source_kind({"source": "regionatlas-central-places"}) == "secondary"
    assert source_kind({"source": "regionatlas-municipal-estimate"}) == "modelled"
    assert source_kind({"source": "regionatlas-derived"}) == "derived"
    assert source_kind({"source": "ba-pendleratlas-csv", "synthetic": True}) == "synthetic"
    batches = [{"source": "regionatlas-derived"}, {"source": "bkg-vg"}]
    assert kinds_present(batches) == ["official", "derived"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_about_page_states_each_sources_kind(client, lang):
    t = Translator(lang)
    html = client.get(f"/{lang}/about/").text
    assert t("about.kinds") in html
    assert t("about.kind_official") in html
    # the intro no longer claims that all data come from official files
    assert "Alle Daten stammen aus amtlichen Dateien" not in html


def test_labels_largest_first(client):
    body = client.get("/api/v1/labels/gemeinde.json").json()
    pops = [r["population"] for r in body["labels"] if r["population"] is not None]
    assert pops == sorted(pops, reverse=True) and len(pops) > 1
    assert {r["ags"] for r in body["labels"]} <= set(fs.MUNICIPALITIES)
    rows = ranked_labels({"a": (1, 2), "b": (3, 4), "c": (5, 6)}, {"a": "A", "b": "B"}, {"b": 9})
    assert [r["ags"] for r in rows] == ["b", "a"]  # no name: no label; no population: last


@pytest.mark.parametrize("lang", ["de", "en"])
def test_profiles_say_among_which_units(client, lang):
    t = Translator(lang)
    state = client.get(f"/{lang}/profile/06/").text
    assert t("profile.median_land") in state and 'id="peer-scope"' in state
    region = client.get(f"/{lang}/profile/region/").text
    assert 'id="region-scope"' in region
    municipality = client.get(f"/{lang}/profile/06633003/").text
    assert t("profile.median_gemeinde") in municipality
    # the municipality's commuters: its own (none estimable in the fixture) and its district's
    assert 'id="commuters-title"' in municipality
    assert t("profile.commuters_none") in municipality


@pytest.mark.parametrize("lang", ["de", "en"])
def test_scenario_page_states_the_scope_of_its_totals(client, lang):
    t = Translator(lang)
    html = client.get(f"/{lang}/scenarios/").text
    assert t("scenario.scope") in html
    assert 'aria-describedby="totals-scope"' in html
    # shares as percent; lever units and choices in the page language
    assert "(0–1)" not in html
    if lang == "de":
        assert "(days)" not in html and "(sites)" not in html and "(km) (km)" not in html
        assert ">p-median<" not in html
    # a label that names its unit gets no second one ("number of sites (sites)")
    assert "Standorte (Standorte)" not in html and "sites (sites)" not in html


def test_top_flows_per_place():
    import pandas as pd

    from regionatlas.web.flow_municipal import top_per_origin

    f = pd.DataFrame(
        {"origin": ["a"] * 4 + ["b"], "destination": list("wxyzw"), "persons": [1, 9, 5, 7, 2]}
    )
    top = top_per_origin(f, 2)
    assert sorted(top[top["origin"] == "a"]["persons"]) == [7, 9]
    assert list(top[top["origin"] == "b"]["persons"]) == [2]
