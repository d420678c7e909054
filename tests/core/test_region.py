"""Region definitions as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionatlas.errors import RegionDefinitionError
from regionatlas.region import load_region
from regionatlas.settings import DEFAULT_REGION


def test_region_der_mitte_core_and_ring() -> None:
    region = load_region(DEFAULT_REGION)
    assert region.core_codes == {
        "06611",
        "06633",
        "06634",
        "06635",
        "06636",
        "05774",
        "05762",
        "03159",
        "03155",
        "03255",
    }
    assert {"05766", "05958", "16061"} <= region.ring_codes
    assert region.states == {"03", "05", "06"}
    assert region.role_of("06611000") == "core"
    assert region.role_of("16061001") == "ring"
    assert region.role_of("09162000") is None
    assert all(p.is_absolute() for p in region.source_files)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[region]\nid='x'\n", "lacks 'name_de'"),
        (
            "[region]\nid='x'\nname_de='x'\nname_en='x'\nreference_year=2023\n"
            "reference_date='2023-11-30'\n[[region.core]]\nags=6611\n",
            "not a 5-digit district key",
        ),
        (
            "[region]\nid='x'\nname_de='x'\nname_en='x'\nreference_year=2023\n"
            "reference_date='30.11.2023'\n[[region.core]]\nags='06611'\n",
            "expected YYYY-MM-DD",
        ),
    ],
)
def test_bad_region_files_are_refused(tmp_path: Path, body: str, message: str) -> None:
    f = tmp_path / "r.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(RegionDefinitionError, match=message):
        load_region(f)


def test_former_districts_are_kept_for_boundaries() -> None:
    region = load_region(DEFAULT_REGION)
    assert "16056" in region.boundary_district_codes
    assert "16056" not in region.all_district_codes
