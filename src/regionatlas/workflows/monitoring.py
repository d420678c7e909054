"""Monitoring of goals and interventions on a store (glue; issue #14).

``recompute(store, region)`` checks the goals and interventions (``workflows.goal_files``)
against the store, computes every success indicator's progress (``analysis.monitoring``) and
every intervention's before/after and difference in differences (``analysis.did``), and
returns one JSON-able payload. ``refresh_after_import`` runs it after ``build``/``import``
and writes the payload next to the store (``cache/monitoring.json``); ``load_or_recompute``
reads that file when it belongs to the store's current batches and content, else recomputes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from regionatlas.analysis import did as did_mod
from regionatlas.analysis.interventions import Intervention, check_intervention
from regionatlas.analysis.monitoring import (
    ESTIMATE,
    OFFICIAL,
    RULE,
    SURVEY,
    SYNTHETIC,
    Goal,
    IndicatorSpec,
    ObservationIndex,
    SurveyResults,
    Territory,
    assess,
    check_goal,
    path_value,
    territory_series,
    weakest,
)
from regionatlas.region import Region
from regionatlas.workflows.goal_files import packaged, read_goals, read_interventions

CACHE_NAME = "monitoring.json"
DERIVED_SOURCE = "regionatlas-derived"
PAYLOAD_VERSION = 3  # bump when the payload changes shape


@dataclass
class Content:
    goals: list[Goal]
    interventions: list[Intervention]
    digest: str
    surveys: Any = None  # goal_surveys.SurveySnapshot read with the platform session

    def for_region(self, region_id: str) -> Content:
        """The goals and interventions of one region (each file names its region)."""
        return Content(
            [g for g in self.goals if g.region == region_id],
            [i for i in self.interventions if i.region == region_id],
            self.digest,
            self.surveys,
        )


def load_content(
    goal_files: list[tuple[str, str]] | None = None,
    intervention_files: list[tuple[str, str]] | None = None,
    session: Any = None,
) -> Content:
    """Goals and interventions: the packaged example files unless others are given, plus,
    with a platform ``session``, those edited on the platform, the forum's evaluations
    recorded there (``workflows.goal_store``) and the stored responses of every survey a
    goal names (``workflows.goal_surveys``: their fingerprint is part of the digest, so a
    survey import makes the saved progress stale)."""
    gf = packaged("goals") if goal_files is None else goal_files
    inf = packaged("interventions") if intervention_files is None else intervention_files
    h = hashlib.sha256()
    for name, text in [*gf, *inf]:
        h.update(name.encode() + b"\0" + text.encode() + b"\0")
    goals, items = read_goals(gf), read_interventions(inf)
    if session is not None:
        from regionatlas.workflows import goal_store

        goals += goal_store.goals_from_db(session, None)
        items = goal_store.with_db_evaluations(session, items)
        items += goal_store.interventions_from_db(session, None)
        h.update(goal_store.db_digest(session).encode())
        from regionatlas.workflows import goal_surveys

        surveys = goal_surveys.snapshot(session, goal_surveys.refs_of(goals))
        h.update(surveys.fingerprint.encode())
        return Content(goals, items, h.hexdigest()[:16], surveys)
    return Content(goals, items, h.hexdigest()[:16])


def platform_content(store_url: str, platform_url: str | None = None) -> Content | None:
    """The content with the platform's goals, evaluations and survey responses when the
    platform database exists (beside the store, or ``platform_url``) and is migrated; else
    None (the files alone). ``goals check --platform`` uses it: progress of goals bound to
    survey results, computed from the stored responses, on the command line."""
    from sqlalchemy.exc import SQLAlchemyError

    from regionatlas.errors import RegionAtlasError
    from regionatlas.platform.db import Database
    from regionatlas.settings import load_settings

    settings = load_settings(database_url=store_url, platform_url=platform_url)
    url = settings.platform_db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None
    db = Database(url, settings.platform_schema)
    try:
        if db.current_revision() != db.head_revision():
            return None
        with db.session() as s:
            return load_content(session=s)
    except (SQLAlchemyError, RegionAtlasError):
        return None
    finally:
        db.dispose()


class Territories:
    """Resolves territories to member units of the store (and says whether they exist)."""

    def __init__(self, store: Any, region: Region) -> None:
        units = store.units()
        self.units = units.assign(ags=units["ags"].astype(str))
        self.region = region
        self.level = dict(zip(units["ags"].astype(str), units["level"], strict=True))
        self.names = dict(zip(units["ags"].astype(str), units["name"], strict=True))
        self.store = store
        self._lma: dict[str, list[str]] | None = None

    def in_region(self, ags: str) -> bool:
        return ags[:5] in self.region.all_district_codes

    def lma_members(self) -> dict[str, list[str]]:
        """LMA id -> member municipalities (functional regions at default parameters)."""
        if self._lma is None:
            from regionatlas.analysis.lma_params import DEFAULT_LMA
            from regionatlas.workflows import functional_regions
            from regionatlas.workflows.assumptions import national_employment_rate

            fr = functional_regions(
                self.store, self.region, DEFAULT_LMA,
                employment_rate=national_employment_rate().value,
            )  # fmt: skip
            a = fr.assignment["lma"].dropna()
            out: dict[str, list[str]] = {}
            for ags, lma in a.items():
                if int(lma) > 0:
                    out.setdefault(str(int(lma)), []).append(str(ags))
            self._lma = out
        return self._lma

    def members(self, t: Territory) -> list[str]:
        if t.kind in ("district", "municipality"):
            return [t.key] if t.key else []
        if t.kind == "region":
            return sorted(self.region.core_codes)
        if t.kind == "state_part":
            return sorted(a for a in self.region.core_codes if a[:2] == t.key)
        if t.kind == "group":
            return sorted(t.members)
        if t.kind == "lma":
            return sorted(self.lma_members().get(str(t.key), []))
        return []

    def exists(self, t: Territory) -> bool:
        want = {"district": "kreis", "municipality": "gemeinde"}
        if t.kind in want:
            key = t.key or ""
            return self.level.get(key) == want[t.kind] and self.in_region(key)
        if t.kind == "region":
            return t.key in (None, self.region.id)
        if t.kind == "group":
            return bool(t.members) and all(
                self.level.get(m) in ("gemeinde", "kreis") and self.in_region(m) for m in t.members
            )
        return bool(self.members(t))

    def label(self, t: Territory, lang: str = "de") -> str:
        if t.kind in ("district", "municipality") and t.key:
            return self.names.get(t.key, t.key)
        if t.kind == "region":
            return self.region.name_de if lang == "de" else self.region.name_en
        if t.kind == "state_part":
            state = self.names.get(str(t.key), str(t.key))
            return (
                f"{self.region.name_de}, Teil {state}"
                if lang == "de"
                else (f"{self.region.name_en}, {state} part")
            )
        if t.kind == "lma":
            return f"Arbeitsmarktregion {t.key}" if lang == "de" else f"Labour-market area {t.key}"
        return str(t.key)


def batch_bases(store: Any) -> dict[int, str]:
    """Basis of each batch: synthetic or official; the derived batch is synthetic when any
    batch it rests on is."""
    batches = store.batches()
    any_synth = any(b.synthetic for b in batches if b.source != DERIVED_SOURCE)
    return {
        b.id: SYNTHETIC if b.synthetic or (b.source == DERIVED_SOURCE and any_synth) else OFFICIAL
        for b in batches
    }


def catalogue_with_inputs() -> pd.DataFrame:
    """The packaged catalogue with the ids each formula reads (``inputs``)."""
    from regionatlas.indicators.catalogue import catalogue
    from regionatlas.indicators.formula import formula_inputs

    cat = catalogue()
    inputs = [
        tuple(sorted(formula_inputs(f))) if isinstance(f, str) else (i,)
        for i, f in zip(cat["id"], cat["formula"], strict=True)
    ]
    return cat.assign(inputs=inputs)


def evaluate_formula(formula: str, values: Mapping[str, float]) -> float:
    """One value of a catalogue formula (division by zero: NaN)."""
    import numpy as np

    from regionatlas.indicators.formula import evaluate

    return float(evaluate(formula, {k: np.array([v]) for k, v in values.items()})[0])


def _needed_indicators(ids: Iterable[str], catalogue: pd.DataFrame) -> list[str]:
    from regionatlas.indicators.formula import formula_inputs

    cat = catalogue.set_index("id")
    out = set()
    for i in ids:
        out.add(i)
        f = cat.at[i, "formula"] if i in cat.index else None
        if isinstance(f, str):
            out |= formula_inputs(f)
    return sorted(out)


def _spec_payload(
    spec: IndicatorSpec, terr: Territories, surveys: SurveyResults | None,
    index: ObservationIndex, cat: pd.DataFrame,
) -> dict[str, Any]:  # fmt: skip
    members = terr.members(spec.territory)
    problem = label_de = label_en = None
    if spec.indicator is not None:
        pts = territory_series(index, spec.indicator, members, cat, evaluate_formula)
    elif surveys is not None and spec.survey is not None:
        pts = surveys.series(spec.survey, spec.territory)
        problem = surveys.problem(spec.survey)
        label_de, label_en = surveys.label(spec.survey, "de"), surveys.label(spec.survey, "en")
    else:
        pts = []
    prog = assess(spec, pts)
    basis, notes = prog.basis, list(prog.notes)
    if spec.survey is not None:
        basis = weakest([basis, SURVEY])
        if problem:
            notes.append(f"survey result {spec.survey.ref!r}: {problem}")
    if spec.territory.kind == "lma":  # the territory itself rests on a model
        basis = weakest([basis, ESTIMATE])
        notes.append("territory: a labour-market area delineated on modelled municipal flows")
    return {
        "id": spec.id,
        "source": "survey" if spec.survey else "catalogue",
        "indicator": spec.indicator,
        "survey": asdict(spec.survey) if spec.survey else None,
        "survey_available": bool(pts) if spec.survey else None,
        "survey_label": {"de": label_de, "en": label_en} if spec.survey else None,
        "territory": {
            "kind": spec.territory.kind,
            "key": spec.territory.key,
            "members": members,
            "label_de": terr.label(spec.territory, "de"),
            "label_en": terr.label(spec.territory, "en"),
        },
        "unit": spec.unit,
        "direction": spec.direction,
        "baseline_period": spec.baseline_period,
        "baseline_recorded": spec.baseline_value,
        "target": spec.target,
        "target_year": spec.target_year,
        "status": prog.status,
        "reason": prog.reason,
        "basis": basis,
        "notes": notes,
        "baseline": asdict(prog.baseline) if prog.baseline else None,
        "latest": asdict(prog.latest) if prog.latest else None,
        "achieved_share": prog.achieved_share,
        "time_share": prog.time_share,
        "path": [list(p) for p in prog.path],
        "points": [{**asdict(p), "path": path_value(spec, prog, p.period)} for p in prog.points],
    }


def _intervention_payload(
    item: Intervention, all_places: set[str], obs: pd.DataFrame, units: pd.DataFrame, region
) -> dict[str, Any]:
    effects = []
    level = "gemeinde" if len(item.places[0]) == 8 else "kreis"
    pool = units[(units["level"] == level) & units["ags"].str[:5].isin(region.all_district_codes)]
    pop = obs[(obs["indicator"] == "population") & obs["ags"].isin(pool["ags"])]
    before_start = pop[pop["period"] < item.start]
    sizes_src = before_start if len(before_start) else pop
    sizes = sizes_src.sort_values("period").drop_duplicates("ags", keep="last")
    sizes = pd.Series(sizes["value"].to_numpy(), index=sizes["ags"].astype(str).to_numpy())
    controls = did_mod.similar_places(sizes, item.places, exclude=all_places, k=5)
    for ind in item.indicators:
        vals = obs[(obs["indicator"] == ind) & obs["ags"].isin([*item.places, *controls])]
        res = did_mod.difference_in_differences(
            vals[["ags", "period", "value"]], item.places, controls, item.start
        )
        effects.append(
            {
                "indicator": ind,
                **{k: v for k, v in asdict(res).items() if k not in ("method", "assumptions")},
                "before_after": res.before_after,
                "control_change": res.control_change,
                "estimate": res.estimate,
            }
        )
    return {
        **{k: v for k, v in asdict(item).items() if k not in ("evaluations", "line")},
        "evaluations": [asdict(e) for e in item.evaluations],
        "decision": asdict(item.evaluations[-1]) if item.evaluations else None,
        "controls": controls,
        "effects": effects,
        "method": did_mod.METHOD,
        "assumptions": list(did_mod.ASSUMPTIONS),
    }


def recompute(
    store: Any,
    region: Region,
    content: Content | None = None,
    surveys: SurveyResults | None = None,
) -> dict[str, Any]:
    """Check the goals and interventions against the store and compute their progress;
    raises (InputError / NotFoundError naming file and line) before computing anything."""
    content = (content or load_content()).for_region(region.id)
    if surveys is None:
        surveys = content.surveys  # the stored responses read with the platform session
    cat = catalogue_with_inputs()
    terr = Territories(store, region)
    for g in content.goals:
        check_goal(g, cat, terr.exists)
    goal_ids = {g.id for g in content.goals}
    for item in content.interventions:
        check_intervention(item, cat, lambda a: terr.exists(
            Territory("municipality" if len(a) == 8 else "district", a)), goal_ids)  # fmt: skip
    wanted = [s.indicator for g in content.goals for s in g.indicators if s.indicator]
    wanted += [i for item in content.interventions for i in item.indicators] + ["population"]
    obs = store.observations(indicators=_needed_indicators(wanted, cat))
    obs = obs.assign(ags=obs["ags"].astype(str))
    # territories lie in the region (states and Germany only as references)
    inside = obs["ags"].str[:5].isin(region.all_district_codes) | (obs["ags"].str.len() <= 2)
    obs = obs[inside.to_numpy()].reset_index(drop=True)
    bases = batch_bases(store)
    index = ObservationIndex(obs, bases)
    goals = []
    for g in content.goals:
        goals.append(
            {
                **{k: v for k, v in asdict(g).items() if k != "indicators"},
                "indicators": [_spec_payload(s, terr, surveys, index, cat) for s in g.indicators],
            }
        )
    units = terr.units
    places = {p for item in content.interventions for p in item.places}
    interventions = [
        _intervention_payload(item, places, obs, units, region) for item in content.interventions
    ]
    synthetic = any(b == SYNTHETIC for b in bases.values())
    payload = {
        "payload_version": PAYLOAD_VERSION,
        "store_version": [b.id for b in store.batches()],
        "content": content.digest,
        "region": region.id,
        "synthetic_store": synthetic,
        "rule": RULE,
        "goals": goals,
        "interventions": interventions,
    }
    # plain JSON types (tuples become lists): a saved and a fresh result compare equal
    return json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False))


def cache_path(store_url: str, cache_dir: Path | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir) / CACHE_NAME
    from regionatlas.settings import VAR_DIR

    if "://" not in str(store_url):
        return Path(store_url).resolve().parent / "cache" / CACHE_NAME
    return VAR_DIR.resolve() / "cache" / CACHE_NAME


def write_cache(payload: dict[str, Any], path: Path) -> None:
    """Write atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    tmp.replace(path)


def refresh_after_import(
    store: Any, region: Region, cache_dir: Path | None = None, content: Content | None = None
) -> dict[str, Any]:
    """Recompute after an import (the build/import hook) and store the result; a goal that
    does not fit the store raises before anything is written."""
    payload = recompute(store, region, content)
    write_cache(payload, cache_path(store.url, cache_dir))
    return payload


def load_or_recompute(
    store: Any, region: Region, cache_dir: Path | None = None, content: Content | None = None
) -> dict[str, Any]:
    """The stored result when it belongs to the store's batches and the content, else a
    fresh one (written back)."""
    content = content or load_content()
    path = cache_path(store.url, cache_dir)
    version = [b.id for b in store.batches()]
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if (
            saved.get("payload_version") == PAYLOAD_VERSION
            and saved.get("store_version") == version
            and saved.get("content") == content.digest
            and saved.get("region") == region.id
        ):
            return saved
    except (OSError, ValueError):
        pass
    payload = recompute(store, region, content)
    with contextlib.suppress(OSError):
        write_cache(payload, path)
    return payload
