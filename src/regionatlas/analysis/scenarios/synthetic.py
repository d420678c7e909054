"""A deterministic synthetic region for tests and benchmarks (labelled "synthetic").

Places are scattered over a square in EPSG:25832 metres, three "Länder" split by x, districts
on a grid; commuters follow an exponential-decay gravity pattern with Poisson noise. Nothing
here is real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from regionatlas.analysis.scenarios.context import ScenarioContext, build_context

CATEGORIES = ("Oberzentrum", "Mittelzentrum", "Grundzentrum", "keine")


def synthetic_frames(
    n: int = 520,
    *,
    side_km: float = 150.0,
    seed: int = 0,
    commuter_share: float = 0.25,
    beta: float = 0.08,
    max_partners: int = 60,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    x = 480_000 + rng.uniform(0, side_km * 1000, n)
    y = 5_680_000 + rng.uniform(0, side_km * 1000, n)
    pop = np.round(np.exp(rng.normal(8.3, 1.0, n))).astype(int) + 200
    third = side_km * 1000 / 3
    state = np.array(["05", "06", "03"])[np.minimum(((x - 480_000) // third).astype(int), 2)]
    dist_id = ((x - 480_000) // 30_000).astype(int) * 10 + ((y - 5_680_000) // 30_000).astype(int)
    district = np.array([f"{s}9{d:02d}" for s, d in zip(state, dist_id, strict=True)])
    ags = np.array([f"{d}{i:03d}" for i, d in enumerate(district)])
    rank = np.argsort(-pop)
    category = np.full(n, "keine", dtype=object)
    category[rank[: max(1, n // 100)]] = "Oberzentrum"
    category[rank[max(1, n // 100) : max(2, n // 12)]] = "Mittelzentrum"
    category[rank[max(2, n // 12) : n // 3]] = "Grundzentrum"
    units = pd.DataFrame(
        {
            "ags": ags,
            "name": [f"Synthetisch {i}" for i in range(n)],
            "x": x,
            "y": y,
            "population": pop.astype("float64"),
            "state": state,
            "district": district,
            "area_km2": rng.uniform(15, 120, n),
            "central_place": category,
            "settlement_type": np.where(pop > 20_000, "städtisch", "ländlich"),
            "hub_score": pop / pop.max(),
        }
    )
    jobs = pop * np.where(
        category == "Oberzentrum", 2.0, np.where(category == "Mittelzentrum", 1.2, 0.6)
    )
    xy = np.column_stack([x, y]) / 1000.0
    rows_o, rows_d, rows_p = [], [], []
    for i in range(n):
        d = np.hypot(*(xy - xy[i]).T)
        w = jobs * np.exp(-beta * d)
        w[i] = 0.0
        partners = np.argsort(-w)[:max_partners]
        p = w[partners] / w[partners].sum()
        lam = commuter_share * pop[i] * p
        counts = rng.poisson(lam)
        keep = counts > 0
        rows_o.append(np.full(keep.sum(), i))
        rows_d.append(partners[keep])
        rows_p.append(counts[keep])
    o = np.concatenate(rows_o)
    d = np.concatenate(rows_d)
    od = pd.DataFrame(
        {
            "origin": ags[o],
            "destination": ags[d],
            "persons": np.concatenate(rows_p).astype("float64"),
            "flag": None,
        }
    )
    return units, od


def synthetic_context(n: int = 520, seed: int = 0, **kwargs: float) -> ScenarioContext:
    units, od = synthetic_frames(n, seed=seed, **kwargs)  # type: ignore[arg-type]
    return build_context(
        units, od, estimate_basis="synthetic", period="synthetic", region="synthetic"
    )
