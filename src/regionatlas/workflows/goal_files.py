"""Goals and interventions as versioned data files (TOML, reviewed like code).

Package data: ``regionatlas/data/goals/*.toml`` and ``…/interventions/*.toml`` (read via
``importlib.resources``); callers may pass other files. Errors name the file and the line of
the ``[[goal]]`` / ``[[goal.indicator]]`` / ``[[intervention]]`` entry at fault; a file that
is not TOML names the line and column the TOML parser reports. Nothing is half-loaded: a
file set with one bad entry raises before anything is returned.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from regionatlas.analysis.interventions import Evaluation, Intervention
from regionatlas.analysis.monitoring import Goal, IndicatorSpec, SurveyRef, Territory
from regionatlas.errors import InputError

CONTENT = "regionatlas.data"


def packaged(folder: str) -> list[tuple[str, str]]:
    """(name, text) of the packaged ``*.toml`` files of ``data/<folder>``, sorted."""
    root = resources.files(CONTENT).joinpath(folder)
    items = sorted((e for e in root.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name)
    return [(f"data/{folder}/{e.name}", e.read_text(encoding="utf-8")) for e in items]


def _headers(text: str, header: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == header]


def _nested_headers(text: str, parent: str, child: str) -> list[list[int]]:
    """Lines of the ``child`` headers grouped by the ``parent`` entry they belong to."""
    out: list[list[int]] = []
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s == parent:
            out.append([])
        elif s == child and out:
            out[-1].append(i)
    return out


def _parse(name: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{name}: not valid TOML: {exc}", file=name) from exc


def _file_region(name: str, doc: dict) -> str:
    region = doc.get("region")
    if not isinstance(region, str) or not region:
        raise InputError(
            f'{name}, line 1: no top-level region = "<id>"',
            file=name,
            expected='region = "region-der-mitte" (the id of the region definition)',
        )
    return region


def _req(where: str, entry: dict, key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in entry:
        raise InputError(f"{where}: '{key}' is missing", expected=f"{key} = …")
    value = entry[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InputError(f"{where}: '{key}' = {value!r}", value=value, expected=names)
    return value


def _opt(where: str, entry: dict, key: str, kind: type | tuple[type, ...]) -> Any:
    return _req(where, entry, key, kind) if key in entry else None


def _territory(where: str, raw: Any) -> Territory:
    if not isinstance(raw, dict) or "kind" not in raw:
        raise InputError(
            f"{where}: territory {raw!r}", expected='{kind = "district", key = "06633"} …'
        )
    members = raw.get("members", [])
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise InputError(f"{where}: territory members must be AGS strings", value=members)
    key = raw.get("key")
    return Territory(str(raw["kind"]), None if key is None else str(key), tuple(members))


def _spec(where: str, raw: dict, line: int | None) -> IndicatorSpec:
    survey = None
    if "survey" in raw:
        survey = SurveyRef(
            _req(where, raw, "survey", str),
            _req(where, raw, "question", str),
            _opt(where, raw, "option", str),
        )
    baseline = raw.get("baseline_period")
    return IndicatorSpec(
        id=_req(where, raw, "id", str),
        territory=_territory(where, raw.get("territory")),
        baseline_period=baseline if isinstance(baseline, str) else str(baseline),
        target=float(_req(where, raw, "target", (int, float))),
        target_year=_req(where, raw, "target_year", int),
        direction=_req(where, raw, "direction", str),
        unit=_req(where, raw, "unit", str),
        indicator=_opt(where, raw, "indicator", str),
        survey=survey,
        baseline_value=(
            float(raw["baseline_value"])
            if isinstance(raw.get("baseline_value"), int | float)
            else None
        ),
        line=line,
    )


def read_goals(files: list[tuple[str, str]]) -> list[Goal]:
    """Goals from (name, text) pairs; InputError naming file and line for a bad entry."""
    goals: list[Goal] = []
    seen: dict[str, str] = {}
    for name, text in files:
        doc = _parse(name, text)
        region = _file_region(name, doc)
        lines = _headers(text, "[[goal]]")
        ind_lines = _nested_headers(text, "[[goal]]", "[[goal.indicator]]")
        for k, raw in enumerate(doc.get("goal", [])):
            line = lines[k] if k < len(lines) else None
            where = f"{name}, line {line}" if line else name
            gid = _req(where, raw, "id", str)
            if gid in seen:
                raise InputError(f"{where}: goal id {gid!r} also defined in {seen[gid]}")
            seen[gid] = name
            specs = []
            for j, ind in enumerate(raw.get("indicator", [])):
                il = ind_lines[k][j] if k < len(ind_lines) and j < len(ind_lines[k]) else None
                specs.append(_spec(f"{name}, line {il}" if il else where, ind, il))
            goals.append(
                Goal(
                    id=gid,
                    title_de=_req(where, raw, "title_de", str),
                    title_en=_req(where, raw, "title_en", str),
                    owner=_req(where, raw, "owner", str),
                    rationale_de=_req(where, raw, "rationale_de", str),
                    rationale_en=_req(where, raw, "rationale_en", str),
                    indicators=tuple(specs),
                    example=bool(raw.get("example", False)),
                    file=name,
                    line=line,
                    region=region,
                )
            )
    return goals


def read_interventions(files: list[tuple[str, str]]) -> list[Intervention]:
    """Interventions with their evaluation history from (name, text) pairs."""
    items: list[Intervention] = []
    seen: set[str] = set()
    for name, text in files:
        doc = _parse(name, text)
        region = _file_region(name, doc)
        lines = _headers(text, "[[intervention]]")
        ev_lines = _nested_headers(text, "[[intervention]]", "[[intervention.evaluation]]")
        for k, raw in enumerate(doc.get("intervention", [])):
            line = lines[k] if k < len(lines) else None
            where = f"{name}, line {line}" if line else name
            iid = _req(where, raw, "id", str)
            if iid in seen:
                raise InputError(f"{where}: intervention id {iid!r} defined twice")
            seen.add(iid)
            evs = []
            for j, ev in enumerate(raw.get("evaluation", [])):
                el = ev_lines[k][j] if k < len(ev_lines) and j < len(ev_lines[k]) else None
                ew = f"{name}, line {el}" if el else where
                evs.append(
                    Evaluation(
                        date=str(_req(ew, ev, "date", str)),
                        decision=_req(ew, ev, "decision", str),
                        text_de=_req(ew, ev, "text_de", str),
                        text_en=_req(ew, ev, "text_en", str),
                        by=_req(ew, ev, "by", str),
                        line=el,
                    )
                )
            cost = raw.get("cost_eur")
            items.append(
                Intervention(
                    id=iid,
                    kind=_req(where, raw, "kind", str),
                    title_de=_req(where, raw, "title_de", str),
                    title_en=_req(where, raw, "title_en", str),
                    places=tuple(_req(where, raw, "places", list)),
                    start=str(_req(where, raw, "start", str)),
                    body=_req(where, raw, "body", str),
                    indicators=tuple(_req(where, raw, "indicators", list)),
                    cost_eur=float(cost) if isinstance(cost, int | float) else None,
                    goal=_opt(where, raw, "goal", str),
                    evaluations=tuple(evs),
                    example=bool(raw.get("example", False)),
                    file=name,
                    line=line,
                    region=region,
                )
            )
    return items


def files_from_paths(paths: list[Path]) -> list[tuple[str, str]]:
    out = []
    for p in paths:
        for f in sorted(Path(p).glob("*.toml")) if Path(p).is_dir() else [Path(p)]:
            out.append((str(f), f.read_text(encoding="utf-8")))
    return out
