"""What every lever returns, and small validators naming the offending key."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from regionatlas.errors import ParameterError


@dataclass
class LeverOutcome:
    lever: str
    trips: pd.DataFrame  # the trip table after this lever
    details: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # e.g. moved flows, sites
    remote_person_days: float = 0.0  # commute days per day done at home or a nearby site
    programme_cost_eur_year: float = 0.0


def check_keys(spec: dict[str, Any], allowed: set[str], what: str) -> None:
    if not isinstance(spec, dict):
        raise ParameterError(f"{what} must be a table", parameter=what)
    unknown = set(spec) - allowed - {"enabled"}
    if unknown:
        raise ParameterError(
            f"{what}: unknown key(s) {sorted(unknown)}; expected {sorted(allowed)}",
            parameter=f"{what}.{sorted(unknown)[0]}",
        )


def number(raw: Any, name: str, *, lower: float = 0.0, upper: float = math.inf) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ParameterError(f"{name} must be a number (found {raw!r})", parameter=name)
    value = float(raw)
    if not (lower <= value <= upper) or math.isnan(value):
        rng = f">= {lower:g}" if math.isinf(upper) else f"between {lower:g} and {upper:g}"
        raise ParameterError(
            f"{name} must be {rng} (found {raw!r})", parameter=name, value=str(raw)
        )
    return value


def fraction(raw: Any, name: str) -> float:
    return number(raw, name, lower=0.0, upper=1.0)


def whole(raw: Any, name: str, *, lower: int = 0) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ParameterError(f"{name} must be a whole number (found {raw!r})", parameter=name)
    if raw < lower:
        raise ParameterError(f"{name} must be >= {lower} (found {raw})", parameter=name)
    return raw
