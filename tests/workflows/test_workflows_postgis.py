"""The same workflows on PostGIS: the glue uses the Store protocol only, so the Kreis-level
indicators and the cross-border matrix must equal those from the GeoPackage store."""

from __future__ import annotations

import pandas as pd
import pytest

from regionatlas.workflows import crossborder, flow_indicator_table
from regionatlas.workflows.ingest.build import build_region

pytestmark = [pytest.mark.postgis, pytest.mark.slow]


def test_postgis_gives_the_same_results(pg_store, bundle_store, region) -> None:
    build_region(pg_store, region)
    pg = flow_indicator_table(pg_store, region, "kreis")
    gp = flow_indicator_table(bundle_store, region, "kreis")
    assert pg.basis == gp.basis == "official"
    cols = ["out_commuters", "in_commuters", "not_assigned_out", "not_assigned_in"]
    pd.testing.assert_frame_equal(pg.table[cols], gp.table[cols])
    a, b = crossborder(pg_store, region), crossborder(bundle_store, region)
    pd.testing.assert_frame_equal(a.states.persons, b.states.persons)
    pd.testing.assert_frame_equal(a.pairs, b.pairs, check_exact=False, rtol=1e-9)
