"""Imported municipal employment replaces population as the estimate's weights, and only
places whose jobs are measured (or whose district is one municipality) are judged in the
central-place comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionatlas.model.source_data import SourceData
from regionatlas.store import open_store
from regionatlas.workflows import central_places, municipal_flows
from regionatlas.workflows.basis import Provenance
from regionatlas.workflows.functional import NOT_ASSESSABLE_WHY
from regionatlas.workflows.loading import municipalities

RATE = 0.4  # modelling assumption for the tests
KASSEL_LK = "06633"
KASSEL_CITY = "06611000"


@pytest.fixture(scope="module")
def weighted_store(region_db: Path, region, tmp_path_factory):
    """The bundle store plus test observations of municipal jobs and employed residents for
    every municipality of the Landkreis Kassel (test figures made up by this fixture: jobs
    vary between municipalities, unlike population-proportional weights)."""
    db = tmp_path_factory.mktemp("weights") / "region.gpkg"
    shutil.copy(region_db, db)
    store = open_store(db)
    mun = municipalities(store, region, Provenance())
    lk = mun[mun["district"] == KASSEL_LK].sort_index()
    factor = np.where(np.arange(len(lk)) % 3 == 0, 0.9, 0.2)
    jobs = (lk["population"].to_numpy() * factor).round()
    residents = (lk["population"].to_numpy() * 0.4).round()
    obs = pd.concat(
        [
            pd.DataFrame({"ags": lk.index, "indicator": "jobs", "value": jobs}),
            pd.DataFrame({"ags": lk.index, "indicator": "employed_residents", "value": residents}),
        ],
        ignore_index=True,
    ).assign(period="2023-06-30", flag=None)
    store.import_source(
        SourceData(
            source="test-employment",
            file=Path("test-employment.csv"),
            sha256="test-employment-weights-v1",
            publisher="test",
            licence="test",
            attribution="test figures",
            vintage="2023-06-30",
            observations=obs,
        )
    )
    yield store, lk.index, pd.Series(jobs, index=lk.index)
    store.close()


def test_estimate_uses_imported_jobs_as_weights(weighted_store, region):
    store, lk, jobs = weighted_store
    fb = municipal_flows(store, region, employment_rate=RATE)
    assert fb.jobs_measured == frozenset({KASSEL_LK})
    assert "jobs: imported municipal figures in 1 of" in fb.note
    f = fb.flows[fb.flows["destination"].isin(lk) & fb.flows["origin"].str.len().eq(8)]
    inflow = f.groupby("destination")["persons"].sum().reindex(lk)
    # inflows to the Landkreis' municipalities follow the imported jobs, not population
    share_model = inflow / inflow.sum()
    share_jobs = jobs / jobs.sum()
    assert np.corrcoef(share_model, share_jobs)[0, 1] > 0.95
    mun = fb.municipalities.loc[lk]
    share_pop = mun["population"] / mun["population"].sum()
    assert np.abs(share_model - share_pop).max() > 0.01


def test_central_places_judge_only_measured_places(weighted_store, region, bundle_store):
    store, lk, _ = weighted_store
    res = central_places(store, region, employment_rate=RATE)
    places = res.comparison.places.set_index("ags")
    assert places.loc[lk, "assessable"].all()
    assert places.loc[KASSEL_CITY, "assessable"]  # a district of one municipality
    others = places[~places.index.str.startswith((KASSEL_LK, "06611"))]
    assert not others["assessable"].any()
    assert (others["assessment"] == NOT_ASSESSABLE_WHY).all()
    assert others["functional_level"].isna().all()
    assert "not assessable" in res.note
    # job centrality now differs inside the Landkreis
    assert places.loc[lk, "job_centrality"].std() > 0.05

    # without imported employment, every municipality of a multi-municipality district is
    # left unjudged and no deviation is reported for it
    plain = central_places(bundle_store, region, employment_rate=RATE)
    dev = plain.comparison.deviations
    assert set(dev["ags"]) <= {KASSEL_CITY}
