"""Every text field of every form takes hostile input: stored XSS comes back inert on every
page that shows it, SQL metacharacters are stored as text and the tables stay intact."""

from __future__ import annotations

import pytest
from platform_helpers import assert_inert, login, token_of
from sqlalchemy import func, inspect, select

from regionatlas.platform.models import Account, Base

PAYLOADS = [
    '<script>alert(1)</script>"><img src=x onerror=alert(2)>',
    "'; DROP TABLE account; -- \" OR 1=1 /* %_ \\",
]

# form action, fields (with a valid value for fields that must be valid), pages showing it
FORMS = [
    (
        "/de/platform/actors/new",
        {
            "name": None,
            "kind": "firm",
            "ags": "06611000",
            "description": None,
            "contact_phone": None,
        },
        ["/de/platform/actors/", "/de/platform/actors/1/"],
    ),
    (
        "/de/platform/events/",
        {
            "title_de": None,
            "title_en": None,
            "format": "onsite",
            "place": None,
            "agenda_md": None,
            "minutes_md": None,
        },
        ["/de/platform/events/", "/en/platform/events/", "/de/platform/timeline/"],
    ),
    (
        "/de/platform/dkz/offers",
        {
            "kind": "course",
            "title": None,
            "provider": None,
            "audience": None,
            "dates": None,
            "description": None,
        },
        ["/de/platform/dkz/", "/en/platform/dkz/"],
    ),
    (
        "/de/platform/dkz/sites",
        {"kind": "satellite", "name": None, "ags": "06633001", "address": None},
        ["/de/platform/dkz/sites/"],
    ),
    (
        "/de/platform/news/",
        {"title_de": None, "title_en": None, "body_de": None, "body_en": None},
        ["/de/platform/", "/de/platform/news.atom"],
    ),
    (
        "/de/platform/groups/regionalplanung/threads",
        {"title": None, "body": None},
        ["/de/platform/groups/regionalplanung/", "/de/platform/threads/1/"],
    ),
    (
        "/de/platform/account/settings",
        {"display_name": None},
        ["/de/platform/account/", "/de/platform/threads/1/", "/de/platform/admin/"],
    ),
]


def _table_counts(pdb) -> dict[str, int]:
    with pdb.session() as s:
        names = inspect(s.get_bind()).get_table_names()
        return {
            n: s.scalar(select(func.count()).select_from(Base.metadata.tables[n]))
            for n in names
            if n in Base.metadata.tables
        }


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_every_field(client, make_user, pdb, payload):
    make_user("root@example.org", role="admin", groups={"regionalplanung": "editor"})
    login(client, "root@example.org")
    for action, fields, pages in FORMS:
        data = {k: (payload if v is None else v) for k, v in fields.items()}
        if action.endswith("/threads"):
            data["title"] = payload[:200]
        data["csrf_token"] = token_of(client)
        r = client.post(action, data=data, follow_redirects=False)
        assert r.status_code == 303, (action, r.status_code, r.text[:300])
        for path in pages:
            page = client.get(path)
            assert page.status_code == 200, path
            if path.endswith(".atom"):
                assert b"<script>" not in page.content  # XML-escaped text
            else:
                assert_inert(page.text)
    counts = _table_counts(pdb)
    assert counts["account"] == 1 and counts["post"] == 1  # nothing dropped or multiplied
    with pdb.session() as s:
        assert s.scalar(select(Account.display_name)) == payload[:120]
