"""Survey results: shares with Wilson intervals, breakdowns, and "perceived vs measured".

Pure functions over answers (list of ``{question code: value}`` as stored by the platform)
and frames; no I/O. The suppression rule is applied here, once, so that every output built
on these tables (web, API, downloads) shows the same cells as suppressed:

* a group with fewer than ``MIN_N`` (5) responses shows nothing but its being suppressed;
* a count of 1…4 responses is suppressed (primary), and when a single cell of a
  single-answer distribution is suppressed, the next smallest non-zero cell is suppressed
  too (secondary: else it could be recovered from the total);
* suppressed cells carry ``suppressed = True`` and no count, share or interval (NaN/None),
  never 0.

Agreement measures (stated in every comparison's ``measure``):

* staff catchment: 1 − total variation distance between the stated shares of a firm's staff
  by municipality of residence and the measured origin shares of the commuters into the
  firm's municipality, both coarsened to the stated places plus "elsewhere" (1 = identical);
* orientation: the share of stated work destinations among the municipality's measured top
  destinations of out-commuters (as many as were stated), the share whose first-named place
  is the measured top destination, and the share of stated places in the same labour-market
  area;
* cooperation: the share of stated cross-border partners with a measured commuter linkage
  (persons in both directions ≥ ``LINK_MIN``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

MIN_N = 5
Z95 = 1.959963984540054
LINK_MIN = 10.0
OTHER = "-oth-"
RESULT_COLUMNS = [
    "question",
    "group_by",
    "group",
    "option",
    "count",
    "n",
    "share",
    "ci_low",
    "ci_high",
    "mean",
    "suppressed",
]


class QuestionLike(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def option_codes(self) -> tuple[str, ...]: ...


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share k/n (95 % by default)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _items(qtype: str, v: Any) -> list[str]:
    """The option codes one answer counts for."""
    if qtype == "multi":
        return list(v)
    if qtype == "ranking":
        return list(v[:1])  # first rank: the most important
    if qtype == "place":
        return [p["ags"] for p in v]
    return [str(v)]


def _rows_for(
    q: QuestionLike,
    counts: dict[str, int],
    n: int,
    numbers: list[float],
    group_by: str,
    group: str,
) -> list[dict[str, Any]]:
    base: dict[str, Any] = {"question": q.code, "group_by": group_by, "group": group, "n": n}
    if n < MIN_N:
        return [{**base, "option": "", "suppressed": True, "n": None}]
    if q.type == "number":
        return [{**base, "option": "", "mean": float(np.mean(numbers)), "suppressed": False}]
    if q.type == "scale":
        options = [str(int(v)) for v in sorted(set(numbers))]
    elif q.type == "place":
        options = sorted(counts)
    else:
        options = [*q.option_codes, OTHER]
    rows: list[dict[str, Any]] = []
    for opt in options:
        k = int(counts.get(opt, 0))
        if opt == OTHER and k == 0:
            continue
        lo, hi = wilson(k, n)
        rows.append({**base, "option": opt, "count": k, "share": k / n, "ci_low": lo,
                     "ci_high": hi, "suppressed": 0 < k < MIN_N})  # fmt: skip
    exclusive = q.type in ("choice", "scale")
    primary = [r for r in rows if r["suppressed"]]
    if exclusive and len(primary) == 1:
        rest = sorted((r for r in rows if not r["suppressed"] and r["count"] > 0),
                      key=lambda r: int(r["count"]))  # fmt: skip
        if rest:
            rest[0]["suppressed"] = True
    if q.type == "scale":
        mean = float(np.mean(numbers))
        rows.append({**base, "option": "mean", "mean": mean, "suppressed": False})
    for r in rows:
        if r["suppressed"]:
            r.update(count=None, share=None, ci_low=None, ci_high=None)
    return rows


Counts = dict[tuple[Any, ...], dict[str, int]]


def _nested(series: pd.Series) -> Counts:
    """{(target..., question): {item: count}} from a counts series indexed (..., q, item)."""
    out: Counts = defaultdict(dict)
    for key, k in zip(series.index.tolist(), series.to_numpy().tolist(), strict=True):
        out[key[:-1]][key[-1]] = int(k)
    return out


def tabulate(
    questions: Sequence[QuestionLike],
    answers: Sequence[Mapping[str, Any]],
    groupings: Mapping[str, Callable[[Mapping[str, Any]], str | None]] | None = None,
) -> pd.DataFrame:
    """Results per question for all responses (``group_by`` "all") and per group of each
    grouping (a function response -> group key, None = unknown). Free-text questions are
    never tabulated. One pass turns the answers into long tables; counts per group are
    grouped sums over them."""
    groupings = groupings or {}
    coded = [q for q in questions if q.type != "text"]
    long_i: list[int] = []
    long_q: list[str] = []
    long_item: list[str] = []
    ans_i: list[int] = []
    ans_q: list[str] = []
    ans_v: list[float] = []
    for i, a in enumerate(answers):
        for q in coded:
            v = a.get(q.code)
            if v is None:
                continue
            ans_i.append(i)
            ans_q.append(q.code)
            ans_v.append(float(v) if q.type in ("number", "scale") else math.nan)
            for it in _items(q.type, v):
                long_i.append(i)
                long_q.append(q.code)
                long_item.append(it)
    items = pd.DataFrame({"i": long_i, "q": long_q, "item": long_item})
    answered = pd.DataFrame({"i": ans_i, "q": ans_q, "v": ans_v})
    targets: list[tuple[str, str]] = [("all", "all")]
    tables: dict[str, tuple[Counts, dict[Any, int], dict[Any, list[float]]]] = {}
    labels = {"all": np.full(len(answers), "all", dtype=object)}
    for name, key in groupings.items():
        labels[name] = np.array([key(a) for a in answers], dtype=object)
    for name, lab in labels.items():
        it = items.assign(g=lab[items["i"].to_numpy()] if len(items) else [])
        an = answered.assign(g=lab[answered["i"].to_numpy()] if len(answered) else [])
        it, an = it[it["g"].notna()], an[an["g"].notna()]
        counts = _nested(it.groupby(["g", "q", "item"]).size())
        size = an.groupby(["g", "q"]).size()
        ns = dict(zip(size.index.tolist(), size.to_numpy().tolist(), strict=True))
        nums: dict[Any, list[float]] = defaultdict(list)
        num = an[an["v"].notna()]
        for g, q, v in zip(num["g"].tolist(), num["q"].tolist(), num["v"].tolist(), strict=True):
            nums[(g, q)].append(v)
        tables[name] = (counts, ns, nums)
        if name != "all":
            targets += [(name, g) for g in sorted({str(g) for g in an["g"].tolist()})]
    rows: list[dict[str, Any]] = []
    for group_by, group in targets:
        counts, ns, nums = tables[group_by]
        for q in coded:
            cell = (group, q.code)
            rows += _rows_for(q, counts.get(cell, {}), ns.get(cell, 0), nums.get(cell, []),
                              group_by, group)  # fmt: skip
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


# ------------------------------------------------------------------ perceived vs measured
@dataclass
class Comparison:
    """One perceived-vs-measured comparison: per-response table, per-area table (suppressed
    below MIN_N), overall summary, and what the agreement measure is."""

    name: str
    measure: str
    per_area: pd.DataFrame  # area, level, n, agreement, ci_low, ci_high, suppressed
    summary: dict[str, Any]
    basis: str = ""
    notes: list[str] = field(default_factory=list)


def _area_table(records: list[tuple[str, float]], level: str, share: bool = False) -> pd.DataFrame:
    """Mean agreement per area; ``share=True`` when the values are 0/1 hits (Wilson CI)."""
    by: dict[str, list[float]] = defaultdict(list)
    for area, value in records:
        by[area].append(value)
    rows = []
    for area in sorted(by):
        vals = by[area]
        n = len(vals)
        row: dict[str, Any] = {"area": area, "level": level, "n": n}
        if n < MIN_N:
            row.update(n=None, agreement=None, ci_low=None, ci_high=None, suppressed=True)
        else:
            mean = float(np.mean(vals))
            if share:
                lo, hi = wilson(round(sum(vals)), n)
            else:
                sd = float(np.std(vals, ddof=1)) if n > 1 else 0.0
                half = Z95 * sd / math.sqrt(n)
                lo, hi = max(0.0, mean - half), min(1.0, mean + half)
            row.update(agreement=mean, ci_low=lo, ci_high=hi, suppressed=False)
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["area", "level", "n", "agreement", "ci_low", "ci_high", "suppressed"]
    )


def _summary(values: list[float], share: bool) -> dict[str, Any]:
    n = len(values)
    if n < MIN_N:
        return {"n": None, "agreement": None, "ci_low": None, "ci_high": None, "suppressed": True}
    mean = float(np.mean(values))
    if share:
        lo, hi = wilson(round(sum(values)), n)
    else:
        half = Z95 * float(np.std(values, ddof=1)) / math.sqrt(n)
        lo, hi = max(0.0, mean - half), min(1.0, mean + half)
    return {"n": n, "agreement": mean, "ci_low": lo, "ci_high": hi, "suppressed": False}


def _areas(ags: str, places: pd.DataFrame | PlaceIndex) -> list[tuple[str, str]]:
    pi = places if isinstance(places, PlaceIndex) else PlaceIndex.of(places)
    if ags not in pi.district:
        return []
    return [("gemeinde", ags), ("kreis", pi.district[ags]), ("land", pi.state[ags])]


def _by_level(records: list[tuple[str, str, float]], share: bool) -> pd.DataFrame:
    parts = []
    for level in ("gemeinde", "kreis", "land"):
        parts.append(_area_table([(a, v) for lv, a, v in records if lv == level], level, share))
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class PlaceIndex:
    """ags -> district and state, as plain dicts (fast lookups per response)."""

    district: dict[str, str]
    state: dict[str, str]

    @classmethod
    def of(cls, places: pd.DataFrame) -> PlaceIndex:
        idx = places.index.astype(str)
        return cls(
            dict(zip(idx, places["district"].astype(str), strict=True)),
            dict(zip(idx, places["state"].astype(str), strict=True)),
        )


@dataclass(frozen=True)
class FlowIndex:
    """Measured flows as lookups: inflow origin shares per destination, destinations of each
    origin by size (largest first, ties by key), persons between a pair in both directions."""

    inflow: dict[str, dict[str, float]]
    top_out: dict[str, list[str]]
    pair: dict[tuple[str, str], float]

    @classmethod
    def of(cls, flows: pd.DataFrame) -> FlowIndex:
        f = flows[flows["persons"].notna()]
        f = pd.DataFrame(
            {
                "o": f["origin"].astype(str).to_numpy(),
                "d": f["destination"].astype(str).to_numpy(),
                "p": f["persons"].astype(float).to_numpy(),
            }
        )
        f = f.groupby(["o", "d"], as_index=False)["p"].sum()
        f = f[f["p"] > 0]
        inflow: dict[str, dict[str, float]] = {}
        totals = f.groupby("d")["p"].transform("sum")
        share = (f["p"] / totals).to_numpy()
        for o, d, sh in zip(f["o"].to_numpy(), f["d"].to_numpy(), share, strict=True):
            inflow.setdefault(d, {})[o] = float(sh)
        out = f[f["o"] != f["d"]].sort_values(["o", "p", "d"], ascending=[True, False, True])
        top_out = {o: list(g["d"]) for o, g in out.groupby("o", sort=False)}
        pair: dict[tuple[str, str], float] = defaultdict(float)
        for o, d, p in zip(f["o"].to_numpy(), f["d"].to_numpy(), f["p"].to_numpy(), strict=True):
            pair[(o, d)] += float(p)
            if o != d:
                pair[(d, o)] += float(p)
        return cls(inflow, top_out, dict(pair))


def _index(flows: pd.DataFrame | FlowIndex) -> FlowIndex:
    return flows if isinstance(flows, FlowIndex) else FlowIndex.of(flows)


def _pindex(places: pd.DataFrame | PlaceIndex) -> PlaceIndex:
    return places if isinstance(places, PlaceIndex) else PlaceIndex.of(places)


def staff_catchment(
    answers: Sequence[Mapping[str, Any]],
    location: str,
    staff: str,
    flows: pd.DataFrame | FlowIndex,
    places: pd.DataFrame | PlaceIndex,
) -> Comparison:
    """Firms' stated staff catchment vs the commuter catchment of their municipality."""
    fi, pi = _index(flows), _pindex(places)
    records: list[tuple[str, str, float]] = []
    values: list[float] = []
    skipped = 0
    for a in answers:
        loc = a.get(location)
        stated = a.get(staff)
        if not loc or not stated or all(p.get("share") is None for p in stated):
            continue
        d = loc[0]["ags"]
        col = fi.inflow.get(d)
        if not col:
            skipped += 1
            continue
        p = {s["ags"]: (s.get("share") or 0) / 100 for s in stated}
        q = {o: col.get(o, 0.0) for o in p}
        p_rest = max(0.0, 1 - sum(p.values()))
        q_rest = max(0.0, 1 - sum(q.values()))
        agreement = 1 - 0.5 * (sum(abs(p[o] - q[o]) for o in p) + abs(p_rest - q_rest))
        values.append(agreement)
        records += [(lv, area, agreement) for lv, area in _areas(d, pi)]
    notes = (
        [f"{skipped} responses without measured inflows to their municipality"] if skipped else []
    )
    return Comparison(
        name="staff_catchment",
        measure="1 − total variation distance between stated and measured origin shares "
        "(stated places + elsewhere); 1 = identical, 0 = disjoint",
        per_area=_by_level(records, share=False),
        summary=_summary(values, share=False),
        notes=notes,
    )


def orientation(
    answers: Sequence[Mapping[str, Any]],
    location: str,
    work: str,
    flows: pd.DataFrame | FlowIndex,
    places: pd.DataFrame | PlaceIndex,
    lma: pd.Series | None = None,
) -> dict[str, Comparison]:
    """Municipalities' stated work destinations vs their dominant commuter destinations
    (top-k hits, first place = top destination) and their labour-market area."""
    fi, pi = _index(flows), _pindex(places)
    lmas = {} if lma is None else {str(k): v for k, v in lma.dropna().items() if v != 0}
    hits: list[tuple[str, str, float]] = []
    firsts: list[tuple[str, str, float]] = []
    same_lma: list[tuple[str, str, float]] = []
    v_hits: list[float] = []
    v_first: list[float] = []
    v_lma: list[float] = []
    for a in answers:
        loc = a.get(location)
        if not loc:
            continue
        o = loc[0]["ags"]
        stated = [p["ags"] for p in (a.get(work) or []) if p["ags"] != o]
        if not stated:
            continue
        areas = _areas(o, pi)
        ranked = fi.top_out.get(o)
        if ranked:
            top = ranked[: len(stated)]
            h = sum(1 for s in stated if s in top) / len(stated)
            f = 1.0 if stated[0] == ranked[0] else 0.0
            v_hits.append(h)
            v_first.append(f)
            hits += [(lv, ar, h) for lv, ar in areas]
            firsts += [(lv, ar, f) for lv, ar in areas]
        if o in lmas:
            same = [s for s in stated if s in lmas]
            if same:
                v = sum(1 for s in same if lmas[s] == lmas[o]) / len(same)
                v_lma.append(v)
                same_lma += [(lv, ar, v) for lv, ar in areas]
    return {
        "orientation_top": Comparison(
            "orientation_top",
            "share of stated work destinations among the measured top destinations of "
            "out-commuters (as many as stated)",
            _by_level(hits, share=False),
            _summary(v_hits, share=False),
        ),
        "orientation_first": Comparison(
            "orientation_first",
            "share of municipalities whose first-named work destination is the measured top "
            "destination (Wilson 95 % interval)",
            _by_level(firsts, share=True),
            _summary(v_first, share=True),
        ),
        "orientation_lma": Comparison(
            "orientation_lma",
            "share of stated work destinations in the municipality's own labour-market area",
            _by_level(same_lma, share=False),
            _summary(v_lma, share=False),
            notes=[] if lmas else ["labour-market areas not available for the measured flows"],
        ),
    }


def cooperation(
    answers: Sequence[Mapping[str, Any]],
    location: str,
    partners: str,
    flows: pd.DataFrame | FlowIndex,
    places: pd.DataFrame | PlaceIndex,
    link_min: float = LINK_MIN,
) -> Comparison:
    """Stated partners across the state border vs measured commuter linkages."""
    fi, pi = _index(flows), _pindex(places)
    records: list[tuple[str, str, float]] = []
    values: list[float] = []
    for a in answers:
        loc = a.get(location)
        if not loc or loc[0]["ags"] not in pi.state:
            continue
        o = loc[0]["ags"]
        state = pi.state[o]
        areas = _areas(o, pi)
        for p in a.get(partners) or []:
            d = p["ags"]
            if d not in pi.state or pi.state[d] == state:
                continue
            linked = 1.0 if fi.pair.get((o, d), 0.0) >= link_min else 0.0
            values.append(linked)
            records += [(lv, ar, linked) for lv, ar in areas]
    return Comparison(
        "cooperation",
        f"share of stated cross-border partners with a measured commuter linkage "
        f"(≥ {link_min:g} persons in both directions together; Wilson 95 % interval)",
        _by_level(records, share=True),
        _summary(values, share=True),
    )
