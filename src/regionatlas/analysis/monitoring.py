"""Goals, success indicators and their progress (pure; issue #14).

A goal has one or more success indicators. Each is bound either to an indicator of the atlas
catalogue or to a survey result (``SurveyRef``: the survey module plugs in through
``SurveyResults``), to a territory, a baseline period, a target value and year and a
direction. Progress is never typed in: :func:`territory_series` computes an indicator's
values for the territory from the store's observations, :func:`assess` compares the newest
value with the straight target path from the baseline to the target.

Traffic light (the rule shown on the dashboard, ``RULE``):

* green  — the change achieved since the baseline is at least the share of the way that the
           time elapsed asks for (on or ahead of the target path), or the target is reached;
* amber  — moving in the intended direction, but behind the target path;
* red    — no change or a change against the intended direction;
* grey   — not assessable: no value after the baseline period, or no baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd

from regionatlas.errors import InputError, NotFoundError

DIRECTIONS = ("increase", "decrease")
TERRITORY_KINDS = ("region", "state_part", "district", "municipality", "group", "lma")
STATUSES = ("green", "amber", "red", "grey")
OFFICIAL, ESTIMATE, SYNTHETIC = "official", "modelled estimate", "synthetic"
SURVEY = "survey"  # a sample survey's result (weaker than official, stronger than a model)
SURVEY_KINDS = ("region", "state_part", "district")  # territories survey results are tabulated for
RULE = {
    "green": "achieved change ≥ elapsed share of the time to the target year (or target reached)",
    "amber": "change in the intended direction, but behind the target path",
    "red": "no change, or a change against the intended direction",
    "grey": "not assessable: no value after the baseline period, no baseline, or the newest "
    "value withheld (e.g. a survey cell of fewer than 5 responses)",
}


@dataclass(frozen=True)
class Territory:
    """Where an indicator is measured. ``key``: the AGS (district, municipality), the
    two-digit state (state_part: the region's core districts in that state), the LMA id, or
    the group's name; ``members``: a group's municipalities or districts."""

    kind: str
    key: str | None = None
    members: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return self.kind if self.key is None else f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class SurveyRef:
    """A survey result: survey (slug), question (code) and, for a question with options, the
    option (answer code) whose share of the responses (in %) is the value; without an option
    the value is the mean of a number or scale question. Values come from ``SurveyResults``."""

    survey: str
    question: str
    option: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.survey}/{self.question}" + (f"={self.option}" if self.option else "")


class SurveyResults(Protocol):
    """The seam for survey results (``workflows.goal_surveys`` reads the platform's stored
    responses): values of one question for a territory."""

    def series(self, ref: SurveyRef, territory: Territory) -> list[Point]:
        """Points ascending by period, basis "survey" or "synthetic"; a suppressed cell is a
        point without value and flag "x"; empty when the survey has no results."""
        ...

    def problem(self, ref: SurveyRef) -> str | None:
        """Why ``ref`` names no survey result (unknown survey, question or option), or None."""
        ...

    def label(self, ref: SurveyRef, lang: str) -> str | None:
        """The survey's title, the question's text and the option in ``lang`` (None: none)."""
        ...


@dataclass(frozen=True)
class IndicatorSpec:
    """One success indicator of a goal."""

    id: str
    territory: Territory
    baseline_period: str
    target: float
    target_year: int
    direction: str
    unit: str
    indicator: str | None = None  # catalogue id, or
    survey: SurveyRef | None = None  # a survey result
    baseline_value: float | None = None  # as recorded when the goal was set (checked)
    line: int | None = None  # where it is defined (file line), for messages

    @property
    def source_ref(self) -> str:
        if self.indicator:
            return self.indicator
        assert self.survey is not None
        return f"survey:{self.survey.ref}"


@dataclass(frozen=True)
class Goal:
    id: str
    title_de: str
    title_en: str
    owner: str
    rationale_de: str
    rationale_en: str
    indicators: tuple[IndicatorSpec, ...]
    example: bool = False
    file: str | None = None
    line: int | None = None
    region: str = ""  # the region definition's id the goal belongs to


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None
    flag: str | None = None
    basis: str = OFFICIAL
    ci_low: float | None = None  # survey shares: Wilson 95 % interval and responses
    ci_high: float | None = None
    n: int | None = None


@dataclass(frozen=True)
class Progress:
    status: str
    reason: str  # one of RULE's keys' explanations, specific
    points: tuple[Point, ...]
    baseline: Point | None
    latest: Point | None
    path: tuple[tuple[str, float], ...]  # (date, value) of the target path
    achieved_share: float | None  # (latest - baseline) / (target - baseline)
    time_share: float | None  # elapsed time / time from baseline to target
    basis: str  # the weakest basis of the points used
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- validation


def _where(goal: Goal, spec: IndicatorSpec | None = None) -> str:
    line = spec.line if spec is not None and spec.line else goal.line
    where = goal.file or "goal"
    if line:
        where += f", line {line}"
    return f"{where}: goal {goal.id!r}" + (f", indicator {spec.id!r}" if spec else "")


def check_goal(
    goal: Goal,
    catalogue: pd.DataFrame,
    territory_exists: Callable[[Territory], bool],
    surveys: SurveyResults | None = None,
) -> None:
    """Refuse a goal bound to an unknown indicator or territory, a target in another unit
    than the indicator's, or a target that contradicts the direction (InputError /
    NotFoundError naming file, line and what was expected). ``catalogue``: the indicator
    catalogue with an ``inputs`` column (the ids a formula reads). With ``surveys``, a
    binding to a survey, question or option that does not exist is refused too."""
    if not goal.indicators:
        raise InputError(f"{_where(goal)}: has no indicator", expected="at least one indicator")
    cat = catalogue.set_index("id")
    seen: set[str] = set()
    for spec in goal.indicators:
        where = _where(goal, spec)
        if spec.id in seen:
            raise InputError(f"{where}: indicator id used twice in the goal")
        seen.add(spec.id)
        if spec.direction not in DIRECTIONS:
            raise InputError(
                f"{where}: direction {spec.direction!r}", expected=" | ".join(DIRECTIONS)
            )
        if spec.territory.kind not in TERRITORY_KINDS:
            raise InputError(
                f"{where}: territory kind {spec.territory.kind!r}",
                expected=" | ".join(TERRITORY_KINDS),
            )
        if (spec.indicator is None) == (spec.survey is None):
            raise InputError(f"{where}: give either 'indicator' or 'survey'")
        _check_date(where, spec.baseline_period)
        if int(spec.baseline_period[:4]) >= spec.target_year:
            raise InputError(
                f"{where}: target year {spec.target_year} not after the baseline "
                f"{spec.baseline_period}",
                expected="a target year after the baseline period",
            )
        if spec.indicator is not None:
            if spec.indicator not in cat.index:
                raise NotFoundError(
                    f"{where}: indicator {spec.indicator!r} is not in the catalogue",
                    value=spec.indicator,
                    expected="an id of indicators/catalogue.toml",
                )
            unit = str(cat.at[spec.indicator, "unit"])
            if spec.unit != unit:
                raise InputError(
                    f"{where}: target given in {spec.unit!r}, but {spec.indicator!r} is "
                    f"measured in {unit!r}",
                    value=spec.unit,
                    expected=unit,
                )
            if spec.territory.kind not in ("district", "municipality"):
                _check_aggregable(where, spec.indicator, cat)
        if spec.survey is not None:
            _check_survey(where, spec, surveys)
        if not territory_exists(spec.territory):
            raise NotFoundError(
                f"{where}: territory {spec.territory.ref!r} does not exist in this atlas",
                value=spec.territory.ref,
                expected="a district or municipality AGS of the region, a core state, an "
                "LMA id or a group of known municipalities",
            )
        if spec.baseline_value is not None:
            up = spec.target > spec.baseline_value
            if spec.target != spec.baseline_value and up != (spec.direction == "increase"):
                raise InputError(
                    f"{where}: target {spec.target} and baseline {spec.baseline_value} "
                    f"contradict direction {spec.direction!r}"
                )


def _check_survey(where: str, spec: IndicatorSpec, surveys: SurveyResults | None) -> None:
    assert spec.survey is not None
    if spec.territory.kind not in SURVEY_KINDS:
        raise InputError(
            f"{where}: survey results are not tabulated for a {spec.territory.kind!r}",
            value=spec.territory.kind,
            expected=" | ".join(SURVEY_KINDS),
        )
    if spec.survey.option is not None and spec.unit != "%":
        raise InputError(
            f"{where}: the share of option {spec.survey.option!r} is measured in '%', "
            f"target given in {spec.unit!r}",
            value=spec.unit,
            expected="%",
        )
    problem = surveys.problem(spec.survey) if surveys is not None else None
    if problem:
        raise NotFoundError(
            f"{where}: survey result {spec.survey.ref!r}: {problem}",
            value=spec.survey.ref,
            expected="survey slug / question code [= option code] of a survey on the platform",
        )


def _check_date(where: str, text: str) -> None:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InputError(f"{where}: date {text!r}", value=text, expected="YYYY-MM-DD") from None


def _check_aggregable(where: str, indicator: str, cat: pd.DataFrame) -> None:
    additive = set(cat.index[cat["additive"].astype(bool)])
    formula = cat.at[indicator, "formula"]
    inputs = set(cat.at[indicator, "inputs"]) if isinstance(formula, str) else {indicator}
    bad = sorted(i for i in inputs if i not in additive)
    if bad:
        raise InputError(
            f"{where}: {indicator!r} cannot be added up over several units ({bad} not additive)",
            value=indicator,
            expected="an additive indicator (or one derived from additive ones) for a "
            "region, state part, group or LMA; a district or municipality otherwise",
        )


# --------------------------------------------------------------------------- values


def row_basis(
    flags: Iterable[object], batch_ids: Iterable[object], batch_basis: Mapping[int, str]
) -> list[str]:
    """Basis of each observation row: its batch's, 'modelled estimate' when flagged so."""
    out = []
    for f, b in zip(flags, batch_ids, strict=True):
        basis = (
            batch_basis.get(int(b), OFFICIAL) if isinstance(b, int | float) and b == b else OFFICIAL
        )
        if basis == OFFICIAL and f == "estimated":
            basis = ESTIMATE
        out.append(basis)
    return out


def weakest(bases: Iterable[str]) -> str:
    bases = set(bases)
    if SYNTHETIC in bases:
        return SYNTHETIC
    if ESTIMATE in bases:
        return ESTIMATE
    if SURVEY in bases:
        return SURVEY
    return OFFICIAL


MARKER_PRIORITY = ("*", "x", ".", "/", "…")


@dataclass(frozen=True)
class Row:
    period: str
    value: float | None
    flag: str | None
    basis: str


class ObservationIndex:
    """Observations indexed by (indicator, ags), each row with its basis, built once so that
    many territories can be evaluated without scanning the whole table again."""

    def __init__(self, observations: pd.DataFrame, batch_basis: Mapping[int, str]) -> None:
        self.rows: dict[tuple[str, str], list[Row]] = {}
        o = observations
        flags = o["flag"].astype(object).tolist()
        bases = row_basis(flags, o["batch_id"].tolist(), batch_basis)
        for ind, ags, per, val, flag, basis in zip(
            o["indicator"].tolist(), o["ags"].tolist(), o["period"].tolist(),
            o["value"].tolist(), flags, bases, strict=True,
        ):  # fmt: skip
            self.rows.setdefault((str(ind), str(ags)), []).append(
                Row(
                    str(per),
                    None if pd.isna(val) else float(val),
                    flag if isinstance(flag, str) else None,
                    basis,
                )
            )

    def get(self, indicator: str, ags: str) -> list[Row]:
        return self.rows.get((indicator, ags), [])


def _withholding(row: Row) -> str | None:
    """The marker that withholds a row's number (None: it counts; "-" counts as 0)."""
    if row.flag == "-":
        return None
    if row.flag in MARKER_PRIORITY or (row.value is None and row.flag):
        return row.flag
    return None


def _first(markers: Iterable[str | None]) -> str | None:
    found = {m for m in markers if m}
    for m in MARKER_PRIORITY:
        if m in found:
            return m
    return next(iter(sorted(found)), None)


Evaluate = Callable[[str, Mapping[str, float]], float]  # (formula, input values) -> value


def territory_series(
    index: ObservationIndex,
    indicator: str,
    members: list[str],
    catalogue: pd.DataFrame,
    evaluate: Evaluate,
) -> list[Point]:
    """The indicator's values for a territory, one Point per period, with the weakest basis
    of the rows used. One unit: its own rows. Several: the additive inputs summed over the
    members — a period at which a member lacks a value gives no value, a member withheld by
    a marker withholds the sum ("-" counts as 0) — then the catalogue formula (a withheld
    input withholds the result, a division by zero gives "x"), as ``indicators.derive``.
    ``catalogue`` has an ``inputs`` column; ``evaluate`` computes a formula."""
    row = catalogue.loc[catalogue["id"] == indicator].iloc[0]
    formula = row["formula"] if isinstance(row["formula"], str) else None
    members = sorted(set(members))
    if len(members) == 1:
        return [Point(r.period, r.value, r.flag, r.basis) for r in
                sorted(index.get(indicator, members[0]), key=lambda r: r.period)]  # fmt: skip
    inputs = sorted(row["inputs"]) if formula else [indicator]
    by_period: dict[str, dict[str, list[Row]]] = {}
    for inp in inputs:
        for m in members:
            for r in index.get(inp, m):
                by_period.setdefault(r.period, {}).setdefault(inp, []).append(r)
    points = []
    for period in sorted(by_period):
        got = by_period[period]
        if any(len(got.get(inp, [])) != len(members) for inp in inputs):
            continue  # a member without a value: no value for the territory
        sums: dict[str, float] = {}
        marks: dict[str, str | None] = {}
        for inp in inputs:
            marks[inp] = _first(_withholding(r) for r in got[inp])
            sums[inp] = sum(0.0 if r.flag == "-" or r.value is None else r.value for r in got[inp])
        basis = weakest(r.basis for inp in inputs for r in got[inp])
        marker = _first(marks.values())
        if marker is not None:
            points.append(Point(period, None, marker, basis))
            continue
        value = float(evaluate(formula, sums)) if formula else sums[indicator]
        if np.isnan(value):
            points.append(Point(period, None, "x", basis))
        else:
            points.append(Point(period, value, "derived", basis))
    return points


# --------------------------------------------------------------------------- assessment


def _year(period: str) -> float:
    d = date.fromisoformat(period)
    start = date(d.year, 1, 1)
    return d.year + (d - start).days / (date(d.year + 1, 1, 1) - start).days


def target_date(spec: IndicatorSpec) -> str:
    """The target is due on the baseline's reference day in the target year."""
    month_day = spec.baseline_period[5:]
    if month_day == "02-29":
        month_day = "02-28"
    return f"{spec.target_year}-{month_day}"


def assess(spec: IndicatorSpec, points: list[Point]) -> Progress:
    """Progress of one indicator against its target path (see the module's rule)."""
    pts = tuple(sorted(points, key=lambda p: p.period))
    notes: list[str] = []
    base = next((p for p in pts if p.period == spec.baseline_period), None)
    if base is not None and base.value is None:
        notes.append(f"baseline withheld in the data ({base.flag})")
        base = None
    if base is None and spec.baseline_value is not None:
        base = Point(spec.baseline_period, spec.baseline_value, None, "recorded")
        notes.append("baseline as recorded with the goal (not in the store)")
    elif base is not None and spec.baseline_value is not None:
        rec = spec.baseline_value
        if abs(base.value - rec) > max(abs(rec) * 0.005, 1e-9):  # type: ignore[operator]
            notes.append(f"recorded baseline {rec} differs from the store's {base.value}")
    after = [p for p in pts if p.period > spec.baseline_period]
    later = [p for p in after if p.value is not None]
    latest = later[-1] if later else None
    withheld = after[-1] if after and after[-1].value is None and after[-1].flag else None
    used = [p for p in (base, latest) if p is not None and p.basis != "recorded"]
    basis = weakest(p.basis for p in used) if used else OFFICIAL
    if withheld is not None:  # never assessed on an older value, never read as 0
        notes.append(f"newest value withheld ({withheld.flag})")
        if base is None:
            notes.append("no baseline value")
        wpath: tuple[tuple[str, float], ...] = ()
        if base is not None and base.value is not None:
            wpath = ((spec.baseline_period, base.value), (target_date(spec), spec.target))
        return Progress("grey", "newest value withheld", pts, base, None, wpath, None, None,
                        weakest([basis, withheld.basis]), tuple(notes))  # fmt: skip
    if base is None:
        path: tuple[tuple[str, float], ...] = ()
        return Progress("grey", "no baseline value", pts, None, latest, path, None, None,
                        basis, tuple(notes))  # fmt: skip
    assert base.value is not None
    path = ((spec.baseline_period, base.value), (target_date(spec), spec.target))
    if latest is None:
        return Progress("grey", "no value after the baseline period yet", pts, base, None,
                        path, None, None, basis, tuple(notes))  # fmt: skip
    assert latest.value is not None
    needed = spec.target - base.value
    sign = 1.0 if spec.direction == "increase" else -1.0
    change = latest.value - base.value
    t0, t1 = _year(spec.baseline_period), _year(target_date(spec))
    time_share = min(max((_year(latest.period) - t0) / (t1 - t0), 0.0), 1.0)
    achieved = change / needed if needed != 0 else None
    if sign * change <= 0 and not (needed == 0 and change == 0):
        status, reason = "red", "no change or against the intended direction"
    elif achieved is None or achieved >= 1.0:
        status, reason = "green", "target reached"
    elif achieved >= time_share:
        status, reason = "green", "on or ahead of the target path"
    else:
        status, reason = "amber", "in the intended direction, behind the target path"
    return Progress(status, reason, pts, base, latest, path, achieved, time_share, basis,
                    tuple(notes))  # fmt: skip


def path_value(spec: IndicatorSpec, progress: Progress, period: str) -> float | None:
    """The target path's value at ``period`` (None without a baseline)."""
    if not progress.path:
        return None
    (p0, v0), (p1, v1) = progress.path
    t0, t1 = _year(p0), _year(p1)
    return v0 + (v1 - v0) * (_year(period) - t0) / (t1 - t0)
