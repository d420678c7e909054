"""Feeds: iCalendar (events) and Atom (news), built from the database."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from icalendar import Calendar
from icalendar import Event as ICalEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.platform.models import Event, NewsItem, WorkingGroup

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)  # 'updated' of an empty feed (stable, not "now")


def icalendar(
    s: Session,
    lang: str,
    base_url: str,
    group_id: int | None = None,
    group_name: str | None = None,
) -> bytes:
    """Events with a known start time (planned ones of month precision are not in the feed:
    a calendar entry needs a day). Feeds are read without login: the events of members-only
    working groups are left out of the feed of all events."""
    cal = Calendar()
    cal.add("prodid", "-//regionatlas//platform//DE")
    cal.add("version", "2.0")
    name = "Regionatlas – Termine" if lang == "de" else "regionatlas – events"
    # a working group's feed says whose it is: subscribed beside others, it stays apart
    cal.add("x-wr-calname", f"{name}: {group_name}" if group_name else name)
    q = select(Event).where(Event.starts_at.is_not(None)).order_by(Event.starts_at)
    if group_id is not None:
        q = q.where(Event.group_id == group_id)
    else:
        public = select(WorkingGroup.id).where(WorkingGroup.public.is_(True))
        q = q.where(Event.group_id.is_(None) | Event.group_id.in_(public))
    host = base_url.split("://", 1)[-1].split("/")[0]
    for e in s.scalars(q):
        ev = ICalEvent()
        ev.add("uid", f"event-{e.id}@{host}")
        ev.add("summary", e.title_de if lang == "de" else e.title_en)
        ev.add("dtstart", e.starts_at)
        if e.ends_at:
            ev.add("dtend", e.ends_at)
        ev.add("dtstamp", e.created_at)
        if e.place:
            ev.add("location", e.place)
        ev.add("url", f"{base_url.rstrip('/')}/{lang}/platform/events/{e.id}/")
        if e.planned:
            ev.add("status", "TENTATIVE")
        cal.add_component(ev)
    return cal.to_ical()


def atom(s: Session, lang: str, base_url: str) -> bytes:
    items = list(s.scalars(select(NewsItem).order_by(NewsItem.published_at.desc()).limit(50)))
    base = base_url.rstrip("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = (
        "Regionatlas – Neuigkeiten" if lang == "de" else "regionatlas – news"
    )
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}/{lang}/platform/news.atom"
    ET.SubElement(feed, f"{{{ATOM}}}link", href=f"{base}/{lang}/platform/news.atom", rel="self")
    updated = items[0].published_at if items else EPOCH
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    for n in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = n.title_de if lang == "de" else n.title_en
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{base}/{lang}/platform/news/{n.id}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = n.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}author").append(_name("regionatlas"))
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = (
            n.body_de if lang == "de" else n.body_en
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _name(text: str) -> ET.Element:
    el = ET.Element(f"{{{ATOM}}}name")
    el.text = text
    return el
