"""DKZ portal (Digitales Kompetenzzentrum für New Work und Nachhaltiges Wirtschaften):
offers and co-working / satellite-office sites."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from regionatlas.platform.models.base import Base, JSONText, UTCDateTime, utcnow

OFFER_KINDS = ("workshop", "consulting", "course")
SITE_KINDS = ("coworking", "satellite")


class Offer(Base):
    __tablename__ = "dkz_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(200), default="")
    dates: Mapped[str] = mapped_column(String(200), default="")  # free text: "ab März, dienstags"
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Site(Base):
    """An existing co-working space / satellite office (entered by editors)."""

    __tablename__ = "dkz_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    ags: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str | None] = mapped_column(String(300))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[Any] = mapped_column(JSONText, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
