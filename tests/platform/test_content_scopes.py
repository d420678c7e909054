"""Which pages a write makes stale (web/platform/content_scopes.py): the rules, and the
per-process log of written scopes over a real audit table."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text

from regionatlas.platform.models import AuditEntry
from regionatlas.web.platform.content_scopes import (
    EVERYTHING,
    NOTHING,
    ScopeLog,
    page_scopes,
    stale,
    write_scopes,
)


def _row(entity, action="insert", entity_id="1", before=None, after=None):
    return {
        "entity": entity,
        "action": action,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/de/platform/threads/17/", {"thread:17"}),
        ("/en/platform/actors/3/", {"org:3"}),
        ("/de/platform/actors/", {"actors"}),
        ("/de/platform/events/4/", {"events"}),
        ("/de/platform/groups/", {"forum"}),
        ("/de/platform/", {"forum", "news", "events"}),
        ("/de/platform/dkz/", {"*"}),  # not known: every write makes it stale
    ],
)
def test_page_scopes_from_the_path(path, expected):
    assert page_scopes(path) == frozenset(expected)


def test_a_reply_touches_its_thread_its_group_and_the_lists():
    row = _row("post", entity_id="90", after={"thread_id": 7, "body_md": "x"})
    assert write_scopes(row, {7: 2}, {}) == {"thread:7", "group:2", "forum"}
    # an edit lists the changed columns only: the thread comes from the post table
    edit = _row("post", "update", "90", before={"body_md": "x"}, after={"body_md": "y"})
    assert write_scopes(edit, {7: 2}, {90: 7}) == {"thread:7", "group:2", "forum"}
    # not resolvable: every page
    assert write_scopes(edit, {7: 2}, {}) == EVERYTHING


def test_a_thread_moved_between_groups_touches_both():
    row = _row("thread", "update", "7", before={"group_id": 1}, after={"group_id": 2})
    assert write_scopes(row, {7: 2}, {}) == {"thread:7", "group:1", "group:2", "forum"}
    lock = _row("thread", "update", "7", before={"locked": False}, after={"locked": True})
    assert write_scopes(lock, {7: 2}, {}) == {"thread:7", "group:2", "forum"}


def test_other_writes():
    assert write_scopes(_row("group_member", entity_id="4/11"), {}, {}) == {"group:4", "forum"}
    assert write_scopes(_row("organisation", entity_id="5"), {}, {}) == {"actors", "org:5"}
    member = _row("organisation_member", "delete", "5/11")
    assert write_scopes(member, {}, {}) == {"actors", "org:5"}
    assert write_scopes(_row("event_registration"), {}, {}) == {"events"}
    assert write_scopes(_row("news_item"), {}, {}) == {"news"}
    doc = _row("document", after={"group_id": 3, "event_id": None})
    assert write_scopes(doc, {}, {}) == {"group:3"}
    # moderation reports and password changes are not shown to anonymous visitors
    assert write_scopes(_row("report"), {}, {}) == NOTHING
    assert write_scopes(_row("account", "password_change"), {}, {}) == NOTHING


@pytest.mark.parametrize(
    "row",
    [
        _row("working_group", "update", "2", after={"name_de": "Neu"}),  # in the navigation
        _row("account", "update", "11", after={"display_name": "Neu"}),  # authors everywhere
        _row("account", "erase_person", "11"),
        _row("platform", "import"),
        _row("something_new"),
    ],
)
def test_writes_of_unknown_reach_make_every_page_stale(row):
    assert write_scopes(row, {}, {}) == EVERYTHING


def test_stale():
    thread = frozenset({"thread:7"})
    assert not stale(thread, NOTHING)
    assert not stale(thread, frozenset({"thread:8", "group:2", "forum"}))
    assert stale(thread, frozenset({"thread:7", "forum"}))
    assert stale(thread, EVERYTHING)
    assert stale(frozenset({"*"}), frozenset({"events"}))
    assert not stale(frozenset({"*"}), NOTHING)


def test_a_row_committed_after_a_higher_id_drops_the_pages_it_touches(pdb):
    """PostgreSQL hands out ids before commit: id n+1 can be visible before id n. The gap
    makes the range stale; when row n shows up later, the pages of its scopes are dropped."""
    from regionatlas.web.platform.page_cache import PageStore

    with pdb.engine.begin() as con:
        start = con.execute(select(func.max(AuditEntry.id))).scalar() or 0

    def add(con, id_, entity, entity_id):
        row = {"id": id_, "action": "insert", "entity": entity, "entity_id": entity_id}
        con.execute(insert(AuditEntry), [row])

    def query(sql):
        with pdb.engine.connect() as con:
            return list(con.execute(text(sql)))

    store = PageStore(10)
    with pdb.engine.begin() as con:
        add(con, start + 2, "news_item", "1")  # id start+1 is not committed yet
    assert store.changes.changed(start, start + 2, query) == EVERYTHING  # a gap: unknown
    assert store.changes.take_late() == NOTHING
    # pages rendered now show version start+2 without row start+1
    for key, scopes in (("org",), {"org:5"}), (("thread",), {"thread:7"}), (("ev",), {"events"}):
        store.put(key, start + 2, b"page", frozenset(scopes))
    with pdb.engine.begin() as con:
        add(con, start + 1, "organisation", "5")  # committed late
        add(con, start + 3, "event", "2")
    assert store.current(("thread",), store.entries[("thread",)], start + 3, query)
    assert store.entries[("thread",)][0] == start + 3  # still current: relabelled
    assert ("org",) not in store.entries  # the late row's page: dropped
    assert not store.current(("ev",), store.entries[("ev",)], start + 3, query)


def test_the_log_reads_each_row_once(pdb):
    log = ScopeLog()
    calls: list[str] = []

    def query(sql):
        calls.append(sql)
        with pdb.engine.connect() as con:
            return list(con.execute(text(sql)))

    with pdb.engine.begin() as con:
        start = con.execute(select(func.max(AuditEntry.id))).scalar() or 0
        con.execute(
            insert(AuditEntry),
            [{"id": start + 1, "action": "insert", "entity": "news_item", "entity_id": "1"}],
        )
    assert log.changed(start, start + 1, query) == {"news"}
    n = len(calls)
    assert log.changed(start, start + 1, query) == {"news"}  # from memory
    assert len(calls) == n
    assert log.changed(start - 1, start + 1, query) == EVERYTHING  # before the log began
