"""The municipal-flow estimate on real inputs: BA Kreis flows between the Region der Mitte's
core districts, GV100AD population as municipal margins, VG5000 polygon centroids.
Skipped when ../shared/data is absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionatlas.analysis.geometry import polygon_centroids
from regionatlas.analysis.interaction import estimate_municipal_flows
from regionatlas.sources import read

pytestmark = pytest.mark.realdata

CORE = ["06611", "06633", "06634", "06635", "06636", "05774", "05762", "03159", "03155", "03255"]
STATES = ('"Land";"Hessen"', '"Land";"Nordrhein-Westfalen"', '"Land";"Niedersachsen"')


@pytest.fixture(scope="module")
def inputs(shared_data: Path):
    flows = []
    for p in sorted((shared_data / "ba-pendleratlas-2023-kreise" / "Auspendler").glob("*.csv")):
        with open(p, encoding="utf-8-sig") as fh:
            head = fh.read(300)
        if any(s in head for s in STATES):
            f = read(p)[0].flows
            flows.append(f[(f["grp"] == "total") & f["origin"].isin(CORE)])
    district = pd.concat(flows, ignore_index=True)
    gv = read(shared_data / "destatis-gv100ad-2023" / "GV100AD_301123.txt")[0]
    pop = gv.observations[gv.observations["indicator"] == "population"].set_index("ags")["value"]
    munis = gv.units[(gv.units["level"] == "gemeinde") & gv.units["ags"].str[:5].isin(CORE)]
    vg = read(shared_data / "bkg-vg5000-2021" / "vg5000_ebenen_0101" / "VG5000_GEM.shp")[0]
    cen = polygon_centroids(vg.units[vg.units["ags"].isin(munis["ags"])])
    mun = cen[["x", "y"]].assign(population=pop.reindex(cen.index))
    return district, mun


def test_estimate_reproduces_published_district_pairs(inputs):
    district, mun = inputs
    assert len(mun) > 150 and mun["population"].notna().all()
    res = estimate_municipal_flows(district, mun, districts=CORE)
    est = res.flows
    assert (est["flag"] == "estimated").all()
    # no Kreis-internal flow is published: nothing within a district is invented
    same = est["origin"].str[:5] == est["destination"].str[:5]
    assert not same.any()
    assert any("internal total" in n for n in res.notes)
    # every published pair between two core districts is reproduced exactly
    pub = district[
        district["destination"].isin(CORE)
        & (district["origin"] != district["destination"])
        & district["persons"].notna()
    ].set_index(["origin", "destination"])["persons"]
    back = est.groupby([est["origin"].str[:5], est["destination"].str[:5]])["persons"].sum()
    np.testing.assert_allclose(back.reindex(pub.index).to_numpy(), pub.to_numpy(), rtol=1e-9)
    # the calibrated decay is a plausible commuting decay (per km)
    assert 0.005 < res.beta < 1.0
