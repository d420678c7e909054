"""Classification of indicator values for thematic maps (pure functions).

``classify(values, method, k)`` returns class breaks, the class of every value and the count per
class; ``palette(name, k)`` gives ``k`` colours of a colour-vision-deficiency safe sequential
scale, light (low) to dark (high). Missing or suppressed values (NaN) are left unclassified
(class ``-1``) and never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from regionatlas.errors import ParameterError

METHODS = ("quantiles", "natural_breaks", "equal_interval", "manual")
# Sequential scales that stay readable with red-green deficiencies (viridis family designed for
# it; the ColorBrewer sequential single/multi-hue scales are marked colour-blind safe).
PALETTES = ("viridis", "cividis", "YlGnBu", "Blues", "Purples", "OrRd")
MIN_K, MAX_K = 2, 9


@dataclass(frozen=True)
class Classification:
    method: str
    breaks: list[float]  # k+1 edges, ascending: [min, b1, ..., max]
    classes: list[int]  # class index per input value, -1 for missing
    counts: list[int]  # values per class
    missing: int  # values without a number (suppressed, unknown)

    @property
    def k(self) -> int:
        return len(self.breaks) - 1

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "breaks": self.breaks,
            "counts": self.counts,
            "missing": self.missing,
        }


def _check_k(k: int) -> None:
    if not MIN_K <= k <= MAX_K:
        raise ParameterError(
            f"number of classes k={k} is out of range; expected {MIN_K}..{MAX_K}",
            value=k,
            expected=f"{MIN_K}..{MAX_K}",
        )


def _upper_bounds(values: np.ndarray, method: str, k: int, manual: list[float] | None):
    if method == "quantiles":  # duplicate quantiles (ties) merge classes later
        return list(np.quantile(values, [i / k for i in range(1, k + 1)]))
    if method == "natural_breaks":
        return natural_breaks(values, k)
    if method == "equal_interval":
        lo, hi = float(values.min()), float(values.max())
        return [lo + (hi - lo) * i / k for i in range(1, k + 1)]
    if manual is None or len(manual) == 0:
        raise ParameterError(
            "manual classification needs breaks", expected="comma-separated ascending numbers"
        )
    inner = [float(b) for b in manual]
    if any(b2 <= b1 for b1, b2 in pairwise(inner)):
        raise ParameterError(
            f"manual breaks must be strictly ascending, got {inner}", value=str(inner)
        )
    if len(inner) + 1 > MAX_K:
        raise ParameterError(f"at most {MAX_K - 1} manual breaks", value=len(inner))
    return [*inner, max(float(values.max()), inner[-1])]


JENKS_SAMPLE = 3000


def natural_breaks(values: np.ndarray, k: int) -> list[float]:
    """Fisher-Jenks upper bounds (jenkspy, C). Above JENKS_SAMPLE values the breaks are
    computed on evenly spaced order statistics of the sorted values (deterministic)."""
    import jenkspy

    data = np.sort(values)
    if data.size > JENKS_SAMPLE:
        idx = np.linspace(0, data.size - 1, JENKS_SAMPLE).round().astype(int)
        data = data[idx]
    k = min(k, data.size - 1)
    return [float(b) for b in jenkspy.jenks_breaks(data, n_classes=k)[1:]]


def classify(
    values: list[float | None] | np.ndarray,
    method: str = "quantiles",
    k: int = 5,
    manual_breaks: list[float] | None = None,
) -> Classification:
    """Classify values; NaN/None are missing and get class -1.

    Breaks are the lower edge (the minimum) followed by each class's upper bound; a value v is
    in class i when breaks[i] < v <= breaks[i+1] (the first class includes the minimum).
    Duplicate edges (few distinct values) are merged, so fewer than k classes may result.
    """
    if method not in METHODS:
        raise ParameterError(
            f"unknown classification method {method!r}",
            value=method,
            expected=", ".join(METHODS),
        )
    if method != "manual":
        _check_k(k)
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    valid = ~np.isnan(arr)
    missing = int((~valid).sum())
    data = arr[valid]
    if data.size == 0:
        return Classification(method, [], [-1] * arr.size, [], missing)
    lo = float(data.min())
    if data.max() == lo:  # a single distinct value: one class
        upper = [lo]
    else:
        kk = min(k, int(np.unique(data).size)) if method != "manual" else k
        upper = _upper_bounds(data, method, max(kk, 1), manual_breaks)
    edges = [lo]
    for b in upper:
        b = float(b)
        if b > edges[-1] or len(edges) == 1:
            edges.append(b)
    if len(edges) == 1:
        edges.append(lo)
    edges[-1] = max(edges[-1], float(data.max()))
    inner = np.asarray(edges[1:-1], dtype=float)
    cls = np.full(arr.size, -1, dtype=int)
    cls[valid] = np.searchsorted(inner, data, side="left")
    counts = np.bincount(cls[valid], minlength=len(edges) - 1).tolist()
    return Classification(method, [float(e) for e in edges], cls.tolist(), counts, missing)


@lru_cache(maxsize=128)
def palette(name: str = "viridis", k: int = 5) -> tuple[str, ...]:
    """``k`` hex colours of a CVD-safe sequential scale, light (low) to dark (high)."""
    if name not in PALETTES:
        raise ParameterError(f"unknown palette {name!r}", value=name, expected=", ".join(PALETTES))
    if not 1 <= k <= MAX_K:
        raise ParameterError(f"palette size {k} out of range", value=k, expected=f"1..{MAX_K}")
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[name]
    # viridis/cividis run dark -> light; the ColorBrewer scales light -> dark.
    reverse = name in ("viridis", "cividis")
    # Stay inside the scale: the extremes of ColorBrewer scales are nearly white.
    lo, hi = (0.12, 0.95) if not reverse else (0.0, 0.92)
    positions = [lo + (hi - lo) * (i / max(k - 1, 1)) for i in range(k)]
    if reverse:
        positions = [1.0 - p for p in positions]
    return tuple(to_hex(cmap(p)) for p in positions)
