"""The scenario lab over HTTP: example scenarios, lever catalogue, runs, comparisons, exports.

A request names an example scenario (file stem of a shipped example) or carries a whole
definition (the TOML structure as JSON), plus overrides of lever settings, parameters and
weights. The ScenarioContext (places + flows from the store) is built once per store state
in the Atlas cache, so a run only evaluates the levers.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from fastapi import Path as FPath
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.web.api.deps import ERRORS, AtlasDep, js
from regionatlas.web.atlas import Atlas
from regionatlas.web.errors import ErrorResponse
from regionatlas.workflows.scenario_lab import (
    GOALS,
    LEVERS,
    ScenarioContext,
    ScenarioDefinition,
    ScenarioResult,
    compare_to_dict,
    lever_catalogue,
    parse_definition,
    run_scenario,
)
from regionatlas.workflows.scenarios import (
    context_from_store,
    default_parameters,
    example_definitions,
)

RUN_CACHE = 32
_RUNS_LOCK = threading.Lock()
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,80}$"

router = APIRouter(
    tags=["scenarios"],
    responses={
        **ERRORS,
        400: {"model": ErrorResponse, "description": "the body is not JSON (or not UTF-8)"},
    },
)


class ScenarioRequest(BaseModel):
    """One scenario: an example's id or a definition (exactly one), plus overrides. A lever,
    parameter or weight the scenario engine cannot use is answered with 422 naming it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": ["id"], "properties": {"id": {"type": "string"}}},
                {"required": ["definition"], "properties": {"definition": {"type": "object"}}},
            ]
        },
    )
    id: str | None = Field(None, pattern=ID_PATTERN, description="example scenario (file stem)")
    definition: dict[str, Any] | None = Field(
        None, description="a whole definition: {scenario, levers, parameters, weights}"
    )
    levers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="per lever: settings replacing the scenario's"
    )
    parameters: dict[str, Any] = Field(default_factory=dict, description="dotted parameter names")
    weights: dict[str, float] = Field(default_factory=dict, description="goal -> weight")


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: ScenarioRequest
    b: ScenarioRequest


# -- pure helpers -----------------------------------------------------------------------------
def examples() -> dict[str, ScenarioDefinition]:
    """The example scenarios by id (file stem), sorted."""
    return example_definitions()


def raw_definition(definition: ScenarioDefinition) -> dict[str, Any]:
    """A definition back in its TOML structure (input of ``parse_definition``)."""
    d = definition.to_dict()
    head = {k: d[k] for k in ("name", "version", "description", "region", "order") if d[k]}
    return {
        "scenario": head,
        "levers": {k: dict(v) for k, v in d["levers"].items()},
        "parameters": dict(d["parameters"]),
        "weights": dict(d["weights"]),
    }


def resolve(req: ScenarioRequest, known: dict[str, ScenarioDefinition]) -> ScenarioDefinition:
    """The request's definition with its overrides applied (validated by parse_definition)."""
    if (req.id is None) == (req.definition is None):
        raise ParameterError(
            "give exactly one of 'id' (an example scenario) or 'definition'",
            key="id",
            expected=", ".join(known),
        )
    if req.id is not None:
        if req.id not in known:
            raise NotFoundError(
                f"unknown scenario {req.id!r}", value=req.id, expected=", ".join(known)
            )
        raw = raw_definition(known[req.id])
    else:
        given = req.definition or {}  # not None: exactly one of id and definition
        raw = {k: (dict(v) if isinstance(v, dict) else v) for k, v in given.items()}
    levers = {k: dict(v) for k, v in (raw.get("levers") or {}).items()}
    for name, settings in req.levers.items():
        if name not in LEVERS:
            raise ParameterError(
                f"unknown lever {name!r}", key=f"levers.{name}", expected=", ".join(LEVERS)
            )
        levers[name] = {**levers.get(name, {}), **settings}
    raw["levers"] = levers
    raw["parameters"] = {**(raw.get("parameters") or {}), **req.parameters}
    raw["weights"] = {**(raw.get("weights") or {}), **req.weights}
    return parse_definition(raw, where=f"scenario {req.id or 'request'}")


# -- I/O edge: the context per store state ----------------------------------------------------
def scenario_context(atlas: Atlas) -> ScenarioContext:
    """Places and flows of the atlas' core districts, built once per store state."""
    if not atlas.scope.core:
        raise NotFoundError("the scenario lab needs a region (the atlas runs without one)")

    def compute() -> ScenarioContext:
        return context_from_store(atlas.store, sorted(atlas.scope.core))

    return atlas.cached("scenario_context", compute)  # dropped when the store changes


def run(atlas: Atlas, req: ScenarioRequest) -> ScenarioResult:
    """Resolve and run; the last RUN_CACHE results per store state are kept (a comparison or
    a download repeats the run the page just showed; the site-choice lever takes seconds)."""
    definition = resolve(req, examples())
    ctx = scenario_context(atlas)
    key = json.dumps(definition.to_dict() | {"file": None}, sort_keys=True, default=str)
    runs: OrderedDict[str, ScenarioResult] = atlas.cached("scenario_runs", OrderedDict)
    with _RUNS_LOCK:
        if key in runs:
            runs.move_to_end(key)
            return runs[key]
    result = run_scenario(definition, ctx, default_parameters())
    with _RUNS_LOCK:
        runs[key] = result
        while len(runs) > RUN_CACHE:
            runs.popitem(last=False)
    return result


# -- routes -----------------------------------------------------------------------------------
@router.get("/scenarios.json", summary="Example scenarios, the lever catalogue and the goals")
def scenario_list() -> Response:
    return js(
        {
            "scenarios": [{"id": k, **v.to_dict(), "file": None} for k, v in examples().items()],
            "levers": lever_catalogue(),
            "order": list(LEVERS),
            "goals": list(GOALS),
        }
    )


@router.post("/scenarios/run.json", summary="Run one scenario (example or definition)")
def scenario_run(req: ScenarioRequest, atlas: AtlasDep) -> Response:
    return js(run(atlas, req).to_dict())


@router.get(
    "/scenarios/examples/{scenario_id}.json",
    summary="One example scenario's result (the static export's scenario page reads these)",
)
def scenario_example(
    scenario_id: Annotated[str, FPath(pattern=r"^[a-z0-9-]+$")], atlas: AtlasDep
) -> Response:
    if scenario_id not in examples():
        raise NotFoundError(
            f"unknown example scenario {scenario_id!r}",
            value=scenario_id,
            expected=", ".join(examples()),
        )
    return js(without_timings(run(atlas, ScenarioRequest(id=scenario_id)).to_dict()))


def without_timings(value: Any) -> Any:
    """``value`` without its run times ("seconds"): an example's result is a published
    artefact (the static export ships it) and must be the same bytes on every run."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


@router.post("/scenarios/compare.json", summary="Run two scenarios and compare them")
def scenario_compare(req: CompareRequest, atlas: AtlasDep) -> Response:
    return js(compare_to_dict(run(atlas, req.a), run(atlas, req.b)))


@router.post(
    "/scenarios/export.{fmt}",
    summary="One scenario's result: CSV (summary), ZIP (one CSV per table) or XLSX",
)
def scenario_export(fmt: Literal["csv", "zip", "xlsx"], req: ScenarioRequest, atlas: AtlasDep):
    from regionatlas.workflows.scenario_export import MEDIA_TYPES, export_bytes

    body = export_bytes(fmt, run(atlas, req))
    name = req.id or "scenario"
    return Response(
        body,
        media_type=MEDIA_TYPES["." + fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
