"""Flow indicators on the real BA Pendleratlas Kreis files (Hessen), read by the project's
reader. Skipped when ../shared/data is absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from regionatlas.analysis.crossborder import state_matrix
from regionatlas.analysis.flow_indicators import flow_indicators, totals_from_observations
from regionatlas.sources import read

pytestmark = pytest.mark.realdata


def _hessen(folder: Path):
    for p in sorted(folder.glob("*.csv")):
        with open(p, encoding="utf-8-sig") as fh:
            if '"Land";"Hessen"' in fh.read(300):
                return read(p)[0]
    pytest.skip(f"no Hessen file in {folder}")


@pytest.fixture(scope="module")
def hessen_out(shared_data):
    sd = _hessen(shared_data / "ba-pendleratlas-2023-kreise" / "Auspendler")
    flows = sd.flows[sd.flows["grp"] == "total"]
    obs = sd.observations[sd.observations["indicator"] == "out_commuters"]
    return flows, obs


def test_kreis_indicators_from_real_files(hessen_out):
    flows, obs = hessen_out
    districts = sorted(obs["ags"])
    assert len(districts) == 26  # Hessen has 26 Kreise and kreisfreie Städte
    ind = flow_indicators(flows, districts, totals=totals_from_observations(obs))
    # out-commuters are the published "Auspendler insgesamt" figures, never a recomputed sum
    published = obs.set_index("ags")["value"]
    np.testing.assert_array_equal(ind["out_commuters"].to_numpy(), published[districts])
    # the BA publishes no Kreis-internal flow: those indicators are unknown, and say why
    assert ind["internal"].isna().all() and ind["sc_supply"].isna().all()
    assert ind["notes"].str.contains("internal flow not published").all()
    # the residual equals the pooled "Übrige Kreise" rows up to the BA's rounding
    pooled = flows[flows["flag"] == "pooled"].groupby("origin")["persons"].sum()
    n_rows = flows.groupby("origin").size()
    diff = (ind["not_assigned_out"] - pooled.reindex(districts).fillna(0)).abs()
    assert (diff <= 5 * n_rows.reindex(districts)).all()
    # every Kreis out-commuter crosses a district border; Kassel's go partly to other states
    assert (ind["share_out_cross_district"] == 1.0).all()
    kassel = ind.loc["06611"]
    assert 0.0 < kassel["share_out_cross_state"] < 0.5


def test_state_matrix_from_real_files(hessen_out):
    flows, _ = hessen_out
    m = state_matrix(flows)
    # Hessen residents commute to Niedersachsen (03) and Nordrhein-Westfalen (05)
    assert m.persons.loc["06", "03"] > 1000 and m.persons.loc["06", "05"] > 1000
    # without Kreis-internal flows the Hessen diagonal is unknown, not the partial sum
    assert np.isnan(m.persons.loc["06", "06"]) and m.lower_bound.loc["06", "06"]
    assert m.not_assigned["06"] == flows.loc[flows["flag"] == "pooled", "persons"].sum()
