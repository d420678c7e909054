"""Derived batch: district/state/Germany sums and formulas, recomputed when inputs change."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION
from regionatlas.store import open_store
from regionatlas.workflows.ingest.build import build_region
from regionatlas.workflows.ingest.derived import FORMAT_ID, derive_into, derived_observations


def test_sums_and_formulas_hand_computed() -> None:
    obs = pd.DataFrame(
        [
            ("06611000", "population", "2023", 200.0, None),
            ("06611000", "area_km2", "2023", 100.0, None),
            ("06633001", "population", "2023", 50.0, None),
            ("06633001", "area_km2", "2023", None, "."),
            ("06611", "out_commuters", "2023", 30.0, None),
            ("06611", "in_commuters", "2023", 70.0, None),
        ],
        columns=["ags", "indicator", "period", "value", "flag"],
    )
    units = pd.DataFrame(
        {"ags": ["06611000", "06633001", "06611"], "level": ["gemeinde", "gemeinde", "kreis"]}
    )
    d = derived_observations(obs, units).set_index(["ags", "indicator"])
    assert d.loc[("06", "population"), "value"] == 250
    assert d.loc[("DE", "population"), "value"] == 250
    assert d.loc[("06611", "density"), "value"] == 2.0
    assert d.loc[("06", "area_km2"), "flag"] == "."  # a suppressed part is never summed as 0
    assert pd.isna(d.loc[("06", "area_km2"), "value"])
    assert d.loc[("06611", "commuter_balance"), "value"] == 40
    assert ("06611000", "population") not in d.index  # published figures are not repeated


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("derived") / "r.gpkg"
    store = open_store(path)
    build_region(store, load_region(DEFAULT_REGION))
    store.close()
    return path


def test_build_derives_once_and_replaces_when_inputs_change(store_path: Path) -> None:
    store = open_store(store_path)
    derived = [b for b in store.batches() if b.source == FORMAT_ID]
    assert len(derived) == 1
    assert derive_into(store).created is False  # unchanged inputs: no-op
    obs = store.observations(indicators=["population"], ags=["06", "06611"])
    assert (obs["flag"] == "derived").all() and len(obs) == 2
    # removing an input batch replaces the derived batch, stale rows go with it
    gv = next(b for b in store.batches() if b.source == "destatis-gv100ad")
    store.rollback(gv.id)
    result = derive_into(store)
    assert result is not None and result.created
    assert [b.source for b in store.batches()].count(FORMAT_ID) == 1
    assert store.observations(indicators=["population"], ags=["06"]).empty
    store.close()
