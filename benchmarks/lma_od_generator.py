"""Deterministic SYNTHETIC OD tables for comparing our LMAs with the reference R package.

Every table is built from a :class:`OdCase` by :func:`generate_od` with a seeded
``numpy`` generator; nothing here is real data. The cases vary what steers the LMA
algorithm into its rarer branches:

* size (50-2,000 communities) and self-containment (share of employed residents working
  in their own community);
* **integer ties**: small counts (1-4) and duplicated communities (identical flow rows),
  so tie measures and validities are often exactly equal;
* **zero rows**: published pairs with amount 0 (the reference keeps them as links);
* **isolated communities**: only a self-flow, only sending (no jobs) or only receiving
  (no residents) - they must end in the zero list;
* **ids**: non-contiguous integers of different digit counts, so numeric order and text
  order differ ("43" < "113" as numbers, not as text).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class OdCase:
    name: str
    n: int
    seed: int
    self_share: float = 0.45  # mean share of residents working in their own community
    neighbours: int = 12  # destinations per origin
    small_counts: bool = False  # amounts 1-4 (many exact ties)
    twins: int = 0  # communities duplicated with identical rows (exact ties)
    zero_rows: int = 0  # extra pairs with amount 0
    isolated: int = 0  # communities with only a self-flow / only sending / only receiving
    min_size: float = 1000
    min_sc: float = 0.6667
    target_size: float = 10000
    target_sc: float = 0.75

    def params(self) -> dict[str, float]:
        return {
            "min_size": self.min_size,
            "min_sc": self.min_sc,
            "target_size": self.target_size,
            "target_sc": self.target_sc,
        }

    def as_dict(self) -> dict:
        return asdict(self)


def _ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct positive ids of 1-6 digits (numeric and text order differ)."""
    small = rng.choice(np.arange(1, 1000), size=min(n // 3, 999), replace=False)
    big = rng.choice(np.arange(1000, 2_000_000), size=n - len(small), replace=False)
    ids = np.concatenate([small, big])
    rng.shuffle(ids)
    return ids.astype(np.int64)


def generate_od(case: OdCase) -> pd.DataFrame:
    """The OD table of ``case``: int64 columns community_live, community_work, amount."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(case.seed)
    n = case.n
    xy = rng.uniform([0, 0], [300, 200], size=(n, 2))
    if case.small_counts:
        workers = rng.integers(3, 30, size=n)
    else:
        workers = np.maximum(np.round(rng.lognormal(np.log(700), 1.1, n)), 20).astype(np.int64)
    share = np.clip(rng.normal(case.self_share, 0.12, n), 0.02, 0.95)
    k = min(case.neighbours, n - 1)
    dist, idx = cKDTree(xy).query(xy, k=k + 1)
    dist, idx = dist[:, 1:], idx[:, 1:]
    attract = workers.astype(float) ** 1.1
    weight = attract[idx] / (dist + 2.0) ** 2
    prob = weight / weight.sum(axis=1, keepdims=True)
    n_self = np.round(workers * share).astype(np.int64)
    n_out = workers - n_self
    amounts = np.vstack([rng.multinomial(n_out[i], prob[i]) for i in range(n)])
    live = np.concatenate([np.repeat(np.arange(n), k), np.arange(n)])
    work = np.concatenate([idx.ravel(), np.arange(n)])
    amt = np.concatenate([amounts.ravel(), n_self])
    df = pd.DataFrame({"live": live, "work": work, "amount": amt})
    df = df[df["amount"] > 0]

    nxt = n
    extra: list[tuple[int, int, int]] = []
    # twins: a copy of community c with the same rows (to and from the same partners)
    for c in rng.choice(n, size=min(case.twins, n), replace=False):
        t = nxt
        nxt += 1
        rows = df[(df["live"] == c) | (df["work"] == c)]
        for a, b, x in rows.itertuples(index=False):
            a2 = t if a == c else a
            b2 = t if b == c else b
            extra.append((a2, b2, int(x)))
    # isolated communities: kinds cycle through self-only, send-only, receive-only
    for i in range(case.isolated):
        t = nxt
        nxt += 1
        partner = int(rng.integers(n))
        kind = i % 3
        if kind == 0:
            extra.append((t, t, int(rng.integers(5, 500))))
        elif kind == 1:
            extra.append((t, partner, int(rng.integers(1, 50))))
        else:
            extra.append((partner, t, int(rng.integers(1, 50))))
    if extra:
        df = pd.concat([df, pd.DataFrame(extra, columns=["live", "work", "amount"])])
        df = df.groupby(["live", "work"], as_index=False)["amount"].sum()
    # zero rows: pairs not yet present, amount 0
    if case.zero_rows:
        have = set(zip(df["live"].tolist(), df["work"].tolist(), strict=True))
        zeros = []
        while len(zeros) < case.zero_rows:
            a = int(rng.integers(nxt))
            b = int(idx[a % n, rng.integers(k)]) if rng.random() < 0.7 else int(rng.integers(nxt))
            if (a, b) not in have:
                have.add((a, b))
                zeros.append((a, b, 0))
        df = pd.concat([df, pd.DataFrame(zeros, columns=["live", "work", "amount"])])
    ids = _ids(rng, nxt)
    out = pd.DataFrame(
        {
            "community_live": ids[df["live"].to_numpy()],
            "community_work": ids[df["work"].to_numpy()],
            "amount": df["amount"].to_numpy(np.int64),
        }
    )
    order = rng.permutation(len(out))
    return out.iloc[order].reset_index(drop=True)


def _case(i: int, n: int, **kw) -> OdCase:
    return OdCase(name=f"g{i:02d}_n{n}", n=n, seed=20261204 + i, **kw)


def standard_cases() -> list[OdCase]:
    """The comparison set: 36 generated inputs from 50 to 2,000 communities, by size."""
    sizes = [50, 60, 80, 100, 120, 150, 180, 200, 240, 280, 300, 350, 400]
    cases: list[OdCase] = []
    variants = [
        {},
        {"small_counts": True, "neighbours": 6, "min_size": 60, "target_size": 400},
        {"zero_rows": 40, "isolated": 4},
        {"self_share": 0.25, "twins": 6},
        {"self_share": 0.7, "neighbours": 20},
        {
            "twins": 4,
            "zero_rows": 25,
            "isolated": 3,
            "small_counts": True,
            "neighbours": 5,
            "min_size": 50,
            "target_size": 300,
            "min_sc": 0.5,
            "target_sc": 0.6,
        },
    ]
    i = 0
    for n in sizes:
        for v in variants[i % len(variants) : i % len(variants) + 2]:
            cases.append(_case(i, n, **v))
            i += 1
    for n, v in [
        (70, {"zero_rows": 15, "isolated": 2, "twins": 3}),
        (90, {"self_share": 0.3, "small_counts": True, "min_size": 40, "target_size": 250}),
        (110, {"twins": 8, "neighbours": 4}),
        (130, {"zero_rows": 30, "self_share": 0.6}),
        (600, {}),
        (800, {"zero_rows": 100, "isolated": 6}),
        (1000, {}),
        (1000, {"small_counts": True, "neighbours": 8, "min_size": 60, "target_size": 400}),
        (1500, {"twins": 10}),
        (2000, {}),
    ]:
        cases.append(_case(i, n, **v))
        i += 1
    return sorted(cases, key=lambda c: c.n)


def fixture_cases() -> list[OdCase]:
    """The small inputs whose reference partitions are committed as test data."""
    return [c for c in standard_cases() if int(c.name[1:3]) < 15]


def _frame(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["community_live", "community_work", "amount"])


def constructed_cases() -> list[tuple[str, pd.DataFrame, dict[str, float]]]:
    """Hand-made inputs for rules that generated inputs rarely reach (see
    docs/lma-reference-differences.md for what each one shows)."""
    p100 = {"min_size": 100, "min_sc": 0.6, "target_size": 200, "target_sc": 0.75}
    cases = [
        # ids ranked as numbers: "9" and "10" are receive-only candidates of "2" with
        # exactly equal ties; the last in rank order wins - "10" (as text "9" would)
        (
            "c_numeric_id_order",
            _frame([(10, 10, 12), (2, 2, 4), (2, 10, 4), (9, 9, 12), (2, 9, 4)]),
            {"min_size": 10, "min_sc": 0.6, "target_size": 20, "target_sc": 0.75},
        ),
    ]
    cases += [
        # a row of amount 0 is a link: (5, 4, 0) lets 5 (and with it 1 and 2) join the
        # area of 4; without it they stay unassigned
        (
            "c_zero_row_link",
            _frame(
                [
                    (1, 1, 5),
                    (2, 5, 1),
                    (3, 3, 100),
                    (3, 4, 3),
                    (4, 4, 5),
                    (5, 1, 30),
                    (5, 2, 3),
                    (5, 4, 0),
                    (5, 5, 1),
                ]
            ),
            {"min_size": 900, "min_sc": 0.3, "target_size": 1000, "target_sc": 0.9},
        ),
        # the rest of a cluster after a link-branch step keeps its per-row minimum
        # validity for one iteration: community 8 ends with 1, 3, 4, 6 (re-aggregated it
        # would stay in its own area)
        (
            "c_split_cluster",
            _frame(
                [
                    (1, 1, 100),
                    (1, 3, 0),
                    (2, 2, 5),
                    (2, 5, 0),
                    (3, 4, 100),
                    (4, 6, 30),
                    (5, 5, 300),
                    (5, 10, 100),
                    (6, 1, 300),
                    (6, 6, 100),
                    (7, 5, 3),
                    (7, 9, 3),
                    (8, 3, 30),
                    (8, 8, 5),
                    (8, 9, 10),
                    (9, 4, 100),
                    (9, 7, 10),
                    (9, 9, 800),
                    (10, 10, 800),
                ]
            ),
            {"min_size": 10, "min_sc": 0.6667, "target_size": 40, "target_sc": 0.75},
        ),
    ]
    del p100
    return cases
