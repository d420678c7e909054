"""The atlas as its users meet it (issue #10), in Debian's chromium: every page kind fits a
phone, every page speaks one language, the flow map is readable, changed pages pass axe."""

from __future__ import annotations

import re

import pytest

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "flows/",
    "regions/",
    "scenarios/",
    "profile/06633002/",  # municipality
    "profile/06633/",  # district
    "profile/06/",  # state
    "profile/region/",
    "search/?q=kassel",
    "about/",
]
# words that give a page away as the other language (outside quoted source statements)
GERMAN_ONLY = ["Personen", "Annahme", "Modellrechnung", "Pendelnde", "Vergrößern", "Standorte"]
ENGLISH_ONLY = ["persons", "(sites)", "(days)", "Zoom in", "citing", "must be", "modelled"]
# the text a person reads: without elements marked as another language (source statements)
VISIBLE_TEXT = """() => {
  const clone = document.body.cloneNode(true);
  const lang = document.documentElement.lang;
  for (const e of clone.querySelectorAll('[lang], script, style, noscript')) {
    const other = e.hasAttribute('lang') && e.getAttribute('lang') !== lang;
    if (other || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(e.tagName)) e.remove();
  }
  const labels = [...document.querySelectorAll('[aria-label], [title]')]
    .filter((e) => !e.closest('[lang]:not(html)') || e.closest('[lang]:not(html)').lang === lang)
    .map((e) => `${e.getAttribute('aria-label') || ''} ${e.getAttribute('title') || ''}`);
  return clone.innerText + ' ' + labels.join(' ');
}"""


@pytest.fixture(scope="module")
def live(app):
    with serving(app) as url:
        yield url


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator(".map").count():
        page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_page_fits_a_phone(browser, live, lang):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    too_wide = {}
    for path in PAGES:
        page.goto(f"{live}/{lang}/{path}")
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
        # wide tables scroll inside a focusable, named region
        for box in page.locator(".table-scroll, .wide-scroll").all():
            assert box.get_attribute("tabindex") == "0", path
            assert box.get_attribute("role") == "region", path
            assert box.get_attribute("aria-label"), path
    ctx.close()
    assert too_wide == {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_language_per_page(page, live, lang):
    wrong = GERMAN_ONLY if lang == "en" else ENGLISH_ONLY
    found = {}
    for path in PAGES:
        page.goto(f"{live}/{lang}/{path}")
        settle(page)
        text = page.evaluate(VISIBLE_TEXT)
        hits = [w for w in wrong if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
        if hits:
            found[path] = hits
        assert "Annahme: Annahme" not in text and "Assumption: Assumption" not in text
    assert found == {}


def test_maplibre_controls_speak_german(page, live):
    page.goto(f"{live}/de/flows/")
    settle(page)
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("aria-label") == "Vergrößern"


def test_flow_map_levels_offered_all_load_and_legend_matches(page, live):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    # a level this atlas cannot show (no municipal flows in the fixture) falls back to auto
    page.goto(f"{live}/en/flows/#lvl=gemeinde&min=0")
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)
    assert page.input_value("#flow-level") == "auto"
    for level in page.locator("#flow-level option").evaluate_all("os => os.map(o => o.value)"):
        if level == "auto":
            continue
        page.select_option("#flow-level", level)
        page.wait_for_function(
            f"(document.body.dataset.mapReady || '').startsWith('{level}/')", timeout=20_000
        )
    assert failed == []
    # the legend lists what is drawn: at state level, or across state borders only, no
    # "within one state"
    page.select_option("#flow-level", "land")
    page.wait_for_function("(document.body.dataset.mapReady || '').startsWith('land/')")
    kinds = page.locator("#flow-legend li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert "within" not in kinds and "across" in kinds
    page.select_option("#flow-level", "kreis")
    page.wait_for_function("(document.body.dataset.mapReady || '').startsWith('kreis/')")
    kinds = page.locator("#flow-legend li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert "within" in kinds
    page.get_by_label("across state borders only").check()
    page.wait_for_timeout(300)
    kinds = page.locator("#flow-legend li").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert "within" not in kinds


def test_flow_map_place_focus_highlights_its_flows(page, live):
    page.goto(f"{live}/de/flows/#lvl=kreis&min=0")
    page.wait_for_function(
        "(document.body.dataset.mapReady || '').startsWith('kreis/')", timeout=20_000
    )
    labels = page.locator(".place-label")
    assert labels.count() > 0, "place names on the map"
    labels.first.focus()
    hl = page.evaluate("document.body.dataset.flowHighlight")
    ags, count = hl.split("/")
    assert ags == labels.first.get_attribute("data-ags") and int(count) > 0
    labels.first.blur()
    assert page.evaluate("document.body.dataset.flowHighlight") == ""


def test_manual_breaks_german_format_and_refusal(page, live):
    page.goto(f"{live}/de/#i=population&l=kreis&m=manual&b=1.000%3B%205.000")
    page.wait_for_function("!!document.body.dataset.mapReady", timeout=20_000)
    rows = page.locator("#legend .legend-row").all_inner_texts()
    assert any("1.000 bis 5.000" in r for r in rows), rows
    page.fill("#breaks", "abc")
    page.press("#breaks", "Enter")
    assert "keine Zahl" in page.inner_text("#breaks-error")
    assert page.get_attribute("#breaks", "aria-invalid") == "true"
    assert any(
        "1.000 bis 5.000" in r for r in page.locator("#legend .legend-row").all_inner_texts()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/de/regions/",
        "/en/flows/",
        "/de/about/",
        "/en/profile/region/",
        "/de/profile/06/",
        "/de/profile/06633003/",
        "/de/#m=manual&b=1.000",
    ],
)
def test_changed_pages_pass_axe(page, live, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(live + path)
    settle(page)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


BREAKS_CASES = [
    ("1.000, 5.000", "de"),
    ("1.000; 5.000; 20.000", "de"),
    ("2,5 10", "de"),
    ("\u22125; 0; 2,5", "de"),
    ("1,000, 5,000", "en"),
    ("1000,5000", "en"),
    ("2.5; 10", "en"),
    ("abc", "de"),
    ("5; 1", "de"),
    ("1.5", "de"),
    ("", "en"),
]


def test_browser_reads_typed_breaks_like_the_server(page, live):
    """static/js/common.js parseBreaks and web.classify.parse_breaks agree on every case."""
    from regionatlas.web.classify import BreaksError, parse_breaks

    page.goto(f"{live}/de/about/")
    got = page.evaluate(
        """async (cases) => {
          const m = await import('../../static/js/common.js');
          return cases.map(([text, lang]) => m.parseBreaks(text, lang));
        }""",
        BREAKS_CASES,
    )
    for (text, lang), js in zip(BREAKS_CASES, got, strict=True):
        try:
            expected = parse_breaks(text, lang)
        except BreaksError:
            assert "error" in js, (text, lang, js)
        else:
            assert js.get("values") == expected, (text, lang, js)
