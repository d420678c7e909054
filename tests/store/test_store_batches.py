"""Batches: de-duplication by file hash, new vintages, rollback, history resolution."""

from __future__ import annotations

import pytest
import shapely
from store_samples import flows, observations, sha, source, units

from regionatlas.errors import NotFoundError, SourceFormatError


def test_batch_records_provenance_and_row_counts(store):
    result = store.import_source(
        source("ba-2023", flows=flows([("03159016", "06611000", 5.0, None)]))
    )
    assert result.created
    b = result.batch
    assert b.file_sha256 == sha("ba-2023")
    assert b.row_counts == {"flow": 1}
    assert b.synthetic is True
    assert b.imported_at.endswith("Z")
    assert (b.publisher, b.licence, b.attribution) == (
        "regionatlas tests (synthetic)",
        "CC0-1.0",
        "Synthetic test data",
    )
    assert store.batches() == [b]
    assert store.batch(b.id) == b


def test_same_file_again_is_a_no_op(store):
    data = source("ba-2023", flows=flows([("03159016", "06611000", 5.0, None)]))
    first = store.import_source(data)
    again = store.import_source(data)
    assert not again.created
    assert again.batch == first.batch
    assert len(store.batches()) == 1
    assert store.table_counts()["flow"] == 1


def test_newer_vintage_adds_periods(store):
    old = flows([("03159016", "06611000", 5.0, None)], period="2022-06-30")
    new = flows([("03159016", "06611000", 7.0, None)], period="2023-06-30")
    store.import_source(source("ba-2022", vintage="2022-06-30", flows=old))
    store.import_source(source("ba-2023", vintage="2023-06-30", flows=new))
    assert store.periods("flow") == ["2022-06-30", "2023-06-30"]
    assert store.flows(period="2022-06-30")["persons"].tolist() == [5.0]
    assert store.flows(period="2023-06-30")["persons"].tolist() == [7.0]
    assert len(store.batches()) == 2
    assert store.periods("observation") == []


def test_rollback_removes_one_batch_and_only_its_rows(store):
    first = store.import_source(
        source(
            "a",
            units=units(["03159016"]),
            observations=observations([("03159016", "pop", "2022", 1.0, None)]),
        )
    ).batch
    second = store.import_source(
        source(
            "b",
            units=units(["06611000"]),
            observations=observations([("06611000", "pop", "2022", 2.0, None)]),
            flows=flows([("06611000", "03159016", 3.0, None)]),
        )
    ).batch
    removed = store.rollback(second.id)
    assert removed == second
    assert [b.id for b in store.batches()] == [first.id]
    assert store.units()["ags"].tolist() == ["03159016"]
    assert store.observations()["value"].tolist() == [1.0]
    assert store.flows().empty
    with pytest.raises(NotFoundError):
        store.rollback(second.id)
    with pytest.raises(NotFoundError):
        store.batch(second.id)
    # the file can come in again after a rollback, as a new batch
    again = store.import_source(source("b", flows=flows([("06611000", "03159016", 3.0, None)])))
    assert again.created and again.batch.id != second.id


def test_units_resolve_latest_version_and_geometry(store):
    v2021 = units(["03159016", "03159001"], as_of="2021-01-01", names=["Göttingen", "Alt"])
    store.import_source(source("vg-2021", units=v2021))
    v2023 = units(["03159016"], as_of="2023-11-30", names=["Göttingen, Stadt"], geometry=False)
    store.import_source(source("gv-2023", units=v2023))

    current = store.units(geometry=True).set_index("ags")
    assert current.loc["03159016", "name"] == "Göttingen, Stadt"
    assert current.loc["03159016", "as_of"] == "2023-11-30"
    # geometry from the latest version that has one (2021), not None from 2023
    assert shapely.equals(current.loc["03159016", "geometry"], v2021.geometry.iloc[0])
    assert current.loc["03159001", "name"] == "Alt"

    before = store.units(as_of="2022-01-01").set_index("ags")
    assert before.loc["03159016", "name"] == "Göttingen"


def test_observations_latest_batch_wins(store):
    store.import_source(
        source("v1", observations=observations([("03159016", "pop", "2022", 100.0, None)]))
    )
    store.import_source(
        source(
            "v2",
            observations=observations(
                [
                    ("03159016", "pop", "2022", 101.0, "provisional"),
                    ("03159016", "pop", "2023", 5.0, None),
                ]
            ),
        )
    )
    got = store.observations().sort_values("period")
    assert got["value"].tolist() == [101.0, 5.0]
    assert got["flag"].tolist()[0] == "provisional"


def test_flows_prefer_residence_side_then_latest_batch(store):
    residence = flows([("03159016", "06611000", 100.0, None)], reported_by="residence")
    workplace = flows(
        [("03159016", "06611000", 90.0, None), ("05774032", "06611000", None, "*")],
        reported_by="workplace",
    )
    store.import_source(source("aus", flows=residence))
    store.import_source(source("ein", flows=workplace))  # later, but workplace side
    got = store.flows().set_index("origin")
    assert got.loc["03159016", "persons"] == 100.0
    assert got.loc["03159016", "reported_by"] == "residence"
    assert got.loc["05774032", "flag"] == "*"  # only the workplace side published it
    store.import_source(
        source("aus-corrected", flows=flows([("03159016", "06611000", 101.0, None)]))
    )
    assert store.flows().set_index("origin").loc["03159016", "persons"] == 101.0


@pytest.mark.parametrize(
    ("frame", "column"),
    [
        (lambda: flows([("03159016", "06611000", 1.0, None)] * 2), "origin, destination"),
        (lambda: flows([("03159016", "06611000", 1.0, None)], grp="everyone"), "grp"),
        (lambda: flows([("03159016", None, 1.0, None)]), "destination"),
        (lambda: flows([("03159016", "06611000", 1.0, None)]).assign(persons=["1 234"]), "persons"),
        (lambda: flows([("03159016", "06611000", 1.0, None)]).assign(origin=[3159016]), "origin"),
    ],
)
def test_bad_frames_are_refused_with_a_clear_error(store, frame, column):
    with pytest.raises(SourceFormatError) as info:
        store.import_source(source("bad", flows=frame()))
    assert info.value.column is not None and info.value.column.startswith(column)
    assert "bad.csv" in info.value.message
    assert store.batches() == []
    assert store.table_counts()["flow"] == 0
