"""The generated files pass the project's own readers (regionatlas.sources.read)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from synth_fixtures import DISTRICTS_SMALL, N_SMALL, SEED

from regionatlas.model.source_data import SourceData
from regionatlas.sources import read
from regionatlas.synth import SynthSummary
from regionatlas.synth.publish import THRESHOLD


@pytest.fixture(scope="module")
def read_all(small_dir: Path) -> list[SourceData]:
    return read(small_dir)


def _by(read_all: list[SourceData], source: str) -> list[SourceData]:
    out = [sd for sd in read_all if sd.source == source]
    assert out, f"no {source} files were read"
    return out


def test_every_file_is_read_as_synthetic(read_all: list[SourceData]) -> None:
    assert {sd.source for sd in read_all} == {
        "bkg-vg",
        "destatis-gv100ad",
        "ba-krpend",
        "ba-gemband",
        "regionalstatistik-13111-07-05-4",
        "regionalstatistik-12411-02-03-5",
    }
    for sd in read_all:
        sd.check_columns()
        assert sd.synthetic, sd.file
        assert f"Seed {SEED}" in sd.attribution
        assert sd.licence == "CC0-1.0"


def test_boundaries_read_with_expected_counts(read_all: list[SourceData]) -> None:
    units = pd.concat([sd.units for sd in _by(read_all, "bkg-vg")], ignore_index=True)
    counts = units["level"].value_counts()
    assert counts["gemeinde"] == N_SMALL
    assert counts["kreis"] == DISTRICTS_SMALL
    assert counts["land"] == 16
    gem = units[units["level"] == "gemeinde"]
    assert gem["ags"].str.fullmatch(r"\d{8}").all()
    assert (gem["parent"] == gem["ags"].str[:5]).all()


def test_gv100ad_read_with_expected_counts(
    read_all: list[SourceData], small_out: SynthSummary
) -> None:
    (sd,) = _by(read_all, "destatis-gv100ad")
    counts = sd.units["level"].value_counts()
    assert counts["gemeinde"] == N_SMALL
    assert counts["kreis"] == DISTRICTS_SMALL
    assert counts["land"] == 16
    assert counts["vwg"] == small_out.verbaende
    obs = sd.observations
    assert obs.loc[obs["indicator"] == "population", "value"].sum() == small_out.population


def test_krpend_read_keeps_threshold_and_conserves(
    read_all: list[SourceData], small_out: SynthSummary
) -> None:
    books = _by(read_all, "ba-krpend")
    assert len(books) == 16
    flows = pd.concat([sd.flows for sd in books], ignore_index=True)
    tot = flows[(flows["grp"] == "total") & (flows["level"] == "gemeinde")]
    res = tot[tot["reported_by"] == "residence"]
    partners = res[(res["origin"] != res["destination"]) & (res["flag"] != "pooled")]
    assert len(partners) > 0
    assert (partners["persons"] >= THRESHOLD).all()
    assert (res["flag"] == "pooled").any()
    # self rows + partners + pooled rows = all employed residents of the country
    assert res["persons"].sum() == small_out.employed
    assert (flows["flag"] == "*").any()
    assert flows.loc[flows["flag"] == "*", "persons"].isna().all()
    kreis = flows[(flows["grp"] == "total") & (flows["level"] == "kreis")]
    assert kreis.loc[kreis["reported_by"] == "workplace", "persons"].sum() == small_out.employed
