"""Small synthetic countries shared by the synth tests (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from synth_fixtures import DISTRICTS_SMALL, N_SMALL, SEED

from regionatlas.synth import SynthSummary, generate
from regionatlas.synth.model import Country, build_country


@pytest.fixture(scope="session")
def small_country() -> Country:
    return build_country(N_SMALL, SEED, districts=DISTRICTS_SMALL)


@pytest.fixture(scope="session")
def small_out(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    out = tmp_path_factory.mktemp("synth") / "de"
    return generate(out, municipalities=N_SMALL, seed=SEED, districts=DISTRICTS_SMALL)


@pytest.fixture(scope="session")
def small_dir(small_out: SynthSummary) -> Path:
    return small_out.out_dir
