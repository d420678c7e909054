"""A scenario as a saved object: name, version, levers and weights, in the structure of its
TOML file (read and written by ``workflows.scenarios.files``)::

[scenario]
name = "Satellitenbüros in Knotenpunkten"
version = "1"
description = "…"
region = "region-der-mitte"
order = ["job_relocation", "remote_work", "satellite_offices", "ride_sharing"]  # optional

[parameters]                    # overrides of the default parameters (dotted names)
"occupancy.commute" = 1.3

[levers.satellite_offices]      # one table per lever, see the lever modules
k = 10

[weights]                       # goals -> weight (>= 0), see scoring.py
climate = 0.4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from regionatlas.errors import ScenarioError

LEVERS = ("job_relocation", "remote_work", "satellite_offices", "ride_sharing")
GOALS = ("climate", "digitalisation", "accessibility", "costs")
TOP_KEYS = {"scenario", "parameters", "levers", "weights"}
SCENARIO_KEYS = {
    "name",
    "name_en",
    "version",
    "description",
    "description_en",
    "region",
    "order",
    "estimate_basis_note",
}


@dataclass(frozen=True)
class ScenarioDefinition:
    name: str
    version: str
    description: str = ""
    region: str | None = None
    levers: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: tuple[str, ...] = LEVERS
    parameters: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    file: str | None = None
    name_en: str = ""  # the English name and description (the page in English shows them)
    description_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "name_en": self.name_en,
            "version": self.version,
            "description": self.description,
            "description_en": self.description_en,
            "region": self.region,
            "order": list(self.order),
            "levers": self.levers,
            "parameters": self.parameters,
            "weights": self.weights,
            "file": PurePath(self.file).name if self.file else None,  # never a server path
        }


def parse_definition(raw: dict[str, Any], where: str = "scenario") -> ScenarioDefinition:
    """Validate the structure; lever values are checked when the lever runs."""
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ScenarioError(
            f"{where}: unknown table(s) {sorted(unknown)}; expected {sorted(TOP_KEYS)}",
            file=where,
            key=sorted(unknown)[0],
        )
    head = raw.get("scenario")
    if not isinstance(head, dict):
        raise ScenarioError(f"{where}: table [scenario] is missing", file=where, key="scenario")
    bad = set(head) - SCENARIO_KEYS
    if bad:
        raise ScenarioError(
            f"{where}: unknown key(s) scenario.{sorted(bad)[0]}; expected {sorted(SCENARIO_KEYS)}",
            file=where,
            key=f"scenario.{sorted(bad)[0]}",
        )
    for key in ("name", "version"):
        value = head.get(key)
        if isinstance(value, int) and key == "version":
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(
                f"{where}: scenario.{key} must be a non-empty text (found {value!r})",
                file=where,
                key=f"scenario.{key}",
            )
    levers = raw.get("levers", {})
    if not isinstance(levers, dict):
        raise ScenarioError(f"{where}: [levers] must be a table", file=where, key="levers")
    for name, spec in levers.items():
        if name not in LEVERS:
            raise ScenarioError(
                f"{where}: unknown lever levers.{name}; expected one of {', '.join(LEVERS)}",
                file=where,
                key=f"levers.{name}",
            )
        if not isinstance(spec, dict):
            raise ScenarioError(
                f"{where}: levers.{name} must be a table", file=where, key=f"levers.{name}"
            )
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ScenarioError(
                f"{where}: levers.{name}.enabled must be true or false",
                file=where,
                key=f"levers.{name}.enabled",
            )
    order = head.get("order", list(LEVERS))
    if not isinstance(order, list) or sorted(order) != sorted(LEVERS):
        raise ScenarioError(
            f"{where}: scenario.order must list each lever once: {', '.join(LEVERS)}",
            file=where,
            key="scenario.order",
        )
    weights = raw.get("weights", {})
    if not isinstance(weights, dict):
        raise ScenarioError(f"{where}: [weights] must be a table", file=where, key="weights")
    clean_w: dict[str, float] = {}
    for goal, w in weights.items():
        if goal not in GOALS:
            raise ScenarioError(
                f"{where}: unknown goal weights.{goal}; expected one of {', '.join(GOALS)}",
                file=where,
                key=f"weights.{goal}",
            )
        if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
            raise ScenarioError(
                f"{where}: weights.{goal} must be a number >= 0 (found {w!r})",
                file=where,
                key=f"weights.{goal}",
            )
        clean_w[goal] = float(w)
    params = raw.get("parameters", {})
    if not isinstance(params, dict):
        raise ScenarioError(f"{where}: [parameters] must be a table", file=where, key="parameters")
    return ScenarioDefinition(
        name=head["name"].strip(),
        version=str(head["version"]).strip(),
        description=str(head.get("description", "")),
        name_en=str(head.get("name_en", "")).strip(),
        description_en=str(head.get("description_en", "")),
        region=head.get("region"),
        levers={k: dict(v) for k, v in levers.items()},
        order=tuple(order),
        parameters=params,
        weights=clean_w,
        file=where,
    )


def definition_to_dict(definition: ScenarioDefinition) -> dict[str, Any]:
    """The scenario in its file structure: what ``parse_definition`` reads back unchanged."""
    head: dict[str, Any] = {"name": definition.name, "version": definition.version}
    if definition.description:
        head["description"] = definition.description
    if definition.name_en:
        head["name_en"] = definition.name_en
    if definition.description_en:
        head["description_en"] = definition.description_en
    if definition.region:
        head["region"] = definition.region
    if tuple(definition.order) != LEVERS:
        head["order"] = list(definition.order)
    doc: dict[str, Any] = {"scenario": head}
    if definition.parameters:
        doc["parameters"] = definition.parameters
    if definition.levers:
        doc["levers"] = definition.levers
    if definition.weights:
        doc["weights"] = definition.weights
    return doc
