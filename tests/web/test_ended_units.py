"""Ended units (web.ended): municipalities the boundaries still show but the reference
Gebietsstand no longer lists. Hand-made cases for the detection and the notes file; the
synthetic fixture store has none (no false positives). The real region (Anrode, Dünwald)
is tested in test_regions_layers.py."""

from __future__ import annotations

import pandas as pd
import pytest

from regionatlas.errors import SourceFormatError
from regionatlas.web.ended import NOTES_FILE, ended_units, feature_properties, load_notes


def frame(rows):
    return pd.DataFrame(rows, columns=["ags", "name", "as_of", "valid_to"])


def test_older_version_without_end_date_is_ended():
    units = frame(
        [
            ("01001001", "Current", "2023-11-30", None),
            ("01001002", "Gone", "2021-01-01", None),  # only in the older boundaries
            ("01001003", "Merged", "2021-01-01", "2021-07-01"),  # a reform ended it
        ]
    )
    notes = {
        "01001002": {
            "dissolved": "2022-01-01",
            "successors": ["A", "B"],
            "source": "cited",
        }
    }
    out = ended_units(units, notes)
    assert list(out) == ["01001002"]
    assert out["01001002"] == {
        "name": "Gone",
        "as_of": "2021-01-01",
        "reference": "2023-11-30",
        "dissolved": "2022-01-01",
        "successors": ["A", "B"],
        "source": "cited",
    }
    props = feature_properties(out["01001002"])
    assert props["ended"] == 1 and props["ended_to"] == "A, B"
    assert props["ended_date"] == "2022-01-01"


def test_without_a_note_the_reason_stays_generic():
    units = frame([("01001001", "X", "2023-11-30", None), ("01001002", "Y", "2020-01-01", "")])
    out = ended_units(units, {})
    assert out["01001002"]["dissolved"] is None and out["01001002"]["successors"] == []
    assert feature_properties(out["01001002"])["ended_to"] is None


def test_one_gebietsstand_has_no_ended_units():
    units = frame([("01001001", "X", "2023-11-30", None), ("01001002", "Y", "2023-11-30", None)])
    assert ended_units(units, {}) == {}
    assert ended_units(frame([]), {}) == {}


def test_shipped_notes_name_date_successors_and_source():
    notes = load_notes(NOTES_FILE)
    assert set(notes) == {"16064073", "16064014"}  # Anrode, Dünwald
    for n in notes.values():
        assert n["dissolved"] == "2023-01-01"
        assert n["successors"] and n["source"]


def test_bad_notes_file_names_file_and_unit(tmp_path):
    bad = tmp_path / "notes.toml"
    bad.write_text('[[unit]]\nags = "16064073"\ndissolved = "2023-01-01"\n', "utf-8")
    with pytest.raises(SourceFormatError) as err:
        load_notes(bad)
    assert "notes.toml" in str(err.value) and "unit #1" in str(err.value)


def test_fixture_store_marks_nothing(client):
    g = client.get("/api/v1/geometry/gemeinde.geojson").json()
    assert g["features"] and not [f for f in g["features"] if "ended" in f["properties"]]
