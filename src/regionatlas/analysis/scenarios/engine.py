"""Run a scenario: baseline from the observed flows, then each lever in order.

    result = run_scenario(definition, context, parameters)  # ScenarioResult
    result.to_dict()                                 # JSON-ready
    compare(result_a, result_b)                      # side-by-side frame of totals

Levers act one after another on a trip table (see metrics.py); each lever's contribution is
the change it makes to the table it receives, so contributions depend on ``scenario.order``
(default: job relocation, remote work, satellite offices, ride-sharing) and add up to the
total change.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios import metrics
from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.definition import ScenarioDefinition
from regionatlas.analysis.scenarios.levers import LeverOutcome
from regionatlas.analysis.scenarios.parameters import Parameters
from regionatlas.analysis.scenarios.relocation import apply_job_relocation
from regionatlas.analysis.scenarios.remote import apply_remote_work
from regionatlas.analysis.scenarios.rideshare import apply_ride_sharing
from regionatlas.analysis.scenarios.scoring import score
from regionatlas.analysis.scenarios.sites import apply_satellite_offices
from regionatlas.errors import ScenarioError

LeverFn = Callable[[pd.DataFrame, ScenarioContext, Parameters, dict[str, Any]], LeverOutcome]
APPLY: dict[str, LeverFn] = {
    "job_relocation": apply_job_relocation,
    "remote_work": apply_remote_work,
    "satellite_offices": apply_satellite_offices,
    "ride_sharing": apply_ride_sharing,
}
ATTRIBUTION = (
    "Quelle: Statistik der Bundesagentur für Arbeit; © GeoBasis-DE / BKG 2021; "
    "eigene Berechnungen (Modellrechnung)"
)
JSON_TABLE_ROWS = 200


@dataclass
class ScenarioResult:
    definition: ScenarioDefinition
    parameters: Parameters
    estimate_basis: str
    period: str | None
    baseline: metrics.Totals
    scenario: metrics.Totals
    levers: list[dict[str, Any]]
    by_municipality: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    score: dict[str, Any]
    excluded: dict[str, Any]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Baseline vs. scenario totals, one row per indicator."""
        base, scen = self.baseline.to_dict(), self.scenario.to_dict()
        return pd.DataFrame(
            {
                "indicator": list(base),
                "baseline": list(base.values()),
                "scenario": [scen[k] for k in base],
                "change": [scen[k] - base[k] for k in base],
                "change_pct": [
                    round(100 * (scen[k] - base[k]) / base[k], 3) if base[k] else None for k in base
                ],
            }
        )

    def to_dict(self, table_rows: int = JSON_TABLE_ROWS) -> dict[str, Any]:
        return _jsonable_dict(
            {
                "scenario": self.definition.to_dict(),
                "estimate_basis": self.estimate_basis,
                "period": self.period,
                "attribution": ATTRIBUTION,
                "units": {
                    "persons": "commuters on an average working day",
                    "commuter_km_day": "person-km per working day (both directions)",
                    "commuter_km_year": "person-km per year",
                    "car_vkm_year": "car vehicle-km per year",
                    "co2_t_year": "t CO2(e) per year",
                    "hours_year": "hours per year",
                },
                "baseline": self.baseline.to_dict(),
                "result": self.scenario.to_dict(),
                "change": self.scenario.minus(self.baseline),
                "levers": self.levers,
                "score": self.score,
                "by_municipality": _records(self.by_municipality),
                "tables": {k: _records(v.head(table_rows)) for k, v in self.tables.items()},
                "tables_rows": {k: len(v) for k, v in self.tables.items()},
                "excluded_flows": self.excluded,
                "parameters": self.parameters.to_dict(),
                "seconds": round(self.seconds, 3),
                "notes": self.notes,
            }
        )


def run_scenario(
    definition: ScenarioDefinition,
    context: ScenarioContext,
    parameters: Parameters,
) -> ScenarioResult:
    """Evaluate ``definition`` on ``context`` with ``parameters`` (the defaults, overridden by
    the definition's own; pure, no I/O)."""
    start = time.perf_counter()
    params = parameters.with_overrides(definition.parameters)
    if definition.region and context.region and definition.region != context.region:
        raise ScenarioError(
            f"scenario is for region {definition.region!r}, the data for {context.region!r}",
            key="scenario.region",
        )
    trips0 = metrics.baseline_trips(context, params)
    base_totals = metrics.totals(trips0, params)
    trips = trips0
    previous = base_totals
    lever_rows: list[dict[str, Any]] = []
    tables: dict[str, pd.DataFrame] = {}
    remote_days = 0.0
    cost = 0.0
    for name in definition.order:
        spec = definition.levers.get(name)
        if spec is None or not spec.get("enabled", True):
            continue
        outcome = APPLY[name](trips, context, params, spec)
        trips = outcome.trips
        now = metrics.totals(trips, params)
        lever_rows.append(
            {
                "lever": name,
                "details": outcome.details,
                "change": now.minus(previous),
                "programme_cost_eur_year": outcome.programme_cost_eur_year,
            }
        )
        previous = now
        remote_days += outcome.remote_person_days
        cost += outcome.programme_cost_eur_year
        for key, table in outcome.tables.items():
            tables[f"{name}.{key}"] = table
    final = previous
    tables["baseline.by_corridor"] = metrics.by_corridor(trips0, context, params)
    tables["baseline.by_destination"] = metrics.by_place(
        trips0, params, "destination"
    ).reset_index()
    by_muni = _by_municipality(context, trips0, trips, params)
    excluded = {
        "flows": len(context.excluded),
        "persons_with_number": float(context.excluded["persons"].fillna(0).sum()),
        "by_reason": context.excluded["reason"].value_counts().to_dict(),
        "note": "flows without a number (confidentiality markers) or without a centroid "
        "(pooled partners) are not in any total; they are never counted as 0",
    }
    notes = list(context.notes)
    if context.estimate_basis != "official":
        notes.append(
            f"The commuter flows are a {context.estimate_basis}, not official municipal "
            "figures; all results inherit that status."
        )
    return ScenarioResult(
        definition=definition,
        parameters=params,
        estimate_basis=context.estimate_basis,
        period=context.period,
        baseline=base_totals,
        scenario=final,
        levers=lever_rows,
        by_municipality=by_muni,
        tables=tables,
        score=score(
            base_totals,
            final,
            remote_person_days=remote_days,
            programme_cost_eur_year=cost,
            params=params,
            weights=definition.weights,
        ),
        excluded=excluded,
        seconds=time.perf_counter() - start,
        notes=notes,
    )


def baseline_report(context: ScenarioContext, parameters: Parameters) -> dict[str, Any]:
    """The baseline alone: totals plus sums by residence, workplace and district corridor."""
    params = parameters
    trips = metrics.baseline_trips(context, params)
    return {
        "estimate_basis": context.estimate_basis,
        "totals": metrics.totals(trips, params),
        "by_origin": metrics.by_place(trips, params, "origin"),
        "by_destination": metrics.by_place(trips, params, "destination"),
        "by_corridor": metrics.by_corridor(trips, context, params),
    }


def compare(a: ScenarioResult, b: ScenarioResult) -> pd.DataFrame:
    """Totals of two scenarios side by side (same baseline expected)."""
    rows = []
    col_a, col_b = f"A: {a.definition.name}", f"B: {b.definition.name}"
    base = a.baseline.to_dict()
    ra, rb = a.scenario.to_dict(), b.scenario.to_dict()
    for key in base:
        rows.append(
            {
                "indicator": key,
                "baseline": base[key],
                col_a: ra[key],
                col_b: rb[key],
                "difference_b_minus_a": rb[key] - ra[key],
            }
        )
    rows.append(
        {
            "indicator": "score",
            "baseline": 0.0,
            col_a: a.score["score"],
            col_b: b.score["score"],
            "difference_b_minus_a": b.score["score"] - a.score["score"],
        }
    )
    return pd.DataFrame(rows)


def compare_municipalities(a: ScenarioResult, b: ScenarioResult) -> pd.DataFrame:
    """Per residence: change of commuter-km/day and CO2 in A and in B, and B − A."""
    cols = ["ags", "name", "commuter_km_day_change", "co2_t_year_change"]
    left = a.by_municipality[cols].rename(columns={c: f"{c}_a" for c in cols[2:]})
    right = b.by_municipality[cols[:1] + cols[2:]].rename(columns={c: f"{c}_b" for c in cols[2:]})
    out = left.merge(right, on="ags", how="outer")
    out["commuter_km_day_b_minus_a"] = out["commuter_km_day_change_b"].fillna(0) - out[
        "commuter_km_day_change_a"
    ].fillna(0)
    return out.sort_values("commuter_km_day_b_minus_a", ignore_index=True)


def compare_to_dict(a: ScenarioResult, b: ScenarioResult) -> dict[str, Any]:
    return _jsonable_dict(
        {
            "a": {
                "name": a.definition.name,
                "version": a.definition.version,
                "score": a.score,
                "levers": a.levers,
            },
            "b": {
                "name": b.definition.name,
                "version": b.definition.version,
                "score": b.score,
                "levers": b.levers,
            },
            "estimate_basis": a.estimate_basis,
            "attribution": ATTRIBUTION,
            "totals": _records(compare(a, b)),
            "by_municipality": _records(compare_municipalities(a, b)),
        }
    )


def _by_municipality(
    ctx: ScenarioContext, before: pd.DataFrame, after: pd.DataFrame, params: Parameters
) -> pd.DataFrame:
    b = metrics.by_place(before, params, "origin")
    a = metrics.by_place(after, params, "origin")
    index = b.index.union(a.index)
    b, a = b.reindex(index, fill_value=0.0), a.reindex(index, fill_value=0.0)
    out = pd.DataFrame({"ags": index, "name": ctx.names(index).to_numpy()})
    for col in ("persons", "commuter_km_day", "co2_t_year", "hours_year"):
        out[f"{col}_baseline"] = b[col].to_numpy()
        out[f"{col}_scenario"] = a[col].to_numpy()
        out[f"{col}_change"] = a[col].to_numpy() - b[col].to_numpy()
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _scalar(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else round(v, 4)
    if v is pd.NA or v is None:
        return None
    return v


def _jsonable_dict(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = _jsonable(obj)
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, metrics.Totals):
        return obj.to_dict()
    return _scalar(obj)
