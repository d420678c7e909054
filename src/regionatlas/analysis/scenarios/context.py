"""The inputs of every scenario: places (centroids, attributes) and observed commuter flows.

``build_context(units, od, estimate_basis=...)`` is a pure constructor from frames; the store
glue (``workflows.scenarios.context_from_store``) builds the frames from the canonical store.

Flows without a number (a confidentiality marker, persons NULL) and flows to or from places
without a centroid (e.g. BA's pooled "Übrige Kreise" partners) cannot be given a distance:
they are kept aside in ``excluded`` with the reason, counted in every result, never set to 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from regionatlas.errors import NotFoundError, ParameterError

ESTIMATE_BASES = ("modelled estimate", "official", "synthetic")
UNIT_REQUIRED = ("ags", "x", "y")
UNIT_OPTIONAL = {
    "name": "str",
    "population": "float64",
    "state": "str",
    "district": "str",
    "area_km2": "float64",
    "central_place": "str",
    "settlement_type": "str",
    "hub_score": "float64",
    "in_region": "bool",
}
OD_REQUIRED = ("origin", "destination", "persons")


@dataclass(eq=False)
class ScenarioContext:
    """Places and observed flows of one region and period (all frames are read-only)."""

    units: pd.DataFrame  # index ags; x, y (EPSG:25832 m) + UNIT_OPTIONAL columns
    od: pd.DataFrame  # origin, destination, persons (> 0, numeric), flag; both ends in units
    excluded: pd.DataFrame  # origin, destination, persons, flag, reason
    estimate_basis: str = "official"
    period: str | None = None
    region: str | None = None
    notes: list[str] = field(default_factory=list)
    # e.g. gravity fits, per parameters
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def position(self) -> pd.Series:
        """ags -> row number in ``units``."""
        return pd.Series(np.arange(len(self.units)), index=self.units.index)

    @cached_property
    def od_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers of origin and destination of every OD row."""
        pos = self.position
        return (
            pos.reindex(self.od["origin"]).to_numpy(),
            pos.reindex(self.od["destination"]).to_numpy(),
        )

    @cached_property
    def xy_km(self) -> np.ndarray:
        result: np.ndarray = self.units[["x", "y"]].to_numpy(dtype="float64") / 1000.0
        return result

    def straight_km(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Straight-line km between unit rows i and j (vectorised)."""
        xy = self.xy_km
        result: np.ndarray = np.hypot(xy[i, 0] - xy[j, 0], xy[i, 1] - xy[j, 1])
        return result

    def straight_matrix(
        self, rows: np.ndarray | None = None, cols: np.ndarray | None = None
    ) -> np.ndarray:
        """Dense straight-line km matrix (rows x cols; default all units)."""
        xy = self.xy_km
        a = xy if rows is None else xy[rows]
        b = xy if cols is None else xy[cols]
        result: np.ndarray = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
        return result

    def internal_straight_km(self, radius_factor: float) -> np.ndarray:
        """Mean straight km of a commute inside each unit: factor · sqrt(area / π)."""
        if "area_km2" not in self.units:
            return np.full(len(self.units), np.nan)
        area = self.units["area_km2"].to_numpy(dtype="float64")
        result: np.ndarray = radius_factor * np.sqrt(area / np.pi)
        return result

    def require(self, places: list[str], what: str) -> list[str]:
        """Check that every AGS is a known place; NotFoundError names the unknown ones."""
        missing = [p for p in places if p not in self.position.index]
        if missing:
            raise NotFoundError(
                f"{what}: unknown place(s) {', '.join(missing[:10])}"
                + (" …" if len(missing) > 10 else ""),
                places=missing[:50],
            )
        return places

    def names(self, ags: pd.Series | pd.Index) -> pd.Series:
        if "name" not in self.units:
            return pd.Series(list(ags), index=getattr(ags, "index", None), dtype="str")
        return self.units["name"].reindex(ags).set_axis(getattr(ags, "index", ags))


def build_context(
    units: pd.DataFrame,
    od: pd.DataFrame,
    *,
    estimate_basis: str | None = None,
    period: str | None = None,
    region: str | None = None,
) -> ScenarioContext:
    """Validate and normalise the frames; AGS stay strings.

    ``estimate_basis`` defaults to "modelled estimate" when any flow is flagged
    "estimated", else "official".
    """
    missing = [c for c in UNIT_REQUIRED if c not in units.columns]
    if missing:
        raise ParameterError(f"units frame lacks column(s) {missing}; expected {UNIT_REQUIRED}")
    missing = [c for c in OD_REQUIRED if c not in od.columns]
    if missing:
        raise ParameterError(f"OD frame lacks column(s) {missing}; expected {OD_REQUIRED}")
    u = units.copy()
    u["ags"] = u["ags"].astype("str")
    if u["ags"].duplicated().any():
        dup = u.loc[u["ags"].duplicated(), "ags"].head(5).tolist()
        raise ParameterError(f"units frame has duplicate AGS {dup}")
    u = u.set_index("ags")
    for col in ("x", "y"):
        u[col] = pd.to_numeric(u[col], errors="coerce").astype("float64")
    no_xy = u[["x", "y"]].isna().any(axis=1)
    notes: list[str] = []
    if no_xy.any():
        notes.append(f"{int(no_xy.sum())} place(s) without centroid dropped")
        u = u.loc[~no_xy]
    for col, dtype in UNIT_OPTIONAL.items():
        if col in u:
            if dtype == "float64":
                u[col] = pd.to_numeric(u[col], errors="coerce")
            elif dtype == "bool":
                u[col] = u[col].fillna(False).astype(bool)
    keep = ["x", "y", *[c for c in UNIT_OPTIONAL if c in u.columns]]
    u = u[keep]

    f = od.copy()
    f["origin"] = f["origin"].astype("str")
    f["destination"] = f["destination"].astype("str")
    if "flag" not in f:
        f["flag"] = pd.Series([None] * len(f), dtype="object")
    f["persons"] = pd.to_numeric(f["persons"], errors="coerce").astype("float64")
    if (f["persons"] < 0).any():
        bad = f.loc[f["persons"] < 0].iloc[0]
        raise ParameterError(
            f"OD frame: negative persons {bad['persons']} for "
            f"{bad['origin']} -> {bad['destination']}"
        )
    known = set(u.index)
    reason = pd.Series("", index=f.index, dtype="object")
    reason[~f["origin"].isin(known) | ~f["destination"].isin(known)] = "place without centroid"
    reason[f["flag"].astype("str") == "pooled"] = "pooled partners (no single place)"
    reason[f["persons"].isna()] = "no number (marker " + f["flag"].astype("str") + ")"
    excluded = f.loc[reason != ""].assign(reason=reason[reason != ""])
    kept = f.loc[(reason == "") & (f["persons"] > 0)]
    kept = kept.groupby(["origin", "destination"], as_index=False, sort=False).agg(
        persons=("persons", "sum"), flag=("flag", "first")
    )
    if "hub_score" not in u.columns:
        # functional centrality ("Bedeutungsüberschuss" by jobs): net in-commuters, scaled
        # to 0..1 over the places with a surplus; 0 for places that send more than they get
        net = (
            kept.groupby("destination")["persons"]
            .sum()
            .sub(kept.groupby("origin")["persons"].sum(), fill_value=0.0)
        )
        net = net.reindex(u.index, fill_value=0.0).clip(lower=0.0)
        u["hub_score"] = net / net.max() if net.max() > 0 else net
        notes.append("hub_score = net in-commuters of the flows, scaled to the largest (1.0)")
    if estimate_basis is None:
        flags = od["flag"].astype("str") if "flag" in od else pd.Series([], dtype="str")
        estimate_basis = "modelled estimate" if (flags == "estimated").any() else "official"
    if estimate_basis not in ESTIMATE_BASES:
        raise ParameterError(
            f"estimate_basis must be one of {ESTIMATE_BASES} (found {estimate_basis!r})"
        )
    return ScenarioContext(
        units=u,
        od=kept.reset_index(drop=True),
        excluded=excluded[["origin", "destination", "persons", "flag", "reason"]].reset_index(
            drop=True
        ),
        estimate_basis=estimate_basis,
        period=period,
        region=region,
        notes=notes,
    )
