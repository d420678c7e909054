"""The scenario lab in the atlas: API (list, run, compare, export, errors), page in both
languages, and in chromium: a lever change recomputes the result; axe-core finds nothing.

The fixture store holds district flows only, so the scenario glue models municipal flows
from them: every result here must say it is a modelled estimate.
"""

from __future__ import annotations

import io
import re

import fixture_store as fs
import pytest
from test_browser import live_server, shot  # noqa: F401  (session fixture of the browser tests)

RUN = "/api/v1/scenarios/run.json"
EXAMPLE = "remote-work-rideshare"  # the example whose levers fit the tiny fixture region


def test_list_has_examples_and_lever_catalogue(client):
    r = client.get("/api/v1/scenarios.json")
    assert r.status_code == 200
    body = r.json()
    ids = {s["id"] for s in body["scenarios"]}
    assert EXAMPLE in ids
    assert all(s["name"] and "levers" in s for s in body["scenarios"])
    levers = {lv["lever"] for lv in body["levers"]}
    assert (
        levers
        == set(body["order"])
        == {
            "remote_work",
            "satellite_offices",
            "ride_sharing",
            "job_relocation",
        }
    )
    share = next(
        p for lv in body["levers"] if lv["lever"] == "remote_work" for p in lv["parameters"]
    )
    assert share["label_de"] and share["label_en"] and "default" in share


def test_run_example_gives_totals_and_estimate_label(client):
    r = client.post(RUN, json={"id": EXAMPLE})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["estimate_basis"] == "modelled estimate"
    for key in ("commuter_km_day", "commuter_km_year", "co2_t_year", "hours_year"):
        assert res["baseline"][key] > 0
        # remote work and ride-sharing can only lower these
        assert res["result"][key] < res["baseline"][key]
        assert res["change"][key] == pytest.approx(res["result"][key] - res["baseline"][key])
    assert [lv["lever"] for lv in res["levers"]] == ["remote_work", "ride_sharing"]
    # the lever contributions add up to the total change
    assert sum(lv["change"]["co2_t_year"] for lv in res["levers"]) == pytest.approx(
        res["change"]["co2_t_year"], rel=1e-6
    )
    assert {c["goal"] for c in res["score"]["components"]} == {
        "climate",
        "digitalisation",
        "accessibility",
        "costs",
    }
    residences = {m["ags"] for m in res["by_municipality"]}
    assert residences and residences <= set(fs.MUNICIPALITIES)


def test_lever_override_changes_the_result(client):
    base = client.post(RUN, json={"id": EXAMPLE}).json()
    more = client.post(RUN, json={"id": EXAMPLE, "levers": {"remote_work": {"share": 0.4}}}).json()
    off = client.post(
        RUN,
        json={"id": EXAMPLE, "levers": {"remote_work": {"enabled": False}}},
    ).json()
    assert more["result"]["commuter_km_year"] < base["result"]["commuter_km_year"]
    assert [lv["lever"] for lv in off["levers"]] == ["ride_sharing"]
    assert off["result"]["commuter_km_year"] > base["result"]["commuter_km_year"]
    # same baseline whatever the levers
    assert more["baseline"] == base["baseline"] == off["baseline"]


def test_run_with_a_whole_definition(client):
    definition = {
        "scenario": {"name": "Nur Homeoffice", "version": "1"},
        "levers": {"remote_work": {"share": 0.2, "days_per_week": 1}},
    }
    r = client.post(RUN, json={"definition": definition})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["scenario"]["name"] == "Nur Homeoffice"
    # 20 % of commuters stay home 1 of 5 days: the commuters per day drop by 4 % at most
    drop = -res["change"]["persons"] / res["baseline"]["persons"]
    assert 0 < drop <= 0.04 + 1e-9


def test_compare_two_scenarios(client):
    a = {"id": EXAMPLE}
    b = {"id": EXAMPLE, "levers": {"ride_sharing": {"enabled": False}}}
    r = client.post("/api/v1/scenarios/compare.json", json={"a": a, "b": b})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["estimate_basis"] == "modelled estimate"
    rows = {row["indicator"]: row for row in res["totals"]}
    assert {"commuter_km_year", "co2_t_year", "hours_year", "score"} <= set(rows)
    # without ride-sharing B keeps the same commuter-km but emits more CO2 (fewer shared cars)
    assert rows["commuter_km_year"]["difference_b_minus_a"] == pytest.approx(0, abs=1e-3)
    assert rows["co2_t_year"]["difference_b_minus_a"] > 0
    assert res["by_municipality"]


@pytest.mark.parametrize(
    "body",
    [
        {"id": EXAMPLE, "levers": {"remote_work": {"share": 3}}},
        {"id": EXAMPLE, "levers": {"remote_work": {"share": "much"}}},
        {"id": EXAMPLE, "levers": {"teleportation": {"share": 0.1}}},
        {"id": EXAMPLE, "weights": {"climate": "high"}},
        {"id": EXAMPLE, "colour": "red"},
        {},
        {"id": EXAMPLE, "definition": {"scenario": {"name": "x", "version": "1"}}},
    ],
)
def test_bad_parameters_are_422_in_the_error_shape(client, body):
    r = client.post(RUN, json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] in ("ParameterError", "ScenarioError") and err["message"]


def test_unknown_scenario_is_404(client):
    r = client.post(RUN, json={"id": "no-such-scenario"})
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["type"] == "NotFoundError" and "no-such-scenario" in err["message"]
    r = client.post("/api/v1/scenarios/compare.json", json={"a": {"id": EXAMPLE}, "b": {"id": "x"}})
    assert r.status_code == 404


def test_exports_csv_and_xlsx(client):
    import openpyxl

    r = client.post("/api/v1/scenarios/export.csv", json={"id": EXAMPLE})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8")
    assert "commuter_km_year" in text and "modelled estimate" in text
    r = client.post("/api/v1/scenarios/export.xlsx", json={"id": EXAMPLE})
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "Gemeinden" in wb.sheetnames
    assert client.post("/api/v1/scenarios/export.pdf", json={"id": EXAMPLE}).status_code == 422


def test_context_and_runs_are_cached_per_store_state(app):
    from regionatlas.web.api.scenarios import (
        ScenarioRequest,
        examples,
        raw_definition,
        run,
        scenario_context,
    )

    atlas = app.state.atlas
    assert scenario_context(atlas) is scenario_context(atlas)
    a = run(atlas, ScenarioRequest(id=EXAMPLE))
    assert run(atlas, ScenarioRequest(id=EXAMPLE)) is a
    # the same definition sent whole hits the same entry; another setting does not
    whole = raw_definition(examples()[EXAMPLE])
    assert run(atlas, ScenarioRequest(definition=whole)) is a
    other = run(atlas, ScenarioRequest(id=EXAMPLE, levers={"remote_work": {"share": 0.3}}))
    assert other is not a
    assert other.scenario.commuter_km_year < a.scenario.commuter_km_year


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_renders_in_both_languages(client, lang):
    from regionatlas.web.i18n import Translator

    t = Translator(lang)
    r = client.get(f"/{lang}/scenarios/")
    assert r.status_code == 200
    html = r.text
    assert f'<html lang="{lang}">' in html
    assert t("scenario.title") in html and t("scenario.estimate_label") in html
    assert fs.ATTRIBUTION in html
    # every lever is a fieldset with a legend; every input has a label
    assert html.count("<fieldset data-lever=") == 4
    for cid in re.findall(r'<(?:input|select) [^>]*id="([^"]+)"', html):
        assert f'for="{cid}"' in html, cid
    assert 'href="../../api/v1/scenarios.json"' in html
    for href in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert not href.startswith("/"), href
    # reachable from the atlas: the navigation links to it
    start = client.get(f"/{lang}/").text
    assert 'href="../' + lang + '/scenarios/"' in start or f'{lang}/scenarios/"' in start


@pytest.mark.browser
def test_page_changes_live_and_passes_axe(page, live_server):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/de/scenarios/")
    page.wait_for_function("document.body.dataset.scenarioRuns === '1'", timeout=20_000)
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)
    before = float(page.evaluate("document.body.dataset.scenarioKmYear"))
    first_row = page.locator("#totals-table tbody tr").first.inner_text()
    assert "Pendelnde" in first_row
    # shares are typed as percent
    assert page.input_value("#lv-remote_work-share") == "15"
    page.fill("#lv-remote_work-share", "50")
    page.wait_for_function("document.body.dataset.scenarioRuns === '2'", timeout=20_000)
    after = float(page.evaluate("document.body.dataset.scenarioKmYear"))
    assert after < before
    # an invalid value: refused on the spot in the page language, input kept, results stale
    page.fill("#lv-remote_work-share", "500")
    page.wait_for_function("document.body.dataset.scenarioStale === '1'", timeout=20_000)
    assert "zwischen 0 und 100" in page.inner_text("#lv-remote_work-share-error")
    assert page.input_value("#lv-remote_work-share") == "500"
    assert page.is_visible("#scenario-stale")
    # an emptied field does not silently fall back to the preset
    page.fill("#lv-remote_work-share", "")
    page.wait_for_function(
        "document.getElementById('lv-remote_work-share-error').textContent.includes('Wert')"
    )
    assert page.evaluate("document.body.dataset.scenarioRuns") == "2"
    page.fill("#lv-remote_work-share", "50")
    page.wait_for_function("document.body.dataset.scenarioStale === ''", timeout=20_000)
    # a value only the model refuses (more remote days than working days): at the field too
    page.fill("#lv-remote_work-days_per_week", "9")
    page.wait_for_function("document.body.dataset.scenarioStale === '1'", timeout=20_000)
    assert "zwischen 0 und 5" in page.inner_text("#lv-remote_work-days_per_week-error")
    assert "must be" not in page.inner_text("#scenario-status")
    page.fill("#lv-remote_work-days_per_week", "2")
    page.wait_for_function("document.body.dataset.scenarioStale === ''", timeout=20_000)
    assert page.locator("#municipal-table tbody tr").count() > 0
    assert page.locator("#scenario-legend li").count() == 8
    page.select_option("#compare-a", "")  # the current settings against the example
    page.select_option("#compare-b", EXAMPLE)
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#compare-table-box:not([hidden])", timeout=20_000)
    assert page.locator("#compare-table tbody tr").count() == 7
    shot(page, "scenarios-de")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


def test_example_results_carry_no_run_times(client) -> None:
    """The static export ships these answers; a run time would change them on every run."""
    from regionatlas.web.api.scenarios import without_timings

    assert without_timings({"seconds": 1.5, "a": [{"seconds": 2, "b": 1}], "c": {"d": 3}}) == {
        "a": [{"b": 1}],
        "c": {"d": 3},
    }
    listing = client.get("/api/v1/scenarios.json")
    assert listing.status_code == 200
    answers = [
        client.get(f"/api/v1/scenarios/examples/{s['id']}.json")
        for s in listing.json()["scenarios"]
    ]
    computed = [a for a in answers if a.status_code == 200]
    assert computed, [a.text[:200] for a in answers]
    assert all('"seconds"' not in a.text for a in computed)
    assert all('"baseline"' in a.text for a in computed)
