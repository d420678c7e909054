"""What the survey pages need from the atlas, computed once per app and kept: the region's
municipalities (names, districts; the choices of a place question) and the measured side of
the comparisons (municipal flows, labour-market areas)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

_lock = threading.Lock()


def _region(atlas: Atlas):
    from regionatlas.errors import NotFoundError
    from regionatlas.region import load_region

    if atlas.region_file is None:
        raise NotFoundError("the atlas runs without a region: surveys need one")
    return load_region(atlas.region_file)


def places(app: Any) -> pd.DataFrame:
    """index ags: name, district, state, population, district_name (sorted by district, name)."""
    cached = getattr(app.state, "survey_places", None)
    if cached is not None:
        return cached
    with _lock:
        if getattr(app.state, "survey_places", None) is None:
            from regionatlas.workflows.surveys import region_places

            atlas = app.state.atlas
            frame = region_places(atlas.store, _region(atlas)).copy()
            names = atlas.store.units(level="kreis")
            names = dict(zip(names["ags"].astype(str), names["name"], strict=False))
            frame["district_name"] = [names.get(d, d) for d in frame["district"]]
            frame = frame.sort_values(["district", "name"], kind="mergesort")
            app.state.survey_places = frame
    return app.state.survey_places


def region_context(app: Any):
    cached = getattr(app.state, "survey_region", None)
    if cached is not None:
        return cached
    with _lock:
        if getattr(app.state, "survey_region", None) is None:
            from regionatlas.workflows.surveys import region_context as build

            atlas = app.state.atlas
            ctx = build(atlas.store, _region(atlas))
            _ = ctx.index, ctx.pindex  # build the lookups once
            app.state.survey_region = ctx
    return app.state.survey_region


class PlaceLookup:
    """The region's municipalities for place questions: "Name (AGS)" labels, one shared
    ``<datalist>`` (rendered once), and resolution of what a person typed."""

    def __init__(self, frame: pd.DataFrame) -> None:
        from markupsafe import Markup, escape

        self.keys = set(frame.index.astype(str))
        self.label = {str(a): f"{n} ({a})" for a, n in zip(frame.index, frame["name"], strict=True)}
        by_name: dict[str, list[str]] = {}
        for a, n in zip(frame.index, frame["name"], strict=True):
            by_name.setdefault(str(n).casefold(), []).append(str(a))
        self.by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        options = "".join(
            f'<option value="{escape(self.label[str(a)])}">{escape(d)}</option>'
            for a, d in zip(frame.index, frame["district_name"], strict=True)
        )
        self.datalist = Markup(f'<datalist id="region-places">{options}</datalist>')

    def resolve(self, typed: str) -> str:
        typed = typed.strip()
        if typed.endswith(")") and "(" in typed:
            key = typed.rsplit("(", 1)[1].rstrip(")").strip()
            if key in self.keys:
                return key
        if typed in self.keys:
            return typed
        return self.by_name.get(typed.casefold(), typed)

    def shown(self, value: str) -> str:
        return self.label.get(value, value)


def place_lookup(app: Any) -> PlaceLookup:
    cached = getattr(app.state, "survey_place_lookup", None)
    if cached is None:
        cached = PlaceLookup(places(app))
        app.state.survey_place_lookup = cached
    return cached
