"""The briefs' region-wide inputs saved next to the store (workflows.brief_facts): a saved
payload gives the same brief as a fresh one, is read only while it fits the store, and
frames survive the JSON round trip with their types and missing values."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from regionatlas.workflows import brief_facts, briefs

WOLFHAGEN = "06633028"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("brief-cache")


@pytest.fixture(scope="module")
def fresh(bundle_store, region, cache):
    """A context that computed the facts (and saved them into ``cache``)."""
    ctx = briefs.BriefContext(bundle_store, region, cache_dir=cache).warm()
    assert (cache / brief_facts.FACTS_NAME).is_file()
    return ctx


def test_saved_facts_give_the_same_briefs_and_pdf(fresh, bundle_store, region, cache, monkeypatch):
    from regionatlas.pdf import html_to_pdf
    from regionatlas.web.brief_pdf import brief_pdf_html

    def refuse(*_a, **_k):
        raise AssertionError("the saved facts fit: nothing may be recomputed")

    monkeypatch.setattr(brief_facts, "compute_facts", refuse)
    saved = briefs.BriefContext(bundle_store, region, cache_dir=cache).warm()
    for ags in (WOLFHAGEN, "06633", "05762036", "03159016"):
        assert briefs.unit_brief(saved, ags) == briefs.unit_brief(fresh, ags)
    lma = briefs.unit_brief(fresh, WOLFHAGEN)["functional"]["areas"][0]["id"]
    assert briefs.lma_brief(saved, lma) == briefs.lma_brief(fresh, lma)
    html = brief_pdf_html(briefs.unit_brief(saved, WOLFHAGEN), "en", ["© test"])
    assert html_to_pdf(html) == html_to_pdf(
        brief_pdf_html(briefs.unit_brief(fresh, WOLFHAGEN), "en", ["© test"])
    )


def _tamper(path: Path, store_version: list[int] | None) -> float:
    """Change Wolfhagen's population in the saved payload; returns the planted value."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    obs = payload["observations"]
    cols = {c: i for i, c in enumerate(obs["columns"])}
    rows = list(zip(obs["data"][cols["ags"]], obs["data"][cols["indicator"]], strict=True))
    i = rows.index((WOLFHAGEN, "population"))
    obs["data"][cols["value"]][i] = 4242.0
    if store_version is not None:
        payload["store_version"] = store_version
    path.write_text(json.dumps(payload), encoding="utf-8")
    return 4242.0


def _population(ctx) -> float:
    fig = {f["indicator"]: f for f in briefs.unit_brief(ctx, WOLFHAGEN)["figures"]}
    return fig["population"]["value"]["value"]


def test_facts_are_read_only_while_they_fit_the_store(fresh, bundle_store, region, tmp_path):
    real = _population(fresh)
    path = tmp_path / brief_facts.FACTS_NAME
    path.write_bytes((fresh.cache_dir / brief_facts.FACTS_NAME).read_bytes())
    # same store state: the saved payload is what the brief shows (it is really read)
    planted = _tamper(path, None)
    assert _population(briefs.BriefContext(bundle_store, region, cache_dir=tmp_path)) == planted
    # another store state (e.g. before an import): recomputed from the store and saved again
    _tamper(path, [1])
    assert _population(briefs.BriefContext(bundle_store, region, cache_dir=tmp_path)) == real
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["store_version"] == sorted(b.id for b in bundle_store.batches())


def test_facts_without_scenarios_are_recomputed_for_a_brief_with_them(
    bundle_store, region, tmp_path
):
    plain = briefs.BriefContext(bundle_store, region, with_scenarios=False, cache_dir=tmp_path)
    assert briefs.unit_brief(plain, WOLFHAGEN)["scenarios"] == []
    assert json.loads((tmp_path / brief_facts.FACTS_NAME).read_text())["scenarios"] is None
    full = briefs.BriefContext(bundle_store, region, cache_dir=tmp_path)
    assert briefs.unit_brief(full, WOLFHAGEN)["scenarios"], "example scenarios cover Wolfhagen"


def test_frames_round_trip_with_types_and_missing_values():
    df = pd.DataFrame(
        {
            "ags": pd.Series(["06633028", "05762036"], dtype="str"),
            "flag": pd.Series(["x", None], dtype="str"),
            "level": pd.Series([1, None], dtype="Int64"),
            "value": [0.1 + 0.2, float("nan")],
            "n": [3, 4],
            "ok": [True, False],
        }
    )
    payload = json.loads(json.dumps(brief_facts.frame_json(df), allow_nan=False))
    back = brief_facts.json_frame(payload)
    pd.testing.assert_frame_equal(back, df)
    assert back["ags"].iloc[0] == "06633028"  # leading zero kept
    assert back["value"].iloc[0] == 0.1 + 0.2  # every digit
