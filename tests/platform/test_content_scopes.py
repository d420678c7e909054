"""Which pages a write makes stale (web/platform/content_scopes.py): pure functions."""

from __future__ import annotations

import pytest

from regionatlas.web.platform.content_scopes import (
    EVERYTHING,
    NOTHING,
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
