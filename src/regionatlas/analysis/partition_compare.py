"""Compare two partitions of the same communities (e.g. LMAs and Leiden communities).

Scores: adjusted Rand index and normalised mutual information (scikit-learn), a
cross-table of residents (rows: clusters of A, columns: clusters of B), the best match of
each cluster of A in B with its share of residents, and the *share of residents in
agreement* in both directions: the residents living in the B-cluster that holds the
largest part of their A-cluster's residents (and vice versa).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from regionatlas.errors import ParameterError


@dataclass
class PartitionComparison:
    n_communities: int
    n_clusters_a: int
    n_clusters_b: int
    adjusted_rand: float
    nmi: float
    agreement_a_in_b: float  # share of residents
    agreement_b_in_a: float
    crosstab: pd.DataFrame  # residents by (cluster a) x (cluster b)
    best_match: pd.DataFrame  # cluster_a, cluster_b, residents_a, share


def compare_partitions(
    a: pd.Series, b: pd.Series, residents: pd.Series | None = None
) -> PartitionComparison:
    """Compare two community -> cluster series on their common communities.

    ``residents`` (community -> count) weights the cross-table and agreement shares;
    without it every community weighs 1."""
    # imported here: scikit-learn costs ~1 s to load and most callers never compare partitions
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ParameterError("the two partitions share no community")
    a, b = a.loc[common], b.loc[common]
    w = (
        pd.Series(1.0, index=common)
        if residents is None
        else residents.reindex(common).fillna(0).astype(float)
    )
    df = pd.DataFrame({"a": a.to_numpy(), "b": b.to_numpy(), "w": w.to_numpy()}, index=common)
    ct = df.pivot_table(index="a", columns="b", values="w", aggfunc="sum", fill_value=0.0)
    total = float(df["w"].sum())
    best_b = ct.idxmax(axis=1)
    row_tot = ct.sum(axis=1)
    best = pd.DataFrame(
        {
            "cluster_a": ct.index,
            "cluster_b": best_b.to_numpy(),
            "residents_a": row_tot.to_numpy(),
            "share": (ct.max(axis=1) / row_tot.where(row_tot > 0)).to_numpy(),
        }
    )
    return PartitionComparison(
        n_communities=len(common),
        n_clusters_a=int(a.nunique()),
        n_clusters_b=int(b.nunique()),
        adjusted_rand=float(adjusted_rand_score(a.to_numpy(), b.to_numpy())),
        nmi=float(normalized_mutual_info_score(a.to_numpy(), b.to_numpy())),
        agreement_a_in_b=float(ct.max(axis=1).sum() / total) if total else float("nan"),
        agreement_b_in_a=float(ct.max(axis=0).sum() / total) if total else float("nan"),
        crosstab=ct,
        best_match=best,
    )
