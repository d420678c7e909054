"""The indicator catalogue as data: the shipped ``indicator-catalogue.toml`` (package data,
``regionatlas.data``) read into a validated frame."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pandas as pd

from regionatlas.data import shipped
from regionatlas.errors import InputError
from regionatlas.indicators.formula import formula_inputs
from regionatlas.model.schema import INDICATOR

CATALOGUE_FILE = shipped("indicator-catalogue.toml")
REQUIRED = [c.name for c in INDICATOR.columns if not c.nullable]
# Optional display keys for structure charts on profile pages (absent = not part of a chart):
#   structure        "sectors" or "age_pyramid"
#   structure_order  display order within the chart (int; youngest band = 1 in a pyramid)
#   structure_sex    "male" / "female" (age_pyramid only)
#   structure_band   band label such as "0–3", "75+" (age_pyramid only)
STRUCTURE_KEYS = ["structure", "structure_order", "structure_sex", "structure_band"]
STRUCTURES = ("sectors", "age_pyramid")
STRUCTURE_SEXES = ("male", "female")


def load_catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """One row per indicator with the columns of schema.INDICATOR plus ``additive``."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    rows = doc.get("indicator", [])
    ids: set[str] = set()
    for i, row in enumerate(rows, 1):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise InputError(f"{path}: indicator #{i} ({row.get('id')}) lacks {missing}")
        if row["id"] in ids:
            raise InputError(f"{path}: indicator id {row['id']!r} defined twice")
        if row["polarity"] not in (-1, 0, 1):
            raise InputError(f"{path}: indicator {row['id']!r}: polarity must be -1, 0 or 1")
        _check_structure(path, row)
        ids.add(row["id"])
    frame = pd.DataFrame(rows)
    if "formula" not in frame:
        frame["formula"] = None
    frame["additive"] = frame.get("additive", False)
    frame["additive"] = frame["additive"].fillna(False).astype(bool)
    for row in frame.itertuples():
        if isinstance(row.formula, str):
            unknown = formula_inputs(row.formula) - ids
            # group suffixes (out_commuters.women) are base data outside the catalogue
            unknown = {u for u in unknown if u.split(".")[0] not in ids}
            if unknown:
                raise InputError(f"{path}: indicator {row.id!r} uses unknown {sorted(unknown)}")
    cols = [*INDICATOR.column_names, "additive", *STRUCTURE_KEYS]
    frame = frame.reindex(columns=cols)
    for col in ("formula", "structure", "structure_sex", "structure_band"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["structure_order"] = frame["structure_order"].astype("Int64")
    return frame


def _check_structure(path: Path, row: dict) -> None:
    """The optional structure keys: a known chart, an int order, sex and band for pyramids."""
    where = f"{path}: indicator {row['id']!r}"
    structure = row.get("structure")
    if structure is None:
        extra = [k for k in STRUCTURE_KEYS[1:] if k in row]
        if extra:
            raise InputError(f"{where}: {extra} given without 'structure'")
        return
    if structure not in STRUCTURES:
        raise InputError(f"{where}: structure must be one of {STRUCTURES}, not {structure!r}")
    order = row.get("structure_order")
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise InputError(f"{where}: structure_order must be a positive integer, not {order!r}")
    if structure == "age_pyramid":
        if row.get("structure_sex") not in STRUCTURE_SEXES:
            raise InputError(f"{where}: structure_sex must be one of {STRUCTURE_SEXES}")
        if not isinstance(row.get("structure_band"), str) or not row["structure_band"]:
            raise InputError(f"{where}: structure_band must be a band label such as '0–3'")
    elif "structure_sex" in row or "structure_band" in row:
        raise InputError(f"{where}: structure_sex/structure_band belong to age_pyramid only")


@cache
def catalogue() -> pd.DataFrame:
    """The packaged catalogue (cached; treat as read-only)."""
    return load_catalogue()
