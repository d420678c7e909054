"""Monitoring on the store built from the bundle: progress computed from the data at every
import, bad goals refused before anything is written, and the results saved for the web."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from regionatlas.analysis.interventions import check_intervention
from regionatlas.errors import InputError, NotFoundError
from regionatlas.indicators.catalogue import catalogue
from regionatlas.model.source_data import SourceData
from regionatlas.store import open_store
from regionatlas.workflows.goal_files import packaged, read_interventions
from regionatlas.workflows.monitoring import (
    cache_path,
    load_content,
    load_or_recompute,
    recompute,
    refresh_after_import,
)


@pytest.fixture()
def store_copy(region_db: Path, tmp_path: Path):
    db = tmp_path / "copy.gpkg"
    shutil.copy(region_db, db)
    s = open_store(db)
    yield s
    s.close()


def by_id(payload):
    return {(g["id"], i["id"]): i for g in payload["goals"] for i in g["indicators"]}


def test_bundle_has_one_period_so_everything_is_grey(bundle_store, region):
    p = recompute(bundle_store, region)
    inds = by_id(p)
    assert len(p["goals"]) == len(load_content().goals)
    assert {i["status"] for i in inds.values()} == {"grey"}
    survey = inds[("cross-border-cooperation", "joint-agreements")]
    assert survey["source"] == "survey" and survey["survey_available"] is False
    # the group's baseline is the sum of the two municipalities' official values
    obs = bundle_store.observations(indicators=["population"], ags=["06633028", "05762036"])
    obs = obs[obs["period"] == "2023-11-30"]
    pair = inds[("stable-population-wolfhagen-warburg", "population-pair")]
    assert pair["baseline"]["value"] == pytest.approx(obs["value"].sum())
    assert pair["basis"] == "official"
    assert pair["territory"]["members"] == ["05762036", "06633028"]
    kassel = inds[("shorter-commutes", "out-lk-kassel")]
    k = bundle_store.observations(indicators=["out_commuters"], ags=["06633"])
    assert kassel["baseline"]["value"] == float(k["value"].iloc[0])


def later_batch(store, indicator: str, rows: dict[str, float], period: str) -> SourceData:
    frame = pd.DataFrame(
        {"ags": list(rows), "indicator": indicator, "period": period,
         "value": list(rows.values()), "flag": None}
    )  # fmt: skip
    return SourceData(
        source="test-later-period",
        file=Path(f"later-{indicator}-{period}.csv"),
        sha256=f"test-{indicator}-{period}-{sorted(rows.items())}",
        publisher="tests (synthetic)",
        licence="none",
        attribution="Testdaten (synthetisch)",
        vintage=period,
        synthetic=True,
        observations=frame,
    )


def test_progress_follows_each_import_and_rollback(store_copy, region):
    base = float(
        store_copy.observations(indicators=["out_commuters"], ags=["06633"])["value"].iloc[0]
    )
    # target 50 000 by 2030 from 2023: after two years the path asks for 2/7 of the way
    res = store_copy.import_source(
        later_batch(store_copy, "out_commuters", {"06633": base - 500}, "2025-06-30")
    )
    p = by_id(recompute(store_copy, region))[("shorter-commutes", "out-lk-kassel")]
    needed = 50000 - base
    assert p["achieved_share"] == pytest.approx(-500 / needed)
    assert p["status"] == "amber"  # right direction, behind the path
    assert p["basis"] == "synthetic"  # and the dashboard says so
    assert [pt["period"] for pt in p["points"]] == ["2023-06-30", "2025-06-30"]
    store_copy.rollback(res.batch.id)
    res = store_copy.import_source(
        later_batch(store_copy, "out_commuters", {"06633": base + 10}, "2025-06-30")
    )
    assert (
        by_id(recompute(store_copy, region))[("shorter-commutes", "out-lk-kassel")]["status"]
        == "red"
    )
    store_copy.rollback(res.batch.id)
    assert (
        by_id(recompute(store_copy, region))[("shorter-commutes", "out-lk-kassel")]["status"]
        == "grey"
    )


def test_did_with_a_second_period(store_copy, region):
    pop = store_copy.observations(indicators=["population"])
    pop = pop[(pop["ags"].str.len() == 8) & (pop["period"] == "2023-11-30")]
    pop = pop[pop["ags"].str[:5].isin(region.all_district_codes)]
    later = {
        a: v * (1.05 if a == "06633028" else 1.01)
        for a, v in zip(pop["ags"], pop["value"], strict=True)
    }
    store_copy.import_source(later_batch(store_copy, "population", later, "2025-11-30"))
    p = recompute(store_copy, region)
    item = next(i for i in p["interventions"] if i["id"] == "coworking-wolfhagen-example")
    eff = next(e for e in item["effects"] if e["indicator"] == "population")
    assert eff["possible"] and eff["code"] == "estimated_no_pretrend"
    treated = pop.set_index("ags")["value"]
    expected_treated = treated["06633028"] * 0.05
    expected_control = sum(treated[c] * 0.01 for c in item["controls"]) / len(item["controls"])
    assert eff["estimate"] == pytest.approx(expected_treated - expected_control)
    assert "06633028" not in item["controls"] and "05762036" not in item["controls"]


GOAL = """region = "region-der-mitte"

[[goal]]
id = "bad"
title_de = "Z"
title_en = "G"
owner = "AG"
rationale_de = "r"
rationale_en = "r"

[[goal.indicator]]
id = "i"
indicator = "{indicator}"
territory = {territory}
baseline_period = "2023-06-30"
target = 1
target_year = 2030
unit = "{unit}"
direction = "decrease"
"""


def content(**kw):
    args = {"indicator": "out_commuters", "territory": '{kind = "district", key = "06633"}',
            "unit": "Personen", **kw}  # fmt: skip
    return load_content([("mine.toml", GOAL.format(**args))], [])


@pytest.mark.parametrize(
    ("kw", "error", "pattern"),
    [
        ({"indicator": "nope"}, NotFoundError, r"mine.toml, line 11: goal 'bad'.*'nope'"),
        ({"territory": '{kind = "district", key = "09162"}'}, NotFoundError, "district:09162"),
        ({"territory": '{kind = "group", key = "g", members = ["06633028", "99999999"]}',
          "indicator": "population"}, NotFoundError, "does not exist"),
        ({"unit": "%"}, InputError, "target given in '%'"),
    ],
)  # fmt: skip
def test_bad_goals_refused_and_nothing_written(bundle_store, region, tmp_path, kw, error, pattern):
    with pytest.raises(error, match=pattern):
        refresh_after_import(bundle_store, region, tmp_path, content(**kw))
    assert not (tmp_path / "monitoring.json").exists()


def test_intervention_before_its_evaluation_is_refused():
    text = packaged("interventions")[0][1].replace('start = "2024-01-01"', 'start = "2026-01-01"')
    (item, *_) = read_interventions([("m.toml", text)])
    with pytest.raises(
        InputError, match=r"m.toml, line \d+: .*starts on 2026-01-01, after its own"
    ):
        check_intervention(item, catalogue(), lambda a: True)


def test_saved_result_is_reused_until_the_store_changes(store_copy, region, tmp_path):
    first = refresh_after_import(store_copy, region, tmp_path)
    saved = json.loads((tmp_path / "monitoring.json").read_text())
    assert saved == first
    saved["goals"][0]["owner"] = "marker: read from the file"
    (tmp_path / "monitoring.json").write_text(json.dumps(saved))
    assert load_or_recompute(store_copy, region, tmp_path)["goals"][0]["owner"].startswith("marker")
    store_copy.import_source(later_batch(store_copy, "population", {"06633028": 1.0}, "2030-01-01"))
    fresh = load_or_recompute(store_copy, region, tmp_path)
    assert not fresh["goals"][0]["owner"].startswith("marker")


def test_cache_next_to_a_geopackage(tmp_path):
    assert cache_path(str(tmp_path / "a.gpkg")) == tmp_path / "cache" / "monitoring.json"


def test_other_region_has_no_goals(bundle_store, region):
    from dataclasses import replace

    other = replace(region, id="elsewhere")
    p = recompute(bundle_store, other)
    assert p["goals"] == [] and p["interventions"] == []


def test_lma_territory_is_labelled_modelled(bundle_store, region):
    from regionatlas.workflows.monitoring import Territories

    terr = Territories(bundle_store, region)
    lma_id, members = next(iter(sorted(terr.lma_members().items())))
    c = load_content([("mine.toml", GOAL.format(
        indicator="population", territory=f'{{kind = "lma", key = "{lma_id}"}}',
        unit="Personen").replace('baseline_period = "2023-06-30"',
                                 'baseline_period = "2023-11-30"'))], [])  # fmt: skip
    (ind,) = recompute(bundle_store, region, c)["goals"][0]["indicators"]
    assert ind["territory"]["members"] == sorted(members)
    obs = bundle_store.observations(indicators=["population"], ags=members)
    assert ind["baseline"]["value"] == pytest.approx(obs["value"].sum())
    assert ind["basis"] == "modelled estimate"
    assert any("labour-market area" in n for n in ind["notes"])
    with pytest.raises(NotFoundError, match="lma:99999"):
        recompute(bundle_store, region, content(territory='{kind = "lma", key = "99999"}',
                                                indicator="population"))  # fmt: skip
