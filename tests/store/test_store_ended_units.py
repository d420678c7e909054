"""Units ended by a territorial reform leave the current view but stay in the history."""

from __future__ import annotations

from store_samples import source, units


def test_ended_units_are_not_current(store):
    store.import_source(source("vg-2021", units=units(["03153006", "03153019"], as_of="2021")))
    ended = units(["03153006"], as_of="2023-11-30", geometry=False).assign(valid_to="2021-11-01")
    store.import_source(source("reform", units=ended))

    assert store.units()["ags"].tolist() == ["03153019"]
    history = store.units(include_ended=True, geometry=True).set_index("ags")
    assert sorted(history.index) == ["03153006", "03153019"]
    assert history.loc["03153006", "valid_to"] == "2021-11-01"
    assert history.loc["03153006", "geometry"] is not None  # the outline it had
    # seen from a Gebietsstand before the reform was recorded, the unit was still there
    assert "03153006" in set(store.units(as_of="2021-06-30")["ags"])
    assert "03153006" not in set(store.units(as_of="2023-11-30")["ags"])
