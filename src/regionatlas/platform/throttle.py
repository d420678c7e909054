"""Rate limits of requests that send mail to an address someone typed: password-reset
requests and the contact form. Per kind, at most ``per_email`` requests for one e-mail
address and ``per_ip`` from one client address within ``WINDOW``; a refused request is
``ThrottledError`` (429 with ``retry_after`` seconds) and sends nothing. Accepted requests are
logged in ``request_log`` (the e-mail as its SHA-256), rows older than the window deleted.
Kept in the database, so the limits hold across worker processes, as login throttling does.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from regionatlas.errors import ThrottledError
from regionatlas.platform.models import RequestLog, utcnow

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    per_email: int
    per_ip: int


LIMITS = {"reset": Limit(per_email=3, per_ip=10), "contact": Limit(per_email=5, per_ip=10)}


def email_key(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def _retry_after(s: Session, kind: str, cond, limit: int, now: datetime) -> int | None:
    """Seconds until a request would be allowed again, or None if it is allowed now."""
    times = list(
        s.scalars(
            select(RequestLog.at)
            .where(RequestLog.kind == kind, RequestLog.at > now - WINDOW, cond)
            .order_by(RequestLog.at.desc())
            .limit(limit)
        )
    )
    if len(times) < limit:
        return None
    # the limit-th newest request must leave the window first
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds()))


def check_and_record(s: Session, kind: str, email: str, ip: str) -> None:
    """Refuse (429) or log one request of ``kind`` for ``email`` from ``ip``."""
    limit = LIMITS[kind]
    now = utcnow()
    key, ip = email_key(email), (ip or "unknown")[:64]
    for cond, n in (
        (RequestLog.ip == ip, limit.per_ip),
        (RequestLog.email_hash == key, limit.per_email),
    ):
        wait = _retry_after(s, kind, cond, n, now)
        if wait is not None:
            raise ThrottledError(
                "too many requests; try again later",
                i18n="platform.err_too_many_requests",
                retry_after=wait,
            )
    s.execute(delete(RequestLog).where(RequestLog.at <= now - WINDOW))
    s.add(RequestLog(kind=kind, email_hash=key, ip=ip, at=now))
