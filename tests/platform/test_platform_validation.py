"""platform/validation.py: the field checks organisations, DKZ offers and sites and events
share. Each error names its field and the i18n key of its German and English message."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from regionatlas.errors import InputError
from regionatlas.platform import actors, dkz, validation

KNOWN = {"06611000", "03159", "05774032"}


def known(ags: str) -> bool:
    return ags in KNOWN


def _error(call: Callable[..., object], *args: object, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


def test_text_is_stripped_and_bounded() -> None:
    assert validation.text({"title": "  Werkstatt  "}, "title", 1, 200) == "Werkstatt"
    assert validation.text({}, "dates", 0, 200) == ""
    err = _error(validation.text, {"title": "   "}, "title", 1, 200)
    assert err.message == "title needs 1 to 200 characters"
    assert err.details == {"field": "title", "lo": 1, "hi": 200, "i18n": "platform.err_length"}
    assert _error(validation.text, {"t": "x" * 201}, "t", 1, 200).details["hi"] == 200


def test_choice_names_what_is_unknown_and_what_is_allowed() -> None:
    assert validation.choice({"kind": "b"}, "kind", ("a", "b")) == "b"
    err = _error(validation.choice, {"kind": "z"}, "kind", ("a", "b"), what="offer kind")
    assert err.message == "unknown offer kind 'z'"
    assert err.details == {"field": "kind", "expected": "a, b", "i18n": "platform.err_choice"}
    assert _error(validation.choice, {}, "format", ("x",)).message == "unknown format ''"


def test_known_ags_keeps_leading_zeros_and_explains_a_bad_shape() -> None:
    assert validation.known_ags({"ags": " 06611000 "}, known) == "06611000"
    assert validation.known_ags({"ags": "03159"}, known) == "03159"
    shape = _error(validation.known_ags, {"ags": "6611000"}, known)
    assert shape.details["i18n"] == "platform.err_ags_format"
    assert shape.details["value"] == "6611000"
    unknown = _error(validation.known_ags, {"ags": "09162000"}, known)
    assert unknown.details == {
        "field": "ags",
        "value": "09162000",
        "i18n": "platform.err_ags_unknown",
    }


def test_known_ags_without_format_explanation_reports_every_bad_key_as_unknown() -> None:
    for bad in ("6611000", "09162000", ""):
        err = _error(validation.known_ags, {"ags": bad}, known, explain_format=False)
        assert err.details["i18n"] == "platform.err_ags_unknown"
    # the atlas is never asked about a key of the wrong shape
    asked: list[str] = []
    _error(validation.known_ags, {"ags": "abc"}, asked.append, explain_format=False)
    assert asked == []


def test_website_and_email_are_optional_and_checked() -> None:
    assert validation.website({"website": " "}) is None
    assert validation.website({"website": "https://ra.example"}) == "https://ra.example"
    err = _error(validation.website, {"website": "ra.example"})
    assert err.details == {"field": "website", "i18n": "platform.err_website"}
    assert validation.email({"contact": ""}, "contact") is None
    assert validation.email({"contact": " A@B.de "}, "contact") == "a@b.de"
    err = _error(validation.email, {"contact": "nobody"}, "contact")
    assert err.message == "not an e-mail address: 'nobody'"
    assert err.details == {"field": "contact", "i18n": "platform.err_email"}


ORG = {"name": "Kreis Kassel", "kind": "district", "ags": "06611000"}


def test_organisations_and_sites_keep_their_own_ags_messages() -> None:
    """Organisations explain a malformed key; DKZ sites call it not a unit of this atlas."""
    org = _error(actors.validate, {**ORG, "ags": "661"}, known)
    assert org.details["i18n"] == "platform.err_ags_format"
    site = {"kind": "coworking", "name": "Hub", "ags": "661"}
    assert _error(dkz.validate_site, site, known).details["i18n"] == "platform.err_ags_unknown"
    clean = dkz.validate_site({**site, "ags": "05774032", "website": "http://hub.de"}, known)
    assert (clean["ags"], clean["website"]) == ("05774032", "http://hub.de")
