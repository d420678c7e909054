"""Actors (AGS validation against the atlas, directory, map, permissions), events
(registration cap, iCalendar), news Atom feed, timeline, DKZ portal – over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from icalendar import Calendar
from platform_helpers import assert_inert
from sqlalchemy import func, select

from regionatlas.platform.models import (
    AuditEntry,
    Event,
    EventRegistration,
    NewsItem,
    Offer,
    Organisation,
    Site,
)

ORG = {
    "name": "Regionalmanagement Nordhessen",
    "kind": "regional_development",
    "ags": "06611000",
    "website": "https://example.org",
    "contact_email": "info@example.org",
}


def test_register_organisation_appears_in_directory_and_map(client, visitor, make_user):
    make_user("o@example.org")
    visitor.login("o@example.org")
    assert visitor.post("/de/platform/actors/new", ORG).status_code == 303
    visitor.logout()
    page = client.get("/de/platform/actors/?kind=regional_development").text  # public
    assert "Regionalmanagement Nordhessen" in page and "Kassel" in page
    assert "Regionalmanagement" not in client.get("/de/platform/actors/?kind=chamber").text
    assert "Regionalmanagement" in client.get("/de/platform/actors/?district=06611").text
    assert "Regionalmanagement" not in client.get("/de/platform/actors/?district=06633").text
    geo = client.get("/de/platform/actors/map.geojson").json()
    assert [f["properties"]["label"] for f in geo["features"]] == [ORG["name"]]
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert 9 < lon < 10.5 and 51 < lat < 51.7  # Kassel's label point from the atlas


def test_organisation_validation_and_nothing_stored(visitor, make_user, count_rows):
    make_user("v@example.org")
    visitor.login("v@example.org")
    bad = [
        {"ags": "6611000"},  # leading zero lost
        {"ags": "99999999"},  # not in the atlas
        {"ags": "06611000' OR '1'='1"},
        {"kind": "secret_service"},
        {"website": "javascript:alert(1)"},
        {"contact_email": "not an address"},
        {"name": ""},
    ]
    before = (count_rows(Organisation), count_rows(AuditEntry))
    for change in bad:
        r = visitor.post("/de/platform/actors/new", {**ORG, **change})
        assert r.status_code == 422, change
    assert (count_rows(Organisation), count_rows(AuditEntry)) == before


def test_organisation_xss_inert_and_only_members_edit(client, visitor, make_user, pdb, count_rows):
    make_user("own@example.org")
    make_user("other@example.org")
    visitor.login("own@example.org")
    xss = {
        **ORG,
        "name": "<img src=x onerror=alert(1)>",
        "description": "<script>alert(1)</script>",
    }
    url = visitor.post("/de/platform/actors/new", xss).headers["location"]
    assert_inert(client.get(url).text)
    assert_inert(client.get("/de/platform/actors/").text)
    visitor.switch("other@example.org")
    before = count_rows(AuditEntry)
    r = visitor.post(url, {**ORG, "name": "Übernommen"})
    assert r.status_code == 403
    assert count_rows(AuditEntry) == before
    with pdb.session() as s:
        assert s.scalar(select(Organisation.name)).startswith("<img")


def test_event_registration_cap_and_ical(client, visitor, make_user, count_rows):
    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    make_user("u1@example.org")
    make_user("u2@example.org")
    visitor.login("ed@example.org")
    r = visitor.post(
        "/de/platform/events/",
        {
            "group": "regionalplanung",
            "title_de": "Werkstatt Zentrale Orte",
            "title_en": "Central places workshop",
            "format": "hybrid",
            "place": "Kassel",
            "starts_at": "2031-03-05T09:30",
            "ends_at": "2031-03-05T12:00",
            "capacity": "1",
            "agenda_md": "1. Begrüßung\n2. <script>alert(1)</script>",
        },
    )
    assert r.status_code == 303
    event_url = r.headers["location"]
    assert_inert(client.get(event_url).text)
    for who, status in (("u1@example.org", 303), ("u2@example.org", 409)):
        visitor.switch(who)
        r = visitor.post(event_url + "register", {"action": "register"})
        assert r.status_code == status, who
    assert count_rows(EventRegistration) == 1
    cal = Calendar.from_ical(client.get("/en/platform/events.ics").content)
    ev = [c for c in cal.walk("VEVENT")]
    assert [str(e["summary"]) for e in ev] == ["Central places workshop"]
    assert ev[0].decoded("dtstart") == datetime(2031, 3, 5, 9, 30, tzinfo=UTC)
    group_cal = Calendar.from_ical(
        client.get("/de/platform/groups/regionalplanung/events.ics").content
    )
    assert len(list(group_cal.walk("VEVENT"))) == 1
    other = Calendar.from_ical(client.get("/de/platform/groups/universitaeten/events.ics").content)
    assert list(other.walk("VEVENT")) == []


def test_member_cannot_create_events_for_a_group(visitor, make_user, count_rows):
    make_user("mm@example.org", groups={"regionalplanung": "member"})
    visitor.login("mm@example.org")
    before = count_rows(Event)
    r = visitor.post(
        "/de/platform/events/",
        {"group": "regionalplanung", "title_de": "x", "title_en": "x", "format": "digital"},
    )
    assert r.status_code == 403
    assert count_rows(Event) == before


def test_seeded_programme_is_planned_with_month_precision(client):
    de = client.get("/de/platform/timeline/").text
    assert "November 2021" in de and "April 2024" in de and "geplant" in de
    en = client.get("/en/platform/events/").text
    assert "Second hybrid regional conference" in en and "date open" in en
    # planned events without a day are not invented into the calendar
    cal = Calendar.from_ical(client.get("/de/platform/events.ics").content)
    assert list(cal.walk("VEVENT")) == []


def test_news_atom_feed(client, visitor, make_user, count_rows):
    make_user("adm@example.org", role="admin")
    visitor.login("adm@example.org")
    r = visitor.post(
        "/de/platform/news/",
        {
            "title_de": "Auftakt & <Beginn>",
            "title_en": "Kick-off",
            "body_de": "Text",
            "body_en": "Text",
        },
    )
    assert r.status_code == 303
    feed = ET.fromstring(client.get("/de/platform/news.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == [
        "Auftakt & <Beginn>"
    ]
    assert count_rows(NewsItem) == 1


def test_dkz_offers_and_sites(client, visitor, make_user, count_rows):
    make_user("mem@example.org")
    make_user("ed@example.org", groups={"unternehmensforum": "editor"})
    visitor.login("mem@example.org")
    offer = {
        "kind": "workshop",
        "title": "New Work",
        "provider": "DKZ",
        "audience": "KMU",
        "dates": "monatlich",
    }
    assert visitor.post("/de/platform/dkz/offers", offer).status_code == 403
    visitor.switch("ed@example.org")
    assert visitor.post("/de/platform/dkz/offers", offer).status_code == 303
    site = {"kind": "coworking", "name": "CoWork Baunatal", "ags": "06633002"}
    assert visitor.post("/de/platform/dkz/sites", site).status_code == 303
    bad = {**site, "ags": "12345678"}
    assert visitor.post("/de/platform/dkz/sites", bad).status_code == 422
    assert (count_rows(Offer), count_rows(Site)) == (1, 1)
    visitor.logout()
    assert "New Work" in client.get("/en/platform/dkz/?kind=workshop").text
    geo = client.get("/de/platform/dkz/sites.geojson").json()
    status = [f["properties"]["status"] for f in geo["features"]]
    assert status.count("existing") == 1 and status.count("proposed") >= 1
    proposed = [f for f in geo["features"] if f["properties"]["status"] == "proposed"]
    assert all(f["properties"]["modelled"] is True for f in proposed)
    page = client.get("/de/platform/dkz/sites/").text
    assert "modelliert" in page and "Gesparte Pendel-km je Tag" in page


def test_dkz_contact_mails_admins(client, make_user, smtp):
    make_user("adm@example.org", role="admin")
    page = client.get("/de/platform/dkz/contact/")
    from platform_helpers import csrf_of

    r = client.post(
        "/de/platform/dkz/contact/",
        data={
            "name": "Eva",
            "email": "eva@example.org",
            "message": "Gibt es Räume in Calden?",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert r.status_code == 200
    msg = smtp.to("adm@example.org")[0]
    assert "Calden" in msg.get_payload(decode=True).decode()
    assert json.dumps(msg["Subject"]).count("Eva") == 1


def test_event_documents_and_timeline_entries(client, visitor, make_user, pdb):
    from regionatlas.platform.models import Document, TimelineEntry

    make_user("ed@example.org", groups={"regionalplanung": "editor"})
    make_user("adm@example.org", role="admin")
    visitor.login("ed@example.org")
    r = visitor.post(
        "/de/platform/events/",
        {
            "group": "regionalplanung",
            "title_de": "Sitzung",
            "title_en": "Meeting",
            "format": "digital",
        },
    )
    url = r.headers["location"]
    r = visitor.post(
        url + "documents",
        {"title": "Protokoll"},
        files={"file": ("p.pdf", b"%PDF-1.4 x", "application/pdf")},
    )
    assert r.status_code == 303
    assert "Protokoll" in client.get(url).text
    # an editor may not write the timeline (admins only); nothing is stored
    r = visitor.post(
        "/de/platform/timeline/", {"kind": "decision", "title_de": "x", "title_en": "x"}
    )
    assert r.status_code == 403
    visitor.switch("adm@example.org")
    r = visitor.post(
        "/de/platform/timeline/",
        {
            "kind": "decision",
            "month": "2023-05",
            "title_de": "Beschluss Leitbild",
            "title_en": "Mission statement adopted",
        },
    )
    assert r.status_code == 303
    assert "Mission statement adopted" in client.get("/en/platform/timeline/").text
    with pdb.session() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(Document).where(Document.event_id.is_not(None))
            )
            == 1
        )
        assert s.scalar(select(func.count()).select_from(TimelineEntry)) == 5
