"""A hand-built municipal OD table with known answers, shared by the flow tests.

Municipalities: a1 = 06611000 (district 06611, Hessen), b1 = 06633001 and b2 = 06633002
(district 06633, Hessen), c1 = 03159001 (district 03159, Niedersachsen).

    a1→a1 100   a1→b1 20   a1→c1 10
    b1→a1  50   b1→b1 30   b1→b2  4   b1→"06633xxx" 6 (pooled: other municipalities of 06633)
    b2→a1  15   b2→b2 10   b2→b1  *  (suppressed, persons NaN)
    c1→a1   5   c1→c1 40

Centroids (EPSG:25832 m): a1 (0, 0), b1 (3000, 4000) [5 km from a1], b2 (6000, 8000),
c1 (0, 10000) [10 km from a1].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

A1, B1, B2, C1 = "06611000", "06633001", "06633002", "03159001"
MUNIS = [A1, B1, B2, C1]

ROWS = [
    (A1, A1, 100.0, None),
    (A1, B1, 20.0, None),
    (A1, C1, 10.0, None),
    (B1, A1, 50.0, None),
    (B1, B1, 30.0, None),
    (B1, B2, 4.0, None),
    (B1, "06633xxx", 6.0, "pooled"),
    (B2, A1, 15.0, None),
    (B2, B2, 10.0, None),
    (B2, B1, np.nan, "*"),
    (C1, A1, 5.0, None),
    (C1, C1, 40.0, None),
]


def flows() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=["origin", "destination", "persons", "flag"])
    df["flag"] = df["flag"].astype(object)
    df["period"] = "2023-06-30"
    df["grp"] = "total"
    df["level"] = "gemeinde"
    return df


def centroids() -> pd.DataFrame:
    return pd.DataFrame(
        {"x": [0.0, 3000.0, 6000.0, 0.0], "y": [0.0, 4000.0, 8000.0, 10000.0]},
        index=pd.Index(MUNIS, name="ags"),
    )
