"""Outlines at the reference Gebietsstand from older outlines and complete mergers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, box

from regionatlas.model.schema import STORE_CRS
from regionatlas.workflows.ingest.boundaries import harmonised_units, successors


def _unit(ags: str, level: str, geom: object, as_of: str = "2021-01-01") -> dict[str, object]:
    return {
        "ags": ags, "name": f"U{ags}", "level": level, "parent": ags[:5], "state": ags[:2],
        "ars": None, "kind": None, "valid_from": None, "valid_to": None, "as_of": as_of,
        "geometry": None if geom is None else MultiPolygon([geom]),
    }  # fmt: skip


def _changes(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(o, n, d, s, "full") for o, n, d, s in rows],
        columns=["old_ags", "new_ags", "date", "share", "share_basis"],
    )


def test_successor_chains_are_followed_and_partial_shares_left_out() -> None:
    ch = _changes(
        [
            ("01001001", "01001002", "2021-01-01", 1),
            ("01001002", "01001003", "2022-01-01", 1),
            ("01001009", "01001003", "2022-01-01", 0.5),
            ("01001007", "01001008", "2030-01-01", 1),  # after the reference date
        ]
    )
    s = successors(ch, "2023-11-30").set_index("old_ags")
    assert s.loc["01001001", "new_ags"] == "01001003"
    assert s.loc["01001001", "date"] == "2022-01-01"
    assert "01001009" not in s.index and "01001007" not in s.index


def test_merged_outline_is_the_union_and_predecessors_end() -> None:
    units = gpd.GeoDataFrame(
        [
            _unit("03153006", "gemeinde", box(0, 0, 1, 1)),
            _unit("03153007", "gemeinde", box(1, 0, 2, 1)),
            _unit("03153019", "gemeinde", None, as_of="2023-11-30"),
            _unit("03153001", "gemeinde", box(5, 5, 6, 6)),
        ],
        geometry="geometry",
        crs=STORE_CRS,
    )
    ch = _changes(
        [("03153006", "03153019", "2021-11-01", 1), ("03153007", "03153019", "2021-11-01", 1)]
    )
    out = harmonised_units(units, ch, "2023-11-30").set_index("ags")
    assert out.loc["03153019", "geometry"].area == pytest.approx(2.0)
    assert out.loc["03153019", "valid_from"] == "2021-11-01"
    assert pd.isna(out.loc["03153019", "valid_to"])
    assert out.loc["03153006", "valid_to"] == "2021-11-01"
    assert "03153001" not in out.index  # untouched units are not re-issued


def test_a_part_without_outline_means_no_merged_outline() -> None:
    units = gpd.GeoDataFrame(
        [_unit("03153006", "gemeinde", None), _unit("03153019", "gemeinde", None)],
        geometry="geometry",
        crs=STORE_CRS,
    )
    ch = _changes([("03153006", "03153019", "2021-11-01", 1)])
    out = harmonised_units(units, ch, "2023-11-30")
    assert "03153019" not in set(out.loc[out["valid_to"].isna(), "ags"])


def test_a_district_that_gave_all_its_municipalities_away_is_merged() -> None:
    units = gpd.GeoDataFrame(
        [
            _unit("16056", "kreis", box(0, 0, 1, 1)),
            _unit("16063", "kreis", box(1, 0, 3, 1)),
            _unit("16056000", "gemeinde", box(0, 0, 1, 1)),
            _unit("16063105", "gemeinde", None, as_of="2023-11-30"),
        ],
        geometry="geometry",
        crs=STORE_CRS,
    )
    ch = _changes([("16056000", "16063105", "2021-07-01", 1)])
    out = harmonised_units(units, ch, "2023-11-30").set_index("ags")
    assert out.loc["16063", "geometry"].area == pytest.approx(3.0)
    assert out.loc["16056", "valid_to"] == "2021-07-01"
    assert out.loc["16063105", "geometry"].area == pytest.approx(1.0)
