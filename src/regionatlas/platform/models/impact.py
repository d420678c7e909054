"""Goals with success indicators, interventions and the forum's evaluations (issue #14).

The goal and intervention rows are edited by working-group editors; evaluations are
append-only (no route changes or deletes one: the history stays). Values are checked against
the atlas store by ``workflows.goal_store`` before a row is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from regionatlas.platform.models.base import Base, JSONText, UTCDateTime, utcnow


class ImpactGoal(Base):
    __tablename__ = "impact_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    region: Mapped[str] = mapped_column(String(80), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"), index=True
    )
    owner: Mapped[str] = mapped_column(String(200))
    title_de: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    rationale_de: Mapped[str] = mapped_column(Text, default="")
    rationale_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImpactIndicator(Base):
    __tablename__ = "impact_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("impact_goal.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    indicator: Mapped[str | None] = mapped_column(String(80))
    survey: Mapped[str | None] = mapped_column(String(80))
    question: Mapped[str | None] = mapped_column(String(80))
    territory: Mapped[Any] = mapped_column(JSONText)
    baseline_period: Mapped[str] = mapped_column(String(10))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    target_year: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(16))


class ImpactIntervention(Base):
    __tablename__ = "impact_intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    region: Mapped[str] = mapped_column(String(80), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    title_de: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    places: Mapped[Any] = mapped_column(JSONText)
    start: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(String(200))
    cost_eur: Mapped[float | None] = mapped_column(Float)
    indicators: Mapped[Any] = mapped_column(JSONText)
    goal_slug: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImpactEvaluation(Base):
    """One evaluation of an intervention by the forum; never changed, never deleted."""

    __tablename__ = "impact_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_slug: Mapped[str] = mapped_column(String(80), index=True)  # file or table
    date: Mapped[str] = mapped_column(String(10))
    decision: Mapped[str] = mapped_column(String(16))
    text_de: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
