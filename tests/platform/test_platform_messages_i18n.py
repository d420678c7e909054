"""Validation messages (422 and the like) in the page's language: the same bad form sent
from a German page answers in German, from an English page in English; every message key
the code raises exists in both catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from platform_helpers import csrf_of, login

from regionatlas.platform.surveys import service
from regionatlas.web.i18n import catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "regionatlas"
HTML = {"Accept": "text/html"}


def _message(r) -> str:
    found = re.search(r'<p class="error-message">(.*?)</p>', r.text, re.S)
    assert found, r.text[:500]
    return found.group(1)


def _post(client, lang: str, path: str, form_page: str, data: dict):
    token = csrf_of(client.get(f"/{lang}/platform/{form_page}").text)
    return client.post(
        f"/{lang}/platform/{path}",
        data={**data, "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )


EXPECTED = {
    "required_title": {
        "de": "Bitte füllen Sie das Feld „Titel“ aus.",
        "en": "Please fill in the field “Title”.",
    },
    "contact_email": {
        "de": "Das ist keine gültige E-Mail-Adresse (Feld „E-Mail-Adresse“).",
        "en": "This is not a valid e-mail address (field “E-mail address”).",
    },
    "password": {
        "de": "Das Passwort braucht 12 bis",
        "en": "The password needs 12 to",
    },
    "retention": {
        "de": "Das Feld „Aufbewahrungsfrist (Tage)“ braucht eine ganze Zahl.",
        "en": "The field “Retention period (days)” needs a whole number.",
    },
    "definition": {
        "de": "Die Fragebogen-Definition ist ungültig: ",
        "en": "The questionnaire definition is invalid: ",
    },
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_forum_and_account_forms_answer_in_the_page_language(client, make_user, lang):
    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    login(client, "ed@example.org")
    r = _post(client, lang, "groups/regionalplanung/threads", "groups/regionalplanung/",
              {"title": "  ", "body": "Inhalt"})  # fmt: skip
    assert r.status_code == 422
    assert _message(r) == EXPECTED["required_title"][lang]
    r = _post(client, lang, "account/password", "account/",
              {"old": "correct horse battery staple", "new": "kurz"})  # fmt: skip
    assert r.status_code == 422
    assert _message(r).startswith(EXPECTED["password"][lang])
    other = "en" if lang == "de" else "de"
    assert EXPECTED["password"][other] not in r.text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_anonymous_contact_form_answers_in_the_page_language(client, make_user, smtp, lang):
    make_user("adm@example.org", role="admin")
    r = _post(client, lang, "dkz/contact/", "dkz/contact/",
              {"name": "Eva", "email": "keine-adresse", "message": "Hallo"})  # fmt: skip
    assert r.status_code == 422
    assert _message(r) == EXPECTED["contact_email"][lang]
    assert 'lang="' + lang + '"' in r.text
    assert smtp.messages == []  # refused: nothing sent


@pytest.mark.parametrize("lang", ["de", "en"])
def test_survey_admin_forms_answer_in_the_page_language(client, pdb, make_user, lang):
    with pdb.session() as s:
        service.create_survey(s, "umfrage", "firms", mode="open")
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    page = "surveys/umfrage/admin/"
    r = _post(client, lang, "surveys/umfrage/admin/settings", page, {"retention_days": "viele"})
    assert r.status_code == 422 and _message(r) == EXPECTED["retention"][lang]
    r = _post(client, lang, "surveys/umfrage/admin/definition", page,
              {"definition": "id = 'firms'\nx = ?\ny = 1\n"})  # fmt: skip
    assert r.status_code == 422
    text = _message(r)
    assert text.startswith(EXPECTED["definition"][lang])
    assert "line 2" in text  # the parser's position stays


def test_the_json_api_keeps_english_messages_with_the_key(client, make_user):
    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    login(client, "ed@example.org")
    token = csrf_of(client.get("/de/platform/groups/regionalplanung/").text)
    r = client.post("/de/platform/groups/regionalplanung/threads",
                    data={"title": "", "body": "x", "csrf_token": token})  # fmt: skip
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["message"] == "the field 'title' is required"
    assert err["details"]["i18n"] == "platform.err_required"


def test_every_raised_message_key_is_in_both_catalogues():
    used = set()
    for path in [*SRC.joinpath("platform").rglob("*.py"), *SRC.joinpath("web").rglob("*.py")]:
        used |= set(re.findall(r'i18n="(platform\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 30
    for lang in ("de", "en"):
        missing = sorted(used - set(catalogue(lang)))
        assert not missing, f"{lang}: {missing}"
    fields = {k for k in catalogue("de") if k.startswith("platform.fields.")}
    assert fields == {k for k in catalogue("en") if k.startswith("platform.fields.")}
