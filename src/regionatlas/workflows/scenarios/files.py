"""The scenario lab's files: scenario definitions and parameter files (TOML), and the shipped
examples and cited defaults (package data, ``regionatlas.data``).

Reading validates through the pure parsers of ``analysis.scenarios`` (``parse_definition``,
``parse_parameters``); writing replaces a file whole or not at all.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import tomli_w

from regionatlas.analysis.scenarios.definition import (
    ScenarioDefinition,
    definition_to_dict,
    parse_definition,
)
from regionatlas.analysis.scenarios.parameters import Parameters, parse_parameters
from regionatlas.data import shipped
from regionatlas.errors import ParameterError, ScenarioError

EXAMPLES_DIR = shipped("scenarios")
DEFAULT_PARAMETERS = shipped("scenario-parameters.toml")


def load_definition(path: str | Path) -> ScenarioDefinition:
    """A scenario TOML file, validated (ScenarioError names the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"scenario file not found: {path}", file=str(path)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}", file=str(path)) from None
    return parse_definition(raw, where=str(path))


def definition_to_toml(definition: ScenarioDefinition) -> str:
    """The scenario as TOML text that ``load_definition`` reads back unchanged."""
    return tomli_w.dumps(definition_to_dict(definition))


def save_definition(definition: ScenarioDefinition, path: str | Path) -> Path:
    """Write the scenario to ``path`` (whole file or nothing; a device, FIFO or ``-`` is
    written in place, never replaced: regionatlas.output)."""
    from regionatlas.output import output_path

    path = Path(path)
    text = definition_to_toml(definition)
    parse_definition(tomllib.loads(text), where=str(path))  # never save what cannot load
    with output_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def example_definitions(directory: Path = EXAMPLES_DIR) -> dict[str, ScenarioDefinition]:
    """The example scenarios by id (file stem), sorted."""
    return {p.stem: load_definition(p) for p in sorted(directory.glob("*.toml"))}


def load_parameters(path: str | Path | None = None) -> Parameters:
    """Read a parameter file (default: the shipped, cited defaults)."""
    if path is None:
        return default_parameters()
    return _read_parameters(Path(path))


@cache
def default_parameters() -> Parameters:
    """The shipped, cited defaults (read once; ``Parameters`` is immutable)."""
    return _read_parameters(DEFAULT_PARAMETERS)


def _read_parameters(path: Path) -> Parameters:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"parameter file not found: {path}", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{path}: not valid TOML: {exc}", file=str(path)) from None
    return parse_parameters(raw, str(path))
