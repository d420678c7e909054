"""The goals dashboard with goals bound to survey results, in Debian's chromium: the share
with its interval, a withheld cell and the SYNTHETIC label are shown, and axe-core finds no
WCAG violations (DE and EN)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from regionatlas.web.serving import serving

pytestmark = pytest.mark.browser

PLACES = pd.DataFrame(
    {
        "district": ["06611", "06633", "06633", "03159"],
        "state": ["06", "06", "06", "03"],
        "population": [200_000.0, 8_000.0, 28_000.0, 118_000.0],
    },
    index=["06611000", "06633001", "06633002", "03159001"],
)
FLOWS = pd.DataFrame(
    [("06633001", "06611000", 30.0), ("06633002", "06611000", 10.0),
     ("06611000", "06611000", 60.0), ("06633001", "03159001", 12.0)],
    columns=["origin", "destination", "persons"],
)  # fmt: skip


def _indicator(goal_id: int, key: str, territory: dict) -> object:
    from regionatlas.platform.models import ImpactIndicator

    return ImpactIndicator(
        goal_id=goal_id, key=key, indicator=None, survey="firms", question="COOP=Y",
        territory=territory, baseline_period="2024-06-30", baseline_value=None, target=80.0,
        target_year=2030, unit="%", direction="increase",
    )  # fmt: skip


@pytest.fixture(scope="module")
def live(web_store, region_file, tmp_path_factory):
    from sqlalchemy import select

    from regionatlas.platform.db import Database
    from regionatlas.platform.mail import Mailer
    from regionatlas.platform.models import ImpactGoal, Survey
    from regionatlas.platform.seed import seed
    from regionatlas.platform.surveys import limesurvey, synth
    from regionatlas.platform.surveys.questionnaire import shipped
    from regionatlas.region import load_region
    from regionatlas.web.app import create_app
    from regionatlas.web.platform.context import PlatformConfig
    from regionatlas.workflows.surveys import import_limesurvey

    d = tmp_path_factory.mktemp("live-goals")
    db = Database(f"sqlite:///{d / 'p.sqlite'}")
    db.upgrade()
    with db.session() as s:
        seed(s)
    qn = shipped("firms")
    csv = limesurvey.write_csv(qn, synth.responses(qn, PLACES, FLOWS, 60, seed=3))
    import_limesurvey(db, set(PLACES.index), "firms", csv.encode(), "synth.csv")
    region_id = load_region(region_file).id
    with db.session() as s:
        survey = s.scalar(select(Survey).where(Survey.slug == "firms"))
        survey.closes_at = datetime(2026, 3, 31, tzinfo=UTC)
        goal = ImpactGoal(slug="kooperation", region=region_id, owner="AG Test",
                          title_de="Mehr Kooperation", title_en="More cooperation")  # fmt: skip
        s.add(goal)
        s.flush()
        s.add(_indicator(goal.id, "region", {"kind": "region", "key": None, "members": []}))
        s.add(_indicator(goal.id, "goe", {"kind": "district", "key": "03159", "members": []}))
    app = create_app(
        str(web_store),
        region_file,
        platform=PlatformConfig(db=db, mailer=Mailer(port=1), uploads_dir=d / "u"),
    )
    with serving(app) as url:
        yield url


@pytest.mark.parametrize("lang", ["de", "en"])
def test_survey_goals_on_the_dashboard_are_axe_clean(page, live, lang):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live}/{lang}/goals/")
    section = page.locator("#goal-kooperation")
    text = section.inner_text()
    assert ("95-%-Intervall" if lang == "de" else "95 % interval") in text
    assert ("SYNTHETISCHE" if lang == "de" else "SYNTHETIC") in text
    withheld = "weniger als 5 Antworten" if lang == "de" else "fewer than 5 responses"
    districts = page.locator("#goal-kooperation .goal-indicator").all_inner_texts()
    assert any(withheld in t for t in districts), districts
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
