"""Named modelling assumptions (``assumptions.toml``), each with its source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).with_name("assumptions.toml")


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float
    note_de: str
    note_en: str
    sources: tuple[str, ...]


@cache
def assumption(name: str) -> Assumption:
    doc = tomllib.loads(FILE.read_text(encoding="utf-8"))
    entry = doc[name]
    sources = tuple(v for k, v in entry.items() if k.endswith("source"))
    return Assumption(name, float(entry["value"]), entry["note_de"], entry["note_en"], sources)


def national_employment_rate() -> Assumption:
    """SV employees at residence per resident in Germany, 2023 (see assumptions.toml)."""
    return assumption("employment_rate")
