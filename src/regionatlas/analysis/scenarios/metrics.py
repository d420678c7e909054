"""Commuter-km, CO2 and hours of a trip table (the common currency of all levers).

A *trip table* has one row per (origin, destination) with
``persons`` — people making this commute on an average working day,
``km`` — one-way road km, ``occupancy`` — persons per car on this commute.
Each person makes two trips a day (there and back). Modes follow the distance band of ``km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios.context import ScenarioContext
from regionatlas.analysis.scenarios.parameters import MODES, Parameters

TRIPS_PER_DAY = 2
TRIP_COLUMNS = ["origin", "destination", "persons", "km", "occupancy"]


@dataclass(frozen=True)
class Totals:
    persons: float  # commuters on an average working day
    commuter_km_day: float
    commuter_km_year: float
    car_vkm_year: float
    co2_t_year: float
    hours_year: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(float(v), 3) for k, v in self.__dict__.items()}

    def minus(self, other: Totals) -> dict[str, float]:
        return {k: round(float(getattr(self, k) - getattr(other, k)), 3) for k in self.__dict__}


def road_km(ctx: ScenarioContext, params: Parameters) -> np.ndarray:
    """One-way road km of every OD row of the context (internal flows via unit area)."""
    i, j = ctx.od_index
    km = ctx.straight_km(i, j)
    internal = i == j
    if internal.any():
        inner = ctx.internal_straight_km(params["distance.internal_radius_factor"])
        km[internal] = inner[i[internal]]
    return km * params["distance.detour_factor"]


def baseline_trips(ctx: ScenarioContext, params: Parameters) -> pd.DataFrame:
    """The observed flows as a trip table."""
    km = road_km(ctx, params)
    trips = pd.DataFrame(
        {
            "origin": ctx.od["origin"].to_numpy(),
            "destination": ctx.od["destination"].to_numpy(),
            "persons": ctx.od["persons"].to_numpy(dtype="float64"),
            "km": km,
            "occupancy": params["occupancy.commute"],
        }
    )
    unknown = np.isnan(km)
    if unknown.any():  # internal flows of units without area: no distance, kept out
        trips = trips.loc[~unknown].reset_index(drop=True)
    return trips


def mode_shares(km: np.ndarray, params: Parameters) -> dict[str, np.ndarray]:
    """Share of each mode for every trip, by distance band."""
    edges = np.array([b.max_km for b in params.bands])
    # band i holds trips with km < max_km[i] (Destatis: "unter 5 km")
    band = np.minimum(np.searchsorted(edges, km, side="right"), len(edges) - 1)
    return {m: np.array([b.shares[m] for b in params.bands])[band] for m in MODES}


def row_metrics(trips: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """Per-row person-km per day, car vehicle-km, CO2 (g) and hours per day."""
    km = trips["km"].to_numpy(dtype="float64")
    persons = trips["persons"].to_numpy(dtype="float64")
    occupancy = trips["occupancy"].to_numpy(dtype="float64")
    pkm = TRIPS_PER_DAY * persons * km
    shares = mode_shares(km, params)
    car_pkm = pkm * shares["car"]
    car_vkm = car_pkm / occupancy
    co2 = car_vkm * params.car_g_per_vkm()
    hours = np.zeros_like(pkm)
    for mode in MODES:
        mode_pkm = pkm * shares[mode]
        if mode != "car":
            co2 = co2 + mode_pkm * params[f"emission.{mode}_g_per_pkm"]
        hours = hours + mode_pkm / params[f"speed.{mode}_kmh"]
    return pd.DataFrame(
        {"pkm_day": pkm, "car_vkm_day": car_vkm, "co2_g_day": co2, "hours_day": hours},
        index=trips.index,
    )


def totals(trips: pd.DataFrame, params: Parameters) -> Totals:
    m = row_metrics(trips, params)
    days = params["calendar.working_days"]
    return Totals(
        persons=float(trips["persons"].sum()),
        commuter_km_day=float(m["pkm_day"].sum()),
        commuter_km_year=float(m["pkm_day"].sum() * days),
        car_vkm_year=float(m["car_vkm_day"].sum() * days),
        co2_t_year=float(m["co2_g_day"].sum() * days / 1e6),
        hours_year=float(m["hours_day"].sum() * days),
    )


def by_place(trips: pd.DataFrame, params: Parameters, side: str) -> pd.DataFrame:
    """Per-place sums by ``side`` ("origin" = residence, "destination" = workplace)."""
    m = row_metrics(trips, params)
    days = params["calendar.working_days"]
    frame = pd.DataFrame(
        {
            "ags": trips[side].to_numpy(),
            "persons": trips["persons"].to_numpy(),
            "commuter_km_day": m["pkm_day"].to_numpy(),
            "co2_t_year": m["co2_g_day"].to_numpy() * days / 1e6,
            "hours_year": m["hours_day"].to_numpy() * days,
        }
    )
    return frame.groupby("ags", sort=True).sum()


def by_corridor(
    trips: pd.DataFrame, ctx: ScenarioContext, params: Parameters, key: str = "district"
) -> pd.DataFrame:
    """Sums per corridor = (origin's ``key`` → destination's ``key``), e.g. district pairs."""
    if key not in ctx.units:
        key = "state" if "state" in ctx.units else ""
    m = row_metrics(trips, params)
    days = params["calendar.working_days"]
    if key:
        lookup = ctx.units[key]
        o = lookup.reindex(trips["origin"]).to_numpy()
        d = lookup.reindex(trips["destination"]).to_numpy()
    else:
        o = trips["origin"].to_numpy()
        d = trips["destination"].to_numpy()
    frame = pd.DataFrame(
        {
            "from": o,
            "to": d,
            "persons": trips["persons"].to_numpy(),
            "commuter_km_day": m["pkm_day"].to_numpy(),
            "co2_t_year": m["co2_g_day"].to_numpy() * days / 1e6,
            "hours_year": m["hours_day"].to_numpy() * days,
        }
    )
    out = frame.groupby(["from", "to"], sort=False).sum().reset_index()
    out.insert(0, "level", key or "place")
    return out.sort_values("commuter_km_day", ascending=False, ignore_index=True)
