"""Goals and evaluations edited on the platform (issue #14): checked against the atlas store
before anything is written, one transaction per request, append-only history, audit log,
and the dashboard computes the new goal from the data."""

from __future__ import annotations

from platform_helpers import login, token_of
from sqlalchemy import func, select

GOAL = {
    "slug": "mehr-einwohner",
    "title_de": "Mehr Einwohner",
    "title_en": "More residents",
    "owner": "AG Test",
    "rationale_de": "weil",
    "rationale_en": "because",
    "indicator_key": "pop",
    "indicator": "population",
    "territory_kind": "district",
    "territory_key": "06611",
    "members": "",
    "baseline_period": "",
    "target": "1000000",
    "target_year": "2035",
    "unit": "Personen",
    "direction": "increase",
}


def _count(pdb, model) -> int:
    with pdb.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _post_goal(client, **changes):
    data = {**GOAL, **changes, "csrf_token": token_of(client, "/de/platform/goals/")}
    return client.post("/de/platform/goals/", data=data, follow_redirects=False)


def _baseline(client) -> str:
    ind = client.get("/api/v1/indicators/population.json").json()
    return ind["periods"][0]


def test_editor_adds_a_goal_and_the_dashboard_computes_it(client, pdb, make_user):
    from regionatlas.platform.models import AuditEntry, ImpactGoal, WorkingGroup

    with pdb.session() as s:
        group = s.scalars(select(WorkingGroup)).first()
        gid, slug = group.id, group.slug
    make_user("ed@example.org", groups={slug: "editor"})
    assert login(client, "ed@example.org").status_code == 303
    before = _count(pdb, AuditEntry)
    r = _post_goal(client, group_id=str(gid), baseline_period=_baseline(client))
    assert r.status_code == 303, r.text
    assert _count(pdb, ImpactGoal) == 1
    assert _count(pdb, AuditEntry) > before  # in the audit log
    goals = client.get("/api/v1/goals.json").json()["goals"]
    mine = next(g for g in goals if g["id"] == "mehr-einwohner")
    assert mine["file"] == "platform"
    ind = mine["indicators"][0]
    assert ind["baseline"]["value"] > 0  # computed from the store, never typed
    assert "Mehr Einwohner" in client.get("/de/goals/").text


def test_bad_goals_are_refused_and_nothing_is_written(client, pdb, make_user):
    from regionatlas.platform.models import ImpactGoal, ImpactIndicator

    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")
    base = _baseline(client)
    cases = [
        ({"indicator": "nope"}, 404),
        ({"territory_key": "99999"}, 404),
        ({"unit": "%"}, 422),
        ({"target": "viel"}, 422),
        ({"baseline_period": "30.06.2023"}, 422),
    ]
    for changes, status in cases:
        r = _post_goal(client, **{"baseline_period": base, **changes})
        assert r.status_code == status, (changes, r.status_code, r.text[:300])
    assert _count(pdb, ImpactGoal) == 0 and _count(pdb, ImpactIndicator) == 0


def test_only_editors_may_add(client, pdb, make_user):
    from regionatlas.platform.models import ImpactGoal

    make_user("m@example.org")
    login(client, "m@example.org")
    r = _post_goal(client, baseline_period=_baseline(client))
    assert r.status_code == 403
    assert _count(pdb, ImpactGoal) == 0


def test_evaluations_are_appended_and_checked(client, pdb, make_user, app):
    from regionatlas.analysis.interventions import Evaluation
    from regionatlas.platform.models import ImpactEvaluation, ImpactIntervention
    from regionatlas.web import impact

    region = impact.region(app.state.atlas)
    with pdb.session() as s:
        s.add(
            ImpactIntervention(
                slug="pilot", region=region.id, kind="pilot", title_de="P", title_en="P",
                places=["06611"], start="2024-01-01", body="Kreis", indicators=["population"],
            )
        )  # fmt: skip
        s.commit()
    make_user("admin@example.org", role="admin")
    login(client, "admin@example.org")

    def post(date: str, decision: str = "adapt"):
        data = {"date": date, "decision": decision, "by": "Forum", "text_de": "t",
                "text_en": "t", "csrf_token": token_of(client, "/de/platform/goals/")}  # fmt: skip
        return client.post("/de/platform/interventions/pilot/evaluations/", data=data,
                           follow_redirects=False)  # fmt: skip

    assert post("2023-12-31").status_code == 422  # before the start
    assert post("2025-01-01", "pause").status_code == 422
    assert post("2025-01-01").status_code == 303
    assert post("2024-06-01").status_code == 422  # history is append-only, in date order
    assert post("2025-06-01", "stop").status_code == 303
    assert _count(pdb, ImpactEvaluation) == 2
    item = next(i for i in client.get("/api/v1/interventions.json").json() if i["id"] == "pilot")
    assert [e["decision"] for e in item["evaluations"]] == ["adapt", "stop"]
    assert item["decision"]["decision"] == "stop"
    assert Evaluation  # the dataclass the rows become
