"""Survey tables. Privacy by construction:

* ``survey_response.answers`` holds coded answers only; free texts sit in
  ``survey_free_text`` (own table, deleted with their response, never in an aggregate);
* invitation e-mail addresses are blanked once the response is submitted (no more reminders
  are needed); only the SHA-256 of an invitation token is stored;
* responses and free texts stay out of the audit log (it would keep copies beyond a
  deletion request); admin actions on them are recorded explicitly instead;
* ``Survey.retention_days`` after closing, ``surveys.purge_expired`` deletes the responses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from regionatlas.platform.models.base import Base, JSONText, UTCDateTime, utcnow

SURVEY_MODES = ("invite", "open")
RESPONSE_SOURCES = ("web", "import", "synthetic")


class Survey(Base):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    questionnaire: Mapped[str] = mapped_column(String(40))  # questionnaire id (firms, …)
    definition: Mapped[str] = mapped_column(Text)  # the questionnaire TOML in force
    title_de: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16), default="invite")
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_days: Mapped[int] = mapped_column(Integer, default=365)
    results_public: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyInvitation(Base):
    """One token = one response. ``kind``: invite (mailed), open (open link), import."""

    __tablename__ = "survey_invitation"
    __audit_exclude__ = frozenset({"token_hash", "email"})

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="invite")
    email: Mapped[str | None] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(Base):
    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "external_id"),)
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="SET NULL"), unique=True
    )
    external_id: Mapped[str | None] = mapped_column(String(60))  # LimeSurvey id / token
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | complete
    source: Mapped[str] = mapped_column(String(16), default="web")
    lang: Mapped[str] = mapped_column(String(2), default="de")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyFreeText(Base):
    __tablename__ = "survey_free_text"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
