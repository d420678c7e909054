"""Interventions (measures) and the forum's evaluations of them (pure model and checks).

A measure — pilot project, co-working site, ride-sharing offer, plan change, site
designation — has places, a start date, a responsible body, a cost if known and the
indicators it should move. The forum records evaluations (date, decision continue / adapt /
stop, reasoning); the history is append-only: a new evaluation never replaces an old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from regionatlas.errors import InputError, NotFoundError

KINDS = ("pilot", "coworking", "rideshare", "plan_change", "site_designation")
DECISIONS = ("continue", "adapt", "stop")


@dataclass(frozen=True)
class Evaluation:
    date: str
    decision: str
    text_de: str
    text_en: str
    by: str
    line: int | None = None


@dataclass(frozen=True)
class Intervention:
    id: str
    kind: str
    title_de: str
    title_en: str
    places: tuple[str, ...]
    start: str
    body: str
    indicators: tuple[str, ...]
    cost_eur: float | None = None
    goal: str | None = None
    evaluations: tuple[Evaluation, ...] = ()
    example: bool = False
    file: str | None = None
    line: int | None = None
    region: str = ""  # the region definition's id the intervention belongs to


def _where(item: Intervention, line: int | None = None) -> str:
    where = item.file or "intervention"
    if line or item.line:
        where += f", line {line or item.line}"
    return f"{where}: intervention {item.id!r}"


def _date(where: str, text: str, what: str) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise InputError(f"{where}: {what} {text!r}", value=text, expected="YYYY-MM-DD") from None


def check_intervention(
    item: Intervention,
    catalogue: pd.DataFrame,
    place_exists: Callable[[str], bool],
    goal_ids: set[str] | None = None,
) -> None:
    """Refuse unknown kinds, places, indicators or goals, a negative cost, and an
    intervention that starts after one of its own evaluations."""
    where = _where(item)
    if item.kind not in KINDS:
        raise InputError(f"{where}: kind {item.kind!r}", expected=" | ".join(KINDS))
    start = _date(where, item.start, "start")
    if not item.places:
        raise InputError(f"{where}: no place", expected="at least one AGS")
    for ags in item.places:
        if not place_exists(ags):
            raise NotFoundError(
                f"{where}: place {ags!r} does not exist in this atlas",
                value=ags,
                expected="a municipality or district AGS of the region",
            )
    known = set(catalogue["id"])
    for ind in item.indicators:
        if ind not in known:
            raise NotFoundError(
                f"{where}: indicator {ind!r} is not in the catalogue",
                value=ind,
                expected="an id of indicators/catalogue.toml",
            )
    if item.cost_eur is not None and item.cost_eur < 0:
        raise InputError(f"{where}: cost {item.cost_eur} < 0", expected="a cost ≥ 0 or none")
    if goal_ids is not None and item.goal is not None and item.goal not in goal_ids:
        raise NotFoundError(f"{where}: goal {item.goal!r} not defined", value=item.goal)
    previous: date | None = None
    for ev in item.evaluations:
        ew = _where(item, ev.line)
        when = _date(ew, ev.date, "evaluation date")
        if ev.decision not in DECISIONS:
            raise InputError(f"{ew}: decision {ev.decision!r}", expected=" | ".join(DECISIONS))
        if when < start:
            raise InputError(
                f"{ew}: the intervention starts on {item.start}, after its own evaluation "
                f"of {ev.date}",
                value=item.start,
                expected=f"a start on or before {ev.date}",
            )
        if previous is not None and when < previous:
            raise InputError(
                f"{ew}: evaluations must be in date order (history is append-only)",
                value=ev.date,
            )
        previous = when


def current_decision(item: Intervention) -> Evaluation | None:
    """The newest evaluation (the history before it stays)."""
    return item.evaluations[-1] if item.evaluations else None
