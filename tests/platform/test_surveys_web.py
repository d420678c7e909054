"""Survey pages over HTTP: open link and personal token (save and resume, one response per
token), server-side validation that keeps what was typed, closed surveys (time-machine),
CSRF, script injection, admin-only results, suppression in page, CSV, XLSX and JSON."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pandas as pd
import pytest
import time_machine
from platform_helpers import assert_inert, csrf_of, login

from regionatlas.platform.models import SurveyFreeText, SurveyInvitation, SurveyResponse
from regionatlas.platform.surveys import service

VALID = {
    "q_LOC_P1": "Kassel (06611000)",
    "q_SECTOR": "C",
    "q_SIZE": "S2",
    "q_STAFF_P1": "06611000",
    "q_STAFF_S1": "60",
    "q_STAFF_P2": "Ahnatal",
    "q_STAFF_S2": "20",
    "q_REMOTE": "15",
    "q_COOP": "Y",
    "q_COOPWHO_P1": "Göttingen (03159001)",
}


def _survey(pdb, slug="umfrage", mode="open", **kw) -> None:
    with pdb.session() as s:
        service.create_survey(s, slug, "firms", mode=mode, **kw)


def _post(client, url, data, action="submit"):
    token = csrf_of(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token, "action": action},
                       follow_redirects=False)  # fmt: skip


def _responses(pdb):
    with pdb.session() as s:
        return [(r.status, r.answers) for r in s.query(SurveyResponse).order_by(SurveyResponse.id)]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_open_form_renders_every_question_in_both_languages(client, pdb, lang):
    _survey(pdb)
    r = client.get(f"/{lang}/platform/surveys/umfrage/")
    assert r.status_code == 200
    word = "Wirtschaftszweig" if lang == "de" else "Economic sector"
    assert word in r.text
    assert '<option value="Kassel (06611000)">' in r.text  # the region's municipalities
    assert r.text.count("<fieldset") == 14
    assert 'data-show-if="COOP"' in r.text


def test_invalid_answers_come_back_with_input_and_errors(client, pdb):
    _survey(pdb)
    url = "/de/platform/surveys/umfrage/"
    data = {**VALID, "q_LOC_P1": "Atlantis", "q_REMOTE": "viel", "q_SIZE": "",
            "q_COMMENT": "Bitte mehr Busse"}  # fmt: skip
    r = _post(client, url, data)
    assert r.status_code == 422
    assert 'value="Atlantis"' in r.text and "Bitte mehr Busse</textarea>" in r.text
    assert 'value="viel"' in r.text and 'value="60"' in r.text  # nothing typed is lost
    assert "„Atlantis“ ist keine Gemeinde der Region" in r.text
    assert 'href="#q-SIZE"' in r.text and 'href="#q-REMOTE"' in r.text
    assert r.text.count('aria-invalid="true"') >= 3
    assert _responses(pdb) == []


def test_open_link_save_resume_submit_and_no_second_use(client, pdb):
    _survey(pdb)
    r = _post(client, "/de/platform/surveys/umfrage/", {"q_SECTOR": "F", "q_q": "x"}, "save")
    assert r.status_code == 303
    resume = r.headers["location"]
    assert re.match(r"^/de/platform/surveys/umfrage/t/[\w-]{40,}\?saved=1$", resume)
    page = client.get(resume)
    assert 'value="F" checked' in page.text and "zwischengespeichert" in page.text
    assert _responses(pdb) == [("draft", {"SECTOR": "F"})]
    url = resume.split("?")[0]
    r = _post(client, url, VALID)
    assert r.status_code == 200 and "Vielen Dank" in r.text
    status, answers = _responses(pdb)[0]
    assert status == "complete" and answers["STAFF"][1] == {"ags": "06633001", "share": 20}
    again = client.get(url)
    assert again.status_code == 409 and "bereits" in again.text
    token = csrf_of(client.get("/de/platform/surveys/umfrage/").text)
    r = client.post(url, data={**VALID, "csrf_token": token, "action": "submit"})
    assert r.status_code == 409
    assert len(_responses(pdb)) == 1


def test_invitations_by_mail_one_response_per_token_and_reminders(client, pdb, smtp, make_user):
    _survey(pdb, slug="firmen", mode="invite")
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    page = client.get("/de/platform/surveys/firmen/admin/")
    assert page.status_code == 200
    r = client.post(
        "/de/platform/surveys/firmen/admin/invite",
        data={"emails": "a@firma.de\nb@firma.de", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    link = smtp.link("a@firma.de", r"http://testserver/de/platform/surveys/firmen/t/\S+")
    client.cookies.clear()
    url = link.removeprefix("http://testserver")
    assert client.get("/de/platform/surveys/firmen/").status_code == 403  # no open link
    assert _post(client, url, VALID).status_code == 200
    assert client.get(url).status_code == 409
    with pdb.session() as s:
        emails = sorted(str(i.email) for i in s.query(SurveyInvitation))
    assert emails == ["None", "b@firma.de"]  # the address of a done response is blanked
    login(client, "admin@example.org")
    page = client.get("/de/platform/surveys/firmen/admin/")
    client.post("/de/platform/surveys/firmen/admin/remind",
                data={"csrf_token": csrf_of(page.text)})  # fmt: skip
    assert len(smtp.to("b@firma.de")) == 2 and len(smtp.to("a@firma.de")) == 1
    assert "Erinnerung" in smtp.to("b@firma.de")[-1]["Subject"]


def test_closed_survey_refuses_answers(client, pdb):
    _survey(pdb, closes_at=datetime(2026, 6, 1, tzinfo=UTC))
    url = "/de/platform/surveys/umfrage/"
    with time_machine.travel(datetime(2026, 5, 31, 12, tzinfo=UTC), tick=False):
        assert client.get(url).status_code == 200
        token = csrf_of(client.get(url).text)
    with time_machine.travel(datetime(2026, 6, 1, 0, 0, 1, tzinfo=UTC), tick=False):
        assert client.get(url).status_code == 410
        r = client.post(url, data={**VALID, "csrf_token": token, "action": "submit"})
        assert r.status_code == 410
    assert _responses(pdb) == []


def test_csrf_is_required(client, pdb):
    _survey(pdb)
    client.get("/de/platform/surveys/umfrage/")
    r = client.post("/de/platform/surveys/umfrage/", data={**VALID, "action": "submit"})
    assert r.status_code == 403
    r = client.post("/de/platform/surveys/umfrage/",
                    data={**VALID, "action": "submit", "csrf_token": "x" * 43})  # fmt: skip
    assert r.status_code == 403
    assert _responses(pdb) == []


def test_script_in_free_text_stays_text(client, pdb, make_user):
    _survey(pdb)
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    r = _post(client, "/de/platform/surveys/umfrage/",
              {**VALID, "q_SIZE": "", "q_COMMENT": evil, "q_SECTOR": "-oth-",
               "q_SECTOR_other": evil})  # fmt: skip
    assert r.status_code == 422
    assert_inert(r.text)
    assert "&lt;script&gt;" in r.text
    answers = {**VALID, "q_COMMENT": evil, "q_SECTOR": "-oth-", "q_SECTOR_other": evil}
    r = _post(client, "/de/platform/surveys/umfrage/", answers)
    assert r.status_code == 200
    with pdb.session() as s:
        texts = {t.question: t.text for t in s.query(SurveyFreeText)}
        rid = s.query(SurveyResponse).one().id
    assert texts == {"COMMENT": evil, "SECTOR_other": evil}
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    page = client.get("/de/platform/surveys/umfrage/admin/")
    exported = client.post("/de/platform/surveys/umfrage/admin/respondent",
                           data={"response": str(rid), "action": "export",
                                 "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert exported.headers["content-type"] == "application/json"
    assert json.loads(exported.text)["free_texts"]["COMMENT"] == evil
    results = client.get("/de/platform/surveys/umfrage/results/")
    assert results.status_code == 200 and "alert(" not in results.text
    client.post("/de/platform/surveys/umfrage/admin/respondent",
                data={"response": str(rid), "action": "delete",
                      "csrf_token": csrf_of(page.text)})  # fmt: skip
    with pdb.session() as s:
        assert s.query(SurveyResponse).count() == 0 and s.query(SurveyFreeText).count() == 0


def _answer(client, n: int, **extra):
    for _ in range(n):
        assert _post(client, "/de/platform/surveys/umfrage/", {**VALID, **extra}).status_code == 200


def test_results_are_for_admins_unless_public(client, pdb, make_user):
    _survey(pdb)
    assert client.get("/de/platform/surveys/umfrage/results/").status_code == 401
    assert client.get("/de/platform/surveys/umfrage/results.csv").status_code == 401
    make_user("member@example.org")
    login(client, "member@example.org")
    assert client.get("/de/platform/surveys/umfrage/results.json").status_code == 403


def test_suppression_in_page_csv_xlsx_and_json(client, pdb, make_user):
    _survey(pdb)
    _answer(client, 4)
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    page = client.get("/de/platform/surveys/umfrage/results/")
    assert page.status_code == 200
    assert "gesperrt (&lt; 5)" in page.text and "Weniger als 5" in page.text
    assert re.search(r'class="num">0<', page.text) is None  # suppressed, never 0
    doc = client.get("/de/platform/surveys/umfrage/results.json").json()
    assert doc["responses"] is None
    assert all(q["suppressed"] and q["count"] is None for q in doc["questions"])
    assert all(c["summary"]["suppressed"] for c in doc["comparisons"].values())
    csv_text = client.get("/de/platform/surveys/umfrage/results.csv").text
    table = pd.read_csv(io.StringIO(csv_text.split("\n\n")[0]), dtype=str)
    assert set(table["count"]) == {"x"} and set(table["n"]) == {"x"}
    assert table["attribution"].str.contains("Befragung").all()
    xlsx = client.get("/de/platform/surveys/umfrage/results.xlsx").content
    sheet = pd.read_excel(io.BytesIO(xlsx), sheet_name="results", dtype=str, engine="calamine")
    assert set(sheet["count"]) == {"x"}
    client.cookies.clear()
    _answer(client, 3)
    _answer(client, 3, q_SIZE="S1")
    _answer(client, 5, q_SIZE="S3")
    login(client, "admin@example.org")
    doc = client.get("/de/platform/surveys/umfrage/results.json").json()
    size = {q["option"]: q for q in doc["questions"] if q["question"] == "SIZE"
            and q["group_by"] == "all"}  # fmt: skip
    assert doc["responses"] == 15
    assert size["S2"]["count"] == 7 and size["S2"]["ci_low"] > 0
    assert size["S1"]["count"] is None and size["S1"]["suppressed"]  # 3 < 5
    assert size["S3"]["count"] is None and size["S3"]["suppressed"]  # else 15 - 7 - 5 gives S1
    assert size["S4"]["count"] == 0  # a genuine zero of a group of 15
    page = client.get("/de/platform/surveys/umfrage/results/?by=land")
    assert page.status_code == 200 and "Hessen" in page.text


def test_respondent_gets_a_copy_and_deletes_by_token(client, pdb):
    _survey(pdb)
    r = _post(client, "/de/platform/surveys/umfrage/", {"q_SECTOR": "F", "q_COMMENT": "hi"},
              "save")  # fmt: skip
    url = r.headers["location"].split("?")[0]
    page = client.get(url)
    assert "Meine Antworten herunterladen" in page.text
    copy = client.post(url + "/mine", data={"action": "export", "csrf_token": csrf_of(page.text)})
    assert copy.json()["answers"] == {"SECTOR": "F"} and copy.json()["free_texts"] == {
        "COMMENT": "hi"
    }
    gone = client.post(url + "/mine", data={"action": "delete", "csrf_token": csrf_of(page.text)})
    assert gone.status_code == 200 and "gelöscht" in gone.text
    with pdb.session() as s:
        assert s.query(SurveyResponse).count() == 0 and s.query(SurveyFreeText).count() == 0


def test_admin_edits_the_questionnaire_only_when_valid(client, pdb, make_user):
    _survey(pdb)
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    page = client.get("/de/platform/surveys/umfrage/admin/")
    url = "/de/platform/surveys/umfrage/admin/definition"
    r = client.post(url, data={"definition": "id = [", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    with pdb.session() as s:
        text = service.get(s, "umfrage").definition
    edited = text.replace("Befragung der Unternehmen", "Unternehmensbefragung 2027")
    r = client.post(url, data={"definition": edited, "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    client.cookies.clear()
    assert "Unternehmensbefragung 2027" in client.get("/de/platform/surveys/umfrage/").text


def test_responses_are_deleted_after_the_retention_period(client, pdb):
    _survey(pdb, closes_at=datetime(2026, 6, 1, tzinfo=UTC), retention_days=30)
    with time_machine.travel(datetime(2026, 5, 1, tzinfo=UTC), tick=False):
        _answer(client, 2)
    with time_machine.travel(datetime(2026, 6, 30, tzinfo=UTC), tick=False), pdb.session() as s:
        assert service.purge_expired(s) == 0
    with (
        time_machine.travel(datetime(2026, 7, 1, 0, 1, tzinfo=UTC), tick=False),
        pdb.session() as s,
    ):
        assert service.purge_expired(s) == 2
    assert _responses(pdb) == []
