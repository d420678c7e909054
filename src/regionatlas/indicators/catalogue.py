"""The indicator catalogue as data: ``catalogue.toml`` read into a validated frame."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pandas as pd

from regionatlas.errors import InputError
from regionatlas.indicators.formula import formula_inputs
from regionatlas.store.schema import INDICATOR

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")
REQUIRED = [c.name for c in INDICATOR.columns if not c.nullable]


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
    cols = [*INDICATOR.column_names, "additive"]
    frame = frame.reindex(columns=cols)
    frame["formula"] = frame["formula"].where(frame["formula"].notna(), None)
    return frame


@cache
def catalogue() -> pd.DataFrame:
    """The packaged catalogue (cached; treat as read-only)."""
    return load_catalogue()
