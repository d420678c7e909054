"""Every canonical table survives a round trip through both engines."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from store_samples import flows, observations, source, units

from regionatlas.errors import SourceFormatError
from regionatlas.model.schema import STORE_CRS
from regionatlas.store import open_store


def test_units_keep_leading_zeros_nulls_and_geometry(store):
    frame = units(["01001000", "03159016", "06611000"])
    frame.loc[1, "parent"] = None
    store.import_source(source("gv", units=frame))

    got = store.units()
    assert got["ags"].tolist() == ["01001000", "03159016", "06611000"]
    assert got["parent"].tolist()[0] == "01001"
    assert pd.isna(got["parent"].iloc[1])
    assert "geometry" not in got.columns

    geo = store.units(geometry=True)
    assert isinstance(geo, gpd.GeoDataFrame)
    assert geo.crs == STORE_CRS
    assert (geo.geom_type == "MultiPolygon").all()
    for ags, polygon in zip(frame["ags"], frame.geometry, strict=True):
        stored = geo.loc[geo["ags"] == ags, "geometry"].iloc[0]
        assert shapely.equals(stored, polygon)


def test_unit_without_geometry_reads_back_as_missing(store):
    store.import_source(source("gv", units=units(["05774032"], geometry=False)))
    geo = store.units(geometry=True)
    assert geo.geometry.iloc[0] is None


def test_observations_keep_null_and_flag(store):
    obs = observations(
        [
            ("03159016", "population", "2023-12-31", 118_911.0, None),
            ("06611000", "population", "2023-12-31", None, "."),
            ("06611000", "employees", "2023-06-30", None, "-"),
        ]
    )
    store.import_source(source("obs", observations=obs))
    got = store.observations().sort_values(["ags", "indicator"]).reset_index(drop=True)
    assert got.columns.tolist() == ["ags", "indicator", "period", "value", "flag", "batch_id"]
    assert got["ags"].tolist() == ["03159016", "06611000", "06611000"]
    assert got["value"].iloc[0] == 118_911.0
    # flagged values stay NULL with their marker, never 0
    assert math.isnan(got["value"].iloc[1]) and got["flag"].iloc[1] == "-"
    assert math.isnan(got["value"].iloc[2]) and got["flag"].iloc[2] == "."
    assert pd.isna(got["flag"].iloc[0])


def test_flows_keep_pooled_keys_and_suppressed_values(store):
    f = flows(
        [
            ("03159016", "06611000", 1234.0, None),
            ("03159016", "010xx", 87.0, "pooled"),
            ("06611000", "03159016", None, "*"),
        ]
    )
    store.import_source(source("ba", flows=f))
    got = store.flows().sort_values(["origin", "destination"]).reset_index(drop=True)
    assert got["destination"].tolist() == ["010xx", "06611000", "03159016"]
    assert got["flag"].tolist()[:1] == ["pooled"]
    assert math.isnan(got["persons"].iloc[2]) and got["flag"].iloc[2] == "*"
    assert got["persons"].iloc[1] == 1234.0
    assert set(got["reported_by"]) == {"residence"}
    assert got["batch_id"].dtype == "int64"


def test_unit_changes_and_indicator_catalogue(store):
    changes = pd.DataFrame(
        {
            "old_ags": ["03159001", "03159002"],
            "new_ags": ["03159016", "03159016"],
            "date": "2021-11-01",
            "share": [1.0, 0.25],
            "share_basis": ["full", "population"],
        }
    )
    store.import_source(source("reform", unit_changes=changes))
    got = store.unit_changes()
    assert got["old_ags"].tolist() == ["03159001", "03159002"]
    assert got["share"].tolist() == [1.0, 0.25]

    catalogue = pd.DataFrame(
        {
            "id": ["population", "commuter_balance"],
            "name_de": ["Einwohner", "Pendlersaldo"],
            "name_en": ["Population", "Commuter balance"],
            "unit": ["persons", "persons"],
            "definition_de": ["…", "…"],
            "definition_en": ["…", "…"],
            "formula": [None, "in - out"],
            "source": ["destatis", "ba"],
            "polarity": [0, 1],
            "topic": ["people", "work"],
        }
    )
    store.set_indicators(catalogue)
    store.set_indicators(catalogue)  # replaces, does not duplicate
    got = store.indicators()
    assert got["id"].tolist() == ["commuter_balance", "population"]
    assert got["polarity"].tolist() == [1, 0]
    assert pd.isna(got.loc[got["id"] == "population", "formula"].iloc[0])


def test_filters_narrow_every_read(store):
    f = pd.concat(
        [
            flows([("03159016", "06611000", 10.0, None), ("06611000", "03159016", 20.0, None)]),
            flows([("03159016", "06611000", 4.0, None)], grp="women"),
            flows([("03159", "06611", 300.0, None)], level="kreis"),
        ]
    )
    obs = observations(
        [("03159016", "pop", "2022", 1.0, None), ("06611000", "pop", "2023", 2.0, None)]
    )
    store.import_source(
        source("mix", units=units(["03159016", "06611000"]), flows=f, observations=obs)
    )
    assert len(store.flows()) == 3  # grp defaults to total
    assert store.flows(grp="women")["persons"].tolist() == [4.0]
    assert store.flows(level="kreis")["origin"].tolist() == ["03159"]
    assert store.flows(origins=["06611000"])["persons"].tolist() == [20.0]
    assert store.flows(destinations=["06611000"], level="gemeinde")["persons"].tolist() == [10.0]
    assert store.flows(period="1999-01-01").empty
    # long filter lists are applied after reading; the result must be the same
    many = [f"{i:08d}" for i in range(2000)] + ["06611000"]
    assert store.flows(origins=many)["persons"].tolist() == [20.0]
    assert store.observations(ags=many)["value"].tolist() == [2.0]
    assert store.observations(periods=["2022"])["ags"].tolist() == ["03159016"]
    assert store.observations(indicators=["nothing"]).empty
    assert store.units(ags=["06611000"])["name"].tolist() == ["Gemeinde 06611000"]
    assert store.units(level="kreis").empty


def test_store_reopens_with_its_data(store_url_factory):
    url = store_url_factory()
    with open_store(url) as first:
        first.import_source(source("gv", units=units(["03159016"])))
    with open_store(url, create=False) as again:
        assert again.units()["ags"].tolist() == ["03159016"]
        assert [b.file_name for b in again.batches()] == ["gv.csv"]


def test_units_in_another_crs_are_reprojected(store):
    frame = units(["03159016"]).to_crs("EPSG:4326")
    store.import_source(source("wgs", units=frame))
    got = store.units(geometry=True)
    expected = units(["03159016"]).geometry.iloc[0]
    assert got.geometry.iloc[0].equals_exact(shapely.MultiPolygon([expected]), tolerance=1e-3)


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [("POLYGON ((0 0, 1 0, 1 1, 0 0))", "not a geometry"), (shapely.Point(1, 2), "geometry type")],
)
def test_units_with_wrong_geometry_are_refused(store, geometry, expected):
    frame = units(["03159016"], geometry=False).assign(geometry=[geometry])
    with pytest.raises(SourceFormatError, match=expected):
        store.import_source(source("bad-geom", units=frame))
    assert store.batches() == []


def test_an_empty_store_answers_with_empty_canonical_frames(store):
    geo = store.units(geometry=True)
    assert isinstance(geo, gpd.GeoDataFrame) and geo.empty and geo.crs == STORE_CRS
    assert store.flows().columns.tolist() == [
        "origin", "destination", "period", "grp", "level", "persons", "flag", "reported_by",
        "batch_id",
    ]  # fmt: skip
    assert store.observations().empty and store.unit_changes().empty
    assert store.indicators().empty and store.batches() == []
    assert store.periods("observation") == [] and store.periods("flow") == []
    assert store.table_counts() == {t: 0 for t in store.table_counts()}


def test_create_false_refuses_a_store_that_does_not_exist(store_url_factory):
    from regionatlas.errors import StoreError

    url = store_url_factory()
    with pytest.raises(StoreError):
        open_store(url, create=False)
    with open_store(url) as s:  # nothing half-made stands in the way of creating it now
        assert s.batches() == []
