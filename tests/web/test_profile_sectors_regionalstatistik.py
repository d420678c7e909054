"""The profile's sector chart fed by the Regionalstatistik 13111-07-05-4 reader: a small file
in the documented layout (tests/sources/sectors_layout.py) read by the real reader, imported
into the web fixture store, shown with the packaged catalogue's ``structure`` keys."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import fixture_store as fs
import pytest

from regionatlas.sources import regionalstatistik_sectors as reader
from regionatlas.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
import sectors_layout as lay

KREIS = "06633"  # Landkreis Kassel in the fixture store and in the layout file
PARTS = lay.UNITS[KREIS][1]


@pytest.fixture(scope="module")
def atlas(tmp_path_factory, region_file):
    from regionatlas.web.atlas import Atlas

    d = tmp_path_factory.mktemp("sectors13111")
    path = fs.build(d / "atlas.gpkg")
    data = reader.read(lay.write(d / "13111-07-05-4.csv", lay.body()))
    store = open_store(path)
    try:
        store.import_source(data)
    finally:
        store.close()
    a = Atlas(str(path), region_file)
    yield a
    a.close()


def test_profile_shows_the_ten_sections_in_catalogue_order(atlas):
    from regionatlas.web.profile import profile_data

    sec = profile_data(atlas, KREIS)["structure"]["sectors"]
    assert sec is not None and sec["period"] == "2023-06-30"
    assert [r["indicator"] for r in sec["rows"]] == reader.partition_ids()
    assert [r["value"] for r in sec["rows"]] == [float(PARTS[c]) for c in lay.PARTITION]


def test_marker_cell_stays_a_marker(atlas):
    from regionatlas.web.profile import profile_data

    rows = profile_data(atlas, "06611")["structure"]["sectors"]["rows"]
    agri = rows[0]
    assert agri["indicator"] == "jobs_sector_a"
    assert agri["value"] is None and agri["flag"] == "-"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_draws_the_sectors_chart(atlas, lang):
    from regionatlas.web.pages.profiles import profile_page_body

    html = profile_page_body(atlas, lang, KREIS)
    assert 'aria-labelledby="sectors-t sectors-d"' in html
    svg = html[html.index('aria-labelledby="sectors-t sectors-d"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count("<rect") == len(lay.PARTITION)  # one bar per section, all numeric
    label = {"de": "Baugewerbe (F)", "en": "construction (F)"}[lang]
    assert re.search(rf'<th scope="row">[^<]*{re.escape(label)}</th>', html)
    missing = re.findall(r'<p class="note missing-structure">(.*?)</p>', html)
    assert not any("Wirtschaft" in n or "sector" in n.lower() for n in missing)
