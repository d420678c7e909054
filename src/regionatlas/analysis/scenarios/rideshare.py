"""Lever: ride-sharing corridors. Car commutes that share a direction and route are grouped
into corridors; a share of their car commuters joins a ride-sharing offer and rides at a
higher occupancy.

Corridor = origin cell × destination cell (square grid of ``cell_km``, EPSG:25832) ×
bearing sector (``bearing_sectors`` around the compass) × distance band (``band_km``).
A corridor is offered only if it gathers at least ``min_participants`` participants.

Parameters (TOML ``[levers.ride_sharing]``):
    participation = 0.1     share of car commuters of a corridor who join (0..1)
    occupancy = 2.0         persons per shared car (>= commuting occupancy)
    min_km = 10             only commutes at least this long (one-way road km)
    cell_km = 10            grid size for origin/destination clusters
    bearing_sectors = 8     compass sectors
    band_km = 10            width of distance bands
    cross_state_only = false   only flows between two Länder
    min_participants = 10   smallest corridor offered
    top = 0                 offer only the n corridors with most saved car-km (0 = all)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.levers import (
    LeverOutcome,
    check_keys,
    fraction,
    number,
    whole,
)
from regionatlas.analysis.scenarios.metrics import TRIPS_PER_DAY, mode_shares
from regionatlas.analysis.scenarios.parameters import Parameters
from regionatlas.errors import ParameterError

KEYS = {
    "participation",
    "occupancy",
    "min_km",
    "cell_km",
    "bearing_sectors",
    "band_km",
    "cross_state_only",
    "min_participants",
    "top",
}


def corridor_keys(
    ctx: ScenarioContext, trips: pd.DataFrame, cell_km: float, sectors: int, band_km: float
) -> pd.DataFrame:
    """Origin cell, destination cell, bearing sector and distance band of every trip row."""
    pos = ctx.position
    i = pos.reindex(trips["origin"]).to_numpy()
    j = pos.reindex(trips["destination"]).to_numpy()
    xy = ctx.xy_km
    dx = xy[j, 0] - xy[i, 0]
    dy = xy[j, 1] - xy[i, 1]
    bearing = (np.degrees(np.arctan2(dx, dy)) + 360.0) % 360.0  # 0 = north, clockwise
    width = 360.0 / sectors
    sector = np.floor(((bearing + width / 2) % 360.0) / width).astype(int)
    cx = np.floor(xy[:, 0] / cell_km).astype(np.int64)
    cy = np.floor(xy[:, 1] / cell_km).astype(np.int64)
    cell = (cx - cx.min()) * 1_000_000 + (cy - cy.min())
    return pd.DataFrame(
        {
            "o_cell": cell[i],
            "d_cell": cell[j],
            "sector": sector,
            "band": np.floor(trips["km"].to_numpy() / band_km).astype(np.int64),
            "bearing_deg": bearing,
        },
        index=trips.index,
    )


def apply_ride_sharing(
    trips: pd.DataFrame, ctx: ScenarioContext, params: Parameters, spec: dict[str, Any]
) -> LeverOutcome:
    what = "levers.ride_sharing"
    check_keys(spec, KEYS, what)
    participation = fraction(spec.get("participation", 0.0), f"{what}.participation")
    base_occ = params["occupancy.commute"]
    occupancy = number(spec.get("occupancy", 2.0), f"{what}.occupancy", lower=1.0)
    if occupancy < base_occ:
        raise ParameterError(
            f"{what}.occupancy ({occupancy}) must not be below the commuting occupancy "
            f"occupancy.commute ({base_occ})",
            parameter=f"{what}.occupancy",
        )
    min_km = number(spec.get("min_km", 10.0), f"{what}.min_km")
    cell_km = number(spec.get("cell_km", 10.0), f"{what}.cell_km", lower=0.1)
    sectors = whole(spec.get("bearing_sectors", 8), f"{what}.bearing_sectors", lower=1)
    band_km = number(spec.get("band_km", 10.0), f"{what}.band_km", lower=0.1)
    cross_state = spec.get("cross_state_only", False)
    if not isinstance(cross_state, bool):
        raise ParameterError(
            f"{what}.cross_state_only must be true or false", parameter=f"{what}.cross_state_only"
        )
    min_part = number(spec.get("min_participants", 10), f"{what}.min_participants")
    top = whole(spec.get("top", 0), f"{what}.top")

    eligible = (trips["origin"] != trips["destination"]) & (trips["km"] >= min_km)
    eligible &= trips["persons"] > 0
    if cross_state:
        if "state" not in ctx.units:
            raise ParameterError(
                f"{what}.cross_state_only: places carry no state",
                parameter=f"{what}.cross_state_only",
            )
        st = ctx.units["state"]
        eligible &= (
            st.reindex(trips["origin"]).to_numpy() != st.reindex(trips["destination"]).to_numpy()
        )
    cand = trips.loc[eligible]
    keys = corridor_keys(ctx, cand, cell_km, sectors, band_km)
    car_share = mode_shares(cand["km"].to_numpy(), params)["car"]
    car_persons = cand["persons"].to_numpy() * car_share
    participants = participation * car_persons
    # vehicle-km per day saved: participants move from base occupancy to the pool's
    saved_vkm = (
        TRIPS_PER_DAY * participants * cand["km"].to_numpy() * (1.0 / base_occ - 1.0 / occupancy)
    )
    rows = keys.assign(
        origin=cand["origin"].to_numpy(),
        destination=cand["destination"].to_numpy(),
        car_persons=car_persons,
        participants=participants,
        saved_vkm_day=saved_vkm,
        pkm=cand["persons"].to_numpy() * cand["km"].to_numpy(),
        persons=cand["persons"].to_numpy(),
    )
    corridors = (
        rows.groupby(["o_cell", "d_cell", "sector", "band"], sort=False)
        .agg(
            flows=("origin", "size"),
            persons=("persons", "sum"),
            car_persons=("car_persons", "sum"),
            participants=("participants", "sum"),
            saved_vkm_day=("saved_vkm_day", "sum"),
            pkm=("pkm", "sum"),
            bearing_deg=("bearing_deg", "mean"),
        )
        .reset_index()
    )
    corridors["mean_km"] = corridors["pkm"] / corridors["persons"].where(corridors["persons"] > 0)
    corridors = corridors.loc[corridors["participants"] >= min_part]
    corridors = corridors.sort_values("saved_vkm_day", ascending=False, ignore_index=True)
    if top:
        corridors = corridors.head(top)
    corridors["potential_pairs"] = np.floor(corridors["participants"] / 2.0)
    corridors["shared_cars"] = corridors["participants"] / occupancy
    corridors.insert(0, "corridor", [f"K{n + 1:03d}" for n in range(len(corridors))])
    offered = rows.merge(
        corridors[["o_cell", "d_cell", "sector", "band", "corridor"]],
        on=["o_cell", "d_cell", "sector", "band"],
        how="inner",
    )
    for side, col in (("origin", "origins"), ("destination", "destinations")):
        ends = (
            offered[["corridor", side]]
            .drop_duplicates()
            .sort_values(side)
            .groupby("corridor", sort=False)[side]
            .agg(",".join)
        )
        corridors[col] = corridors["corridor"].map(ends)

    out = trips.copy()
    if len(offered):
        # occupancy of a row: car persons / vehicles after some of them share
        sel = rows.merge(
            corridors[["o_cell", "d_cell", "sector", "band"]],
            on=["o_cell", "d_cell", "sector", "band"],
            how="left",
            indicator=True,
        )
        hit = (sel["_merge"] == "both").to_numpy()
        row_index = cand.index[hit]
        cp = car_persons[hit]
        pp = participants[hit]
        vehicles = (cp - pp) / base_occ + pp / occupancy
        with np.errstate(invalid="ignore", divide="ignore"):
            occ = np.where(vehicles > 0, cp / vehicles, base_occ)
        out.loc[row_index, "occupancy"] = occ
    cols = [
        "corridor",
        "origins",
        "destinations",
        "flows",
        "persons",
        "car_persons",
        "participants",
        "potential_pairs",
        "shared_cars",
        "mean_km",
        "bearing_deg",
        "saved_vkm_day",
    ]
    details = {
        "participation": participation,
        "occupancy": occupancy,
        "base_occupancy": base_occ,
        "min_km": min_km,
        "cell_km": cell_km,
        "bearing_sectors": sectors,
        "band_km": band_km,
        "cross_state_only": cross_state,
        "corridors": len(corridors),
        "participants_per_day": round(float(corridors["participants"].sum()), 3),
        "potential_pairs": int(corridors["potential_pairs"].sum()),
        "saved_car_vkm_day": round(float(corridors["saved_vkm_day"].sum()), 3),
    }
    return LeverOutcome(
        "ride_sharing",
        out,
        details=details,
        tables={
            "corridors": corridors[cols],
            "corridor_flows": offered[
                ["corridor", "origin", "destination", "persons", "participants", "saved_vkm_day"]
            ],
        },
        programme_cost_eur_year=len(corridors) * params["cost.rideshare_eur_per_corridor_year"],
    )
