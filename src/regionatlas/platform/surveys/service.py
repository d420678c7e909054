"""Surveys in the platform database: create, invite and remind by mail, answer by token
(save and resume, one response per token), import, respondent export/deletion, retention.

Every function takes an open session (``db.session()`` or a page's ``ctx.s``): the caller's
transaction decides, so a refused import or form changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from regionatlas.errors import ConflictError, InputError, NotFoundError
from regionatlas.platform import audit, security
from regionatlas.platform.mail import Mailer
from regionatlas.platform.models.base import utcnow
from regionatlas.platform.models.surveys import (
    SURVEY_MODES,
    Survey,
    SurveyFreeText,
    SurveyInvitation,
    SurveyResponse,
)
from regionatlas.platform.surveys.answers import Checked
from regionatlas.platform.surveys.limesurvey import ImportedRow
from regionatlas.platform.surveys.questionnaire import Questionnaire, parse_text, shipped_text


class SurveyClosedError(NotFoundError):
    """The survey is not open (not yet, or no longer)."""

    status = 410


class AlreadyAnsweredError(ConflictError):
    """The token's response was submitted already (one response per token)."""

    status = 409
    exit_code = 2


@lru_cache(maxsize=32)
def _parsed(text: str, source: str) -> Questionnaire:
    return parse_text(text, source)


def questionnaire_of(survey: Survey) -> Questionnaire:
    return _parsed(survey.definition, f"survey {survey.slug}")


def check_retention(days: int) -> int:
    """A retention period in days, 1…3650; InputError otherwise."""
    if not 1 <= days <= 3650:
        raise InputError(
            "retention period out of range",
            field="retention_days",
            expected="1…3650 days",
            i18n="platform.err_retention_range",
        )
    return days


def create_survey(
    s: Session,
    slug: str,
    questionnaire: str,
    *,
    definition: str | None = None,
    mode: str = "invite",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    retention_days: int = 365,
    results_public: bool = False,
    synthetic: bool = False,
) -> Survey:
    if mode not in SURVEY_MODES:
        raise InputError(
            f"unknown survey mode {mode!r}",
            field="mode",
            expected=", ".join(SURVEY_MODES),
            i18n="platform.err_choice",
        )
    if not slug.replace("-", "").isalnum() or not 1 <= len(slug) <= 60:
        raise InputError(
            f"invalid survey name {slug!r}",
            field="slug",
            expected="letters, digits, -",
            i18n="platform.err_slug",
        )
    if s.scalar(select(Survey.id).where(Survey.slug == slug)) is not None:
        raise ConflictError(
            f"a survey {slug!r} exists already", value=slug, i18n="platform.err_survey_exists"
        )
    text = definition if definition is not None else shipped_text(questionnaire)
    qn = parse_text(text, f"survey {slug}")
    if qn.id != questionnaire:
        raise InputError(
            f"definition is questionnaire {qn.id!r}, not {questionnaire!r}",
            value=qn.id,
            expected=questionnaire,
            i18n="platform.err_questionnaire_mismatch",
        )
    survey = Survey(
        slug=slug,
        questionnaire=questionnaire,
        definition=text,
        title_de=qn.title["de"],
        title_en=qn.title["en"],
        mode=mode,
        opens_at=opens_at,
        closes_at=closes_at,
        retention_days=check_retention(retention_days),
        results_public=results_public,
        synthetic=synthetic,
    )
    s.add(survey)
    s.flush()
    return survey


def set_definition(s: Session, survey: Survey, text: str) -> Questionnaire:
    """An admin's edit of the questionnaire (refused unless valid and the same id)."""
    qn = parse_text(text, f"survey {survey.slug}")
    if qn.id != survey.questionnaire:
        raise InputError(
            f"definition is questionnaire {qn.id!r}, not {survey.questionnaire!r}",
            value=qn.id,
            expected=survey.questionnaire,
            i18n="platform.err_questionnaire_mismatch",
        )
    survey.definition = text
    survey.title_de, survey.title_en = qn.title["de"], qn.title["en"]
    return qn


def get(s: Session, slug: str) -> Survey:
    survey = s.scalar(select(Survey).where(Survey.slug == slug[:60]))
    if survey is None:
        raise NotFoundError(f"no survey {slug!r}", value=slug)
    return survey


def listing(s: Session) -> list[Survey]:
    return list(s.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())))


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if survey.opens_at and now < survey.opens_at:
        return False
    return not (survey.closes_at and now >= survey.closes_at)


def require_open(survey: Survey) -> None:
    if not is_open(survey):
        raise SurveyClosedError(f"the survey {survey.slug!r} is not open", value=survey.slug)


# ----------------------------------------------------------------------------- invitations
def _new_invitation(s: Session, survey: Survey, kind: str, email: str | None = None):
    token = security.new_token()
    inv = SurveyInvitation(
        survey_id=survey.id, token_hash=security.token_hash(token), kind=kind, email=email
    )
    s.add(inv)
    s.flush()
    return inv, token


def link(base_url: str, lang: str, survey: Survey, token: str) -> str:
    return f"{base_url.rstrip('/')}/{lang}/platform/surveys/{survey.slug}/t/{token}"


MAIL = {
    "de": (
        "Einladung: {title}",
        "Guten Tag,\n\nwir laden Sie zur {title} ein. Ihr persönlicher Link (nur für eine "
        "Antwort; Sie können zwischenspeichern und später weitermachen):\n\n{link}\n\n"
        "Ihre Antworten werden nur zusammengefasst ausgewertet (nie für weniger als 5 "
        "Antworten).\n",
    ),
    "en": (
        "Invitation: {title}",
        "Hello,\n\nyou are invited to the {title}. Your personal link (one response; you can "
        "save and continue later):\n\n{link}\n\nAnswers are only analysed in aggregate "
        "(never for fewer than 5 responses).\n",
    ),
}
REMINDER = {"de": "Erinnerung – ", "en": "Reminder – "}


def invite(
    s: Session, mailer: Mailer, base_url: str, survey: Survey, emails: list[str], lang: str = "de"
) -> int:
    """Mail a personal link to each address (one token each); returns how many were sent."""
    sent = 0
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        if "@" not in email or len(email) > 254:
            raise InputError(
                f"not an e-mail address: {email!r}", value=email, i18n="platform.err_invite_email"
            )
        inv, token = _new_invitation(s, survey, "invite", email)
        _mail(mailer, survey, email, link(base_url, lang, survey, token), lang)
        inv.sent_at = utcnow()
        sent += 1
    audit.record(s, "invite", "survey", survey.id, after={"invitations": sent})
    return sent


def _mail(mailer: Mailer, survey: Survey, email: str, url: str, lang: str, prefix: str = ""):
    title = survey.title_de if lang == "de" else survey.title_en
    subject, body = MAIL[lang]
    mailer.send(email, prefix + subject.format(title=title), body.format(title=title, link=url))


def remind(s: Session, mailer: Mailer, base_url: str, survey: Survey, lang: str = "de") -> int:
    """A reminder with a fresh link to every invitee who has not submitted yet (the old
    link stops working: only hashes are stored, so the token is replaced)."""
    done = select(SurveyResponse.invitation_id).where(SurveyResponse.status == "complete")
    pending = s.scalars(
        select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.kind == "invite",
            SurveyInvitation.email.is_not(None),
            SurveyInvitation.id.not_in(done.where(SurveyResponse.invitation_id.is_not(None))),
        )
    ).all()
    for inv in pending:
        token = security.new_token()
        inv.token_hash = security.token_hash(token)
        _mail(mailer, survey, inv.email or "", link(base_url, lang, survey, token), lang,
              REMINDER[lang])  # fmt: skip
        inv.reminded_at = utcnow()
    audit.record(s, "remind", "survey", survey.id, after={"reminders": len(pending)})
    return len(pending)


def open_invitation(s: Session, survey: Survey) -> tuple[SurveyInvitation, str]:
    """A token for a visitor of an open survey (created when they first save or submit)."""
    if survey.mode != "open":
        raise NotFoundError("this survey is by invitation only")
    return _new_invitation(s, survey, "open")


def by_token(s: Session, survey: Survey, token: str) -> SurveyInvitation:
    inv = s.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.token_hash == security.token_hash(token[:100]),
        )
    )
    if inv is None:
        raise NotFoundError("unknown or replaced survey link")
    return inv


def response_of(s: Session, inv: SurveyInvitation) -> SurveyResponse | None:
    return s.scalar(select(SurveyResponse).where(SurveyResponse.invitation_id == inv.id))


def texts_of(s: Session, response: SurveyResponse | None) -> dict[str, str]:
    if response is None:
        return {}
    rows = s.scalars(select(SurveyFreeText).where(SurveyFreeText.response_id == response.id))
    return {r.question: r.text for r in rows}


def save(
    s: Session,
    survey: Survey,
    inv: SurveyInvitation,
    checked: Checked,
    *,
    final: bool,
    lang: str,
) -> SurveyResponse:
    """Store a draft or the final answers of the token's one response."""
    require_open(survey)
    response = response_of(s, inv)
    if response is not None and response.status == "complete":
        raise AlreadyAnsweredError("this link has been used for a complete response already")
    if response is None:
        response = SurveyResponse(survey_id=survey.id, invitation_id=inv.id, source="web")
        s.add(response)
    response.answers = checked.answers
    response.lang = lang
    s.flush()
    s.execute(delete(SurveyFreeText).where(SurveyFreeText.response_id == response.id))
    for code, text in checked.texts.items():
        s.add(SurveyFreeText(response_id=response.id, question=code, text=text))
    if final:
        response.status = "complete"
        response.submitted_at = utcnow()
        inv.used_at = response.submitted_at
        inv.email = None  # no reminders needed: keep no link between address and answers
    return response


# ---------------------------------------------------------------------------------- import
def known_external_ids(s: Session, survey: Survey) -> set[str]:
    rows = s.scalars(
        select(SurveyResponse.external_id).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.external_id.is_not(None)
        )
    )
    return {r for r in rows if r is not None}


def import_rows(
    s: Session, survey: Survey, rows: list[ImportedRow], source: str = "import", file: str = ""
) -> int:
    """Insert checked rows in bulk (one transaction with the caller's)."""
    if not rows:
        return 0
    now = utcnow()
    values = [
        {
            "survey_id": survey.id,
            "invitation_id": None,
            "external_id": r.external_id,
            "status": "complete" if r.complete else "draft",
            "source": source,
            "lang": r.lang,
            "answers": r.checked.answers,
            "started_at": now,
            "submitted_at": now if r.complete else None,
        }
        for r in rows
    ]
    ids = s.scalars(
        insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
        values,
    ).all()
    texts = [
        {"response_id": rid, "question": code, "text": text}
        for rid, r in zip(ids, rows, strict=True)
        for code, text in r.checked.texts.items()
    ]
    if texts:
        s.execute(insert(SurveyFreeText), texts)
    audit.record(s, "import", "survey", survey.id, after={"rows": len(rows), "file": file})
    return len(rows)


# ---------------------------------------------------------------------- reading for analysis
@dataclass
class Responses:
    survey: Survey
    questionnaire: Questionnaire
    answers: list[dict[str, Any]]  # complete responses only
    synthetic: bool


def complete_answers(s: Session, survey: Survey) -> Responses:
    rows = s.execute(
        select(SurveyResponse.answers, SurveyResponse.source).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.status == "complete"
        )
    ).all()
    answers = [r[0] for r in rows]
    synthetic = survey.synthetic or any(r[1] == "synthetic" for r in rows)
    return Responses(survey, questionnaire_of(survey), answers, synthetic)


def counts(s: Session, survey: Survey) -> dict[str, int]:
    rows = s.execute(
        select(SurveyResponse.status, func.count())
        .where(SurveyResponse.survey_id == survey.id)
        .group_by(SurveyResponse.status)
    ).all()
    out = {"draft": 0, "complete": 0}
    out.update({k: int(v) for k, v in rows})
    out["invitations"] = int(
        s.scalar(select(func.count()).where(SurveyInvitation.survey_id == survey.id)) or 0
    )
    return out


# ------------------------------------------------------------------------- privacy requests
def _response_for_request(s: Session, survey: Survey, token: str | None, rid: int | None):
    if token:
        response = response_of(s, by_token(s, survey, token))
    else:
        response = s.get(SurveyResponse, rid) if rid else None
    if response is None or response.survey_id != survey.id:
        raise NotFoundError("no such response in this survey")
    return response


def export_respondent(
    s: Session, survey: Survey, *, token: str | None = None, response_id: int | None = None
) -> dict[str, Any]:
    """Everything stored about one respondent (GDPR Art. 15/20), as JSON-ready data."""
    r = _response_for_request(s, survey, token, response_id)
    audit.record(s, "export", "survey_response", r.id)
    return {
        "survey": survey.slug,
        "response": r.id,
        "status": r.status,
        "source": r.source,
        "language": r.lang,
        "started_at": r.started_at.isoformat(),
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "answers": r.answers,
        "free_texts": texts_of(s, r),
    }


def delete_respondent(
    s: Session, survey: Survey, *, token: str | None = None, response_id: int | None = None
) -> int:
    """Delete one respondent's response and free texts (GDPR Art. 17); returns its id."""
    r = _response_for_request(s, survey, token, response_id)
    rid = r.id
    s.execute(delete(SurveyFreeText).where(SurveyFreeText.response_id == rid))
    if r.invitation_id:
        inv = s.get(SurveyInvitation, r.invitation_id)
        if inv is not None:
            inv.email = None
    s.delete(r)
    audit.record(s, "delete", "survey_response", rid)
    return rid


def purge_expired(s: Session, now: datetime | None = None) -> int:
    """Delete the responses of surveys whose retention period after closing has passed."""
    now = now or utcnow()
    gone = 0
    for survey in s.scalars(select(Survey).where(Survey.closes_at.is_not(None))):
        assert survey.closes_at is not None
        if now < survey.closes_at + timedelta(days=survey.retention_days):
            continue
        ids = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
        s.execute(delete(SurveyFreeText).where(SurveyFreeText.response_id.in_(ids)))
        n = s.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
        s.execute(delete(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))
        count = int(n.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            audit.record(s, "purge", "survey", survey.id, after={"responses": count})
        gone += count
    return gone


def latest_change(s: Session, survey: Survey) -> str:
    """A fingerprint of the survey's responses (changes with every save, import, deletion)."""
    row = s.execute(
        select(
            func.max(SurveyResponse.id), func.count(), func.max(SurveyResponse.submitted_at)
        ).where(SurveyResponse.survey_id == survey.id)
    ).one()
    return f"{row[0]}-{row[1]}-{row[2]}"
