"""Ended units: shown on the maps with their reason instead of as an unexplained gap.

A unit is *ended* at a level when its newest version in the store is older than the level's
reference Gebietsstand (the newest ``as_of`` among the level's units) and no territorial
reform ended it (``valid_to`` empty): the boundaries still have it, the Gemeindeverzeichnis
no longer does, and nothing says where its data went. In the Region der Mitte these are
Anrode and Dünwald (dissolved on 01.01.2023, their Ortsteile split between three
municipalities without published shares). ``ended_units.toml`` adds the known facts (date,
successors, source) for such units; a unit without a note gets a generic reason.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from regionatlas.errors import SourceFormatError

NOTES_FILE = Path(__file__).with_name("ended_units.toml")


@lru_cache(maxsize=4)
def load_notes(path: Path = NOTES_FILE) -> dict[str, dict[str, Any]]:
    """ags -> {name, dissolved, successors, source} from the curated notes file."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for i, u in enumerate(data.get("unit", []), start=1):
        missing = [k for k in ("ags", "dissolved", "successors", "source") if k not in u]
        if missing or not isinstance(u.get("successors"), list):
            raise SourceFormatError(
                path,
                f"unit #{i}: needs ags, dissolved, successors (a list) and source",
                value=u,
                expected="ags, name, dissolved (YYYY-MM-DD), successors, source",
            )
        out[str(u["ags"])] = {
            "name": u.get("name"),
            "dissolved": str(u["dissolved"]),
            "successors": [str(s) for s in u["successors"]],
            "source": str(u["source"]),
        }
    return out


def ended_units(
    units: pd.DataFrame, notes: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The ended units among ``units`` (one level, the store's current view: ags, name,
    as_of, valid_to), with what is known about them.

    Returns ags -> {name, as_of (the unit's newest version), reference (the level's newest
    Gebietsstand), dissolved, successors, source}; the last three are None / [] without a
    note.
    """
    if units.empty:
        return {}
    notes = notes or {}
    as_of = units["as_of"].astype(str)
    reference = as_of.max()
    valid_to = units["valid_to"] if "valid_to" in units else pd.Series(None, index=units.index)
    current = valid_to.isna() | (valid_to.astype(str).str.strip() == "")
    out: dict[str, dict[str, Any]] = {}
    for ags, name, a in zip(
        units.loc[(as_of < reference) & current, "ags"].astype(str),
        units.loc[(as_of < reference) & current, "name"],
        as_of[(as_of < reference) & current],
        strict=True,
    ):
        note = notes.get(ags, {})
        out[ags] = {
            "name": name,
            "as_of": a,
            "reference": reference,
            "dissolved": note.get("dissolved"),
            "successors": list(note.get("successors", [])),
            "source": note.get("source"),
        }
    return out


def feature_properties(info: dict[str, Any]) -> dict[str, Any]:
    """Flat GeoJSON properties for an ended unit (map styles cannot read nested values)."""
    return {
        "ended": 1,
        "ended_as_of": info["as_of"],
        "ended_reference": info["reference"],
        "ended_date": info["dissolved"],
        "ended_to": ", ".join(info["successors"]) or None,
        "ended_source": info["source"],
    }
