"""Municipal flows for the flow map when the store holds district flows only: the region's
municipal flow basis (``web.functional.flow_basis``: official tables if imported, else the
modelled estimate), in the flow map's compact form and labelled with its basis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regionatlas.errors import NotFoundError
from regionatlas.web import functional
from regionatlas.web.note_i18n import translate as translate_note

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

TOP_PER_PLACE = 8  # the strongest out-flows of every municipality (readable, not a hairball)


def available(atlas: Atlas) -> bool:
    """Whether municipal flows can be shown (stored, or estimable for the region)."""
    return "gemeinde" in atlas.flow_levels() or functional.available(atlas)


def top_per_origin(flows: pd.DataFrame, n: int = TOP_PER_PLACE) -> pd.DataFrame:
    """The ``n`` largest out-flows of every origin (pure)."""
    f = flows.sort_values(["origin", "persons"], ascending=[True, False])
    return f.groupby("origin", sort=False).head(n)


def compact(atlas: Atlas, period: str | None = None) -> dict[str, Any]:
    """The flow map's payload for the municipal level (see ``Atlas.flow_compact``) plus
    ``basis`` (official / modelled estimate) and its note in both languages."""
    if "gemeinde" in atlas.flow_levels():
        out = dict(atlas.flow_compact("gemeinde", period))
        return {**out, "basis": "official", "note_de": "", "note_en": ""}
    if not functional.available(atlas):
        raise NotFoundError("no municipal flows in this atlas (none stored, none estimable)")
    fb = functional.flow_basis(atlas)

    def compute() -> dict[str, Any]:
        f = fb.flows
        real = f["origin"].astype(str).str.fullmatch(r"\d{8,9}") & f["destination"].astype(
            str
        ).str.fullmatch(r"\d{8,9}")
        if "pooled" in f:
            real &= ~f["pooled"].fillna(False).astype(bool)
        f = f[real.to_numpy()][["origin", "destination", "persons", "flag"]]
        f = f.assign(origin=f["origin"].astype(str), destination=f["destination"].astype(str))
        f = f[(f["origin"] != f["destination"]) & f["persons"].notna()]
        f = f[f["persons"] >= 1]
        f = top_per_origin(f).sort_values("persons")
        pts = atlas.points("gemeinde")
        names = atlas.all_names("gemeinde")
        located = f["origin"].isin(pts) & f["destination"].isin(pts)
        g = f[located.to_numpy()]
        keys = sorted(set(g["origin"]) | set(g["destination"]))
        return {
            "level": "gemeinde",
            "period": fb.period,
            "points": {k: list(pts[k]) for k in keys},
            "names": {k: names.get(k, k) for k in keys},
            "flows": [
                [o, d, round(float(p), 1), fl if isinstance(fl, str) else None]
                for o, d, p, fl in zip(
                    g["origin"], g["destination"], g["persons"], g["flag"], strict=True
                )
            ],
            "suppressed": 0,
            "unlocated": int((~located).sum()),
            "top_per_place": TOP_PER_PLACE,
            "basis": fb.basis,
            "note_de": translate_note(fb.note, "de"),
            "note_en": translate_note(fb.note, "en"),
        }

    return atlas.cached(("flow_compact_municipal", fb.period), compute)
