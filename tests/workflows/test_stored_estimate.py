"""The modelled estimate stored as a batch, and official municipal tables replacing it.

Runs on a copy of the bundle store (imports change it). The "official" municipal rows here
are made up for the test, one per district of the region, and imported as a batch marked
synthetic — so the result must say "synthetic", never "official".
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from regionatlas.cli.main import app
from regionatlas.errors import ParameterError
from regionatlas.model.schema import FLOW_COLUMNS
from regionatlas.model.source_data import SourceData
from regionatlas.store import open_store
from regionatlas.workflows import ESTIMATE, SYNTHETIC, municipal_flows
from regionatlas.workflows.ingest.estimate import SOURCE_ID, estimate_as_source

runner = CliRunner()
pytestmark = pytest.mark.slow  # imports ~300,000 estimated rows


@pytest.fixture(scope="module")
def db_copy(region_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("stored") / "region.gpkg"
    shutil.copy(region_db, target)
    return target


def test_import_the_estimate_and_use_it(db_copy: Path, region) -> None:
    args = ["analyse", "estimate", "--employment-rate", "0.4", "--import", "--db", str(db_copy)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "imported as batch" in result.output
    batches = json.loads(runner.invoke(app, ["batches", "--json", "--db", str(db_copy)]).output)
    est = [b for b in batches if b["source"] == SOURCE_ID]
    assert len(est) == 1 and "modelled estimate" in est[0]["attribution"]

    store = open_store(db_copy)
    try:
        fb = municipal_flows(store, region)  # no assumption given: the stored estimate
        assert fb.stored_batches == (est[0]["id"],)
        assert fb.basis == ESTIMATE and fb.within_districts
        assert (fb.flows["flag"] == "estimated").all()
        fresh = municipal_flows(store, region, employment_rate=0.4)
        assert not fresh.stored_batches
        assert fb.flows["persons"].sum() == pytest.approx(fresh.flows["persons"].sum())
        with pytest.raises(ParameterError):
            estimate_as_source(dataclasses.replace(fb, basis="official"), region)
    finally:
        store.close()

    # regions runs without --employment-rate (the national default, as in the web atlas)
    result = runner.invoke(app, ["analyse", "regions", "--db", str(db_copy)])
    assert result.exit_code == 0, result.output
    assert "modelled estimate" in result.output
    # importing again is a no-op
    result = runner.invoke(app, ["analyse", "estimate", "--import", "--db", str(db_copy)])
    assert result.exit_code == 0, result.output
    assert "nothing imported" in result.output


def test_official_tables_replace_the_estimate(db_copy: Path, region) -> None:
    store = open_store(db_copy)
    try:
        mun = municipal_flows(store, region).municipalities
        first = mun.groupby("district").head(1).index  # one municipality per district
        rows = pd.DataFrame(
            {
                "origin": list(first),
                "destination": ["06611000"] * len(first),
                "period": "2023-06-30",
                "grp": "total",
                "reported_by": "residence",
                "level": "gemeinde",
                "persons": 100.0,
                "flag": None,
            }
        )[FLOW_COLUMNS]
        data = SourceData(
            source="test-municipal",
            file=Path("test-municipal.csv"),
            sha256="0" * 63 + "1",
            publisher="tests (made-up rows)",
            licence="CC0-1.0",
            attribution="test rows, synthetic",
            vintage="2023-06-30",
            flows=rows,
            synthetic=True,
        )
        store.import_source(data)
        fb = municipal_flows(store, region)
        assert fb.basis == SYNTHETIC
        assert not (fb.flows["flag"] == "estimated").any()
        assert fb.flows["persons"].sum() == pytest.approx(100.0 * len(first))
        assert "test rows, synthetic" in fb.attribution
    finally:
        store.close()
