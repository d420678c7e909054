"""The named assumptions are consistent with the data they are computed from."""

from __future__ import annotations

import tomllib

import pytest

from regionatlas.workflows.assumptions import FILE, national_employment_rate


def test_employment_rate_is_numerator_over_denominator() -> None:
    entry = tomllib.loads(FILE.read_text(encoding="utf-8"))["employment_rate"]
    rate = national_employment_rate()
    assert rate.value == pytest.approx(entry["numerator"] / entry["denominator"], abs=5e-5)
    assert len(rate.sources) == 2 and all("Stichtag" in s or "Stand" in s for s in rate.sources)
    assert "Annahme" in rate.note_de and "Assumption" in rate.note_en


def test_denominator_is_the_bundled_population_total() -> None:
    from regionatlas.settings import BUNDLE_DIR
    from regionatlas.sources import read

    gv = read(BUNDLE_DIR / "GV100AD_301123.txt.gz")[0].observations
    total = gv.loc[gv["indicator"] == "population", "value"].sum()
    entry = tomllib.loads(FILE.read_text(encoding="utf-8"))["employment_rate"]
    assert total == entry["denominator"]
