"""Small helpers the reader tests share: the error a read raises, one observation."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.model.source_data import SourceData


def read_error(reader: ModuleType, path: Path) -> SourceFormatError:
    """The SourceFormatError ``reader.read(path)`` raises (the test fails if it reads)."""
    with pytest.raises(SourceFormatError) as info:
        reader.read(path)
    return info.value


def observation(data: SourceData, ags: str, indicator: str) -> pd.Series:
    """The one observation of ``indicator`` for ``ags`` (the test fails on none or several)."""
    o = data.observations
    hit = o[(o.ags == ags) & (o.indicator == indicator)]
    assert len(hit) == 1, (ags, indicator, len(hit))
    return hit.iloc[0]


def imported_observations(path: Path, db: Path, ags: list[str]) -> pd.DataFrame:
    """Import ``path`` with ``regionatlas import`` into the GeoPackage ``db`` (the CLI must
    succeed) and read back the observations of ``ags``, indexed by (ags, indicator)."""
    from typer.testing import CliRunner

    from regionatlas.cli.main import app
    from regionatlas.store import open_store

    result = CliRunner().invoke(app, ["import", str(path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    store = open_store(db)
    try:
        return store.observations(ags=ags).set_index(["ags", "indicator"])
    finally:
        store.close()
