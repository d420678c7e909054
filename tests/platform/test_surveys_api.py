"""Survey results in the public JSON API (/api/v1/surveys/…) over HTTP: only surveys with
public results, the same 404 for unknown and non-public ones, suppression below 5 responses
(null, never 0), the SYNTHETIC label, and the routes in the OpenAPI schema."""

from __future__ import annotations

from platform_helpers import login
from test_surveys_web import VALID, _post

from regionatlas.platform.models import Survey
from regionatlas.platform.surveys import service

API = "/api/v1/surveys"


def _survey(pdb, slug: str, **kw) -> None:
    with pdb.session() as s:
        service.create_survey(s, slug, "firms", mode="open", **kw)


def _answer(client, slug: str, n: int, **extra) -> None:
    for _ in range(n):
        url = f"/de/platform/surveys/{slug}/"
        assert _post(client, url, {**VALID, **extra}).status_code == 200
    client.cookies.clear()


def test_unknown_and_non_public_surveys_are_the_same_404(client, pdb, make_user):
    _survey(pdb, "geheim")
    _answer(client, "geheim", 5)
    for route in ("results", "questions", "comparisons"):
        hidden = client.get(f"{API}/geheim/{route}.json")
        unknown = client.get(f"{API}/gibtsnicht/{route}.json")
        assert hidden.status_code == unknown.status_code == 404
        # word for word the same answer, apart from the echoed slug
        assert hidden.text.replace("geheim", "X") == unknown.text.replace("gibtsnicht", "X")
    assert client.get(f"{API}.json").json() == []
    # an administrator's login does not open the API either: it is for public results only
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    assert client.get(f"{API}/geheim/results.json").status_code == 404
    assert client.get("/de/platform/surveys/geheim/results.json").status_code == 200


def test_public_results_with_suppression_same_as_the_platform_json(client, pdb, make_user):
    _survey(pdb, "offen", results_public=True)
    _answer(client, "offen", 7)
    _answer(client, "offen", 3, q_SIZE="S1")
    _answer(client, "offen", 5, q_SIZE="S3")
    listing = client.get(f"{API}.json").json()
    assert [x["survey"] for x in listing] == ["offen"] and listing[0]["label"] is None
    doc = client.get(f"{API}/offen/results.json")
    assert doc.status_code == 200 and doc.headers["content-type"] == "application/json"
    doc = doc.json()
    assert doc["responses"] == 15 and doc["synthetic"] is False and doc["label"] is None
    size = {q["option"]: q for q in doc["questions"]
            if q["question"] == "SIZE" and q["group_by"] == "all"}  # fmt: skip
    assert size["S2"]["count"] == 7 and size["S2"]["suppressed"] is False
    # 3 answers of S1 (< 5): suppressed and null, never 0
    assert size["S1"]["suppressed"] is True and size["S1"]["count"] is None
    assert size["S1"]["share"] is None
    # S3 (5) is suppressed too: else 15 - 7 - 5 would give S1 away
    assert size["S3"]["suppressed"] is True and size["S3"]["count"] is None
    assert size["S4"]["count"] == 0 and not size["S4"]["suppressed"]  # a genuine zero
    # every suppressed row (also per Land / Kreis) carries no numbers
    for q in doc["questions"]:
        if q["suppressed"]:
            assert q["count"] is None and q["share"] is None
    # the same document as the platform's own results.json (one code path)
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    platform = client.get("/de/platform/surveys/offen/results.json").json()
    assert platform == doc
    client.cookies.clear()
    questions = client.get(f"{API}/offen/questions.json").json()
    assert questions["questions"] == doc["questions"] and "comparisons" not in questions
    comps = client.get(f"{API}/offen/comparisons.json").json()
    assert comps["comparisons"] == doc["comparisons"] and "questions" not in comps
    assert comps["comparisons"], "the firms questionnaire has perceived-vs-measured tables"
    for c in comps["comparisons"].values():
        for row in c["areas"]:
            if row["suppressed"]:
                assert row["n"] is None and row["agreement"] is None


def test_small_survey_is_suppressed_entirely(client, pdb):
    _survey(pdb, "klein", results_public=True)
    _answer(client, "klein", 4)
    doc = client.get(f"{API}/klein/results.json").json()
    assert doc["responses"] is None and doc["suppressed_below"] == 5
    assert all(q["suppressed"] and q["count"] is None for q in doc["questions"])
    assert all(c["summary"]["suppressed"] for c in doc["comparisons"].values())
    assert all(c["summary"]["agreement"] is None for c in doc["comparisons"].values())


def test_synthetic_survey_is_labelled(client, pdb):
    _survey(pdb, "synth", results_public=True, synthetic=True)
    _answer(client, "synth", 5)
    listing = client.get(f"{API}.json").json()
    assert listing[0]["synthetic"] is True and listing[0]["label"] == "SYNTHETIC"
    for route in ("results", "questions", "comparisons"):
        doc = client.get(f"{API}/synth/{route}.json").json()
        assert doc["synthetic"] is True and doc["label"] == "SYNTHETIC"
        assert any("SYNTHETIC" in n for n in doc["notes"])
        assert any("SYNTHETIC" in a for a in doc["attribution"])


def test_results_follow_a_withdrawn_publication(client, pdb):
    # the app's response cache (keyed on the atlas store) must not keep these answers
    _survey(pdb, "zurueck", results_public=True)
    _answer(client, "zurueck", 5)
    first = client.get(f"{API}/zurueck/results.json")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert client.get(f"{API}.json").json()[0]["survey"] == "zurueck"
    with pdb.session() as s:
        s.query(Survey).filter_by(slug="zurueck").one().results_public = False
    assert client.get(f"{API}/zurueck/results.json").status_code == 404
    assert client.get(f"{API}.json").json() == []


def test_routes_are_in_the_openapi_schema_with_models(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, model in (
        ("/api/v1/surveys/{slug}/results.json", "SurveyResults"),
        ("/api/v1/surveys/{slug}/questions.json", "SurveyQuestions"),
        ("/api/v1/surveys/{slug}/comparisons.json", "SurveyComparisons"),
    ):
        op = spec["paths"][path]["get"]
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ok.endswith("/" + model)
        assert op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorResponse"
        )
        assert "422" in op["responses"]
    assert "/api/v1/surveys.json" in spec["paths"]
    row = spec["components"]["schemas"]["QuestionRow"]["properties"]
    assert {"count", "suppressed", "share"} <= row.keys()
    assert client.get(f"{API}/bad%20slug/results.json").status_code == 422
