"""Small helpers the reader tests share: the error a read raises, one observation."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.sources.base import SourceData


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
