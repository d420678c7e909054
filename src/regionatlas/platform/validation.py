"""Field checks the platform's forms share (organisations, DKZ offers and sites, events).

Each takes the submitted ``fields``, returns the cleaned value and raises ``InputError``
naming the field, with the i18n key of its German and English message
(``web/i18n/*.platform.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from regionatlas.errors import InputError
from regionatlas.platform.accounts import EMAIL

AGS = re.compile(r"^\d{8}$|^\d{5}$")
URL = re.compile(r"^https?://[^\s<>\"']{1,290}$")

Fields = Mapping[str, str | None]


def text(fields: Fields, key: str, lo: int, hi: int) -> str:
    """The stripped text of ``key``, ``lo`` to ``hi`` characters long."""
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


def choice(fields: Fields, key: str, allowed: Collection[str], *, what: str | None = None) -> str:
    """The value of ``key``, one of ``allowed``; the error says "unknown {what}" (default:
    the key)."""
    value = fields.get(key) or ""
    if value not in allowed:
        raise InputError(
            f"unknown {what or key} {value!r}",
            field=key,
            expected=", ".join(allowed),
            i18n="platform.err_choice",
        )
    return value


def known_ags(
    fields: Fields, known_unit: Callable[[str], bool], *, explain_format: bool = True
) -> str:
    """The stripped ``ags``: a municipality (8 digits) or district (5 digits) key that
    ``known_unit(ags)`` says the atlas has.

    With ``explain_format`` a key of the wrong shape gets its own error
    (platform.err_ags_format); without, it is reported as not a unit of this atlas.
    """
    ags = (fields.get("ags") or "").strip()
    if explain_format and not AGS.match(ags):
        raise InputError(
            f"AGS {ags!r} is not a municipality (8 digits) or district (5 digits)",
            field="ags",
            value=ags,
            expected="e.g. 06611000",
            i18n="platform.err_ags_format",
        )
    if not (AGS.match(ags) and known_unit(ags)):
        raise InputError(
            f"AGS {ags!r} is not a unit of this atlas",
            field="ags",
            value=ags,
            i18n="platform.err_ags_unknown",
        )
    return ags


def website(fields: Fields) -> str | None:
    """The stripped ``website``, an http(s) address, or None when empty."""
    value = (fields.get("website") or "").strip() or None
    if value and not URL.match(value):
        raise InputError(
            "the website must start with http:// or https://",
            field="website",
            i18n="platform.err_website",
        )
    return value


def email(fields: Fields, key: str) -> str | None:
    """The e-mail address in ``key``, stripped and lower-cased, or None when empty."""
    value = (fields.get(key) or "").strip().lower() or None
    if value and not EMAIL.match(value):
        raise InputError(f"not an e-mail address: {value!r}", field=key, i18n="platform.err_email")
    return value
