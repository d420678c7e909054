"""Notes of the workflows in German: hand-checked fragments, and every fragment the workflows
produce on the shipped bundle has a German version."""

from __future__ import annotations

import pytest

from regionatlas.web.note_i18n import translate, untranslated


def test_fragments_and_numbers_in_german() -> None:
    note = (
        "modelled estimate: municipal flows from a doubly-constrained spatial-interaction model "
        "fitted to the published district-to-district totals (2023-06-30; imported as batch 7); "
        "district internal totals: modelled estimate: population × assumed employment rate "
        "0.4085 − published out-commuters; beta calibrated on published district flows: 0.07855"
    )
    de = translate(note, "de")
    assert de.startswith("Modellschätzung: Gemeindeströme aus einem zweiseitig")
    assert "(2023-06-30; importiert als Datenstand 7)" in de
    assert "Binnenpendler je Kreis: Modellschätzung: Bevölkerung × angenommene " in de
    assert "Beschäftigtenquote 0,4085" in de and "0,07855" in de
    # two separators between fragments, one kept inside the parentheses (not split there)
    assert de.count("; ") == 3
    assert untranslated(note) == []
    assert translate(note, "en") == note


def test_unknown_fragment_stays_english_and_is_reported() -> None:
    note = "estimates rounded to whole persons; a brand-new caveat"
    assert translate(note, "de") == "Schätzwerte auf ganze Personen gerundet; a brand-new caveat"
    assert untranslated(note) == ["a brand-new caveat"]


def test_percent_and_thousands() -> None:
    note = "municipal margins matched to 1.25% after 1200 iterations (the district totals are "
    note += "matched exactly)"
    assert translate(note, "de").startswith("Gemeindesummen auf 1,25\u00a0% genau nach 1200")


@pytest.fixture(scope="module")
def bundle_notes(tmp_path_factory) -> list[str]:
    """Every note the region workflows attach on the shipped bundle (national rate)."""
    from regionatlas.analysis.lma_params import DEFAULT_LMA
    from regionatlas.region import load_region
    from regionatlas.settings import DEFAULT_REGION
    from regionatlas.store import open_store
    from regionatlas.workflows import (
        central_places,
        crossborder,
        flow_indicator_table,
        functional_regions,
        hubs_and_catchments,
        municipal_flows,
    )
    from regionatlas.workflows.assumptions import national_employment_rate
    from regionatlas.workflows.ingest.build import build_region

    region = load_region(DEFAULT_REGION)
    store = open_store(tmp_path_factory.mktemp("notes") / "atlas.gpkg")
    try:
        build_region(store, region)
        fb = municipal_flows(store, region, employment_rate=national_employment_rate().value)
        cp = central_places(store, region, flows=fb)
        fr = functional_regions(store, region, DEFAULT_LMA, flows=fb)
        notes = [fb.note, cp.note, fr.note]
        for level in ("kreis", "gemeinde"):
            h = hubs_and_catchments(store, region, level=level, flows=fb)
            notes += [h.note, h.routes_note]
        for level in ("kreis", "land", "region"):
            notes.append(flow_indicator_table(store, region, level=level).note)
        cb = crossborder(store, region, with_pairs=False)
        notes.append(cb.note)
    finally:
        store.close()
    return notes


def test_every_workflow_note_on_the_bundle_has_german(bundle_notes: list[str]) -> None:
    missing = [f for note in bundle_notes for f in untranslated(note)]
    assert missing == []
    assert all(translate(n, "de") != n for n in bundle_notes if n)
