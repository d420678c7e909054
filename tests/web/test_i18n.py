"""Both message catalogues are complete: same keys, no empty texts, same placeholders."""

from __future__ import annotations

import re

import pytest

from regionatlas.errors import NotFoundError
from regionatlas.web.i18n import LANGUAGES, Translator, catalogue


def test_same_keys_in_every_language():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["de"] == keys["en"], keys["de"] ^ keys["en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_messages(lang):
    empty = [k for k, v in catalogue(lang).items() if not v.strip()]
    assert empty == []


def test_same_placeholders():
    de, en = catalogue("de"), catalogue("en")
    for key in de:
        assert set(re.findall(r"\{(\w+)\}", de[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_languages_differ_and_format():
    assert Translator("de")("nav.flows") != Translator("en")("nav.flows")
    assert "7" in Translator("en")("flows.shown", n=7)


def test_unknown_language():
    with pytest.raises(NotFoundError):
        catalogue("fr")


def test_every_template_key_exists():
    """Every t("…") key used in templates and JS is in the catalogue."""
    from pathlib import Path

    import regionatlas.web as web

    root = Path(web.__file__).parent
    used = set()
    for path in [*root.glob("templates/*.html"), *root.glob("static/js/*.js")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
    assert used, "no keys found: the pattern is wrong"
    known = catalogue("de")
    # "about.kind_" + kind: a prefix completed at run time must begin some keys
    missing = sorted(
        k
        for k in used
        if (k not in known if not k.endswith("_") else not any(x.startswith(k) for x in known))
    )
    assert missing == []
