"""The participation platform in the static export (``web.export``): exactly what a visitor
without login sees, as files.

The pages are rendered by the platform's own routes, anonymously, with the atlas flagged
``static_copy``: the templates then leave out every form (login, posting, registering, the
contact form, GET filters that need the server), list every thread and post on one page (no
query strings in a static site) and leave out members-only working groups altogether. What is
not public on the live site is not asked for at all: members-only groups and their threads
and events, hidden threads, non-public documents, accounts, administration, the audit log,
surveys (they take answers). Hidden posts keep their placeholder, never their text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from regionatlas.platform import actors, events, forum
from regionatlas.platform.db import Database
from regionatlas.platform.models import Document
from regionatlas.web.i18n import LANGUAGES


@dataclass(frozen=True)
class PublicContent:
    """Ids of the public platform content, read once (language independent)."""

    groups: tuple[str, ...]
    threads: tuple[int, ...]
    events: tuple[int, ...]
    organisations: tuple[int, ...]
    documents: tuple[tuple[int, str], ...]  # (id, file name)


def public_content(db: Database) -> PublicContent:
    with db.session() as s:
        groups = forum.groups(s, public_only=True)
        threads = [
            t.id
            for g in groups
            for t, _count, _name in forum.threads(s, g.id, with_hidden=False, per_page=None)[0]
        ]
        visible = events.listing(s)  # as a visitor: no members-only group's events
        public_group = {g.id for g in groups}
        event_ids = {e.id for e in visible}
        docs = [
            (d.id, d.file_name)
            for d in s.scalars(select(Document).order_by(Document.id))
            if d.public
            and (d.group_id is None or d.group_id in public_group)
            and (d.event_id is None or d.event_id in event_ids)
            and (d.group_id is not None or d.event_id is not None)
        ]
        return PublicContent(
            groups=tuple(g.slug for g in groups),
            threads=tuple(threads),
            events=tuple(e.id for e in visible),
            organisations=tuple(o.id for o in actors.directory(s)),
            documents=tuple(docs),
        )


def urls(content: PublicContent) -> Iterator[str]:
    """Every platform URL of the static copy, in both languages."""
    for lang in LANGUAGES:
        p = f"/{lang}/platform"
        yield from (f"{p}/", f"{p}/news.atom", f"{p}/groups/")
        for slug in content.groups:
            yield f"{p}/groups/{slug}/"
            yield f"{p}/groups/{slug}/events.ics"
        yield from (f"{p}/threads/{i}/" for i in content.threads)
        yield from (f"{p}/events/", f"{p}/events.ics", f"{p}/timeline/")
        yield from (f"{p}/events/{i}/" for i in content.events)
        yield from (f"{p}/actors/", f"{p}/actors/map.geojson")
        yield from (f"{p}/actors/{i}/" for i in content.organisations)
        yield from (f"{p}/dkz/", f"{p}/dkz/sites/", f"{p}/dkz/sites.geojson")
        yield f"{p}/goals/"
        yield from (f"{p}/documents/{i}/download" for i, _name in content.documents)


def document_files(content: PublicContent) -> dict[str, str]:
    """Where each document's download is written: under its file name (a static server then
    sends it with its type, and it is saved under its name), as the pages link it."""
    return {
        f"/{lang}/platform/documents/{i}/download": f"{lang}/platform/documents/{i}/{name}"
        for lang in LANGUAGES
        for i, name in content.documents
    }
