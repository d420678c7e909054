"""A profile's structure: population and commuters by sex, employees by sector, age pyramid.

Which indicators make up the sector chart and the age pyramid is data, not code: catalogue
entries carry ``structure = "sectors"`` (with ``structure_order``) or
``structure = "age_pyramid"`` (with ``structure_sex`` "male"/"female", ``structure_band`` and
``structure_order``). Cells keep their confidentiality markers (value None, flag kept): a
chart draws no bar for them and says which marker stands there, never 0.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

STRUCTURE_COLUMNS = ("structure", "structure_order", "structure_sex", "structure_band")
SEX_PAIRS = {  # total -> (male, female); group suffixes as the BA readers write them
    "population": ("population_male", "population_female"),
    "employed_residents": ("employed_residents.men", "employed_residents.women"),
    "out_commuters": ("out_commuters.men", "out_commuters.women"),
    "in_commuters": ("in_commuters.men", "in_commuters.women"),
}
# where a missing structure comes from when the catalogue names no source (the note says
# "not imported yet" and names it)
SOURCES = {
    "sectors": "BA Gemeindedaten (Beschäftigte nach Wirtschaftsabschnitten)",
    "age_pyramid": "Regionalstatistik 12411-02-03-5",
}

Series = dict[str, list[tuple[str, float | None, str | None]]]  # indicator -> (period, v, flag)


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def _order(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return float("inf")
    return f if f == f else float("inf")


def structure_specs(cat: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The sector indicators and the age bands (male/female indicator per band) of a catalogue
    frame, in ``structure_order``, and the catalogue's sources per chart (``sources``); empty
    when the catalogue has no structure entries."""
    out: dict[str, Any] = {"sectors": [], "age_pyramid": [], "sources": {}}
    if "structure" not in cat.columns:
        return out
    rows = [r for r in cat.to_dict("records") if _text(r.get("structure"))]
    rows.sort(key=lambda r: (_order(r.get("structure_order")), r["id"]))
    bands: dict[str, dict[str, Any]] = {}
    for r in rows:
        kind = r["structure"]
        src = _text(r.get("source"))
        if src and src not in out["sources"].setdefault(kind, []):
            out["sources"][kind].append(src)
        if kind == "sectors":
            out["sectors"].append(
                {
                    "indicator": r["id"],
                    "name_de": r["name_de"],
                    "name_en": r["name_en"],
                    "unit": r.get("unit"),
                }
            )
        elif kind == "age_pyramid":
            sex, band = _text(r.get("structure_sex")), _text(r.get("structure_band"))
            if sex not in ("male", "female") or band is None:
                continue
            b = bands.setdefault(band, {"band": band, "male": None, "female": None})
            b[sex] = r["id"]
            b.setdefault("unit", r.get("unit"))
    out["age_pyramid"] = list(bands.values())
    return out


def _newest_period(series: Series, ids: list[str]) -> str | None:
    periods = [p for i in ids for p, _, _ in series.get(i, [])]
    return max(periods) if periods else None


def _cell(series: Series, ind: str | None, period: str) -> dict[str, Any] | None:
    """Value and flag of one indicator at one period (None: no observation at all)."""
    for p, v, f in series.get(ind, []) if ind else []:
        if p == period:
            return {"value": v, "flag": f}
    return None


def by_sex(series: Series) -> dict[str, Any]:
    """Population, employed residents and commuters by sex, each at the newest period with
    either sex observed."""
    out = {}
    for total, (male, female) in SEX_PAIRS.items():
        per = _newest_period(series, [male, female])
        if per is None:
            continue
        out[total] = {
            "period": per,
            "male": _cell(series, male, per),
            "female": _cell(series, female, per),
            "total": _cell(series, total, per),
            "indicators": {"male": male, "female": female},
        }
    return out


def sectors(series: Series, specs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One cell per sector indicator at the newest period with any sector observed."""
    ids = [s["indicator"] for s in specs]
    per = _newest_period(series, ids)
    if per is None:
        return None
    rows = []
    for s in specs:
        cell = _cell(series, s["indicator"], per)
        if cell is not None:
            rows.append({**s, **cell})
    return {"period": per, "rows": rows}


def age_pyramid(series: Series, bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Male and female cells per age band (youngest first) at the newest period observed."""
    ids = [b[s] for b in bands for s in ("male", "female") if b[s]]
    per = _newest_period(series, ids)
    if per is None:
        return None
    rows = []
    for b in bands:
        male, female = _cell(series, b["male"], per), _cell(series, b["female"], per)
        if male is None and female is None:
            continue
        rows.append({"band": b["band"], "unit": b.get("unit"), "male": male, "female": female})
    return {"period": per, "bands": rows}


def structure(series: Series, specs: dict[str, Any]) -> dict[str, Any]:
    """Everything the structure section shows, plus which parts are missing (with source)."""
    sec = sectors(series, specs["sectors"])
    age = age_pyramid(series, specs["age_pyramid"])
    named: dict[str, Any] = specs.get("sources", {})
    missing = [
        {"part": part, "source": "; ".join(named.get(part) or [SOURCES[part]])}
        for part, value in (("sectors", sec), ("age_pyramid", age))
        if value is None
    ]
    return {"sex": by_sex(series), "sectors": sec, "age_pyramid": age, "missing": missing}


def structure_indicator_ids(specs: dict[str, list[dict[str, Any]]]) -> set[str]:
    """Indicators shown in the structure charts (left out of the key-figure table)."""
    ids = {s["indicator"] for s in specs["sectors"]}
    ids |= {b[s] for b in specs["age_pyramid"] for s in ("male", "female") if b[s]}
    return ids
