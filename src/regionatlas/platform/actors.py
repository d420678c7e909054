"""Organisations of the region: validation (kind, municipality AGS known to the atlas,
website, e-mail), members, directory with filters."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from regionatlas.errors import InputError, NotFoundError
from regionatlas.platform import permissions, validation
from regionatlas.platform.models import (
    ORGANISATION_KINDS,
    Account,
    Organisation,
    OrganisationMember,
)


def validate(
    fields: Mapping[str, str | None], known_unit: Callable[[str], bool]
) -> dict[str, str | None]:
    """Clean organisation fields; ``known_unit(ags)`` says whether the atlas has the unit."""
    name = (fields.get("name") or "").strip()
    if not 1 <= len(name) <= 200:
        raise InputError(
            "an organisation needs a name (1 to 200 characters)",
            field="name",
            lo=1,
            hi=200,
            i18n="platform.err_length",
        )
    kind = validation.choice(fields, "kind", ORGANISATION_KINDS)
    ags = validation.known_ags(fields, known_unit)
    website = validation.website(fields)
    email = validation.email(fields, "contact_email")
    phone = (fields.get("contact_phone") or "").strip()[:40] or None
    description = (fields.get("description") or "").strip()[:5000] or None
    return {
        "name": name,
        "kind": kind,
        "ags": ags,
        "website": website,
        "contact_email": email,
        "contact_phone": phone,
        "description": description,
    }


def get(s: Session, org_id: int) -> Organisation:
    org = s.get(Organisation, org_id)
    if org is None:
        raise NotFoundError(
            f"unknown organisation {org_id}", value=org_id, i18n="platform.err_unknown_org"
        )
    return org


def create(s: Session, account: Account, clean: dict[str, str | None]) -> Organisation:
    """Any logged-in account may register an organisation and becomes its first member."""
    org = Organisation(**clean)
    s.add(org)
    s.flush()
    s.add(OrganisationMember(organisation_id=org.id, account_id=account.id))
    return org


def update(s: Session, account: Account, org: Organisation, clean: dict[str, str | None]) -> None:
    permissions.require_edit_organisation(s, account, org.id)
    for key, value in clean.items():
        setattr(org, key, value)


def add_member(s: Session, account: Account, org: Organisation, email: str) -> None:
    permissions.require_edit_organisation(s, account, org.id)
    member = s.scalar(select(Account).where(Account.email == email.strip().lower()))
    if member is None:
        raise NotFoundError(
            "no account with this e-mail address", field="email", i18n="platform.err_no_account"
        )
    if s.get(OrganisationMember, (org.id, member.id)) is None:
        s.add(OrganisationMember(organisation_id=org.id, account_id=member.id))


def members(s: Session, org_id: int) -> list[Account]:
    return list(
        s.scalars(
            select(Account)
            .join(OrganisationMember, OrganisationMember.account_id == Account.id)
            .where(OrganisationMember.organisation_id == org_id)
            .order_by(Account.display_name)
        )
    )


def directory(
    s: Session, *, kind: str | None = None, district: str | None = None, q: str | None = None
) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    if district and re.fullmatch(r"\d{5}", district):
        query = query.where(Organisation.ags.startswith(district, autoescape=True))
    if q:
        like = f"%{q.strip()[:100]}%"
        query = query.where(
            or_(Organisation.name.ilike(like), Organisation.description.ilike(like))
        )
    return list(s.scalars(query))
