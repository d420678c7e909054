"""The synthetic 13111-07-05-4 table: Kreis totals from the synthetic flows, sums that add
up, read by the project's reader as synthetic, same seed same bytes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from regionatlas.sources import regionalstatistik_sectors as reader
from regionatlas.synth import SynthSummary
from regionatlas.synth.model import Country
from regionatlas.synth.sectors import SHARES, SUMS, sectors_table, write_sectors

COUNTS = ["total", "men", "women", "foreign", "foreign_men", "foreign_women"]


@pytest.fixture(scope="module")
def table(small_country: Country) -> pd.DataFrame:
    return sectors_table(small_country)


def _wide(table: pd.DataFrame, col: str = "total") -> pd.DataFrame:
    return table.pivot(index="key", columns="group", values=col)


def test_kreis_totals_are_the_synthetic_jobs(table: pd.DataFrame, small_country: Country):
    f = small_country.flows
    jobs = f["total"].groupby(f["destination"].str[:5]).sum()
    kreise = _wide(table).loc[sorted(small_country.districts["kreis"]), "Insgesamt"]
    assert (kreise == jobs.reindex(kreise.index, fill_value=0)).all()
    assert _wide(table).at["DG", "Insgesamt"] == f["total"].sum()


def test_parts_sums_and_columns_add_up(table: pd.DataFrame):
    for col in COUNTS:
        w = _wide(table, col)
        for agg, members in SUMS.items():
            assert (w[agg] == w[list(members)].sum(axis=1)).all(), (agg, col)
        assert (w[list(SHARES)].sum(axis=1) <= w["Insgesamt"]).all()
        assert (w["C"] <= w["B-E"]).all()
    assert (table["men"] + table["women"] == table["total"]).all()
    assert (table["foreign_men"] + table["foreign_women"] == table["foreign"]).all()
    assert (table[COUNTS] >= 0).all().all()
    # Länder are sums of their Kreise
    w = _wide(table)
    kreise = w[w.index.str.len() == 5]
    by_land = kreise.groupby(kreise.index.str[:2]).sum()
    assert (w.loc[by_land.index] == by_land).all().all()


def test_generated_file_is_read_as_synthetic(small_dir: Path, table: pd.DataFrame):
    path = small_dir / "regionalstatistik" / "13111-07-05-4.csv"
    data = reader.read(path)
    assert data.synthetic and data.vintage == "2023-06-30"
    o = data.observations.set_index(["ags", "indicator"])["value"]
    w = _wide(table)
    some = w.index[w.index.str.len() == 5][0]
    assert o[(some, "jobs")] == w.at[some, "Insgesamt"]
    assert o[(some, "jobs_sector_m_n")] == w.at[some, "M-N"]
    assert o[("DE", "jobs_sector_c")] == w.at["DG", "C"]


def test_same_seed_same_bytes(small_country: Country, small_out: SynthSummary, tmp_path: Path):
    (again,) = write_sectors(small_country, tmp_path, date(2023, 6, 30))
    first = small_out.out_dir / "regionalstatistik" / "13111-07-05-4.csv"
    assert again.read_bytes() == first.read_bytes()
