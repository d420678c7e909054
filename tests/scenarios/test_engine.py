"""Whole scenarios: definitions, lever contributions, score, JSON, comparison, exports."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from regionatlas.analysis.scenarios.definition import parse_definition
from regionatlas.analysis.scenarios.engine import (
    ATTRIBUTION,
    compare,
    compare_to_dict,
    run_scenario,
)
from regionatlas.analysis.scenarios.synthetic import synthetic_context
from regionatlas.errors import NotFoundError, ParameterError, ScenarioError
from regionatlas.workflows.scenario_export import export
from regionatlas.workflows.scenarios import default_parameters, load_definition
from regionatlas.workflows.scenarios.files import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.toml"))
PARAMS = default_parameters()


@pytest.fixture(scope="module")
def ctx():
    c = synthetic_context(120, seed=11)
    c.region = "region-der-mitte"
    return c


def _definition(**levers):
    return parse_definition(
        {
            "scenario": {"name": "T", "version": "1"},
            "levers": levers,
            "weights": {"climate": 3, "costs": 1},
        }
    )


ALL_LEVERS = {
    "remote_work": {"share": 0.2, "days_per_week": 2},
    "satellite_offices": {"k": 3, "eligible_share": 0.3, "days_per_week": 2, "max_site_km": 25},
    "ride_sharing": {"participation": 0.1, "occupancy": 2.0, "min_participants": 1},
    "job_relocation": {"jobs": 300, "targets": {"top": 3, "by": "hub_score"}},
}


def test_lever_contributions_add_up_to_the_total_change(ctx):
    result = run_scenario(_definition(**ALL_LEVERS), ctx, PARAMS)
    assert [lv["lever"] for lv in result.levers] == [
        "job_relocation",
        "remote_work",
        "satellite_offices",
        "ride_sharing",
    ]
    total = result.scenario.minus(result.baseline)
    for key in ("commuter_km_day", "co2_t_year", "hours_year"):
        assert sum(lv["change"][key] for lv in result.levers) == pytest.approx(
            total[key], abs=0.01 * len(result.levers)
        )
    assert result.scenario.co2_t_year < result.baseline.co2_t_year


def test_score_is_the_weighted_mean_of_its_components(ctx):
    result = run_scenario(_definition(**ALL_LEVERS), ctx, PARAMS)
    comps = {c["goal"]: c for c in result.score["components"]}
    expected = (3 * comps["climate"]["component_pct"] + comps["costs"]["component_pct"]) / 4
    assert result.score["score"] == pytest.approx(expected, abs=1e-3)
    climate = (
        100
        * (result.baseline.co2_t_year - result.scenario.co2_t_year)
        / (result.baseline.co2_t_year)
    )
    assert comps["climate"]["component_pct"] == pytest.approx(climate, abs=1e-3)


def test_empty_scenario_equals_the_baseline(ctx):
    result = run_scenario(_definition(), ctx, PARAMS)
    assert result.scenario == result.baseline
    assert result.score["score"] == 0


def test_result_is_json_ready_and_labelled(ctx):
    data = result_dict = run_scenario(_definition(**ALL_LEVERS), ctx, PARAMS).to_dict()
    text = json.dumps(result_dict, allow_nan=False)
    assert json.loads(text)["estimate_basis"] == "synthetic"
    assert data["attribution"] == ATTRIBUTION
    assert {
        "baseline",
        "result",
        "change",
        "levers",
        "score",
        "by_municipality",
        "parameters",
    } <= set(data)
    row = data["by_municipality"][0]
    assert row["commuter_km_day_change"] == pytest.approx(
        row["commuter_km_day_scenario"] - row["commuter_km_day_baseline"], abs=1e-3
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_worked_examples_load_and_run(path, ctx):
    definition = load_definition(path)
    assert definition.region == "region-der-mitte"
    result = run_scenario(definition, ctx, PARAMS)
    assert result.levers, "every example uses at least one lever"
    assert result.scenario.persons > 0


def test_at_least_the_required_examples_exist():
    names = {p.stem for p in EXAMPLES}
    assert {
        "satellite-offices-hubs",
        "remote-work-rideshare",
        "jobs-mittelzentren",
        "jobs-hubs",
    } <= names


def test_compare_two_scenarios(ctx):
    a = run_scenario(_definition(remote_work={"share": 0.1, "days_per_week": 1}), ctx, PARAMS)
    b = run_scenario(_definition(remote_work={"share": 0.2, "days_per_week": 1}), ctx, PARAMS)
    table = compare(a, b).set_index("indicator")
    row = table.loc["commuter_km_day"]
    assert row["difference_b_minus_a"] == pytest.approx(row.iloc[2] - row.iloc[1])
    assert row["difference_b_minus_a"] < 0
    data = compare_to_dict(a, b)
    json.dumps(data, allow_nan=False)
    assert len(data["by_municipality"]) == len(a.by_municipality)


@pytest.mark.parametrize(
    ("raw", "error", "pattern"),
    [
        ({"levers": {}}, ScenarioError, r"\[scenario\] is missing"),
        ({"scenario": {"name": "", "version": "1"}}, ScenarioError, r"scenario\.name"),
        (
            {"scenario": {"name": "x", "version": "1"}, "levers": {"teleport": {}}},
            ScenarioError,
            r"levers\.teleport",
        ),
        (
            {"scenario": {"name": "x", "version": "1"}, "weights": {"climate": -1}},
            ScenarioError,
            r"weights\.climate",
        ),
        (
            {"scenario": {"name": "x", "version": "1"}, "weights": {"beauty": 1}},
            ScenarioError,
            r"weights\.beauty",
        ),
        (
            {"scenario": {"name": "x", "version": "1", "colour": "red"}},
            ScenarioError,
            r"scenario\.colour",
        ),
        ({"scenario": {"name": "x", "version": "1"}, "extra": {}}, ScenarioError, "extra"),
    ],
)
def test_bad_definitions_name_the_key(raw, error, pattern):
    with pytest.raises(error, match=pattern):
        parse_definition(raw)


def test_bad_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\nname=", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_definition(bad)
    with pytest.raises(ScenarioError, match="not found"):
        load_definition(tmp_path / "missing.toml")


def test_errors_from_levers_reach_the_caller(ctx):
    with pytest.raises(ParameterError, match="larger than the number of candidate"):
        run_scenario(_definition(satellite_offices={"k": 10_000}), ctx, PARAMS)
    with pytest.raises(NotFoundError, match="unknown place"):
        run_scenario(_definition(job_relocation={"jobs": 1, "targets": ["99999999"]}), ctx, PARAMS)
    with pytest.raises(ScenarioError, match="region"):
        run_scenario(
            parse_definition({"scenario": {"name": "x", "version": "1", "region": "elsewhere"}}),
            ctx,
            PARAMS,
        )


def test_exports_carry_the_attribution(ctx, tmp_path):
    a = run_scenario(_definition(**ALL_LEVERS), ctx, PARAMS)
    b = run_scenario(_definition(remote_work={"share": 0.3, "days_per_week": 2}), ctx, PARAMS)
    csv = export(tmp_path / "a.csv", a)
    summary = pd.read_csv(csv)  # one parseable table
    assert set(summary["attribution"]) == {ATTRIBUTION}
    persons = summary.loc[summary["indicator"] == "persons", "baseline"].iloc[0]
    assert float(persons).is_integer()  # whole commuters, no false precision
    archive = zipfile.ZipFile(export(tmp_path / "ab.zip", a, b))
    names = archive.namelist()
    assert {"summary.csv", "levers.csv", "municipalities.csv", "sources.csv"} <= set(names)
    for name in names:  # every file is one table
        table = pd.read_csv(io.BytesIO(archive.read(name)))
        assert len(table.columns) >= 1 and not table.empty
        assert name == "sources.csv" or set(table["attribution"]) == {ATTRIBUTION}
    xlsx = export(tmp_path / "ab.xlsx", a, b)
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"Übersicht", "Hebel", "Gemeinden", "Parameter", "Quelle"} <= set(wb.sheetnames)
    quelle = [r[0] for r in wb["Quelle"].iter_rows(values_only=True)]
    assert ATTRIBUTION in quelle
    pdf = export(tmp_path / "brief.pdf", a, b)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not list(Path(tmp_path).glob("*.part"))
    with pytest.raises(ParameterError, match="not supported"):
        export(tmp_path / "a.docx", a)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_saved_definitions_read_back_unchanged(path, tmp_path):
    from regionatlas.workflows.scenarios import save_definition

    original = load_definition(path)
    copy = load_definition(save_definition(original, tmp_path / "copy.toml"))
    assert copy.to_dict() | {"file": None} == original.to_dict() | {"file": None}


def test_result_carries_the_baseline_corridors(ctx):
    result = run_scenario(_definition(), ctx, PARAMS)
    corridors = result.tables["baseline.by_corridor"]
    assert corridors["commuter_km_day"].sum() == pytest.approx(result.baseline.commuter_km_day)
