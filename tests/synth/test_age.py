"""The synthetic 12411-02-03-5 table: read by the project's reader as synthetic, age bands
adding up to the GV100AD population by sex, sums that add up, same seed same bytes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from regionatlas.model.source_data import SourceData
from regionatlas.sources import destatis_gv100ad, detect
from regionatlas.sources import regionalstatistik_age as reader
from regionatlas.synth import SynthSummary
from regionatlas.synth.age import BOUNDS, LABELS, age_counts, write_age_table
from regionatlas.synth.model import Country

BANDS = list(reader.BANDS.values())


@pytest.fixture(scope="module")
def age_file(small_dir: Path) -> Path:
    return small_dir / "regionalstatistik" / "12411-02-03-5.csv"


@pytest.fixture(scope="module")
def age_data(age_file: Path) -> SourceData:
    return reader.read(age_file)


@pytest.fixture(scope="module")
def gv100ad(small_dir: Path) -> pd.DataFrame:
    """population and population_male per Gemeinde, as the GV100AD reader gives them."""
    (path,) = (small_dir / "destatis-gv100ad").glob("GV100AD_*.txt")
    obs = destatis_gv100ad.read(path).observations
    return obs.pivot(index="ags", columns="indicator", values="value")


def _by_sex(data: SourceData) -> pd.DataFrame:
    """ags x (sex, band) values of the age observations."""
    o = data.observations
    parts = o["indicator"].str.extract(r"population_(male|female)_age_(.+)")
    frame = pd.DataFrame({"ags": o["ags"], "sex": parts[0], "band": parts[1], "value": o["value"]})
    return frame.pivot(index="ags", columns=["sex", "band"], values="value")


def test_labels_are_the_readers_bands() -> None:
    assert len(LABELS) == len(BOUNDS) == 17
    ids = [reader._band(Path("x"), label, 1) for label in LABELS]
    assert ids == BANDS


def test_file_is_detected_and_read_as_synthetic(age_file: Path, age_data: SourceData) -> None:
    assert detect(age_file).__name__ == reader.__name__
    assert age_data.synthetic
    assert age_data.licence == "CC0-1.0"
    assert age_data.vintage == "2022-12-31"
    assert set(age_data.observations["indicator"]) == set(reader.indicator_ids())


def test_no_markers_and_whole_numbers(age_data: SourceData) -> None:
    o = age_data.observations
    assert o["flag"].isna().all()
    assert o["value"].notna().all()
    assert (o["value"] >= 0).all()
    assert (o["value"] == o["value"].round()).all()


def test_bands_add_up_to_gv100ad_by_sex(
    age_data: SourceData, gv100ad: pd.DataFrame, small_country: Country
) -> None:
    wide = _by_sex(age_data)
    gemeinden = small_country.municipalities["ags"]
    assert len(gemeinden) == len(gv100ad)
    got = wide.reindex(gemeinden)  # kreisfreie Städte come via their Kreis row
    assert got.notna().all().all()
    male = got["male"][BANDS].sum(axis=1)
    female = got["female"][BANDS].sum(axis=1)
    expected = gv100ad.reindex(gemeinden)
    assert (male == expected["population_male"]).all()
    assert (male + female == expected["population"]).all()


def test_kreis_land_and_germany_rows_are_sums(age_data: SourceData, gv100ad: pd.DataFrame) -> None:
    wide = _by_sex(age_data)
    gem = wide[wide.index.str.len() == 8]
    # a kreisfreie Stadt is stored under Kreis and Gemeinde key: count it once
    kreise = wide[wide.index.str.len() == 5]
    landkreis_sum = gem.groupby(gem.index.str[:5]).sum()
    for kreis in kreise.index:
        if kreis in landkreis_sum.index and f"{kreis}000" not in gem.index:
            assert (kreise.loc[kreis] == landkreis_sum.loc[kreis]).all(), kreis
        else:
            assert (kreise.loc[kreis] == gem.loc[f"{kreis}000"]).all(), kreis
    laender = wide[wide.index.str.fullmatch(r"\d{2}")]
    by_land = kreise.groupby(kreise.index.str[:2]).sum()
    assert list(laender.sort_index().index) == list(by_land.sort_index().index)
    assert (laender.sort_index().to_numpy() == by_land.sort_index().to_numpy()).all()
    assert (wide.loc["DE"] == laender.sum()).all()
    assert wide.loc["DE"].sum() == gv100ad["population"].sum()


def test_total_lines_match_the_bands(age_file: Path) -> None:
    lines = age_file.read_bytes().decode("latin-1").split("\r\n")
    rows = [line.split(";") for line in lines if re.match(r"\d\d\.\d\d\.\d{4};", line)]
    assert rows and all(len(r) == 7 for r in rows)
    frame = pd.DataFrame(rows, columns=["date", "key", "name", "group", "t", "m", "f"])
    for col in ("t", "m", "f"):
        frame[col] = frame[col].astype(int)
    assert (frame["t"] == frame["m"] + frame["f"]).all()
    total = frame["group"] == "Insgesamt"
    assert total.sum() * 18 == len(frame)
    bands = frame[~total].groupby("key", sort=False)[["t", "m", "f"]].sum()
    sums = frame[total].set_index("key")[["t", "m", "f"]]
    assert (bands.sort_index() == sums.sort_index()).all().all()


def test_age_profile_has_a_plausible_shape(small_country: Country) -> None:
    male, female = age_counts(small_country)
    total = (male + female).sum(axis=0)
    share = total / total.sum()
    assert (share > 0.01).all()
    # per year of age, the 75+ band cannot outweigh the 50-55 band of the baby boomers
    assert share[-1] < 0.2 and share[12] / 5 > share[0] / 3 * 0.8
    # not every Gemeinde has the same profile
    young = (male[:, :6] + female[:, :6]).sum(axis=1) / (male + female).sum(axis=1).clip(1)
    big = small_country.municipalities["population"].to_numpy() > 1_000
    assert young[big].std() > 0.005


def test_same_seed_same_bytes(
    small_country: Country, small_out: SynthSummary, tmp_path: Path, age_file: Path
) -> None:
    again = write_age_table(small_country, tmp_path, date(2022, 12, 31))
    assert again.read_bytes() == age_file.read_bytes()
