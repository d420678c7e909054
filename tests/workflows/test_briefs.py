"""Argumentationshilfen on the store built from the bundle: the numbers are the store's,
each carries source, vintage, Gebietsstand and basis; the PDF has no clock in it."""

from __future__ import annotations

import pytest
import time_machine

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.workflows import briefs

WOLFHAGEN, WARBURG = "06633028", "05762036"


@pytest.fixture(scope="module")
def ctx(bundle_store, region):
    return briefs.BriefContext(bundle_store, region).warm()


def all_nums(obj):
    if isinstance(obj, dict):
        if {"value", "period", "source", "basis", "gebietsstand"} <= set(obj):
            yield obj
        for v in obj.values():
            yield from all_nums(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from all_nums(v)


def test_every_number_says_where_it_comes_from(ctx):
    b = briefs.unit_brief(ctx, WOLFHAGEN)
    nums = list(all_nums(b))
    assert len(nums) > 20
    for n in nums:
        assert n["source"], n
        assert n["basis"] in ("official", "modelled estimate", "synthetic"), n
        assert n["period"], n


def test_key_figures_are_the_stores(ctx, bundle_store):
    b = briefs.unit_brief(ctx, WOLFHAGEN)
    fig = {f["indicator"]: f for f in b["figures"]}
    obs = bundle_store.observations(indicators=["population"], ags=[WOLFHAGEN, "06", "DE"])
    val = dict(zip(obs["ags"], obs["value"], strict=True))
    assert fig["population"]["value"]["value"] == val[WOLFHAGEN]
    assert fig["population"]["state"]["value"] == val["06"]
    assert fig["population"]["germany"]["value"] == val["DE"]
    assert fig["population"]["value"]["gebietsstand"] == "2023-11-30"
    # commuters are published for districts only: the district's value, labelled so
    assert fig["out_commuters"]["scope"] == "district"
    out = bundle_store.observations(indicators=["out_commuters"], ags=["06633"])
    assert fig["out_commuters"]["value"]["value"] == float(out["value"].iloc[0])


def test_crossborder_partners_are_in_other_states(ctx, bundle_store):
    c = briefs.unit_brief(ctx, "06633")["crossborder"]
    assert c["out"] and all(p["ags"][:2] != "06" for p in c["out"] + c["in"])
    f = bundle_store.flows(level="kreis", origins=["06633"])
    f = f[f["destination"].str.len().eq(5) & ~f["destination"].str.startswith("06")]
    assert c["cross_state_out"]["value"] == pytest.approx(f["persons"].sum())
    top = f.sort_values("persons", ascending=False).iloc[0]
    assert c["out"][0]["ags"] == top["destination"]


def test_functional_region_and_central_place_are_labelled_modelled(ctx):
    b = briefs.unit_brief(ctx, WOLFHAGEN)
    assert b["functional"]["basis"] == "modelled estimate"
    assert b["functional"]["areas"], "Wolfhagen belongs to a labour-market area"
    assert any(m["ags"] == WOLFHAGEN for m in b["functional"]["areas"][0]["members"])
    cp = b["central_place"]["places"][0]
    assert cp["ags"] == WOLFHAGEN and cp["designation"]


def test_goals_that_concern_the_place(ctx):
    b = briefs.unit_brief(ctx, WOLFHAGEN)
    ids = {g["id"] for g in b["goals"]}
    assert "stable-population-wolfhagen-warburg" in ids  # the group contains it
    assert "shorter-commutes" in ids  # its district
    assert "jobs-near-home" not in ids


def test_corridor_across_the_state_border(ctx, bundle_store):
    c = briefs.corridor_brief(ctx, WOLFHAGEN, WARBURG)
    assert c["subject"]["crosses_state_border"]
    f = bundle_store.flows(level="kreis", origins=["06633"], destinations=["05762"])
    assert c["flows_official"][0]["persons"]["value"] == float(f["persons"].iloc[0])
    assert c["flows_modelled"][0]["persons"]["basis"] == "modelled estimate"
    with pytest.raises(ParameterError):
        briefs.corridor_brief(ctx, WOLFHAGEN, WOLFHAGEN)


def test_lma_brief(ctx):
    lma = briefs.unit_brief(ctx, WOLFHAGEN)["functional"]["areas"][0]["id"]
    b = briefs.lma_brief(ctx, lma)
    assert WOLFHAGEN in [m["ags"] for m in b["area"]["members"]]
    with pytest.raises(NotFoundError):
        briefs.lma_brief(ctx, 999999)


def test_unknown_place_refused(ctx):
    with pytest.raises(NotFoundError, match="not a municipality or district"):
        briefs.unit_brief(ctx, "09162000")


def test_core_municipalities(ctx, region):
    keys = briefs.core_municipalities(ctx)
    assert WOLFHAGEN in keys and all(k[:5] in region.core_codes for k in keys)


def test_pdf_has_no_clock(ctx, bundle_store):
    from regionatlas.pdf import html_to_pdf
    from regionatlas.web.brief_pdf import brief_pdf_html

    html = brief_pdf_html(briefs.unit_brief(ctx, WOLFHAGEN), "de", ["© test"])
    with time_machine.travel("2030-01-01 08:00 +0000", tick=False):
        a = html_to_pdf(html)
    with time_machine.travel("1999-06-30 23:00 +0200", tick=False):
        b = html_to_pdf(html)
    assert a[:5] == b"%PDF-"
    assert a == b
    assert b"CreationDate" not in a and b"ModDate" not in a
