"""Helpers building small units and OD frames (coordinates given in km)."""

from __future__ import annotations

import pandas as pd


def units_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (ags, x_km, y_km, state) -> units frame in metres."""
    return pd.DataFrame(
        {
            "ags": [r[0] for r in rows],
            "name": [f"Ort {r[0]}" for r in rows],
            "x": [r[1] * 1000.0 for r in rows],
            "y": [r[2] * 1000.0 for r in rows],
            "state": [r[3] for r in rows],
            "district": [r[0][:5] for r in rows],
        }
    )


def od_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": [r[0] for r in rows],
            "destination": [r[1] for r in rows],
            "persons": [r[2] for r in rows],
            "flag": [r[3] if len(r) > 3 else None for r in rows],
        }
    )
