"""Seed content (seed.toml): working groups, the planned programme, the timeline.

Idempotent: a group is matched by slug, an event and a timeline entry by their German title;
existing rows are left as editors changed them.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regionatlas.platform.models import Event, TimelineEntry, WorkingGroup


def seed_content() -> dict[str, Any]:
    with resources.files("regionatlas.platform").joinpath("seed.toml").open("rb") as fh:
        return tomllib.load(fh)


def seed(s: Session) -> dict[str, int]:
    data = seed_content()
    added = {"groups": 0, "events": 0, "timeline": 0}
    for g in data["group"]:
        if s.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == g["slug"])) is None:
            s.add(WorkingGroup(**g, public=True))
            added["groups"] += 1
    for i, e in enumerate(data["event"]):
        if s.scalar(select(Event.id).where(Event.title_de == e["title_de"])) is None:
            s.add(Event(**e, planned=True, position=i))
            added["events"] += 1
    for i, t in enumerate(data["timeline"]):
        if (
            s.scalar(select(TimelineEntry.id).where(TimelineEntry.title_de == t["title_de"]))
            is None
        ):
            s.add(TimelineEntry(**t, planned=True, position=i))
            added["timeline"] += 1
    return added
