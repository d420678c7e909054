"""One transparent score from a scenario's indicators and the user's goal weights.

Each goal becomes a component = relative improvement over the baseline, in percent:

    climate         CO2 t/year saved / baseline CO2 t/year
    accessibility   commuting hours/year saved / baseline hours/year
    digitalisation  commute days done at home or a nearby site / baseline commute days
    costs           (car cost saved − programme cost) / baseline car cost, per year

score = Σ weight · component / Σ weight. Every component, weight and product is returned so
the score can be recomputed by hand.
"""

from __future__ import annotations

from typing import Any

from regionatlas.analysis.scenarios.definition import GOALS
from regionatlas.analysis.scenarios.metrics import Totals
from regionatlas.analysis.scenarios.parameters import Parameters

DEFAULT_WEIGHTS = {goal: 1.0 for goal in GOALS}


def score(
    baseline: Totals,
    scenario: Totals,
    *,
    remote_person_days: float,
    programme_cost_eur_year: float,
    params: Parameters,
    weights: dict[str, float] | None = None,
) -> dict[str, Any]:
    w = dict(DEFAULT_WEIGHTS if not weights else {g: weights.get(g, 0.0) for g in GOALS})
    eur_km = params["cost.car_eur_per_vkm"]
    base_cost = baseline.car_vkm_year * eur_km
    saved_cost = (baseline.car_vkm_year - scenario.car_vkm_year) * eur_km

    def pct(num: float, den: float) -> float:
        return 100.0 * num / den if den > 0 else 0.0

    components = {
        "climate": pct(baseline.co2_t_year - scenario.co2_t_year, baseline.co2_t_year),
        "accessibility": pct(baseline.hours_year - scenario.hours_year, baseline.hours_year),
        "digitalisation": pct(remote_person_days, baseline.persons),
        "costs": pct(saved_cost - programme_cost_eur_year, base_cost),
    }
    total_w = sum(w.values())
    rows: list[dict[str, Any]] = [
        {
            "goal": g,
            "component_pct": round(components[g], 4),
            "weight": w[g],
            "weighted": round(w[g] * components[g] / total_w, 4) if total_w else 0.0,
        }
        for g in GOALS
    ]
    return {
        "score": round(sum(r["weighted"] for r in rows), 4),
        "unit": "weighted mean of relative improvements, percent",
        "components": rows,
        "inputs": {
            "car_cost_saved_eur_year": round(saved_cost, 2),
            "programme_cost_eur_year": round(programme_cost_eur_year, 2),
            "baseline_car_cost_eur_year": round(base_cost, 2),
            "remote_or_site_person_days_per_day": round(remote_person_days, 3),
        },
        "formula": "score = sum(weight * component) / sum(weight)",
    }
