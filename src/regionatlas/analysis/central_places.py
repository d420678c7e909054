"""Central-place comparison: designated central places (state plans, BBSR) against what the
commuter figures say a place does.

Two inputs, both one row per municipality (AGS, 8 characters):

``designations``  columns ``ags``, ``level``, ``category``, ``source`` — the designation in the
    state's own words (``category``) and on the harmonised scale ``level`` (3 Oberzentrum,
    2 Mittelzentrum, 1 Grundzentrum, 0 explicitly no central place). Build it with
    :func:`curated_designations` (the cited file, shipped as ``regionatlas/data/central-places``) or
    :func:`bbsr_designations` (the BBSR column "Zentralörtliche Einstufung (zusammengefasst)").
    A municipality without a cited designation is *absent*, never level 0.

``functional``  one row per municipality, AGS in column ``ags`` or in the index, and a
    centrality score (default ``balance`` = in-commuters − out-commuters, the jobs-based
    "Bedeutungsüberschuss" of Christaller's centrality), optionally ``name``, ``jobs``,
    ``employed_residents``, ``in_commuters``, ``out_commuters``, ``job_centrality`` (jobs /
    employed residents), ``catchment_population`` and ``rank``. :func:`functional_figures`
    builds it from ``analysis.flow_indicators.flow_indicators`` (+ catchments from a flows
    frame); any other numeric column can serve as ``score``.

Functional level (documented method, parameters explicit):

``method="matched"`` (default)  cut points are read off the designated places themselves: the
    places with a designation are ranked by score, and the k-th cut is the score of the last
    place inside the top (n3 + … + nk) places, nk being the number designated at level k. So the
    functional classes have the sizes the plans give, and a deviation means "ranks above/below
    places designated higher/lower". The same cuts then classify every place.
``method="thresholds"``  explicit ascending cut points ``(grund, mittel, ober)`` on the score.
``method="quantiles"``  shares of places per level from the top, e.g. ``{3: .02, 2: .1, 1: .4}``.

A missing score (suppressed or unknown figures) gives "no functional data", never level 0.

An optional boolean column ``assessable`` in ``functional`` (with an optional text column
``assessment`` saying why not) marks places whose figures cannot speak for the place itself —
e.g. municipal jobs modelled in proportion to population, which gives every municipality of a
district the same jobs per employed resident. Such places are "not assessable": they take no
part in the cut points, get no functional level and no deviation, and have their own column
in the matrix, so a modelling artefact is never reported as a place functioning below its
designation.

The result carries ``estimate_basis``, a caller-supplied label saying what the functional
figures rest on (e.g. "modelled estimate: municipal flows from a spatial-interaction model
fitted to the BA's Kreis × Kreis totals, 30.06.2023"), and every table repeats it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import SupportsInt, cast

import numpy as np
import pandas as pd

from regionatlas.analysis.hubs import catchments
from regionatlas.errors import ParameterError
from regionatlas.model.central_places import BBSR_CATEGORIES, BBSR_SOURCE, LEVEL_LABELS

NO_DESIGNATION = "no cited designation"
NO_FUNCTIONAL = "no functional data"
NOT_ASSESSABLE = "not assessable"

DESIGNATION_COLUMNS = ["ags", "level", "category", "source"]
SCORE_DEFAULT = "balance"
METHODS = ("matched", "thresholds", "quantiles")
_AGS = re.compile(r"\d{8}")


def level_label(level: object) -> str:
    """'Oberzentrum' for 3 … ; NO_DESIGNATION / NO_FUNCTIONAL strings pass through."""
    if isinstance(level, str):
        return level
    if level is None or (isinstance(level, float) and math.isnan(level)):
        raise ParameterError("a level is missing", expected="0, 1, 2 or 3")
    number = int(cast(SupportsInt, level))
    return f"{number} {LEVEL_LABELS[number]}"


# --------------------------------------------------------------------------- designations


def check_designations(designations: pd.DataFrame) -> pd.DataFrame:
    """Validated copy: str AGS (8 digits), int level 0..3, one row per AGS."""
    missing = [c for c in DESIGNATION_COLUMNS if c not in designations.columns]
    if missing:
        raise ParameterError(
            f"designations: missing columns {missing}",
            value=list(designations.columns),
            expected=DESIGNATION_COLUMNS,
        )
    out = designations[DESIGNATION_COLUMNS].copy()
    out["ags"] = out["ags"].astype(str)
    bad = out.loc[~out["ags"].str.fullmatch(_AGS), "ags"]
    if len(bad):
        raise ParameterError(
            "designations: AGS must be 8 digits (text with leading zeros)",
            value=bad.iloc[0],
            expected="e.g. '06611000'",
        )
    levels = pd.to_numeric(out["level"], errors="coerce")
    bad_level = out.loc[~levels.isin([0, 1, 2, 3]), "level"]
    if len(bad_level):
        raise ParameterError(
            "designations: level outside the harmonised scale",
            value=bad_level.iloc[0],
            expected="0, 1, 2 or 3 (a place without a cited designation is left out)",
        )
    out["level"] = levels.astype(int)
    dup = out.loc[out["ags"].duplicated(), "ags"]
    if len(dup):
        raise ParameterError(
            "designations: an AGS appears twice (select one source first)",
            value=dup.iloc[0],
            expected="one designation per municipality",
        )
    out["category"] = out["category"].astype(str)
    out["source"] = out["source"].astype(str)
    return out.reset_index(drop=True)


def bbsr_designations(
    frame: pd.DataFrame,
    *,
    ags_column: str = "ags",
    category_column: str = "Zentralörtliche Einstufung (zusammengefasst) Name",
    source: str = BBSR_SOURCE,
) -> pd.DataFrame:
    """Designations from the BBSR harmonised column; unknown category texts are an error."""
    for col in (ags_column, category_column):
        if col not in frame.columns:
            raise ParameterError(
                f"BBSR designations: column {col!r} missing",
                value=list(frame.columns),
                expected=[ags_column, category_column],
            )
    cats = frame[category_column].astype(str).str.strip()
    unknown = cats.loc[~cats.isin(BBSR_CATEGORIES)]
    if len(unknown):
        raise ParameterError(
            "BBSR designations: unknown category",
            value=unknown.iloc[0],
            expected=list(BBSR_CATEGORIES),
        )
    out = pd.DataFrame(
        {
            "ags": frame[ags_column].astype(str).str.zfill(8).to_numpy(),
            "level": cats.map(BBSR_CATEGORIES).astype(int).to_numpy(),
            "category": cats.to_numpy(),
            "source": source,
        }
    )
    return check_designations(out)


def curated_designations(curated: pd.DataFrame) -> pd.DataFrame:
    """Designations from the cited file (rows as read by sources.central_places_curated). Rows
    whose ``basis`` is ``not_found`` carry no designation and are left out (unknown, not level
    0); a designation assigned by a plan's rule says so in ``source``."""
    needed = ["ags", "level", "category_state", "plan", "source_kind"]
    missing = [c for c in needed if c not in curated.columns]
    if missing:
        raise ParameterError(
            f"curated designations: missing columns {missing}",
            value=list(curated.columns),
            expected=needed,
        )
    basis = (
        curated["basis"].astype(str)
        if "basis" in curated.columns
        else pd.Series("designated", index=curated.index)
    )
    rows = curated.loc[basis != "not_found"]
    basis = basis.loc[rows.index]
    how = np.where(basis == "rule", ", by rule", "")
    out = pd.DataFrame(
        {
            "ags": rows["ags"].astype(str).to_numpy(),
            "level": rows["level"].to_numpy(),
            "category": rows["category_state"].astype(str).to_numpy(),
            "source": (
                rows["plan"].astype(str) + " (" + rows["source_kind"].astype(str) + how + ")"
            ).to_numpy(),
        }
    )
    return check_designations(out)


# ----------------------------------------------------------------------------- functional


def _check_functional(functional: pd.DataFrame, score: str) -> pd.DataFrame:
    if "ags" not in functional.columns:
        functional = functional.rename_axis("ags").reset_index()
    out = functional.copy()
    out["ags"] = out["ags"].astype(str)
    if out["ags"].duplicated().any():
        raise ParameterError(
            "functional: an AGS appears twice",
            value=out.loc[out["ags"].duplicated(), "ags"].iloc[0],
            expected="one row per municipality",
        )
    if score not in out.columns:
        if score == SCORE_DEFAULT and {"in_commuters", "out_commuters"} <= set(out.columns):
            out[score] = pd.to_numeric(out["in_commuters"]) - pd.to_numeric(out["out_commuters"])
        else:
            raise ParameterError(
                f"functional: score column {score!r} missing",
                value=list(functional.columns),
                expected=f"{score!r} (or in_commuters and out_commuters for {SCORE_DEFAULT!r})",
            )
    out[score] = pd.to_numeric(out[score], errors="coerce").astype(float)
    if "job_centrality" not in out.columns and {"jobs", "employed_residents"} <= set(out.columns):
        jobs = pd.to_numeric(out["jobs"]).astype(float)
        emp = pd.to_numeric(out["employed_residents"]).astype(float)
        out["job_centrality"] = jobs / emp.where(emp > 0)
    if "assessable" in out.columns:
        flag = out["assessable"]
        if not flag.map(lambda v: isinstance(v, bool | np.bool_)).all():
            raise ParameterError(
                "functional: column 'assessable' must hold True/False",
                value=flag[~flag.map(lambda v: isinstance(v, bool | np.bool_))].iloc[0],
                expected="a boolean per place",
            )
        out["assessable"] = flag.astype(bool)
        if "assessment" not in out.columns:
            out["assessment"] = np.where(out["assessable"], "", NOT_ASSESSABLE)
    if "rank" not in out.columns:
        out["rank"] = out[score].rank(ascending=False, method="min").astype("Int64")
    return out


def _matched_cuts(scores: pd.Series, levels: pd.Series) -> tuple[float, float, float]:
    """Cut points so the top places by score fill each level as often as it is designated."""
    order = scores.sort_values(ascending=False, kind="mergesort")
    counts = levels.value_counts()
    cuts: list[float] = []
    taken = 0
    for lvl in (3, 2, 1):
        taken += int(counts.get(lvl, 0))
        cuts.append(float(order.iloc[taken - 1]) if taken > 0 else math.inf)
    ober, mittel, grund = cuts
    return (grund, mittel, ober)


def _quantile_cuts(scores: pd.Series, shares: Mapping[int, float]) -> tuple[float, float, float]:
    if set(shares) - {1, 2, 3} or any(not 0 <= s <= 1 for s in shares.values()):
        raise ParameterError(
            "quantile shares must be given for levels 1..3 as fractions",
            value=dict(shares),
            expected="e.g. {3: 0.02, 2: 0.1, 1: 0.4}",
        )
    total = sum(shares.values())
    if total > 1 + 1e-12:
        raise ParameterError(
            "quantile shares add up to more than 1", value=total, expected="sum <= 1"
        )
    order = scores.sort_values(ascending=False, kind="mergesort")
    cuts: list[float] = []
    cum = 0.0
    for lvl in (3, 2, 1):
        cum += shares.get(lvl, 0.0)
        n = round(cum * len(order))
        cuts.append(float(order.iloc[n - 1]) if n > 0 else math.inf)
    ober, mittel, grund = cuts
    return (grund, mittel, ober)


def classify(scores: pd.Series, cuts: Sequence[float]) -> pd.Series:
    """Level = number of ascending cut points the score reaches; NaN score -> <NA>."""
    if len(cuts) != 3 or any(b < a for a, b in itertools.pairwise(cuts)):
        raise ParameterError(
            "thresholds must be three ascending cut points (grund, mittel, ober)",
            value=list(cuts),
            expected="e.g. (0, 1000, 20000)",
        )
    arr = scores.to_numpy(dtype=float)
    level = np.zeros(len(arr), dtype=int)
    for cut in cuts:
        level += arr >= cut
    out = pd.Series(level, index=scores.index, dtype="Int64")
    return out.mask(np.isnan(arr))


# ----------------------------------------------------------------------------- comparison


def _labels(levels: pd.Series, missing: str) -> pd.Series:
    return pd.Series(
        [missing if pd.isna(v) else level_label(int(v)) for v in levels],
        index=levels.index,
        dtype=object,
    )


@dataclass(frozen=True)
class CentralPlaceComparison:
    """Designated × functional level, and the places that deviate."""

    matrix: pd.DataFrame  # counts; rows designated, columns functional (labels incl. unknowns)
    places: pd.DataFrame  # every place: designation, score, functional level, deviation
    deviations: pd.DataFrame  # places functioning above (deviation > 0) or below (< 0)
    cuts: tuple[float, float, float]  # score needed for Grund-, Mittel-, Oberzentrum
    method: str
    score: str
    estimate_basis: str
    designation_sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def above(self) -> pd.DataFrame:
        return self.deviations.loc[self.deviations["deviation"] > 0].reset_index(drop=True)

    @property
    def below(self) -> pd.DataFrame:
        return self.deviations.loc[self.deviations["deviation"] < 0].reset_index(drop=True)


FIGURES = (
    "balance",
    "jobs",
    "employed_residents",
    "in_commuters",
    "out_commuters",
    "job_centrality",
    "catchment_population",
)


def central_place_comparison(
    designations: pd.DataFrame,
    functional: pd.DataFrame,
    *,
    estimate_basis: str,
    score: str = SCORE_DEFAULT,
    method: str = "matched",
    thresholds: Sequence[float] | None = None,
    shares: Mapping[int, float] | None = None,
) -> CentralPlaceComparison:
    """Cross the designated level with the functional level (see module doc for the method)."""
    if not isinstance(estimate_basis, str) or not estimate_basis.strip():
        raise ParameterError(
            "estimate_basis must say what the functional figures rest on",
            value=estimate_basis,
            expected="e.g. 'modelled estimate: municipal flows fitted to Kreis totals'",
        )
    if method not in METHODS:
        raise ParameterError("unknown method", value=method, expected=list(METHODS))
    des = check_designations(designations)
    fun = _check_functional(functional, score)

    places = fun.merge(des, on="ags", how="outer", indicator=True)
    places["designated_level"] = places["level"].astype("Int64")
    places = places.drop(columns=["level"])

    scores = places[score]
    judged = (
        places["assessable"].fillna(True).astype(bool)
        if "assessable" in places.columns
        else pd.Series(True, index=places.index)
    )
    scores = scores.where(judged)
    known = scores.notna()
    if method == "thresholds":
        if thresholds is None:
            raise ParameterError("method 'thresholds' needs thresholds", expected="3 cut points")
        cuts = tuple(float(t) for t in thresholds)
    elif method == "quantiles":
        if shares is None:
            raise ParameterError(
                "method 'quantiles' needs shares", expected="{3: .., 2: .., 1: ..}"
            )
        if not known.any():
            raise ParameterError("no place has a score", expected="at least one numeric score")
        cuts = _quantile_cuts(scores[known], shares)
    else:
        both = known & places["designated_level"].notna()
        if not both.any() and not judged.all():
            cuts = (math.nan, math.nan, math.nan)  # nothing assessable to match against
        elif not both.any():
            raise ParameterError(
                "method 'matched' needs places with both a designation and a score",
                expected="designations and functional frames that share AGS",
            )
        else:
            cuts = _matched_cuts(scores[both], places.loc[both, "designated_level"])
    places["functional_level"] = (
        pd.Series(pd.NA, index=places.index, dtype="Int64")
        if any(math.isnan(c) for c in cuts)
        else classify(scores, cuts)
    )
    places["deviation"] = (places["functional_level"] - places["designated_level"]).astype("Int64")
    places["estimate_basis"] = estimate_basis

    row_lab = _labels(places["designated_level"], NO_DESIGNATION)
    col_lab = _labels(places["functional_level"], NO_FUNCTIONAL).where(judged, NOT_ASSESSABLE)
    rows = [level_label(k) for k in (3, 2, 1, 0)] + [NO_DESIGNATION]
    cols = [level_label(k) for k in (3, 2, 1, 0)] + [NO_FUNCTIONAL]
    if "assessable" in places.columns:
        cols.append(NOT_ASSESSABLE)
    matrix = (
        pd.crosstab(row_lab, col_lab).reindex(index=rows, columns=cols, fill_value=0).astype(int)
    )
    matrix.index.name = "designated"
    matrix.columns.name = "functional"

    keep = ["ags"]
    if "name" in places.columns:
        keep.append("name")
    keep += ["category", "source", "designated_level", "functional_level", "deviation", score]
    keep += [c for c in (*FIGURES, "rank") if c in places.columns and c not in keep]
    keep += [c for c in ("assessable", "assessment") if c in places.columns]
    keep.append("estimate_basis")
    places = places.drop(columns=["_merge"])
    dev = places.loc[places["deviation"].notna() & (places["deviation"] != 0), keep]
    dev = dev.assign(_abs=dev["deviation"].abs()).sort_values(
        ["_abs", score], ascending=[False, False], kind="mergesort"
    )
    dev = dev.drop(columns="_abs").reset_index(drop=True)
    dev.insert(
        dev.columns.get_loc("deviation") + 1,
        "direction",
        np.where(dev["deviation"] > 0, "above designation", "below designation"),
    )
    sources = tuple(sorted(des["source"].unique()))
    return CentralPlaceComparison(
        matrix=matrix,
        places=places[keep].sort_values("ags").reset_index(drop=True),
        deviations=dev,
        cuts=cuts,  # type: ignore[arg-type]
        method=method,
        score=score,
        estimate_basis=estimate_basis,
        designation_sources=sources,
    )


# ------------------------------------------------------------------ figures from flow tables


def functional_figures(
    indicators: pd.DataFrame,
    flows: pd.DataFrame | None = None,
    residents: pd.Series | None = None,
) -> pd.DataFrame:
    """The ``functional`` frame from ``analysis.flow_indicators.flow_indicators`` output (index
    ags; jobs, employed_residents, in/out_commuters, balance, job_centrality), plus
    ``catchment_population`` when ``flows`` and ``residents`` (Series indexed by AGS) are given:
    the place's own residents plus those of every place whose largest published out-flow to a
    real partner goes there (``hubs.catchments``' primary centre). A place whose residents are
    unknown gets NaN, never 0.
    """
    cols = [
        c
        for c in (
            "jobs",
            "employed_residents",
            "in_commuters",
            "out_commuters",
            "balance",
            "job_centrality",
        )
        if c in indicators.columns
    ]
    if "balance" not in cols:
        raise ParameterError(
            "indicators: column 'balance' missing",
            value=list(indicators.columns),
            expected="the frame returned by analysis.flow_indicators.flow_indicators",
        )
    out = indicators[cols].copy()
    out.index = out.index.astype(str)
    out.index.name = "ags"
    if flows is not None and residents is not None:
        pop = pd.to_numeric(residents, errors="coerce").astype(float)
        pop.index = pop.index.astype(str)
        c = catchments(flows, list(out.index))
        primary = c.loc[c["primary"], ["origin", "centre"]]
        primary = primary[primary["origin"] != primary["centre"]]
        drawn = (
            primary.assign(pop=pop.reindex(primary["origin"]).to_numpy())
            .groupby("centre")["pop"]
            .sum(min_count=1)
        )
        own = pop.reindex(out.index)
        out["catchment_population"] = own + drawn.reindex(out.index).fillna(0.0)
    return out.reset_index()
