"""The synthetic gemband workbook: consistent with the synthetic flows, read by the reader."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regionatlas.sources import ba_gemband
from regionatlas.synth import SynthSummary
from regionatlas.synth.gemband import gemband_table
from regionatlas.synth.model import Country


@pytest.fixture(scope="module")
def table(small_country: Country) -> pd.DataFrame:
    return gemband_table(small_country)


def test_rows_follow_the_layout(table: pd.DataFrame, small_country: Country) -> None:
    keys = table["key"].tolist()
    assert keys[0] == "" and table["name"].iloc[0] == "Deutschland"
    lengths = table["key"].str.len()
    assert (lengths == 2).sum() == len(small_country.states)
    assert (lengths == 5).sum() == len(small_country.districts)
    free = set(small_country.districts.loc[small_country.districts["kreisfrei"], "kreis"])
    gm = small_country.municipalities
    expected_gem = set(gm.loc[~gm["kreis"].isin(free), "ags"])
    assert set(table.loc[lengths == 8, "key"]) == expected_gem  # kreisfreie: 5-digit row only
    # every Gemeinde row follows its Kreis row
    for i in np.flatnonzero(lengths.to_numpy() == 8):
        k = i - 1
        while len(keys[k]) == 8:
            k -= 1
        assert keys[k] == keys[i][:5]


def test_gemeinde_values_come_from_the_flows(table: pd.DataFrame, small_country: Country) -> None:
    f = small_country.flows
    gem = table[table["key"].str.len() == 8].set_index("key")
    some = gem.index[::7]
    for ags in some:
        live = f[f["origin"] == ags]
        work = f[f["destination"] == ags]
        inside = f[(f["origin"] == ags) & (f["destination"] == ags)]["total"].sum()
        row = gem.loc[ags]
        assert row["employed"] == live["total"].sum()
        assert row["jobs"] == work["total"].sum()
        assert row["internal"] == inside
        assert row["in_commuters"] == row["jobs"] - inside
        assert row["out_commuters"] == row["employed"] - inside
        assert row["women"] == live["women"].sum() and row["foreign"] == live["foreign"].sum()
    gm = small_country.municipalities.set_index("ags")
    assert (gem["jobs"] == gm.loc[gem.index, "jobs"]).all()
    ages = gem[["age_u20", "age_20_25", "age_55plus"]].sum(axis=1)
    assert (ages <= gem["employed"]).all() and (gem[["age_u20", "age_55plus"]] >= 0).all().all()
    assert ((gem["establishments"] > 0) == (gem["jobs"] > 0)).all()


def test_aggregate_rows(table: pd.DataFrame, small_country: Country) -> None:
    f = small_country.flows
    t = table.set_index("key")
    de = t.loc[""]
    assert de["employed"] == de["jobs"] == f["total"].sum()
    kreis = table[table["key"].str.len() == 5].iloc[0]["key"]
    o, d = f["origin"].str[:5], f["destination"].str[:5]
    assert t.loc[kreis, "in_commuters"] == f[(d == kreis) & (o != kreis)]["total"].sum()
    assert t.loc[kreis, "employed"] == f[o == kreis]["total"].sum()
    gem = table[table["key"].str[:5] == kreis]
    gem = gem[gem["key"].str.len() == 8]
    if len(gem):
        assert t.loc[kreis, "establishments"] == gem["establishments"].sum()


def test_drawn_parts_are_deterministic(table: pd.DataFrame, small_country: Country) -> None:
    again = gemband_table(small_country)
    pd.testing.assert_frame_equal(table, again)
    # another seed: the drawn columns change, the flow-derived ones do not
    other = gemband_table(dataclasses.replace(small_country, seed=small_country.seed + 1))
    assert other["employed"].equals(table["employed"])
    assert other["in_commuters"].equals(table["in_commuters"])
    assert not other["age_55plus"].equals(table["age_55plus"])
    assert not other["establishments"].equals(table["establishments"])


def test_written_workbook_reads_back(small_dir: Path, table: pd.DataFrame, small_out) -> None:
    (path,) = sorted((small_dir / "ba-gemband").glob("gemband-dlk-0-*-xlsx.xlsx"))
    assert path.name == "gemband-dlk-0-202306-xlsx.xlsx"
    data = ba_gemband.read(path)
    assert data.synthetic and data.vintage == "2023-06-30" and data.licence == "CC0-1.0"
    o = data.observations.set_index(["ags", "indicator"])
    gem = table[table["key"].str.len() == 8].set_index("key")
    for ags, row in gem.iloc[::5].iterrows():
        for col, ind in (("jobs", "jobs"), ("in_commuters", "in_commuters")):
            v = int(row[col])
            got = o.loc[(ags, ind)]
            if v >= 3:
                assert got["value"] == v and got["flag"] is None
            else:  # BA-style: 1-2 suppressed, 0 as "-"; never a 0 in the store
                assert math.isnan(got["value"]) and got["flag"] == ("-" if v == 0 else "*")
    free = table[table["key"].str.len() == 5]
    free = free[~free["key"].isin(gem.index.str[:5])]
    for kreis in free["key"]:
        assert (f"{kreis}000", "internal_commuters") in o.index
    assert o.loc[("DE", "employed_residents"), "value"] == small_out.employed
    assert not data.observations.duplicated(["ags", "indicator"]).any()


def test_synthetic_employed_total(small_out: SynthSummary, table: pd.DataFrame) -> None:
    assert table.set_index("key").loc["", "employed"] == small_out.employed
