"""DKZ portal: offers (workshops, consulting, courses) and existing co-working spaces and
satellite offices entered by editors. Proposed sites are not stored: they come from the
scenario lab's site choice (modelled) when the page is shown."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.errors import ForbiddenError, InputError, NotFoundError
from regionatlas.platform.accounts import EMAIL
from regionatlas.platform.actors import AGS, URL
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


def _text(fields: dict[str, str], key: str, lo: int, hi: int) -> str:
    value = (fields.get(key) or "").strip()
    if not lo <= len(value) <= hi:
        raise InputError(
            f"{key} needs {lo} to {hi} characters",
            field=key,
            lo=lo,
            hi=hi,
            i18n="platform.err_length",
        )
    return value


def validate_offer(fields: dict[str, str]) -> dict[str, str | None]:
    kind = fields.get("kind") or ""
    if kind not in OFFER_KINDS:
        raise InputError(
            f"unknown offer kind {kind!r}",
            field="kind",
            expected=", ".join(OFFER_KINDS),
            i18n="platform.err_choice",
        )
    contact = (fields.get("contact") or "").strip().lower() or None
    if contact and not EMAIL.match(contact):
        raise InputError(
            f"not an e-mail address: {contact!r}", field="contact", i18n="platform.err_email"
        )
    return {
        "kind": kind,
        "title": _text(fields, "title", 1, 200),
        "provider": _text(fields, "provider", 1, 200),
        "audience": _text(fields, "audience", 0, 200),
        "dates": _text(fields, "dates", 0, 200),
        "description": _text(fields, "description", 0, 5000),
        "contact": contact,
    }


def validate_site(fields: dict[str, str], known_unit: Callable[[str], bool]) -> dict[str, object]:
    kind = fields.get("kind") or ""
    if kind not in SITE_KINDS:
        raise InputError(
            f"unknown site kind {kind!r}",
            field="kind",
            expected=", ".join(SITE_KINDS),
            i18n="platform.err_choice",
        )
    ags = (fields.get("ags") or "").strip()
    if not (AGS.match(ags) and known_unit(ags)):
        raise InputError(
            f"AGS {ags!r} is not a unit of this atlas",
            field="ags",
            value=ags,
            i18n="platform.err_ags_unknown",
        )
    website = (fields.get("website") or "").strip() or None
    if website and not URL.match(website):
        raise InputError(
            "the website must start with http:// or https://",
            field="website",
            i18n="platform.err_website",
        )
    return {
        "kind": kind,
        "name": _text(fields, "name", 1, 200),
        "ags": ags,
        "address": _text(fields, "address", 0, 300),
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
