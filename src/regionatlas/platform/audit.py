"""The audit log: every insert, update and delete of an audited model is written to
``audit_entry`` in the same transaction (who, when, what, before/after).

It hooks into the session (``install(sessionmaker)``, done by ``Database``), so no service
can forget it. The actor is ``session.info["actor_id"]`` (``Database.session(actor_id=…)``).
Models opt out with ``__audit__ = False``; ``__audit_exclude__`` keeps secrets out.
``record(session, action, entity, …)`` adds an entry for something that is not a row change
(a login, an export).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from regionatlas.platform.models import AuditEntry, Base, utcnow


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _columns(obj: Base) -> list[str]:
    excluded = type(obj).__audit_exclude__
    return [c.key for c in inspect(type(obj)).column_attrs if c.key not in excluded]


def _identity(obj: Base) -> str:
    key = inspect(type(obj)).primary_key_from_instance(obj)
    return "/".join(str(k) for k in key if k is not None)


def _snapshot(obj: Base, committed: bool = False) -> dict[str, Any]:
    state = inspect(obj)
    out = {}
    for name in _columns(obj):
        hist = state.attrs[name].history
        if committed and hist.deleted:
            out[name] = _plain(hist.deleted[0])
        elif committed and hist.unchanged:
            out[name] = _plain(hist.unchanged[0])
        else:
            out[name] = _plain(getattr(obj, name))
    return out


def _changes(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before, after = {}, {}
    for name in _columns(obj):
        hist = state.attrs[name].history
        if hist.has_changes():
            before[name] = _plain(hist.deleted[0]) if hist.deleted else None
            after[name] = _plain(hist.added[0]) if hist.added else None
    return before, after


def _after_flush(session: Session, _context) -> None:
    rows: list[dict[str, Any]] = []
    actor = session.info.get("actor_id")
    note = session.info.get("note")
    at = utcnow()

    def add(action: str, obj: Base, before: Any, after: Any) -> None:
        rows.append(
            {
                "at": at,
                "actor_id": actor,
                "action": action,
                "entity": obj.__tablename__,
                "entity_id": _identity(obj),
                "before": before,
                "after": after,
                "note": note,
            }
        )

    for obj in session.new:
        if isinstance(obj, Base) and obj.__audit__:
            add("insert", obj, None, _snapshot(obj))
    for obj in session.dirty:
        if isinstance(obj, Base) and obj.__audit__ and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                add("update", obj, before, after)
    for obj in session.deleted:
        if isinstance(obj, Base) and obj.__audit__:
            add("delete", obj, _snapshot(obj, committed=True), None)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def install(factory: sessionmaker) -> None:
    event.listen(factory, "after_flush", _after_flush)


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """An entry for an action that is not a row change (login, export, import, …)."""
    session.add(
        AuditEntry(
            actor_id=session.info.get("actor_id"),
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=before,
            after=after,
            note=session.info.get("note"),
        )
    )


def entries(
    session: Session, *, entity: str | None = None, limit: int = 200, offset: int = 0
) -> list[AuditEntry]:
    """Newest first."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if entity:
        q = q.where(AuditEntry.entity == entity)
    return list(session.scalars(q.limit(limit).offset(offset)))
