"""Boundaries at the reference Gebietsstand, derived from older boundaries and reforms.

The shipped boundaries (VG5000) are those of 01.01.2021, the Gemeindeverzeichnis is of
30.11.2023. Where municipalities were merged completely in between (``unit_change`` rows with
share 1), the new unit's outline is the union of its predecessors' outlines (and its own
older outline, if it existed before); a district that gave up all its municipalities to
another one (Eisenach → Wartburgkreis) is merged the same way. Predecessors are re-issued
with ``valid_to`` set, so the store's current view no longer shows them.

The result is a derived source (``SourceData``) that the build imports as its own batch;
its fingerprint depends only on the batches it was derived from, so a re-build is a no-op.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from regionatlas.model.fingerprint import derived_fingerprint
from regionatlas.model.schema import STORE_CRS, UNIT_COLUMNS
from regionatlas.model.source_data import SourceData

FORMAT_ID = "regionatlas-harmonised-boundaries"
ATTRIBUTION = (
    "© GeoBasis-DE / BKG 2021 (Daten verändert: Gemeindezusammenschlüsse bis zum "
    "Gebietsstand des Gemeindeverzeichnisses nachgeführt)"
)


def successors(unit_changes: pd.DataFrame, reference_date: str) -> pd.DataFrame:
    """old_ags -> final new_ags and date, for complete changes in force at the reference date.

    Chains (A -> B -> C) are followed to their end; partial shares are left out.
    """
    full = unit_changes[
        (unit_changes["share"] >= 1 - 1e-9) & (unit_changes["date"] <= reference_date)
    ]
    step = dict(zip(full["old_ags"], full["new_ags"], strict=True))
    date = dict(zip(full["old_ags"], full["date"], strict=True))
    rows = []
    for old in sorted(step):
        new, when, seen = step[old], date[old], {old}
        while new in step and new not in seen:
            seen.add(new)
            when = max(when, date[new])
            new = step[new]
        rows.append((old, new, when))
    return pd.DataFrame(rows, columns=["old_ags", "new_ags", "date"])


def _union(geoms: list[object]) -> object:
    merged = shapely.union_all(shapely.make_valid(list(geoms)))
    polys = [g for g in getattr(merged, "geoms", [merged]) if g.geom_type == "Polygon"]
    if merged.geom_type == "MultiPolygon":
        polys = list(merged.geoms)
    return shapely.MultiPolygon(polys)


def _version(by_ags: pd.DataFrame, ags: str, as_of: str, **changes: object) -> dict[str, object]:
    """A version of unit ``ags`` as of ``as_of``: its stored attributes with ``changes``."""
    row = {c: by_ags.at[ags, c] for c in UNIT_COLUMNS if c not in ("ags", "geometry")}
    row.update(ags=ags, as_of=as_of, **changes)
    return row


def harmonised_units(
    units: gpd.GeoDataFrame, unit_changes: pd.DataFrame, reference_date: str
) -> gpd.GeoDataFrame:
    """Unit versions at ``reference_date`` for the units touched by complete reforms.

    ``units``: the store's units of all levels with geometry (latest version per ags).
    Returns new units with merged outlines and ended predecessors (``valid_to`` set); a new
    unit any of whose parts has no outline is left out (nothing is guessed).
    """
    succ = successors(unit_changes, reference_date)
    if succ.empty:
        return gpd.GeoDataFrame(columns=UNIT_COLUMNS, geometry="geometry", crs=STORE_CRS)
    by_ags = units.set_index("ags")
    out: list[dict[str, object]] = []
    ended: list[tuple[str, str]] = []
    # municipalities
    for new, group in succ.groupby("new_ags", sort=True):
        if new not in by_ags.index:
            continue
        parts = list(group["old_ags"])
        geoms = [by_ags.at[a, "geometry"] for a in parts if a in by_ags.index]
        own = by_ags.at[new, "geometry"]
        if len(geoms) < len(parts) or any(g is None for g in geoms):
            continue
        if own is not None:
            geoms.append(own)
        valid_from = str(group["date"].max())
        out.append(
            _version(by_ags, new, reference_date, valid_from=valid_from, geometry=_union(geoms))
        )
        ended += [(a, str(d)) for a, d in zip(group["old_ags"], group["date"], strict=True)]
    # districts that lost all their municipalities to other districts
    gem = units[units["level"] == "gemeinde"]
    moved = succ[succ["old_ags"].str[:5] != succ["new_ags"].str[:5]]
    for old_kreis, group in moved.groupby(moved["old_ags"].str[:5], sort=True):
        members = set(gem.loc[gem["ags"].str[:5] == old_kreis, "ags"])
        targets = set(group["new_ags"].str[:5])
        if members != set(group["old_ags"]) or len(targets) != 1:
            continue
        (target,) = targets
        if old_kreis not in by_ags.index or target not in by_ags.index:
            continue
        geoms = [by_ags.at[old_kreis, "geometry"], by_ags.at[target, "geometry"]]
        if any(g is None for g in geoms):
            continue
        valid_from = str(group["date"].max())
        out.append(
            _version(by_ags, target, reference_date, valid_from=valid_from, geometry=_union(geoms))
        )
        ended.append((old_kreis, valid_from))
    for ags, date in ended:
        if ags in by_ags.index:
            out.append(_version(by_ags, ags, reference_date, valid_to=date, geometry=None))
    frame = pd.DataFrame(out, columns=UNIT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=STORE_CRS)


def harmonised_source(
    units: gpd.GeoDataFrame,
    unit_changes: pd.DataFrame,
    reference_date: str,
    input_fingerprints: list[str],
) -> SourceData | None:
    """The derived batch, or None when no reform applies."""
    frame = harmonised_units(units, unit_changes, reference_date)
    if frame.empty:
        return None
    digest = derived_fingerprint(FORMAT_ID, "v1", reference_date, inputs=input_fingerprints)
    return SourceData(
        source=FORMAT_ID,
        file=Path(f"harmonised-boundaries-{reference_date}"),
        sha256=digest,
        publisher="regionatlas (abgeleitet aus BKG VG5000 und den zitierten Gebietsänderungen)",
        licence="Datenlizenz Deutschland – Namensnennung – 2.0 (dl-de/by-2-0)",
        attribution=ATTRIBUTION,
        vintage=reference_date,
        units=frame,
        notes=[f"{int(frame['valid_to'].isna().sum())} merged outlines"],
    )
