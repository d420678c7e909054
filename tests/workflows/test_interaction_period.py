"""District flows straight from the store carry period and group columns; adding published
district internal totals must not mix in rows without them (fix in analysis.interaction)."""

from __future__ import annotations

import pandas as pd
import pytest

from regionatlas.analysis.interaction import estimate_municipal_flows


def test_internal_totals_with_period_column() -> None:
    district = pd.DataFrame(
        {
            "origin": ["06601", "06602", "06601", "06602"],
            "destination": ["06602", "06601", "06603", "06603"],
            "period": "2023-06-30",
            "grp": "total",
            "persons": [120.0, 80.0, 40.0, 30.0],
            "flag": None,
        }
    )
    mun = pd.DataFrame(
        {
            "x": [0.0, 3000.0, 20000.0, 24000.0, 50000.0],
            "y": [0.0, 0.0, 0.0, 2000.0, 0.0],
            "population": [1000.0, 500.0, 800.0, 400.0, 900.0],
            "area_km2": [10.0, 8.0, 9.0, 7.0, 12.0],
        },
        index=pd.Index(["06601001", "06601002", "06602001", "06602002", "06603001"], name="ags"),
    )
    internal = pd.Series({"06601": 300.0, "06602": 200.0, "06603": 100.0})
    res = estimate_municipal_flows(district, mun, district_internal=internal)  # beta calibrated
    f = res.flows
    within = f[f["origin"].str[:5] == f["destination"].str[:5]]
    by_district = within.groupby(within["origin"].str[:5])["persons"].sum()
    for d, total in internal.items():
        assert by_district[d] == pytest.approx(total)
    assert set(f["period"]) == {"2023-06-30"}
