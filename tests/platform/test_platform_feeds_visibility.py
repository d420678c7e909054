"""A working group's iCalendar feed names the group; the events of a members-only working
group are for its members: not in the feed of all events, not in the lists, their page and
the group's feed not readable by visitors — while members see them."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from platform_helpers import login, token_of
from sqlalchemy import select

HTML = {"Accept": "text/html"}


def _events(pdb):
    from regionatlas.platform import forum
    from regionatlas.platform.models import Event

    at = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    with pdb.session() as s:
        closed = forum.group_by_slug(s, "universitaeten")
        closed.public = False
        public = forum.group_by_slug(s, "regionalplanung")
        s.add(Event(group_id=public.id, title_de="Offen", title_en="Open", starts_at=at))
        s.add(
            Event(
                group_id=closed.id,
                title_de="Geschlossene Runde Q7",
                title_en="Closed round Q7",
                starts_at=at,
            )
        )
        s.flush()
        return s.scalar(select(Event.id).where(Event.title_de == "Geschlossene Runde Q7"))


def test_group_feed_is_named_after_the_group(client, pdb):
    _events(pdb)
    for lang, name in (("de", "Regionalplanung"), ("en", "Regional planning")):
        r = client.get(f"/{lang}/platform/groups/regionalplanung/events.ics")
        cal = Calendar.from_ical(r.content)
        assert str(cal["x-wr-calname"]).endswith(": " + name), cal["x-wr-calname"]
        assert [str(e["summary"]) for e in cal.walk("vevent")] == [
            "Offen" if lang == "de" else "Open"
        ]
    whole = Calendar.from_ical(client.get("/de/platform/events.ics").content)
    assert ":" not in str(whole["x-wr-calname"])


def test_members_only_events_stay_with_the_members(client, pdb, make_user):
    internal = _events(pdb)
    whole = Calendar.from_ical(client.get("/de/platform/events.ics").content)
    titles = [str(e["summary"]) for e in whole.walk("vevent")]
    assert "Offen" in titles and "Geschlossene Runde Q7" not in titles
    for path in ("events/", "timeline/"):
        html = client.get(f"/de/platform/{path}").text
        assert "Offen" in html and "Geschlossene Runde Q7" not in html, path
    assert client.get(f"/de/platform/events/{internal}/", headers=HTML).status_code == 404
    r = client.get("/de/platform/groups/universitaeten/events.ics", headers=HTML)
    assert r.status_code == 403
    make_user("out@example.org")  # logged in, but not a member: cannot register either
    login(client, "out@example.org")
    r = client.post(
        f"/de/platform/events/{internal}/register",
        data={"action": "register", "csrf_token": token_of(client)},
        headers=HTML,
    )
    assert r.status_code == 404
    client.post("/de/platform/logout/", data={"csrf_token": token_of(client)})
    make_user("uni@example.org", groups={"universitaeten": "member"})
    login(client, "uni@example.org")
    assert "Geschlossene Runde Q7" in client.get("/de/platform/events/").text
    assert client.get(f"/de/platform/events/{internal}/").status_code == 200
