"""Goals bound to a survey result (issue #14 item 1) on the real SQLite platform database:
the value is computed from the stored responses (share of an option with its Wilson
interval), labelled survey/synthetic, a cell under 5 responses stays withheld and grey, a
new response changes the progress without a restart, and a binding to a survey, question or
option that does not exist is refused with nothing written."""

from __future__ import annotations

import time_machine
from platform_helpers import login, token_of
from sqlalchemy import func, select
from test_surveys_web import VALID, _post

from regionatlas.analysis.surveys import wilson
from regionatlas.platform.models import ImpactGoal, ImpactIndicator, Survey, SurveyResponse
from regionatlas.platform.surveys import service

GOAL = {
    "slug": "kooperation",
    "title_de": "Mehr Kooperation",
    "title_en": "More cooperation",
    "owner": "AG Test",
    "rationale_de": "weil",
    "rationale_en": "because",
    "indicator_key": "coop",
    "indicator": "",
    "survey": "firms",
    "question": "COOP",
    "option": "Y",
    "territory_kind": "region",
    "territory_key": "",
    "members": "",
    "baseline_period": "2024-06-30",
    "target": "80",
    "target_year": "2030",
    "unit": "%",
    "direction": "increase",
}
KASSEL = {**VALID, "q_LOC_P1": "Kassel (06611000)", "q_COOP": "Y"}
AHNATAL = {**VALID, "q_LOC_P1": "Ahnatal (06633001)", "q_COOP": "N", "q_COOPWHO_P1": ""}
GOETTINGEN = {**VALID, "q_LOC_P1": "Göttingen (03159001)", "q_COOP": "Y"}


def _answer(client, answers: dict, n: int) -> None:
    for _ in range(n):
        assert _post(client, "/de/platform/surveys/firms/", answers).status_code == 200
        client.cookies.clear()


def _post_goal(client, **changes):
    data = {**GOAL, **changes, "csrf_token": token_of(client, "/de/platform/goals/")}
    return client.post("/de/platform/goals/", data=data, follow_redirects=False)


def _indicator(client, slug: str) -> dict:
    goals = client.get("/api/v1/goals.json").json()["goals"]
    return next(g for g in goals if g["id"] == slug)["indicators"][0]


def _stored_share(pdb, district: str | None = None) -> tuple[int, int]:
    """(firms naming COOP=Y, responses) counted directly in the stored responses."""
    with pdb.session() as s:
        rows = s.scalars(select(SurveyResponse.answers).where(SurveyResponse.status == "complete"))
        answers = [a for a in rows if district is None or a["LOC"][0]["ags"].startswith(district)]
    return sum(a.get("COOP") == "Y" for a in answers), len(answers)


def _count(pdb, model) -> int:
    with pdb.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _setup(client, pdb, make_user) -> None:
    with pdb.session() as s:
        service.create_survey(s, "firms", "firms", mode="open")
    with time_machine.travel("2026-03-02 10:00 +0000", tick=False):
        _answer(client, KASSEL, 6)
        _answer(client, AHNATAL, 5)
        _answer(client, GOETTINGEN, 2)  # fewer than 5 in the district of Göttingen
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")


def test_survey_goal_is_computed_from_the_stored_responses(client, pdb, make_user):
    _setup(client, pdb, make_user)
    assert _post_goal(client).status_code == 303
    ind = _indicator(client, "kooperation")
    assert ind["source"] == "survey" and ind["basis"] == "survey"
    assert ind["survey"] == {"survey": "firms", "question": "COOP", "option": "Y"}
    assert ind["survey_available"] is True
    assert "Befragung der Unternehmen" in ind["survey_label"]["de"]
    k, n = _stored_share(pdb)
    assert (k, n) == (8, 13)
    point = ind["points"][0]
    assert point["period"] == "2026-03-02" and point["basis"] == "survey"
    assert abs(point["value"] - 100 * k / n) < 1e-9
    lo, hi = wilson(k, n)
    assert abs(point["ci_low"] - 100 * lo) < 1e-9 and abs(point["ci_high"] - 100 * hi) < 1e-9
    assert point["n"] == n
    page = client.get("/de/goals/").text
    assert "Befragung (Stichprobe)" in page and "95-%-Intervall" in page
    assert "survey (sample)" in client.get("/en/goals/").text

    # a new response lands: the progress follows without a restart
    _answer(client, AHNATAL, 1)
    k2, n2 = _stored_share(pdb)
    assert abs(_indicator(client, "kooperation")["points"][0]["value"] - 100 * k2 / n2) < 1e-9
    assert (k2, n2) == (8, 14)


def test_suppressed_cell_stays_withheld_and_grey(client, pdb, make_user):
    _setup(client, pdb, make_user)
    r = _post_goal(client, slug="kooperation-goe", territory_kind="district",
                   territory_key="03159")  # fmt: skip
    assert r.status_code == 303, r.text[:300]
    ind = _indicator(client, "kooperation-goe")
    assert _stored_share(pdb, "03159") == (2, 2)  # real answers, but fewer than 5
    point = ind["points"][0]
    assert point["value"] is None and point["flag"] == "x"  # never 0
    assert ind["status"] == "grey" and ind["reason"] == "newest value withheld"
    page = client.get("/de/goals/").text
    assert "weniger als 5 Antworten: gesperrt" in page


def test_synthetic_responses_are_labelled(client, pdb, make_user):
    _setup(client, pdb, make_user)
    with pdb.session() as s:
        s.scalar(select(Survey).where(Survey.slug == "firms")).synthetic = True
    assert _post_goal(client).status_code == 303
    ind = _indicator(client, "kooperation")
    assert ind["basis"] == "synthetic" and ind["points"][0]["basis"] == "synthetic"
    assert "SYNTHETISCHE Antworten" in client.get("/de/goals/").text


def test_binding_to_a_missing_survey_question_or_option_is_refused(client, pdb, make_user):
    _setup(client, pdb, make_user)
    cases = [
        ({"survey": "gibtsnicht"}, "no survey 'gibtsnicht'"),
        ({"question": "NOPE"}, "has no question 'NOPE'"),
        ({"option": "Z"}, "has no option 'Z'"),
        ({"option": ""}, "needs an option"),
        ({"territory_kind": "municipality", "territory_key": "06611000"}, "not tabulated"),
    ]
    for changes, message in cases:
        r = _post_goal(client, **changes)
        assert r.status_code in (404, 422), (changes, r.status_code)
        assert message in r.text, (changes, r.text[:500])
    assert _count(pdb, ImpactGoal) == 0 and _count(pdb, ImpactIndicator) == 0
