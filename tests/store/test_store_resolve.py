"""History resolution as pure functions, and how open_store picks an engine."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.errors import StoreError
from regionatlas.store import is_postgres_url, open_store
from regionatlas.store.gpkg import GeoPackageStore
from regionatlas.store.resolve import latest_observations, latest_units, preferred_flows


def test_latest_units_takes_geometry_from_newest_version_with_one():
    a, b = shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)
    frame = pd.DataFrame(
        {
            "ags": ["01", "01", "01", "02"],
            "as_of": ["2020", "2021", "2023", "2020"],
            "batch_id": [1, 2, 3, 1],
            "name": ["old", "mid", "new", "other"],
            "geometry": [a, b, None, None],
        }
    )
    got = latest_units(frame, geometry=True).set_index("ags")
    assert got.loc["01", "name"] == "new"
    assert got.loc["01", "geometry"] is b
    assert got.loc["02", "geometry"] is None


def test_same_as_of_later_batch_wins():
    frame = pd.DataFrame(
        {"ags": ["01", "01"], "as_of": ["2023", "2023"], "batch_id": [5, 4], "name": ["b5", "b4"]}
    )
    assert latest_units(frame)["name"].tolist() == ["b5"]


flow_rows = st.lists(
    st.tuples(
        st.sampled_from(["01", "02", "03"]),
        st.sampled_from(["01", "02"]),
        st.sampled_from(["residence", "workplace"]),
        st.integers(1, 6),
        st.integers(0, 100),
    ),
    max_size=30,
    unique_by=lambda r: (r[0], r[1], r[2], r[3]),
)


@settings(max_examples=60, deadline=None)
@given(rows=flow_rows)
def test_preferred_flows_matches_the_rule(rows):
    frame = pd.DataFrame(
        rows, columns=["origin", "destination", "reported_by", "batch_id", "persons"]
    ).assign(period="2023", grp="total")
    got = preferred_flows(frame)
    # one row per flow key …
    assert not got.duplicated(["origin", "destination", "period", "grp"]).any()
    assert len(got) == len({(r[0], r[1]) for r in rows})
    # … and it is the best candidate by (residence first, then highest batch)
    for o, d, rep, batch, persons in got[
        ["origin", "destination", "reported_by", "batch_id", "persons"]
    ].itertuples(index=False):
        candidates = [r for r in rows if (r[0], r[1]) == (o, d)]
        best = max(candidates, key=lambda r: (r[2] == "residence", r[3]))
        assert (rep, batch, persons) == (best[2], best[3], best[4])


def test_latest_observations_keeps_unique_rows_untouched():
    frame = pd.DataFrame(
        {
            "ags": ["01", "01", "02"],
            "indicator": ["pop"] * 3,
            "period": ["2023"] * 3,
            "batch_id": [1, 2, 1],
            "value": [1.0, 2.0, 3.0],
        }
    )
    got = latest_observations(frame).set_index("ags")["value"]
    assert got.to_dict() == {"01": 2.0, "02": 3.0}


def test_open_store_dispatches_by_url(tmp_path):
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url(tmp_path / "x.gpkg")
    with open_store(f"gpkg://{tmp_path / 'a.gpkg'}") as s:
        assert isinstance(s, GeoPackageStore) and s.engine == "geopackage"
    assert (tmp_path / "a.gpkg").exists()
    with open_store(tmp_path / "sub" / "b.gpkg") as s:
        assert s.url == str(tmp_path / "sub" / "b.gpkg")


@pytest.mark.postgis
def test_pg_store_reports_its_engine(pg_store):
    assert pg_store.engine == "postgis"
    assert pg_store.batches() == []


def test_unreachable_server_is_a_clear_store_error():
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
