"""Units as a page shows them: the catalogue's and the scenario levers' units in the page's
language (the catalogue writes German units, the levers English ones)."""

from __future__ import annotations

# unit as written in a catalogue -> (German, English)
UNITS: dict[str, tuple[str, str]] = {
    "Personen": ("Personen", "persons"),
    "Betriebe": ("Betriebe", "establishments"),
    "Einw./km²": ("Einw./km²", "residents/km²"),
    "km²": ("km²", "km²"),
    "%": ("%", "%"),
    "je 1.000 Einw.": ("je 1.000 Einw.", "per 1,000 residents"),
    "Verhältnis": ("Verhältnis", "ratio"),
    # scenario lever parameters (analysis.scenarios.catalogue)
    "km": ("km", "km"),
    "sites": ("Standorte", "sites"),
    "jobs": ("Arbeitsplätze", "jobs"),
    "days": ("Tage", "days"),
    "persons/day": ("Personen/Tag", "persons/day"),
    "corridors": ("Korridore", "corridors"),
    "persons": ("Personen", "persons"),
    "persons/car": ("Personen/Auto", "persons/car"),
}


def unit_label(unit: str | None, lang: str) -> str:
    """The unit in ``lang``; a unit not listed is shown as written."""
    if not unit:
        return ""
    pair = UNITS.get(unit)
    if pair is None:
        return unit
    return pair[1] if lang == "en" else pair[0]
