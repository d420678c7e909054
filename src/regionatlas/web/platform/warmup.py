"""Start-up warm-up of the platform's public page cache: every public page an anonymous
reader can reach is rendered once, through the app itself, before the server reports ready
(``web.app``'s lifespan, after the atlas' own warm-up).

The pages, both languages, most visited first: the start page, the working groups (every
page of their thread lists), the threads of the public groups (every page of their posts,
newest activity first), events and the timeline, the actors directory and organisations. At
most ``page_cache_size`` pages (the cache would drop the first ones again). Each worker
process warms its own cache; a change made later invalidates the pages as usual and they are
rendered again on request.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import func, select

from regionatlas.platform.forum import PAGE_SIZE
from regionatlas.platform.models import Event, Organisation, Post, Thread, WorkingGroup
from regionatlas.web.i18n import LANGUAGES

log = logging.getLogger(__name__)


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _paged(path: str, total: int) -> list[str]:
    """The page's URLs as the site links them: plain, and ``?page=n`` when there are more."""
    n = _pages(total)
    return [path] + ([f"{path}?page={i}" for i in range(1, n + 1)] if n > 1 else [])


def public_paths(db, limit: int) -> list[str]:
    """The public pages' paths, most visited first, at most ``limit``."""
    with db.session() as s:
        groups = list(
            s.execute(
                select(WorkingGroup.id, WorkingGroup.slug)
                .where(WorkingGroup.public.is_(True))
                .order_by(WorkingGroup.id)
            )
        )
        public = {gid for gid, _ in groups}
        per_group = dict(
            s.execute(
                select(Thread.group_id, func.count())
                .where(Thread.hidden.is_(False))
                .group_by(Thread.group_id)
            ).all()
        )
        threads = [
            (tid, gid)
            for tid, gid in s.execute(
                select(Thread.id, Thread.group_id)
                .where(Thread.hidden.is_(False))
                .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            )
            if gid in public
        ]
        posts = dict(s.execute(select(Post.thread_id, func.count()).group_by(Post.thread_id)).all())
        events = list(s.scalars(select(Event.id).order_by(Event.id)))
        orgs = list(s.scalars(select(Organisation.id).order_by(Organisation.name)))
    paths: list[str] = []
    for lang in LANGUAGES:
        p = f"/{lang}/platform/"
        paths += [p, f"{p}groups/", f"{p}events/", f"{p}timeline/", f"{p}actors/"]
        for gid, slug in groups:
            paths += _paged(f"{p}groups/{slug}/", per_group.get(gid, 0))
    for tid, _gid in threads:
        for lang in LANGUAGES:
            paths += _paged(f"/{lang}/platform/threads/{tid}/", posts.get(tid, 0))
    for lang in LANGUAGES:
        paths += [f"/{lang}/platform/events/{e}/" for e in events]
        paths += [f"/{lang}/platform/actors/{o}/" for o in orgs]
    return paths[:limit]


async def warm(app) -> int:
    """Render the public pages into the cache; returns how many were kept."""
    import httpx

    config = app.state.platform
    t0 = time.perf_counter()
    paths = public_paths(config.db, config.page_cache_size)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://warmup") as client:
        for path in paths:
            try:
                r = await client.get(path)
            except Exception:  # the request for it renders again and reports the error
                log.exception("platform warm-up: %s failed; it renders on request", path)
                continue
            if r.status_code != 200:
                log.warning("platform warm-up: %s answered %s", path, r.status_code)
    kept = len(config.page_cache)
    log.info(
        "platform warm-up: %d of %d public pages cached in %.1f s",
        kept,
        len(paths),
        time.perf_counter() - t0,
    )
    return kept
