"""Start-up warm-up of the read model: fill the cache so that no request computes for long.

``load_saved`` seeds the cache from the functional layers saved by an earlier run for the
same store state (``web.functional_cache``, about a second). ``warm`` computes the rest:
geometry and outline, every indicator's values, every page but the unit profiles, the flow
answers and flow downloads of the latest period, the municipal functional layers, the region
profile and the tables every unit profile shares. The app runs both before it reports ready
(``web.app``), together with the scenario lab's context (its POST runs need it). A failure is
logged with its reason and leaves the answer to be computed (and its error shown) on request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from regionatlas.web.atlas import Atlas

log = logging.getLogger(__name__)


def load_saved(atlas: Atlas) -> bool:
    """Seed the cache from the saved functional layers; False when there are none."""
    from regionatlas.web import functional_cache

    try:
        atlas.refresh(force=True)
        return functional_cache.load_cached(atlas)
    except Exception:  # the layers are computed by warm() or on request instead
        log.exception("could not load the saved functional layers (they will be recomputed)")
        return False


def _step(name: str, step: Callable[[Atlas], None], atlas: Atlas) -> bool:
    t0 = time.perf_counter()
    try:
        step(atlas)
    except Exception:  # the request for it computes again and reports the error
        log.exception("warm-up step %r failed; its pages answer on request", name)
        return False
    log.debug("warm-up %s: %.2f s", name, time.perf_counter() - t0)
    return True


def _pages(atlas: Atlas) -> None:
    """Every page but the profiles, both languages, as sent (HTML and gzip)."""
    from regionatlas.web.pages import about, flows, regions, scenarios, search

    for lang in ("de", "en"):
        about.about_page_bytes(atlas, lang)
        flows.flows_page_bytes(atlas, lang)
        regions.regions_page_bytes(atlas, lang)
        scenarios.scenarios_page_bytes(atlas, lang)
        search.search_page_bytes(atlas, lang, "")


def _maps(atlas: Atlas) -> None:
    from regionatlas.web.pages.maps import map_page_bytes

    for level in ("kreis", "land", *atlas.levels()):
        atlas.geometry(level)
    atlas.outline()
    inds = [i for i in atlas.indicators() if i["periods"] and i["levels"]]
    for ind in inds:
        for level in ind["levels"]:
            atlas.values(ind["id"], level, None)
    for lang in ("de", "en"):
        map_page_bytes(atlas, lang, compressed=True)  # also compiles the templates


def _flows(atlas: Atlas) -> None:
    """The flow answers of the latest period as the API sends them (JSON and gzip), the flow
    downloads in every format, the per-unit index and the district communities."""
    from regionatlas import exports
    from regionatlas.web import flow_municipal
    from regionatlas.web.api.flows import compact_answer, lines_answer
    from regionatlas.web.api.regions import leiden_answer
    from regionatlas.web.downloads import flows_file

    if not atlas.flow_periods():
        return
    for level in atlas.flow_levels():
        for answer in (lines_answer, compact_answer):
            atlas.gzip_bytes(*answer(atlas, level, None))
        atlas.flows_classified(level, None)
        atlas.unit_flows(level, "", None)  # builds the per-unit index once
        for fmt in exports.FORMATS:
            flows_file(atlas, level, None, fmt, packed=True)
    if "kreis" in atlas.flow_levels():
        atlas.gzip_bytes(*leiden_answer(atlas, "kreis", None))
    if "gemeinde" not in atlas.flow_levels() and flow_municipal.available(atlas):
        for period in ("latest", atlas.flow_periods()[-1]):  # the modelled municipal flows
            atlas.gzip_bytes(*compact_answer(atlas, "gemeinde", period))


def _functional(atlas: Atlas) -> None:
    from regionatlas.web import functional_cache

    functional_cache.warm(atlas)


def _profiles(atlas: Atlas) -> None:
    """The region's profile (JSON as the API sends it, and its pages), and one unit of each
    level: the tables every profile shares (indexes, functional layers, central places)."""
    from regionatlas.web.pages.profiles import profile_page_body, region_profile_page_bytes
    from regionatlas.web.profile import profile_data
    from regionatlas.web.profile_region import REGION_KEY, region_profile_data

    units = atlas.units()
    for level in ("land", "kreis", "gemeinde"):
        keys = units.loc[units["level"] == level, "ags"]
        if len(keys):
            profile_data(atlas, str(keys.iloc[0]))
            for lang in ("de", "en"):
                profile_page_body(atlas, lang, str(keys.iloc[0]))
    if atlas.scope.region_id and atlas.scope.core:
        atlas.gzip_bytes(("profile", REGION_KEY), lambda: region_profile_data(atlas))
        for lang in ("de", "en"):
            region_profile_page_bytes(atlas, lang)


def _scenarios(atlas: Atlas) -> None:
    from regionatlas.web.api.scenarios import scenario_context

    scenario_context(atlas)


def _briefs(atlas: Atlas) -> None:
    """The briefs' region-wide inputs (the facts saved by build/import: milliseconds) and one
    brief PDF, which loads WeasyPrint and its fonts once: a brief then takes well under a
    second from its first request."""
    if getattr(atlas, "region_file", None) is None:
        return
    from regionatlas.pdf import html_to_pdf
    from regionatlas.web import impact
    from regionatlas.web.brief_pdf import brief_pdf_html
    from regionatlas.workflows.briefs import core_municipalities

    keys = core_municipalities(impact.brief_context(atlas).warm())
    if keys:
        html_to_pdf(brief_pdf_html(impact.unit_brief(atlas, keys[0]), "de", atlas.attributions()))


# Before the server reports ready, all of it: work left for later would hold the store's
# lock and the GIL while the first requests arrive (measured: seconds of waiting).
STEPS: tuple[tuple[str, Callable[[Atlas], None]], ...] = (
    ("maps", _maps),
    ("flows", _flows),
    ("functional layers", _functional),
    ("pages", _pages),
    ("profiles", _profiles),
    ("scenarios", _scenarios),
    ("briefs", _briefs),
)


def warm(atlas: Atlas) -> dict[str, bool]:
    """Run every warm-up step (each logged when it fails); which succeeded."""
    load_saved(atlas)
    return {name: _step(name, step, atlas) for name, step in STEPS}
