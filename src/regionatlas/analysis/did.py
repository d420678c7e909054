"""Before/after and difference-in-differences for one intervention (pure).

The treated places got the measure at ``start``; the comparison places are similar places
without any measure (:func:`similar_places`). With values before and after the start for
both groups the estimate is the classic 2×2 difference in differences:

    DiD = (mean treated after − mean treated before) − (mean comparison after − mean before)

It rests on assumptions the page states (``ASSUMPTIONS``): without the measure the treated
places would have changed like the comparison places (parallel trends), the measure did not
affect the comparison places (no spill-over), and nothing else changed only for the treated
places at the same time. With a single period, or no period on one side of the start, the
estimate is not possible and the result says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

METHOD = (
    "2×2 difference in differences: change of the treated places' mean between the periods "
    "before and after the start minus the same change of the comparison places' mean"
)
ASSUMPTIONS = (
    "parallel trends: without the measure the treated places would have changed like the "
    "comparison places",
    "no spill-over: the measure did not change the comparison places",
    "no other change that hit only the treated places at the same time",
    "comparison places: same level, no measure of their own, nearest in population "
    "(log scale) before the start",
)


@dataclass(frozen=True)
class DidResult:
    possible: bool
    reason: str
    code: str  # one_period | no_values | no_before | no_after | no_controls | treated_missing
    #            | estimated | estimated_no_pretrend (stable, for translations)
    treated: tuple[str, ...]
    controls: tuple[str, ...]
    periods_before: tuple[str, ...] = ()
    periods_after: tuple[str, ...] = ()
    treated_before: float | None = None
    treated_after: float | None = None
    control_before: float | None = None
    control_after: float | None = None
    pre_trend_gap: float | None = None  # slope treated − slope comparison before the start
    method: str = METHOD
    assumptions: tuple[str, ...] = field(default=ASSUMPTIONS)

    @property
    def before_after(self) -> float | None:
        if self.treated_before is None or self.treated_after is None:
            return None
        return self.treated_after - self.treated_before

    @property
    def control_change(self) -> float | None:
        if self.control_before is None or self.control_after is None:
            return None
        return self.control_after - self.control_before

    @property
    def estimate(self) -> float | None:
        if not self.possible or self.before_after is None or self.control_change is None:
            return None
        return self.before_after - self.control_change


def similar_places(
    sizes: pd.Series, treated: Iterable[str], exclude: Iterable[str] = (), k: int = 5
) -> list[str]:
    """The ``k`` places nearest to the treated places' mean size on a log scale (``sizes``:
    ags -> population, the candidates of the same level), leaving out the treated and the
    excluded places (those with a measure of their own). Ties: by AGS."""
    treated = [t for t in treated if t in sizes.index]
    if not treated:
        return []
    ok = sizes[(sizes > 0) & sizes.notna()]
    target = sum(math.log(float(ok[t])) for t in treated if t in ok.index)
    n = sum(1 for t in treated if t in ok.index)
    if n == 0:
        return []
    target /= n
    skip = set(treated) | set(exclude)
    cand = ok[[a not in skip for a in ok.index]]
    dist = sorted((abs(math.log(float(v)) - target), str(a)) for a, v in cand.items())
    return [a for _, a in dist[:k]]


def _mean(frame: pd.DataFrame, keys: Iterable[str], periods: Iterable[str]) -> float | None:
    part = frame[frame["ags"].isin(list(keys)) & frame["period"].isin(list(periods))]
    vals = part["value"].dropna()
    return float(vals.mean()) if len(vals) else None


def _slope(frame: pd.DataFrame, keys: Iterable[str], periods: list[str]) -> float | None:
    means: list[tuple[str, float]] = []
    for p in periods:
        m = _mean(frame, keys, [p])
        if m is not None:
            means.append((p, m))
    if len(means) < 2:
        return None
    (p0, m0), (p1, m1) = means[0], means[-1]
    years = (pd.Timestamp(p1) - pd.Timestamp(p0)).days / 365.25
    return (m1 - m0) / years if years else None


def difference_in_differences(
    values: pd.DataFrame, treated: Iterable[str], controls: Iterable[str], start: str
) -> DidResult:
    """Before/after of the treated places and the DiD estimate against the comparison places.

    ``values``: ags, period (YYYY-MM-DD), value (NaN where withheld); a period counts as
    'after' from the start date on."""
    treated, controls = tuple(treated), tuple(controls)
    v = values[values["ags"].isin([*treated, *controls])]
    v = v[v["value"].notna()]
    periods = sorted(set(v["period"]))
    before = tuple(p for p in periods if p < start)
    after = tuple(p for p in periods if p >= start)
    common = {
        "treated": treated,
        "controls": controls,
        "periods_before": before,
        "periods_after": after,
        "treated_before": _mean(v, treated, before),
        "treated_after": _mean(v, treated, after),
        "control_before": _mean(v, controls, before),
        "control_after": _mean(v, controls, after),
    }
    if len(periods) < 2:
        why = "only one period in the data" if periods else "no values in the data"
        code = "one_period" if periods else "no_values"
        return DidResult(False, f"DiD not possible: {why}", code, **common)  # type: ignore[arg-type]
    if not before or not after:
        side = "before" if not before else "after"
        why = f"no period {side} the start {start}"
        return DidResult(False, f"DiD not possible: {why}", f"no_{side}", **common)  # type: ignore[arg-type]
    if not controls or common["control_before"] is None or common["control_after"] is None:
        why = "no comparison places with values on both sides of the start"
        return DidResult(False, f"DiD not possible: {why}", "no_controls", **common)  # type: ignore[arg-type]
    if common["treated_before"] is None or common["treated_after"] is None:
        why = "the treated places lack values on one side of the start"
        return DidResult(False, f"DiD not possible: {why}", "treated_missing", **common)  # type: ignore[arg-type]
    gap = None
    st, sc = _slope(v, treated, list(before)), _slope(v, controls, list(before))
    if st is not None and sc is not None:
        gap = st - sc
    if gap is not None:
        reason, code = "estimated", "estimated"
    else:
        reason = "estimated; parallel trends cannot be checked (one period before the start)"
        code = "estimated_no_pretrend"
    return DidResult(True, reason, code, pre_trend_gap=gap, **common)  # type: ignore[arg-type]
