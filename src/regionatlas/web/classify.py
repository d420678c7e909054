"""Classification of indicator values for thematic maps (pure functions).

``classify(values, method, k)`` returns class breaks, the class of every value and the count per
class; ``palette(name, k)`` gives ``k`` colours of a colour-vision-deficiency safe sequential
scale, light (low) to dark (high). Missing or suppressed values (NaN) are left unclassified
(class ``-1``) and never counted as zero.

Signed values (a commuter balance: losses below 0, gains above) are classified on each side of
0 separately (``classify(..., centre=0)``), so no class straddles 0, and coloured with a
diverging scale (``diverging_colours``) whose direction follows the indicator's polarity.
Class bounds are rounded to the indicator's precision (``precision``). ``parse_breaks`` reads
the manual breaks a person types, in the page's number format (German ``1.000; 2,5``).
"""

from __future__ import annotations

import dataclasses
import re
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
    centre: float | None = None  # diverging: the value the scale is centred on (0)
    n_below: int = 0  # diverging: classes at or below the centre

    @property
    def diverging(self) -> bool:
        return self.centre is not None

    @property
    def k(self) -> int:
        return len(self.breaks) - 1

    def to_dict(self) -> dict:
        out = {
            "method": self.method,
            "breaks": self.breaks,
            "counts": self.counts,
            "missing": self.missing,
        }
        if self.diverging:
            out.update(centre=self.centre, n_below=self.n_below)
        return out


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
    *,
    centre: float | None = None,
    digits: int | None = None,
) -> Classification:
    """Classify values; see ``classify_plain``. With ``centre`` (e.g. 0) and values on both
    sides of it, each side is classified on its own (``diverging``); with ``digits`` the inner
    bounds are rounded to that many decimals (the outer ones stay min and max)."""
    if method != "manual" and centre is not None:
        arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
        data = arr[~np.isnan(arr)]
        if data.size and data.min() < centre < data.max():
            _check_k(k)
            return _diverging(arr, method, k, centre, digits)
    if digits is not None and method != "manual":
        plain = classify_plain(values, method, k)
        inner = _rounded(plain.breaks[1:-1], digits)
        if len(plain.breaks) < 3 or not inner:
            return plain
        return classify_plain(values, "manual", k, inner, method_name=method)
    return classify_plain(values, method, k, manual_breaks)


def _rounded(bounds: list[float], digits: int) -> list[float]:
    """Inner bounds rounded to ``digits`` decimals; duplicates after rounding dropped."""
    out: list[float] = []
    for b in bounds:
        r = round(float(b), digits)
        r = 0.0 if r == 0 else r  # no "-0"
        if not out or r > out[-1]:
            out.append(r)
    return out


def _side(values: np.ndarray, method: str, k: int) -> list[float]:
    """Inner bounds of one side of a diverging scale (none for a single class)."""
    if k < MIN_K or values.size < 2:
        return []
    return classify_plain(values, method, k).breaks[1:-1]


def _diverging(
    arr: np.ndarray, method: str, k: int, centre: float, digits: int | None
) -> Classification:
    """Classes below and above ``centre`` computed apart: k//2 below, the rest above."""
    data = arr[~np.isnan(arr)]
    below, above = data[data <= centre], data[data > centre]
    k_below = max(1, min(k // 2, int(np.unique(below).size)))
    k_above = max(1, min(k - k // 2, int(np.unique(above).size)))
    inner_below = _side(below, method, k_below)
    inner_above = _side(above, method, k_above)
    inner = [*inner_below, centre, *inner_above]
    if digits is not None:
        inner = _rounded(inner, digits)
    c = classify_plain(arr, "manual", k, inner, method_name=method)
    n_below = sum(1 for e in c.breaks[1:-1] if e <= centre)
    return dataclasses.replace(c, centre=centre, n_below=n_below)


def classify_plain(
    values: list[float | None] | np.ndarray,
    method: str = "quantiles",
    k: int = 5,
    manual_breaks: list[float] | None = None,
    method_name: str | None = None,
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
    name = method_name or method
    return Classification(name, [float(e) for e in edges], cls.tolist(), counts, missing)


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


# Diverging scales (ColorBrewer, marked colour-blind safe), listed from the low end to the
# high end. "More is better" (polarity +1): low = orange-brown, high = blue-green; "less is
# better" (-1) the other way round; neutral (0): purple below, orange above.
DIVERGING = {1: "BrBG", -1: "BrBG_r", 0: "PuOr_r"}


@lru_cache(maxsize=64)
def diverging_colours(n_below: int, n_above: int, polarity: int = 0) -> tuple[str, ...]:
    """Colours for ``n_below`` classes below the centre and ``n_above`` above it, equally
    intense at equal distance from the centre (the longer side reaches the darkest ends)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[DIVERGING.get(polarity, DIVERGING[0])]
    m = max(n_below, n_above, 1)
    # position 0.5 is the (near-white) centre; the outermost class sits at 0.05/0.95
    step = 0.45 / m
    below = [0.5 - step * (m - i) for i in range(m - n_below, m)]
    above = [0.5 + step * (i + 1) for i in range(n_above)]
    # the classes nearest the centre must still differ from the white background
    below = [min(p, 0.5 - 0.12) for p in below]
    above = [max(p, 0.5 + 0.12) for p in above]
    return tuple(to_hex(cmap(p)) for p in [*below, *above])


# Decimals of class bounds by the catalogue's unit (values without a fraction: 0 decimals).
UNIT_DIGITS = {
    "Personen": 0,
    "Betriebe": 0,
    "Einw./km²": 0,
    "km²": 1,
    "%": 1,
    "je 1.000 Einw.": 1,
    "Verhältnis": 2,
}


def precision(values: list[float | None] | np.ndarray, unit: str | None = None) -> int:
    """Decimals an indicator is shown with: 0 when every value is whole, else by its unit
    (1 when the unit is unknown)."""
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    data = arr[~np.isnan(arr)]
    if data.size and np.all(np.equal(np.mod(data, 1), 0)):
        return 0
    return UNIT_DIGITS.get(unit or "", 1)


# ----------------------------------------------------------------------- typed manual breaks
_SEPARATORS = re.compile(r"[;\s]+")
_NUMBER = {
    # German: "." groups thousands (in threes), "," is the decimal mark
    "de": re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
    # English: "," groups thousands, "." is the decimal mark
    "en": re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"),
}


class BreaksError(ParameterError):
    """Manual breaks a person typed that are not a list of ascending numbers."""


def _number(token: str, lang: str) -> float | None:
    token = token.replace("\u2212", "-")  # the typographic minus
    if not _NUMBER[lang].fullmatch(token):
        return None
    group, decimal = (".", ",") if lang == "de" else (",", ".")
    return float(token.replace(group, "").replace(decimal, "."))


def parse_breaks(text: str, lang: str = "de") -> list[float]:
    """The inner class bounds typed in the page's language: numbers separated by ";", blanks
    or (English) commas; German "1.000, 5.000" is 1000 and 5000, "2,5" is 2.5.

    Raises ``BreaksError`` naming the token that is not a number, or when the numbers do not
    ascend. The browser applies the same rules (static/js/common.js ``parseBreaks``)."""
    if lang not in _NUMBER:
        raise ParameterError(f"unknown language {lang!r}", value=lang, expected="de, en")
    out: list[float] = []
    for chunk in _SEPARATORS.split(text.strip()):
        if not chunk:
            continue
        chunk = chunk.rstrip(",")  # "1.000, 5.000": a comma before a blank separates
        parts = [chunk]
        if lang == "en" and _number(chunk, lang) is None:  # "1000,5000"
            parts = [p for p in chunk.split(",") if p]
        for part in parts:
            v = _number(part, lang)
            if v is None:
                raise BreaksError(
                    f"manual break {part!r} is not a number",
                    value=part,
                    expected="1.000; 2,5" if lang == "de" else "1,000; 2.5",
                )
            out.append(v)
    if not out:
        raise BreaksError("manual classification needs breaks", value=text, expected="numbers")
    if any(b <= a for a, b in pairwise(out)):
        raise BreaksError(
            f"manual breaks must ascend, got {text!r}", value=text, expected="ascending numbers"
        )
    return out


def scale_of(values: list[float | None], unit: str | None, polarity: int = 0) -> dict:
    """How a map shows an indicator's values: ``centre`` 0 when they lie on both sides of 0
    (a balance: diverging scale), else None (sequential); ``digits`` of the class bounds;
    ``polarity`` for the diverging colours' direction."""
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    data = arr[~np.isnan(arr)]
    signed = bool(data.size) and float(data.min()) < 0 < float(data.max())
    return {
        "centre": 0.0 if signed else None,
        "digits": precision(values, unit),
        "polarity": polarity,
    }


def preset_breaks(values: list[float | None], scale: dict, ks: tuple[int, ...]) -> dict:
    """Breaks per method and class count for the map's presets, on the indicator's scale."""
    return {
        m: {
            str(k): classify(values, m, k, centre=scale["centre"], digits=scale["digits"]).breaks
            for k in ks
        }
        for m in ("quantiles", "natural_breaks", "equal_interval")
    }


def diverging_ramps() -> dict[str, dict[str, list[str]]]:
    """polarity -> m -> the 2m colours of ``diverging_colours(m, m, polarity)``: a diverging
    legend with b classes below and a above 0 takes ``ramp[m][m-b : m+a]``, m = max(b, a)."""
    return {
        str(pol): {str(m): list(diverging_colours(m, m, pol)) for m in range(1, MAX_K)}
        for pol in DIVERGING
    }
