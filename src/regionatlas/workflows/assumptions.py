"""Named modelling assumptions (``assumptions.toml``), each with its source.

The employment rate that estimates the flows within districts defaults to the cited national
rate (``default_employment_rate``): the web atlas and the CLI use the same value and show
the same label (``label``)."""

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


def default_employment_rate() -> float:
    """The rate the municipal analyses use unless the user states another one: the national
    rate of ``assumptions.toml`` (web atlas and ``regionatlas analyse`` alike)."""
    return national_employment_rate().value


def employment_rate_assumption(rate: float | None = None) -> Assumption:
    """The assumption behind ``rate`` (None: the default): the cited national one, or the
    user's own value, labelled as such."""
    national = national_employment_rate()
    if rate is None or rate == national.value:
        return national
    return Assumption(
        national.name,
        rate,
        "Annahme: einheitliche Beschäftigtenquote am Wohnort, vom Nutzer gesetzt; Modellrechnung",
        "Assumption: one rate of employees at residence per resident, set by the user; "
        "modelled estimate",
        (),
    )


def label(a: Assumption, lang: str = "en") -> str:
    """How an assumption is shown: its note, value and sources (as on the web pages);
    ``lang`` "de", "en" or "both" (the CLI's "German / English")."""
    note = {"de": a.note_de, "en": a.note_en}.get(lang, f"{a.note_de} / {a.note_en}")
    text = f"{note} ({a.value:.4f})"
    return text + ("; " + "; ".join(a.sources) if a.sources else "")
