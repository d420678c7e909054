"""DKZ portal: offers (workshops, consulting, courses) and existing co-working spaces and
satellite offices entered by editors. Proposed sites are not stored: they come from the
scenario lab's site choice (modelled) when the page is shown."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.errors import ForbiddenError, NotFoundError
from regionatlas.platform import validation
from regionatlas.platform.models import (
    OFFER_KINDS,
    SITE_KINDS,
    Account,
    GroupMember,
    Offer,
    Site,
)


def require_dkz_editor(s: Session, account: Account | None) -> None:
    """Administrators and editors of any working group maintain the DKZ portal."""
    if account is None:
        raise ForbiddenError("please log in first", i18n="platform.err_login_required")
    if account.is_admin:
        return
    editor = s.scalar(
        select(GroupMember.group_id).where(
            GroupMember.account_id == account.id, GroupMember.role == "editor"
        )
    )
    if editor is None:
        raise ForbiddenError(
            "only editors and administrators maintain the DKZ portal", i18n="platform.err_dkz_only"
        )


def validate_offer(fields: dict[str, str]) -> dict[str, str | None]:
    kind = validation.choice(fields, "kind", OFFER_KINDS, what="offer kind")
    contact = validation.email(fields, "contact")
    return {
        "kind": kind,
        "title": validation.text(fields, "title", 1, 200),
        "provider": validation.text(fields, "provider", 1, 200),
        "audience": validation.text(fields, "audience", 0, 200),
        "dates": validation.text(fields, "dates", 0, 200),
        "description": validation.text(fields, "description", 0, 5000),
        "contact": contact,
    }


def validate_site(fields: dict[str, str], known_unit: Callable[[str], bool]) -> dict[str, object]:
    kind = validation.choice(fields, "kind", SITE_KINDS, what="site kind")
    # a key of the wrong shape is reported as not a unit of this atlas, as it always was
    ags = validation.known_ags(fields, known_unit, explain_format=False)
    website = validation.website(fields)
    return {
        "kind": kind,
        "name": validation.text(fields, "name", 1, 200),
        "ags": ags,
        "address": validation.text(fields, "address", 0, 300),
        "website": website,
    }


def offers(s: Session) -> list[Offer]:
    return list(s.scalars(select(Offer).order_by(Offer.kind, Offer.title)))


def sites(s: Session) -> list[Site]:
    return list(s.scalars(select(Site).order_by(Site.name)))


def get_offer(s: Session, offer_id: int) -> Offer:
    row = s.get(Offer, offer_id)
    if row is None:
        raise NotFoundError(f"unknown offer {offer_id}")
    return row
