"""Events (digital / hybrid / on site) with agenda, minutes, documents and registration with
a cap; the timeline of the process."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regionatlas.errors import ConflictError, InputError, NotFoundError
from regionatlas.platform import permissions, validation
from regionatlas.platform.models import (
    EVENT_FORMATS,
    Account,
    Event,
    EventRegistration,
    TimelineEntry,
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def get(s: Session, event_id: int) -> Event:
    ev = s.get(Event, event_id)
    if ev is None:
        raise NotFoundError(
            f"unknown event {event_id}", value=event_id, i18n="platform.err_unknown_event"
        )
    return ev


def listing(s: Session, group_id: int | None = None, account: Account | None = None) -> list[Event]:
    """Events in programme order that ``account`` (None: a visitor) may see: the events of a
    members-only working group are for its members."""
    q = select(Event).order_by(
        func.coalesce(Event.month, "9999"), Event.starts_at, Event.position, Event.id
    )
    if group_id is not None:
        q = q.where(Event.group_id == group_id)
    return [e for e in s.scalars(q) if can_see(s, account, e)]


def can_see(s: Session, account: Account | None, ev: Event) -> bool:
    if ev.group_id is None:
        return True
    from regionatlas.platform.models import WorkingGroup

    group = s.get(WorkingGroup, ev.group_id)
    return group is None or permissions.can_read_group(s, account, group)


def require_see(s: Session, account: Account | None, ev: Event) -> None:
    """A members-only group's event is 404 to everyone else (as a hidden thread is)."""
    if not can_see(s, account, ev):
        raise NotFoundError(
            f"unknown event {ev.id}", value=ev.id, i18n="platform.err_unknown_event"
        )


def require_edit(s: Session, account: Account | None, group_id: int | None) -> None:
    if group_id is None:
        permissions.require_admin(account)
    else:
        permissions.require_editor(s, account, group_id)


def parse_time(raw: str, field: str) -> datetime | None:
    """'YYYY-MM-DDTHH:MM' (as <input type=datetime-local> sends it), read as UTC."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(
            f"not a date and time: {raw!r}",
            field=field,
            expected="YYYY-MM-DDTHH:MM",
            i18n="platform.err_datetime",
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def validate(fields: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in ("title_de", "title_en"):
        out[key] = validation.text(fields, key, 1, 200)
    out["format"] = validation.choice(fields, "format", EVENT_FORMATS)
    out["place"] = (fields.get("place") or "").strip()[:200] or None
    starts = parse_time(fields.get("starts_at", ""), "starts_at")
    ends = parse_time(fields.get("ends_at", ""), "ends_at")
    out["starts_at"], out["ends_at"] = starts, ends
    if starts and ends and ends < starts:
        raise InputError(
            "the event ends before it starts", field="ends_at", i18n="platform.err_ends_before"
        )
    month = (fields.get("month") or "").strip() or None
    if month and not MONTH.match(month):
        raise InputError(
            f"not a month: {month!r}",
            field="month",
            expected="YYYY-MM",
            i18n="platform.err_month",
        )
    out["month"] = month
    cap = (fields.get("capacity") or "").strip()
    if cap and not (cap.isdigit() and 0 < int(cap) <= 100_000):
        raise InputError(
            f"capacity must be a whole number from 1 (found {cap!r})",
            field="capacity",
            i18n="platform.err_capacity",
        )
    out["capacity"] = int(cap) if cap else None
    out["agenda_md"] = (fields.get("agenda_md") or "")[:20_000]
    out["minutes_md"] = (fields.get("minutes_md") or "")[:50_000]
    return out


def registrations(s: Session, event_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(EventRegistration)
            .where(EventRegistration.event_id == event_id)
        )
        or 0
    )


def is_registered(s: Session, event_id: int, account: Account | None) -> bool:
    return account is not None and s.get(EventRegistration, (event_id, account.id)) is not None


def register(s: Session, account: Account, ev: Event) -> None:
    if is_registered(s, ev.id, account):
        return
    if ev.capacity is not None and registrations(s, ev.id) >= ev.capacity:
        raise ConflictError(
            "the event is fully booked", capacity=ev.capacity, i18n="platform.err_fully_booked"
        )
    s.add(EventRegistration(event_id=ev.id, account_id=account.id))
    s.flush()


def unregister(s: Session, account: Account, ev: Event) -> None:
    row = s.get(EventRegistration, (ev.id, account.id))
    if row is not None:
        s.delete(row)


def timeline(s: Session) -> list[TimelineEntry]:
    return list(s.scalars(select(TimelineEntry).order_by(TimelineEntry.position, TimelineEntry.id)))
