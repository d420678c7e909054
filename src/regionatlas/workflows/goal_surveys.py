"""Goals' success indicators bound to a survey result, computed from the platform's stored
responses (issue #14, item 1; the seam ``analysis.monitoring.SurveyResults``).

``snapshot(session, refs)`` reads, once, every survey a goal names: its complete responses
tabulated by ``analysis.surveys.tabulate`` — the same table, and so the same suppression of
cells under 5 responses, as the survey results pages and downloads — for all responses,
per Land and per Kreis (of the location the respondent gave). The snapshot is plain data:
it outlives the session, implements ``SurveyResults`` for ``recompute`` and ``check_goal``,
and its ``fingerprint`` changes with every import, response or deletion, so that goal
progress is recomputed when a survey import lands.

Values: the share (in %) of responses naming the bound option, with its Wilson 95 %
interval and the number of responses; without an option the mean of a number or scale
question. Basis "survey", or "synthetic" when the responses are synthetic. The period is
the survey's closing date, else the date of its newest complete response.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from regionatlas.analysis import surveys as sa
from regionatlas.analysis.monitoring import SURVEY, SYNTHETIC, Point, SurveyRef, Territory
from regionatlas.platform.surveys.questionnaire import Questionnaire
from regionatlas.workflows.surveys import SUPPRESSED

SHARE_TYPES = ("choice", "multi", "ranking", "place")
MEAN_TYPES = ("number", "scale")


@dataclass
class StoredSurvey:
    slug: str
    title: dict[str, str]
    questionnaire: Questionnaire
    period: str | None  # None: no complete response yet
    synthetic: bool
    table: pd.DataFrame  # analysis.surveys.tabulate: all, land, kreis
    fingerprint: str


@dataclass
class SurveySnapshot:
    """The surveys named by goals, as read from the platform (SurveyResults)."""

    surveys: dict[str, StoredSurvey] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return ";".join(f"{k}:{v.fingerprint}" for k, v in sorted(self.surveys.items()))

    def problem(self, ref: SurveyRef) -> str | None:
        sv = self.surveys.get(ref.survey)
        if sv is None:
            return f"no survey {ref.survey!r} on the platform"
        qn = sv.questionnaire
        q = next((x for x in qn.questions if x.code == ref.question), None)
        if q is None:
            codes = ", ".join(x.code for x in qn.questions if x.type != "text")
            return f"survey {ref.survey!r} has no question {ref.question!r} (questions: {codes})"
        if q.type in MEAN_TYPES and ref.option is None:
            return None
        if q.type == "text":
            return f"question {ref.question!r} is free text: it has no value"
        if ref.option is None:
            options = ", ".join(q.option_codes) or "AGS of a named place"
            return (
                f"question {ref.question!r} ({q.type}) needs an option: the value is the "
                f"share of responses naming it (options: {options})"
            )
        if q.type in MEAN_TYPES:
            return f"question {ref.question!r} ({q.type}) has no options: bind it without one"
        if q.type != "place" and ref.option not in q.option_codes:
            options = ", ".join(q.option_codes)
            return f"question {ref.question!r} has no option {ref.option!r} (options: {options})"
        return None

    def label(self, ref: SurveyRef, lang: str) -> str | None:
        """'survey title: question text – option' in ``lang`` (None: not on the platform)."""
        sv = self.surveys.get(ref.survey)
        if sv is None or self.problem(ref):
            return None
        q = sv.questionnaire.question(ref.question)
        text = f"{sv.title[lang]}: {q.text[lang]}"
        opt = q.option(ref.option) if ref.option and q.type != "place" else None
        if opt is not None:
            text += f" – {opt.label(lang)}"
        elif ref.option:
            text += f" – {ref.option}"
        return text

    def series(self, ref: SurveyRef, territory: Territory) -> list[Point]:
        sv = self.surveys.get(ref.survey)
        if sv is None or sv.period is None or self.problem(ref):
            return []
        group_by, group = _group(territory)
        t = sv.table
        rows = t[(t["question"] == ref.question) & (t["group_by"] == group_by)
                 & (t["group"] == group)]  # fmt: skip
        basis = SYNTHETIC if sv.synthetic else SURVEY
        if rows.empty:  # nobody in that territory answered: suppressed like a group under 5
            return [Point(sv.period, None, _suppressed(), basis)]
        q = sv.questionnaire.question(ref.question)
        if ref.option is None:  # mean of a number (option "") or scale ("mean") question
            r = rows[rows["option"].isin(["", "mean"])]
            if r.empty or bool(r["suppressed"].iloc[-1]):
                return [Point(sv.period, None, _suppressed(), basis)]
            return [Point(sv.period, float(r["mean"].iloc[-1]), None, basis)]
        if bool(rows["suppressed"].all()) and rows["n"].isna().all():
            return [Point(sv.period, None, _suppressed(), basis)]  # the group has < 5 responses
        r = rows[rows["option"] == ref.option]
        n = _int(rows["n"].dropna().iloc[0]) if rows["n"].notna().any() else None
        if r.empty:  # an option nobody named (a place, or a zero not listed): share 0 of n
            if q.type != "place" or n is None:
                return [Point(sv.period, None, _suppressed(), basis)]
            lo, hi = sa.wilson(0, n)
            return [Point(sv.period, 0.0, None, basis, 100 * lo, 100 * hi, n)]
        row = r.iloc[0]
        if bool(row["suppressed"]):
            return [Point(sv.period, None, _suppressed(), basis, None, None, n)]
        return [Point(sv.period, 100 * float(row["share"]), None, basis,
                      100 * float(row["ci_low"]), 100 * float(row["ci_high"]), n)]  # fmt: skip


def _suppressed() -> str:
    """The survey pages' marker of a cell under 5 responses (never 0)."""
    return SUPPRESSED


def _int(v: Any) -> int:
    return int(float(v))


def _group(t: Territory) -> tuple[str, str]:
    if t.kind == "district":
        return "kreis", str(t.key)
    if t.kind == "state_part":
        return "land", str(t.key)
    return "all", "all"


def _groupings(qn: Questionnaire) -> dict[str, Any]:
    """Land and Kreis of the respondent's location, from its AGS (the first two and five
    digits), as the survey results pages group them."""
    loc = qn.roles.get("location")
    if not loc:
        return {}

    def by(width: int):
        def key(a: dict[str, Any]) -> str | None:
            v = a.get(loc)
            return str(v[0]["ags"])[:width] if v else None

        return key

    return {"kreis": by(5), "land": by(2)}


def refs_of(goals: Iterable[Any]) -> list[SurveyRef]:
    return [s.survey for g in goals for s in g.indicators if s.survey is not None]


_TABLES: dict[tuple[str, ...], StoredSurvey] = {}  # tabulated surveys by state (in process)
_TABLES_MAX = 32


def snapshot(session: Any, refs: Iterable[SurveyRef]) -> SurveySnapshot:
    """Read and tabulate every survey named in ``refs`` (unknown slugs are left out:
    ``problem`` then names them). A survey is tabulated once per state of its responses and
    definition (kept in process), so that pages reading the content per request pay a few
    small queries, not a tabulation."""
    from sqlalchemy import func, select

    from regionatlas.errors import NotFoundError
    from regionatlas.platform.models.surveys import SurveyResponse
    from regionatlas.platform.surveys import service

    out = SurveySnapshot()
    bind = str(session.get_bind().url)
    for slug in sorted({r.survey for r in refs}):
        try:
            survey = service.get(session, slug)
        except NotFoundError:
            continue
        fingerprint = service.latest_change(session, survey)
        key = (bind, slug, fingerprint, str(survey.closes_at), survey.title_de,
               survey.title_en, str(survey.synthetic), survey.definition)  # fmt: skip
        if key in _TABLES:
            out.surveys[slug] = _TABLES[key]
            continue
        responses = service.complete_answers(session, survey)
        qn = responses.questionnaire
        table = sa.tabulate(qn.questions, responses.answers, _groupings(qn))
        period = None
        if survey.closes_at is not None:
            period = survey.closes_at.date().isoformat()
        else:
            newest = session.scalar(
                select(func.max(SurveyResponse.submitted_at)).where(
                    SurveyResponse.survey_id == survey.id, SurveyResponse.status == "complete"
                )
            )
            period = newest.date().isoformat() if newest is not None else None
        stored = StoredSurvey(
            slug=slug,
            title={"de": survey.title_de, "en": survey.title_en},
            questionnaire=qn,
            period=period if responses.answers else None,
            synthetic=responses.synthetic,
            table=table,
            fingerprint=fingerprint,
        )
        if len(_TABLES) >= _TABLES_MAX:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = stored
        out.surveys[slug] = stored
    return out
