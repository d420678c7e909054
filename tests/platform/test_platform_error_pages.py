"""Error pages in the page's language (issue #12): every HTML error answer of the platform and
the atlas is German under ``/de/`` (and where no language is given) and English under
``/en/``, carries the site's header and footer, the right status and links back; the JSON API
keeps answering errors as JSON."""

from __future__ import annotations

import re

import pytest
from platform_helpers import csrf_of

HTML = {"Accept": "text/html"}

HEADINGS = {
    "de": {401: "Anmeldung erforderlich", 403: "Kein Zugriff", 404: "Seite nicht gefunden",
           405: "Methode nicht erlaubt", 422: "Eingabe nicht verwendbar"},
    "en": {401: "Login required", 403: "Access denied", 404: "Page not found",
           405: "Method not allowed", 422: "Input cannot be used"},
}  # fmt: skip
BACK_PLATFORM = {"de": "Zur Übersicht des Forums", "en": "Back to the forum’s overview"}


def _h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, html[:400]
    return re.sub(r"<[^>]+>", "", found.group(1))


def _check_page(r, lang: str, status: int) -> str:
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert f'<html lang="{lang}">' in html
    assert HEADINGS[lang][status] in _h1(html)
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the chrome
    assert re.search(r"<ul class=\"attribution\">\s*<li", html)  # sources in the footer
    return html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_unknown_platform_page(client, lang):
    html = _check_page(client.get(f"/{lang}/platform/nothing-here/", headers=HTML), lang, 404)
    text = {"de": "Unter der Adresse", "en": "There is no page at"}[lang]
    assert text in html and "/platform/nothing-here/" in html
    # links back: the platform's overview and the atlas, both in the page's language
    assert f'href="../../../{lang}/platform/"' in html
    assert f'href="../../../{lang}/"' in html
    assert "no such page or endpoint" not in html  # the English API text is not the message


@pytest.mark.parametrize("lang", ["de", "en"])
def test_unknown_thread_event_group_org(client, lang):
    expected = {
        "threads/99999/": {"de": "Diese Diskussion gibt es nicht", "en": "This discussion does"},
        "events/99999/": {"de": "Diese Veranstaltung gibt", "en": "This event does not"},
        "groups/no-such-group/": {"de": "Dieses Fachforum gibt", "en": "This working group"},
        "actors/99999/": {"de": "Diese Organisation steht", "en": "This organisation is not"},
    }
    for path, texts in expected.items():
        r = client.get(f"/{lang}/platform/{path}", headers=HTML)
        html = _check_page(r, lang, 404)
        assert texts[lang] in html, path
        assert BACK_PLATFORM[lang].replace("’", "'") in html.replace("&#39;", "'").replace("’", "'")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_login_required_and_forbidden(client, pdb, lang):
    html = _check_page(client.get(f"/{lang}/platform/account/", headers=HTML), lang, 401)
    assert f'{lang}/platform/login/"' in html
    # a members-only working group is 403 for visitors, in their language
    from regionatlas.platform import forum

    with pdb.session() as s:
        forum.group_by_slug(s, "regionalplanung").public = False
    r = client.get(f"/{lang}/platform/groups/regionalplanung/", headers=HTML)
    html = _check_page(r, lang, 403)
    closed = {"de": "nur für seine Mitglieder", "en": "members only"}[lang]
    assert closed in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_csrf_and_method_errors(client, lang):
    r = client.post(f"/{lang}/platform/dkz/contact/", data={"name": "x"}, headers=HTML)
    html = _check_page(r, lang, 403)
    assert {"de": "CSRF-Schutz", "en": "CSRF"}[lang] in html
    # a wrong method: 405 with Allow, the technical detail marked as English on German pages
    r = client.request("PUT", f"/{lang}/platform/dkz/contact/", headers=HTML)
    html = _check_page(r, lang, 405)
    assert "GET" in r.headers["allow"]
    if lang == "de":
        assert '<p class="error-message" lang="en">Technische Angabe (englisch):' in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_validation_error_in_page_language(client, lang):
    token = csrf_of(client.get(f"/{lang}/platform/dkz/contact/").text)
    r = client.post(
        f"/{lang}/platform/dkz/contact/",
        data={"csrf_token": token, "name": "", "email": "a@b.de", "message": "m"},
        headers=HTML,
    )
    _check_page(r, lang, 422)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_atlas_errors_in_page_language(client, lang):
    html = _check_page(client.get(f"/{lang}/profile/99999999/", headers=HTML), lang, 404)
    message = {"de": "„99999999“ gibt es hier nicht.", "en": "unknown AGS '99999999'"}[lang]
    assert message in html.replace("&#39;", "'")
    if lang == "de":  # the English original beside it, marked as English
        assert '<p class="error-detail" lang="en">Technische Angabe (englisch): unknown AGS' in (
            html
        )
    html = _check_page(client.get(f"/{lang}/no/such/page/", headers=HTML), lang, 404)
    assert f'href="../../../../{lang}/"' in html
    assert 'platform/"' not in html.split("<main", 1)[1].split("</main>", 1)[0]  # atlas page


def test_no_language_in_the_path_is_german(client):
    _check_page(client.get("/fr/platform/", headers=HTML), "de", 404)
    _check_page(client.get("/nothing.html", headers=HTML), "de", 404)


def test_api_errors_stay_json(client):
    for url in ("/api/v1/units/99999999.json", "/api/v1/nothing.json"):
        r = client.get(url, headers=HTML)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"]["type"] == "NotFoundError"
    # without Accept: text/html (curl, scripts) a page error is JSON too
    r = client.get("/de/platform/threads/99999/")
    assert r.status_code == 404 and r.json()["error"]["details"]["i18n"].endswith("thread")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_goal_form_errors_in_page_language(client, make_user, lang):
    """The goal form (issue #14) answers a bad number and a missing right in the page's
    language too (they were English only)."""
    from platform_helpers import login, token_of

    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    login(client, "ed@example.org")
    form = {
        "territory_kind": "region", "indicator_key": "population", "baseline_period": "2020",
        "target": "viel", "target_year": "2030", "direction": "increase", "unit": "persons",
        "indicator": "population", "slug": "mehr-menschen", "title_de": "T", "title_en": "T",
        "owner": "O", "rationale_de": "R", "rationale_en": "R",
    }  # fmt: skip
    token = token_of(client, f"/{lang}/platform/goals/")
    r = client.post(f"/{lang}/platform/goals/", data={**form, "group_id": "",
                    "csrf_token": token}, headers=HTML)  # fmt: skip
    html = _check_page(r, lang, 403)
    assert {"de": "Ein Ziel ohne Fachforum", "en": "Only administrators may add"}[lang] in html
    page = client.get(f"/{lang}/platform/goals/").text
    found = re.search(r'<option value="(\d+)">(Regionalplanung|Regional planning)<', page)
    group_id = found.group(1)
    r = client.post(f"/{lang}/platform/goals/", data={**form, "group_id": group_id,
                    "csrf_token": token}, headers=HTML)  # fmt: skip
    html = _check_page(r, lang, 422)
    expected = {"de": "Das Feld „Zielwert“ braucht eine Zahl", "en": "The field “Target value”"}
    message = re.search(r'class="error-message"[^>]*>(.*?)</p>', html, re.S)
    assert message and expected[lang] in message.group(1), message
