"""Schemathesis (pinned in requirements.txt) against the API: every check it has — no server
error, no undocumented status, bodies and headers as documented, invalid input rejected,
405 with Allow for methods a path does not take.

Two runs, both bounded to well under a minute on one core:

* in process (ASGI), through schemathesis' Python API (``operation.as_strategy`` +
  hypothesis; its pytest plugin's lazy fixture loader does not run on pytest 9): positive
  and negative examples of every operation;
* its engine (``st run``, config in tests/web/schemathesis.toml) against a live uvicorn
  server: the examples, coverage (boundary values, unsupported methods, missing
  parameters) and fuzzing phases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

load_all_checks()
# every registered check that runs on one response (run-level checks need the CLI runner)
ALL_CHECKS = [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]
MAX_EXAMPLES = 8  # per operation and mode
CONFIG = Path(__file__).with_name("schemathesis.toml")


# Operations whose rules span several fields (documented in their descriptions, not
# expressible as one parameter's schema): min_size < target_size and min_sc <= target_sc of
# the LMA; a corridor's two different ends; a scenario definition's levers and parameters,
# checked by the scenario engine.
# Schema-valid requests may get the documented 422 there; every other check still applies.
CROSS_FIELD_RULES = {
    "GET /api/v1/regions/functional/lma.json",
    "GET /api/v1/regions/functional/leiden.json",
    "POST /api/v1/scenarios/run.json",
    "POST /api/v1/scenarios/compare.json",
    "POST /api/v1/scenarios/export.{fmt}",
    "GET /api/v1/briefs/corridor/{a}/{b}.json",
}


def _has_input(operation) -> bool:
    parts = (operation.path_parameters, operation.query, operation.headers, operation.body)
    return any(len(list(part)) for part in parts)


def _run(operation, mode: GenerationMode) -> None:
    excluded = [positive_data_acceptance] if operation.label in CROSS_FIELD_RULES else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(checks=ALL_CHECKS, excluded_checks=excluded)

    check()


@pytest.mark.slow
def test_api_conforms_to_its_schema(app) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * _has_input(operation)
        for mode in modes:
            try:
                _run(operation, mode)
            except (Exception, BaseExceptionGroup) as exc:  # reported together below
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_schemathesis_engine_against_a_live_server(app) -> None:
    from regionatlas.web.serving import serving

    st = Path(sys.executable).with_name("st")
    phases = ["--phases", "examples,coverage,fuzzing"]
    with serving(app) as url:
        run = subprocess.run(
            [
                str(st),
                "--config-file",
                str(CONFIG),
                "--no-color",
                "run",
                f"{url}/openapi.json",
                *phases,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: " in run.stdout and " passed" in run.stdout
