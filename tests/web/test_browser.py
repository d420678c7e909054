"""The atlas in Debian's chromium (pytest-playwright): maps render, controls work, downloads
hold the right rows, axe-core finds no WCAG violations. Screenshots go to test-artifacts/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import fixture_store as fs
import pytest

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(app):
    with serving(app) as url:
        yield url


def shot(page, name: str, selector: str | None = None) -> bytes:
    ARTIFACTS.mkdir(exist_ok=True)
    target = page.locator(selector) if selector else page
    return target.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_ready(page, contains: str = "") -> str:
    page.wait_for_function(
        f"(document.body.dataset.mapReady || '').includes({contains!r})"
        " && !!document.body.dataset.mapReady",
        timeout=20_000,
    )
    return page.evaluate("document.body.dataset.mapReady")


def distinct_colours(png: bytes) -> set[tuple[int, int, int]]:
    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB").resize((200, 140)))
    return {tuple(int(c) for c in px) for px in img.reshape(-1, 3)}


def test_thematic_map_renders(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/de/")
    assert wait_ready(page) == f"population/gemeinde/{fs.PERIODS[-1]}"
    png = shot(page, "thematic-map-de", "#map")
    colours = distinct_colours(png)
    assert len(colours) > 8, "map canvas looks blank"
    legend_counts = page.locator("#legend .count").all_inner_texts()
    # five classes + "confidential": counts add up to the municipalities
    assert sum(int(c) for c in legend_counts) == len(fs.MUNICIPALITIES)
    assert legend_counts[-1] == "1"  # the one suppressed value, drawn hatched
    shot(page, "thematic-page-de")
    assert errors == []


def test_layer_switch_and_shareable_url(page, live_server):
    page.goto(f"{live_server}/de/")
    wait_ready(page)
    page.get_by_label("Kreis", exact=True).check()
    wait_ready(page, "/kreis/")
    assert page.locator("#values-table tbody tr").count() == len(fs.DISTRICTS)
    assert "l=kreis" in page.url
    page.select_option("#indicator", "unemployment_rate")
    wait_ready(page, "unemployment_rate/kreis")
    assert "5,7" in page.locator("#comparison").inner_text()  # Germany reference
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    wait_ready(page, "unemployment_rate/kreis")
    assert page.locator("#indicator").input_value() == "unemployment_rate"
    # the time slider: population has two periods
    page.select_option("#indicator", "population")
    wait_ready(page, "population/kreis")
    page.locator("#period").fill("0")
    wait_ready(page, f"population/kreis/{fs.PERIODS[0]}")


def test_download_holds_right_rows(page, live_server):
    page.goto(f"{live_server}/de/#i=population&l=kreis")
    wait_ready(page, "population/kreis")
    href = page.locator("#downloads a[data-fmt=csv]").get_attribute("href")
    r = page.request.get(href)
    assert r.ok
    rows = list(csv.DictReader(io.StringIO(r.text())))
    assert {x["ags"] for x in rows} == set(fs.DISTRICTS)
    assert all(x["attribution"] == fs.ATTRIBUTION for x in rows)
    with page.expect_download() as dl:
        page.locator("#downloads a[data-fmt=xlsx]").click()
    assert dl.value.suggested_filename.endswith(".xlsx")


def test_flow_map_filters_and_spider(page, live_server):
    page.goto(f"{live_server}/en/flows/#lvl=kreis&min=100")
    wait_ready(page, "kreis/")
    assert wait_ready(page, "kreis/") == "kreis/6"  # six located, unsuppressed flows
    assert "1 flows are withheld" in page.locator("#flow-suppressed").inner_text()
    png = shot(page, "flow-map-en", "#map")
    assert len(distinct_colours(png)) > 5
    page.locator("#min").fill("2000")
    wait_ready(page, "kreis/4")
    page.get_by_label("across state borders only").check()
    wait_ready(page, "kreis/2")
    rows = page.locator("#flow-table tbody tr").all_inner_texts()
    assert len(rows) == 2 and "Göttingen" in rows[0] and "3,000" in rows[0]
    page.locator("#flow-table tbody button").first.click()
    spider = page.locator("#spider")
    assert "Flows from and to Göttingen" in spider.inner_text()
    shot(page, "flow-page-spider-en")


def test_functional_regions_map(page, live_server):
    page.goto(f"{live_server}/en/regions/")
    ready = wait_ready(page, "regions/")
    n = int(ready.split("/")[1])
    assert page.locator("table.regions tbody tr").count() == n
    assert len(distinct_colours(shot(page, "regions-en", "#map"))) > 3


def test_profile_page(page, live_server):
    page.goto(f"{live_server}/en/profile/06633002/")
    assert page.locator("h1").inner_text().startswith("Baunatal")
    figures = page.locator("table.figures tbody tr").first.inner_text()
    assert "27,900" in figures and "4 of 7" in figures
    assert page.locator("svg.chart").count() == 1
    shot(page, "profile-en")


def test_language_switch_keeps_view(page, live_server):
    page.goto(f"{live_server}/de/#i=population&l=kreis")
    wait_ready(page, "population/kreis")
    assert page.locator("h1").inner_text() == "Themenkarten"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/**")
    wait_ready(page, "population/kreis")
    assert page.locator("h1").inner_text() == "Thematic maps"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("input[name=level][value=kreis]").is_checked()


def test_keyboard_reaches_controls(page, live_server):
    page.goto(f"{live_server}/de/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") in ("#content", "")


@pytest.mark.parametrize(
    "path",
    [
        "/de/",
        "/en/flows/",
        "/de/profile/06633/",
        "/en/profile/06633003/",
        "/de/about/",
        "/de/search/?q=kassel",
    ],
)
def test_axe_no_violations(page, live_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live_server + path)
    if path in ("/de/", "/en/flows/", "/de/regions/"):
        wait_ready(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
