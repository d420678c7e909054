"""Every platform page renders in both languages, for visitors and for an admin; the
catalogue has every key the platform templates use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from platform_helpers import login

PUBLIC = (
    "",
    "groups/",
    "groups/regionalplanung/",
    "actors/",
    "events/",
    "timeline/",
    "dkz/",
    "dkz/sites/",
    "dkz/contact/",
    "login/",
    "reset/",
)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_public_pages_render_in_both_languages(client, lang):
    for path in PUBLIC:
        r = client.get(f"/{lang}/platform/{path}")
        assert r.status_code == 200, (path, r.text[:500])
        assert f'<html lang="{lang}">' in r.text
    other = "Fachforen" if lang == "de" else "Working groups"
    assert other in client.get(f"/{lang}/platform/groups/").text


def test_admin_sees_every_page(client, make_user):
    make_user("boss@example.org", role="admin")
    login(client, "boss@example.org")
    for path in (*PUBLIC, "account/", "admin/", "admin/audit/", "actors/new"):
        r = client.get(f"/en/platform/{path}")
        assert r.status_code == 200, (path, r.text[:500])


def test_every_platform_template_key_is_in_both_catalogues():
    import regionatlas.web as web
    from regionatlas.web.i18n import catalogue

    root = Path(web.__file__).parent / "templates" / "platform"
    used: set[str] = set()
    for path in root.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", path.read_text()))
    assert len(used) > 100
    for lang in ("de", "en"):
        missing = {k for k in used if not k.endswith("_")} - set(catalogue(lang))
        assert missing == set(), (lang, missing)
    # keys composed in templates: every value of the enumerations has a text
    from regionatlas.platform.models import (
        EVENT_FORMATS,
        OFFER_KINDS,
        ORGANISATION_KINDS,
        SITE_KINDS,
        TIMELINE_KINDS,
    )

    composed = (
        [f"platform.kind_{k}" for k in ORGANISATION_KINDS]
        + [f"platform.format_{k}" for k in EVENT_FORMATS]
        + [f"platform.offer_{k}" for k in OFFER_KINDS]
        + [f"platform.site_{k}" for k in SITE_KINDS]
        + [f"platform.tl_{k}" for k in TIMELINE_KINDS]
        + [f"platform.month_{m:02d}" for m in range(1, 13)]
        + [f"platform.role_{r}" for r in ("admin", "member", "editor")]
    )
    for lang in ("de", "en"):
        assert set(composed) <= set(catalogue(lang)), lang
