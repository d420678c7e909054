"""Assumptions of the scenario lab: values with their source.

``parse_parameters(raw, where)`` validates the structure of a parameter file (the shipped,
cited defaults are read by ``workflows.scenarios.files.load_parameters``);
``Parameters.with_overrides`` applies a scenario's ``[parameters]`` table (dotted names) and
validates every value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from regionatlas.errors import ParameterError

MODES = ("car", "public_transport", "bike", "foot")


@dataclass(frozen=True)
class Param:
    """One named assumption."""

    name: str
    value: float
    unit: str = ""
    source: str = "assumption"
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True)
class ModeBand:
    """Mode shares for commutes up to ``max_km`` one-way road km."""

    max_km: float
    shares: dict[str, float]
    source: str = "assumption"


@dataclass(frozen=True)
class Parameters:
    values: dict[str, Param]
    bands: tuple[ModeBand, ...]
    mode_split_source: str = ""
    mode_split_note: str = ""
    file: str = ""  # where the values were read from
    overridden: tuple[str, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> float:
        try:
            return self.values[name].value
        except KeyError:
            raise ParameterError(f"unknown parameter {name!r}", parameter=name) from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """A copy with values replaced; keys are dotted names or nested tables."""
        flat = _flatten(overrides)
        values = dict(self.values)
        bands = self.bands
        changed: list[str] = list(self.overridden)
        for key, raw in flat.items():
            if key.startswith("mode_split.bands"):
                raise ParameterError(
                    "mode-split bands are replaced as a whole with 'mode_split = [...]'",
                    parameter=key,
                )
            if key == "mode_split":
                bands = _parse_bands(raw, "scenario parameters")
                changed.append(key)
                continue
            if key not in values:
                raise ParameterError(
                    f"unknown parameter {key!r}; known: {', '.join(sorted(values))}",
                    parameter=key,
                )
            number = _number(raw, key)
            values[key] = replace(values[key], value=number, source="scenario override")
            changed.append(key)
        out = replace(self, values=values, bands=bands, overridden=tuple(changed))
        out.validate()
        return out

    def validate(self) -> None:
        for p in self.values.values():
            if not math.isfinite(p.value) or p.value < 0:
                raise ParameterError(
                    f"parameter {p.name} must be a finite number >= 0 (found {p.value!r})",
                    parameter=p.name,
                    value=p.value,
                )
        for name in ("distance.detour_factor",):
            if self[name] < 1:
                raise ParameterError(f"{name} must be >= 1 (found {self[name]})", parameter=name)
        for name in ("occupancy.reference", "occupancy.commute"):
            if self[name] < 1:
                raise ParameterError(f"{name} must be >= 1 person (found {self[name]})")
        for name in (
            "speed.car_kmh",
            "speed.public_transport_kmh",
            "speed.bike_kmh",
            "speed.foot_kmh",
            "calendar.days_per_week",
        ):
            if self[name] <= 0:
                raise ParameterError(f"{name} must be > 0 (found {self[name]})", parameter=name)
        if not self.bands or not math.isinf(self.bands[-1].max_km):
            raise ParameterError("mode-split bands must end with max_km = inf")

    def car_g_per_vkm(self) -> float:
        return self["emission.car_g_per_pkm"] * self["occupancy.reference"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": PurePath(self.file).name,  # the name only: answers never show server paths
            "overridden": list(self.overridden),
            "values": {k: p.to_dict() for k, p in sorted(self.values.items())},
            "mode_split": {
                "source": self.mode_split_source,
                "note": self.mode_split_note,
                "bands": [
                    {
                        "max_km": None if math.isinf(b.max_km) else b.max_km,
                        **b.shares,
                        "source": b.source,
                    }
                    for b in self.bands
                ],
            },
        }


def parse_parameters(raw: dict[str, Any], where: str) -> Parameters:
    """Validate a parameter file's content (``where`` names it in errors and in ``file``)."""
    raw = dict(raw)

    values: dict[str, Param] = {}
    split = raw.pop("mode_split", None)
    if split is None:
        raise ParameterError(f"{where}: table [mode_split] is missing", file=where)
    for group, table in raw.items():
        if not isinstance(table, dict):
            raise ParameterError(f"{where}: {group!r} must be a table", file=where)
        for key, entry in table.items():
            name = f"{group}.{key}"
            if not isinstance(entry, dict) or "value" not in entry or "source" not in entry:
                raise ParameterError(
                    f"{where}: parameter {name} needs 'value' and 'source'", file=where
                )
            values[name] = Param(
                name=name,
                value=_number(entry["value"], name),
                unit=str(entry.get("unit", "")),
                source=str(entry["source"]),
                note=str(entry.get("note", "")),
            )
    params = Parameters(
        values=values,
        bands=_parse_bands(split.get("bands"), where),
        mode_split_source=str(split.get("source", "")),
        mode_split_note=str(split.get("note", "")),
        file=where,
    )
    params.validate()
    return params


def _parse_bands(raw: Any, where: str) -> tuple[ModeBand, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{where}: mode_split needs a non-empty list of bands")
    bands: list[ModeBand] = []
    last = -1.0
    for i, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            raise ParameterError(f"{where}: mode_split band {i} must be a table")
        max_km = _number(entry.get("max_km", math.inf), f"mode_split band {i} max_km")
        if max_km <= last:
            raise ParameterError(f"{where}: mode_split band {i}: max_km must increase")
        last = max_km
        unknown = set(entry) - {"max_km", "source", "note", *MODES}
        if unknown:
            raise ParameterError(
                f"{where}: mode_split band {i}: unknown mode(s) {sorted(unknown)}; "
                f"expected {', '.join(MODES)}"
            )
        shares = {m: _number(entry.get(m, 0.0), f"mode_split band {i} {m}") for m in MODES}
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ParameterError(
                f"{where}: mode_split band {i}: shares must add up to 1 (found {total:.4f})"
            )
        bands.append(ModeBand(max_km, shares, str(entry.get("source", "assumption"))))
    return tuple(bands)


def _number(raw: Any, name: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ParameterError(
            f"parameter {name} must be a number (found {raw!r})", parameter=name, value=str(raw)
        )
    value = float(raw)
    if math.isnan(value) or (value < 0):
        raise ParameterError(
            f"parameter {name} must be >= 0 (found {raw!r})", parameter=name, value=str(raw)
        )
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out
