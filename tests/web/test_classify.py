"""Classification: hand-computed cases, invariants, CVD-safe palettes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionatlas.errors import ParameterError
from regionatlas.web.classify import PALETTES, classify, palette


def test_equal_interval_by_hand():
    c = classify([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], "equal_interval", 5)
    assert c.breaks == [0, 2, 4, 6, 8, 10]
    # classes: (..2] -> 0,1,2 ; (2..4] -> 3,4 ; (4..6] -> 5,6 ; (6..8] -> 7,8 ; (8..10] -> 10
    assert c.counts == [3, 2, 2, 2, 1]
    assert c.classes[:3] == [0, 0, 0] and c.classes[-1] == 4


def test_quantiles_even_counts():
    c = classify(list(range(1, 101)), "quantiles", 4)
    assert c.counts == [25, 25, 25, 25]


def test_natural_breaks_separate_clusters():
    values = [1, 2, 3, 100, 101, 102, 1000, 1001]
    c = classify(values, "natural_breaks", 3)
    assert c.counts == [3, 3, 2]


def test_manual_breaks():
    c = classify([1, 5, 10, 50, 100], "manual", 5, [10, 50])
    assert c.breaks == [1, 10, 50, 100]
    assert c.counts == [3, 1, 1]


def test_missing_values_are_not_zero():
    c = classify([None, 1.0, float("nan"), 3.0, 5.0], "equal_interval", 2)
    assert c.missing == 2
    assert c.classes[0] == -1 and c.classes[2] == -1
    assert sum(c.counts) == 3
    assert c.breaks[0] == 1.0  # not 0


def test_single_value_and_empty():
    assert classify([4, 4, 4], "quantiles", 5).counts == [3]
    assert classify([None, None], "quantiles", 5).counts == []


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("nope", 5), {}),
        (("quantiles", 1), {}),
        (("quantiles", 12), {}),
        (("manual", 5), {}),
        (("manual", 5), {"manual_breaks": [5, 3]}),
    ],
)
def test_bad_parameters(args, kwargs):
    with pytest.raises(ParameterError):
        classify([1, 2, 3, 4], *args, **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False) | st.none(), min_size=1, max_size=60),
    st.sampled_from(["quantiles", "natural_breaks", "equal_interval"]),
    st.integers(2, 7),
)
def test_invariants(values, method, k):
    c = classify(values, method, k)
    nums = [v for v in values if v is not None]
    assert sum(c.counts) == len(nums)
    assert c.missing == len(values) - len(nums)
    if nums:
        assert c.breaks[0] == pytest.approx(min(nums)) and c.breaks[-1] >= max(nums) - 1e-6
        # the first class may hold only the minimum (upper bound == minimum); above it the
        # edges rise strictly
        assert c.breaks[0] <= c.breaks[1]
        assert all(b2 > b1 for b1, b2 in zip(c.breaks[1:], c.breaks[2:], strict=False))
        assert len(c.counts) <= k
        for v, cls in zip(values, c.classes, strict=True):
            if v is None:
                assert cls == -1
            else:
                lo, hi = c.breaks[cls], c.breaks[cls + 1]
                assert lo - 1e-6 <= v <= hi + 1e-6


def _lightness(hex_colour: str) -> float:
    """CIELAB L* of an sRGB colour (D65)."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116 * f - 16


@pytest.mark.parametrize("name", PALETTES)
@pytest.mark.parametrize("k", [3, 5, 7, 9])
def test_palettes_monotonic_lightness(name, k):
    """Light to dark, strictly: readable without hue (colour-vision deficiency, greyscale)."""
    ls = [_lightness(c) for c in palette(name, k)]
    assert all(b < a - 2 for a, b in itertools.pairwise(ls)), ls
    assert len(set(palette(name, k))) == k
    assert not math.isnan(np.mean(ls))


def test_unknown_palette():
    with pytest.raises(ParameterError):
        palette("jet", 5)


# ---- signed values, rounding, typed breaks (issue #10) -------------------------------------
from regionatlas.web.classify import (  # noqa: E402
    BreaksError,
    diverging_colours,
    parse_breaks,
    precision,
    scale_of,
)


def test_signed_values_split_at_zero():
    # a commuter balance: losers and one big winner must not share a class
    values = [-274, -120, -50, -10, 5, 40, 300, 36840]
    c = classify(values, "quantiles", 5, centre=0, digits=0)
    assert c.diverging and 0.0 in c.breaks
    assert all(b <= 0 or b > 0 for b in c.breaks)
    below = [v for v, k in zip(values, c.classes, strict=True) if k < c.n_below]
    assert below == [-274, -120, -50, -10]
    cols = diverging_colours(c.n_below, c.k - c.n_below, 0)
    assert len(cols) == c.k and len(set(cols)) == c.k


def test_unsigned_values_stay_sequential():
    c = classify([1, 2, 3, 4, 5], "quantiles", 3, centre=0)
    assert not c.diverging
    assert scale_of([1, 2, 3], "Personen")["centre"] is None
    assert scale_of([-1, 2, 3], "Personen")["centre"] == 0.0


def test_bounds_rounded_to_the_indicators_precision():
    values = [0, 1, 2, 3, 269, 270, 300, 1000]
    raw = classify(values, "quantiles", 5)
    assert any(b != round(b) for b in raw.breaks)  # 269.4 and the like without rounding
    c = classify(values, "quantiles", 5, digits=0)
    assert all(b == round(b) for b in c.breaks)
    assert sum(c.counts) == len(values)
    assert precision(values, "Personen") == 0
    assert precision([0.25, 1.5], "%") == 1
    assert precision([0.25, 1.5], "Verhältnis") == 2


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1.000, 5.000", "de", [1000, 5000]),
        ("1.000; 5.000; 20.000", "de", [1000, 5000, 20000]),
        ("2,5 10", "de", [2.5, 10]),
        ("\u22125; 0; 2,5", "de", [-5, 0, 2.5]),
        ("1,000, 5,000", "en", [1000, 5000]),
        ("1000,5000", "en", [1000, 5000]),
        ("2.5; 10", "en", [2.5, 10]),
    ],
)
def test_typed_breaks_in_the_pages_number_format(text, lang, expected):
    assert parse_breaks(text, lang) == expected


@pytest.mark.parametrize(
    "text", ["abc", "5; 1", "1.5", "", "1.00"]
)  # not a number in German, not ascending, empty
def test_invalid_typed_breaks_are_refused(text):
    with pytest.raises(BreaksError):
        parse_breaks(text, "de")


def test_signed_values_with_few_classes_per_side():
    # k=3: one class below 0, two above; k=2: one each side
    for k in (2, 3, 4):
        c = classify([-5, -1, 2, 4, 8, 100], "quantiles", k, centre=0, digits=0)
        assert c.diverging and c.n_below >= 1 and sum(c.counts) == 6
