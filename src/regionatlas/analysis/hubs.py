"""Hubs and catchments: centres ranked by inflow and centrality, catchment shares, the
dominant-flow hierarchy (Nystuen & Dacey 1961) and candidate Knotenpunkte (places where many
commuters' routes meet).

Routes are straight lines between population-weighted centroids until a transport network is
imported; every result that depends on them carries ``ROUTES_NOTE``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from regionatlas.analysis.flowframe import ROUTES_NOTE, check_flows, plain, pooled_mask
from regionatlas.errors import ParameterError


def rank_centres(indicators: pd.DataFrame, *, min_jobs: float = 0.0) -> pd.DataFrame:
    """Rank units (rows of ``flow_indicators``) by in-commuters and by job centrality.

    Units with unknown figures get no rank (NaN); ``min_jobs`` keeps tiny places with a high
    ratio out of the centrality ranking. Sorted by rank_inflow.
    """
    df = indicators[["in_commuters", "jobs", "job_centrality", "balance"]].copy()
    df["rank_inflow"] = df["in_commuters"].rank(ascending=False, method="min")
    elig = df["job_centrality"].where(df["jobs"].fillna(0) >= min_jobs)
    df["rank_centrality"] = elig.rank(ascending=False, method="min")
    return df.sort_values(["rank_inflow", "rank_centrality"], na_position="last")


def catchments(
    flows: pd.DataFrame,
    centres: list[str],
    *,
    out_totals: pd.Series | None = None,
) -> pd.DataFrame:
    """Share of each place's out-commuters going to each centre (long format).

    Columns: origin, centre, persons, share, primary (True for the centre with the largest
    share of that origin). The denominator is the origin's out-commuters: ``out_totals``
    where given, else its published flows to other places incl. pooled rows (suppressed
    flows then make the share an upper bound — noted in ``share_basis``).
    """
    f = plain(check_flows(flows))
    cs = pd.Index([str(c) for c in centres])
    f = f[f["origin"] != f["destination"]]
    known = f[f["persons"].notna()]
    denom = known.groupby("origin")["persons"].sum()
    has_unpub = f[f["persons"].isna()].groupby("origin").size().reindex(denom.index).notna()
    basis = pd.Series(
        np.where(
            has_unpub, "published flows (suppressed flows missing: upper bound)", "published flows"
        ),
        index=denom.index,
    )
    if out_totals is not None:
        t = out_totals.astype(float)
        t.index = t.index.astype(str)
        t = t.reindex(denom.index)
        basis = basis.where(t.isna(), "published total")
        denom = t.fillna(denom)
    to_c = known[known["destination"].isin(cs) & ~pooled_mask(known)]
    out = pd.DataFrame(
        {
            "origin": to_c["origin"].to_numpy(),
            "centre": to_c["destination"].to_numpy(),
            "persons": to_c["persons"].to_numpy(),
        }
    )
    out["share"] = out["persons"] / denom.reindex(out["origin"]).to_numpy()
    out["share_basis"] = basis.reindex(out["origin"]).to_numpy()
    out = out.sort_values(["origin", "share", "centre"], ascending=[True, False, True])
    out["primary"] = ~out.duplicated("origin")
    return out.reset_index(drop=True)


def dominant_flow_hierarchy(
    flows: pd.DataFrame, size: pd.Series, *, min_share: float = 0.0
) -> pd.DataFrame:
    """Nystuen–Dacey dominant-flow tree.

    Each place's dominant flow is its largest published outflow to another place (ties: the
    smaller key). A place is subordinate to that target when the target is strictly larger by
    ``size`` (jobs or in-commuters) and the flow is at least ``min_share`` of the place's
    published outflows; otherwise it is a terminal (nodal) centre. Since every step goes to a
    strictly larger place the result is a forest; ``centre`` is each place's terminal centre.

    Columns (index ags): size, dominant_target, dominant_persons, dominant_share, parent,
    is_terminal, centre, depth, n_subordinates (direct and indirect).
    """
    if not 0 <= min_share <= 1:
        raise ParameterError("min_share must lie in [0, 1]", value=min_share)
    f = plain(check_flows(flows))
    s = size.astype(float)
    s.index = s.index.astype(str)
    places = s.index
    f = f[(f["origin"] != f["destination"]) & f["persons"].notna()]
    tot = f.groupby("origin")["persons"].sum()
    real = f[~pooled_mask(f)]
    real = real.sort_values(["origin", "persons", "destination"], ascending=[True, False, True])
    dom = real.drop_duplicates("origin").set_index("origin")
    out = pd.DataFrame(index=pd.Index(places, name="ags"))
    out["size"] = s
    out["dominant_target"] = dom["destination"].reindex(places).astype(object)
    out["dominant_persons"] = dom["persons"].reindex(places)
    out["dominant_share"] = out["dominant_persons"] / tot.reindex(places)
    tsize = s.reindex(out["dominant_target"].fillna("")).to_numpy()
    sub = (
        out["dominant_target"].notna().to_numpy()
        & (tsize > out["size"].to_numpy())  # NaN compares False: unknown size → independent
        & (out["dominant_share"].fillna(0).to_numpy() >= min_share)
    )
    out["parent"] = out["dominant_target"].where(sub, None).astype(object)
    out["is_terminal"] = ~sub
    # pointer jumping to the terminal centre, then the depth by walking up once
    pos = np.arange(len(out))
    par = np.where(sub, places.get_indexer(out["dominant_target"].fillna("")), pos)
    par = np.where(par < 0, pos, par)
    root = par.copy()
    while not np.array_equal(root[root], root):
        root = root[root]
    depth = np.zeros(len(out), dtype=int)
    cur = pos.copy()
    moving = par[cur] != cur
    while moving.any():
        depth += moving
        cur = np.where(moving, par[cur], cur)
        moving = par[cur] != cur
    out["centre"] = places.to_numpy()[root]
    out["depth"] = depth
    out["n_subordinates"] = _descendants(par, pos)
    return out


def _descendants(par: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Number of direct and indirect subordinates of each node in a parent-pointer forest."""
    counts = np.zeros(len(par), dtype=int)
    cur = par.copy()
    active = cur != pos
    while active.any():
        np.add.at(counts, cur[active], 1)
        nxt = par[cur]
        active = active & (nxt != cur)
        cur = nxt
    return counts


@dataclass(frozen=True)
class Knotenpunkte:
    """Candidate junctions: places scored by straight-line route volume through their cell."""

    places: pd.DataFrame  # index ags: cell, persons_through, routes_through, persons_all, rank
    cells: pd.DataFrame  # cell, x, y (centre, EPSG:25832 m), persons_through, routes_through
    cell_km: float
    note: str = ROUTES_NOTE


def knotenpunkte(
    flows: pd.DataFrame,
    centroids: pd.DataFrame,
    *,
    places: list[str] | None = None,
    cell_km: float = 2.0,
    min_persons: float = 0.0,
) -> Knotenpunkte:
    """Rasterise straight-line routes of published flows onto a grid of ``cell_km`` cells
    and score places by the commuters whose routes pass their cell without starting or
    ending there (``persons_through``). Each route counts once per cell it crosses (sampled
    every cell_km/3 along the line; consecutive duplicates removed — a straight line never
    re-enters a square cell). Places sharing a cell share its score.
    """
    if cell_km <= 0:
        raise ParameterError("cell size must be positive", value=cell_km, expected="> 0 km")
    f = plain(check_flows(flows))
    f = f[(f["origin"] != f["destination"]) & f["persons"].notna() & ~pooled_mask(f)]
    f = f[f["persons"] > min_persons]
    idx = centroids.index
    o, d = idx.get_indexer(f["origin"].to_numpy()), idx.get_indexer(f["destination"].to_numpy())
    ok = (o >= 0) & (d >= 0)
    o, d, w = o[ok], d[ok], f["persons"].to_numpy()[ok]
    x, y = centroids["x"].to_numpy(float), centroids["y"].to_numpy(float)
    cell = cell_km * 1000.0
    x0, y0 = np.nanmin(x) - cell, np.nanmin(y) - cell
    nx = int(np.ceil((np.nanmax(x) - x0) / cell)) + 2
    ox, oy, dx, dy = x[o], y[o], x[d], y[d]
    length = np.hypot(dx - ox, dy - oy)
    k = np.ceil(length / (cell / 3.0)).astype(np.int64) + 1
    flow_id = np.repeat(np.arange(len(o)), k)
    start = np.repeat(np.cumsum(k) - k, k)
    t = (np.arange(k.sum()) - start) / np.maximum(np.repeat(k - 1, k), 1)
    sx = ox[flow_id] + t * (dx - ox)[flow_id]
    sy = oy[flow_id] + t * (dy - oy)[flow_id]
    c = ((sy - y0) // cell).astype(np.int64) * nx + ((sx - x0) // cell).astype(np.int64)
    keep = np.ones(len(c), dtype=bool)
    keep[1:] = (c[1:] != c[:-1]) | (flow_id[1:] != flow_id[:-1])
    c, flow_id = c[keep], flow_id[keep]

    def cell_of(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        result: np.ndarray = ((py - y0) // cell).astype(np.int64) * nx + ((px - x0) // cell).astype(
            np.int64
        )
        return result

    end_cells = (cell_of(ox, oy), cell_of(dx, dy))
    through = (c != end_cells[0][flow_id]) & (c != end_cells[1][flow_id])
    ucell, inv = np.unique(c, return_inverse=True)
    pw = w[flow_id]
    cells = pd.DataFrame(
        {
            "cell": ucell,
            "x": x0 + (ucell % nx + 0.5) * cell,
            "y": y0 + (ucell // nx + 0.5) * cell,
            "persons_through": np.bincount(inv, weights=pw * through, minlength=len(ucell)),
            "routes_through": np.bincount(inv, weights=through, minlength=len(ucell)).astype(int),
            "persons_all": np.bincount(inv, weights=pw, minlength=len(ucell)),
        }
    )
    pl = pd.Index([str(p) for p in places]) if places is not None else idx
    pc = cell_of(centroids.loc[pl, "x"].to_numpy(float), centroids.loc[pl, "y"].to_numpy(float))
    scored = cells.set_index("cell").reindex(pc)
    res = pd.DataFrame(
        {
            "cell": pc,
            "persons_through": scored["persons_through"].fillna(0.0).to_numpy(),
            "routes_through": scored["routes_through"].fillna(0).astype(int).to_numpy(),
            "persons_all": scored["persons_all"].fillna(0.0).to_numpy(),
        },
        index=pd.Index(pl, name="ags"),
    )
    res["rank"] = res["persons_through"].rank(ascending=False, method="min").astype(int)
    res = res.sort_values(["rank"], kind="stable")
    return Knotenpunkte(res, cells, cell_km)
