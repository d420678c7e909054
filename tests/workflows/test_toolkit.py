"""The Werkzeugkasten content: complete in both languages, every fact with a source,
Markdown sanitised, broken front matter named by file and line."""

from __future__ import annotations

import pytest

from regionatlas.errors import InputError
from regionatlas.workflows.toolkit import (
    filter_entries,
    load_toolkit,
    packaged_files,
    parse_entry,
    read_toolkit,
    render_markdown,
)

REQUIRED_INSTRUMENTS = {
    "planning-for-real",
    "buergergutachten",
    "zukunftswerkstatt",
    "regionalkonferenz",
    "buergerdialog-fnp",
    "stadtwerke-kooperation",
    "mitfahren-laendergrenze",
}

GOOD = """---
id: t
lang: de
kind: instrument
title: T
summary: s
purpose: p
stages: [concept]
participants: alle
effort: low
duration: 1 Tag
legal:
  - ref: "BauGB § 3"
    url: https://www.gesetze-im-internet.de/bbaug/__3.html
examples: []
examples_note: keins belegt
sources:
  - url: https://example.org/
    what: Quelle
---
Text **fett**.
"""


def test_every_instrument_and_the_guide_in_both_languages():
    tk = load_toolkit()
    assert set(tk) >= REQUIRED_INSTRUMENTS
    assert tk["leitfaden-bauleitplanung"]["de"].kind == "guide"
    assert all(set(langs) == {"de", "en"} for langs in tk.values())


def test_every_example_and_source_has_a_url_and_what_it_is():
    for langs in load_toolkit().values():
        for e in langs.values():
            for x in e.meta["examples"]:
                assert x["source"].startswith("http") and x["source_what"]
            assert e.meta["sources"]
            for s in e.meta["sources"]:
                assert s["url"].startswith("http") and s["what"]
            assert e.meta["examples"] or e.meta["examples_note"]


def test_the_issues_examples_are_sourced():
    tk = load_toolkit()
    urls = {x["source"] for langs in tk.values() for x in langs["de"].meta["examples"]}
    assert any("wolfhagen" in u for u in urls)
    assert any("akh.de" in u for u in urls)
    assert any("osnabrueck" in u for u in urls) and any("wolfsburg" in u for u in urls)


def test_same_facts_in_both_languages():
    for tid, langs in load_toolkit().items():
        de, en = langs["de"].meta, langs["en"].meta
        assert de["stages"] == en["stages"], tid
        assert de["effort"] == en["effort"], tid
        assert [x["source"] for x in de["examples"]] == [x["source"] for x in en["examples"]]
        assert [x["url"] for x in de["legal"]] == [x["url"] for x in en["legal"]], tid


def test_filters():
    tk = load_toolkit()
    early = {e.id for e in filter_entries(tk, "de", stage="early")}
    assert "buergerdialog-fnp" in early and "stadtwerke-kooperation" not in early
    low = filter_entries(tk, "en", effort="low")
    assert low and all(e.meta["effort"] == "low" for e in low)
    rog = {e.id for e in filter_entries(tk, "de", legal="ROG § 14")}
    assert "regionalkonferenz" in rog and "planning-for-real" not in rog


def test_markdown_is_sanitised():
    html = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://a.example/)\n\n"
        '<img src=x onerror="alert(1)">'
    )
    assert "<script" not in html and "<img" not in html  # shown as text, never as tags
    assert 'href="javascript' not in html
    assert 'href="https://a.example/"' in html


def test_good_entry_renders():
    e = parse_entry("t.de.md", GOOD)
    assert "<strong>fett</strong>" in e.html


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (GOOD.replace("---\n", "", 1), r"t\.de\.md, line 1: no front matter"),
        (GOOD.replace("---\nText", "Text"), r"t\.de\.md, line 1: front matter is not closed"),
        (GOOD.replace("low", "[low", 1), r"t\.de\.md, line \d+: front matter is not val"),
        (GOOD.replace("purpose: p\n", ""), r"t\.de\.md, line 1: 'purpose' is missing"),
        (GOOD.replace("effort: low", "effort: huge"), r"t\.de\.md, line 10: effort 'huge'"),
        (GOOD.replace("[concept]", "[later]"), r"t\.de\.md, line 8: unknown stages"),
        (GOOD.replace("examples_note: keins belegt\n", ""), r"no examples and no examples_note"),
        (GOOD.replace("    what: Quelle\n", ""), r"t\.de\.md, line 17: source"),
    ],
)  # fmt: skip
def test_broken_front_matter_names_file_and_line(text, pattern):
    with pytest.raises(InputError, match=pattern):
        parse_entry("t.de.md", text)


def test_yaml_error_line_is_the_file_line():
    bad = GOOD.replace("effort: low", "effort: [low")
    with pytest.raises(InputError) as err:
        parse_entry("t.de.md", bad)
    assert err.value.details["line"] in (10, 11, 12)


def test_missing_language_is_refused():
    with pytest.raises(InputError, match=r"no \['en'\] version"):
        read_toolkit([("t.de.md", GOOD)])


def test_packaged_files_are_all_read():
    names = [n for n, _ in packaged_files()]
    assert len(names) == 2 * len(load_toolkit())
