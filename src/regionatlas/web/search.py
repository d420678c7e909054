"""Search units by name or AGS (pure)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd

LEVEL_RANK = {"land": 0, "kreis": 1, "gemeinde": 2}


def fold(text: str) -> str:
    """Lower case without diacritics; ß -> ss ("Göttingen" ~ "gottingen" ~ "goettingen")."""
    t = text.casefold().replace("ß", "ss")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        t = t.replace(a, b)
    t = unicodedata.normalize("NFKD", t)
    return "".join(c for c in t if not unicodedata.combining(c))


def _variants(text: str) -> set[str]:
    """Both spellings of umlauts: 'ö' may be typed 'o' or 'oe'."""
    t = text.casefold().replace("ß", "ss")
    plain = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return {fold(text), plain}


def build_index(units: pd.DataFrame) -> list[tuple[dict[str, Any], set[str]]]:
    """(unit row, spelling variants of its name) for every searchable unit."""
    u = units[units["level"].isin(list(LEVEL_RANK))]
    return [(r, _variants(str(r["name"]))) for r in u.to_dict("records")]


def search_units(
    units: pd.DataFrame,
    query: str,
    limit: int = 20,
    index: list[tuple[dict[str, Any], set[str]]] | None = None,
) -> list[dict[str, Any]]:
    """Units whose AGS starts with the query or whose name contains it; best matches first."""
    q = query.strip()
    if not q:
        return []
    index = index if index is not None else build_index(units)
    hits: list[tuple[tuple, dict[str, Any]]] = []
    if q.isdigit():
        for r, _ in index:
            if r["ags"].startswith(q):
                hits.append(((0 if r["ags"] == q else 1, len(r["ags"]), r["ags"]), r))
    else:
        qs = _variants(q)
        for r, names in index:
            score = None
            for qv in qs:
                for nv in names:
                    if nv == qv:
                        s = 0
                    elif nv.startswith(qv):
                        s = 1
                    elif qv in nv:
                        s = 2
                    else:
                        continue
                    score = s if score is None else min(score, s)
            if score is not None:
                hits.append(((score, LEVEL_RANK[r["level"]], str(r["name"])), r))
    hits.sort(key=lambda h: h[0])
    return [
        {
            "ags": r["ags"],
            "name": r["name"],
            "level": r["level"],
            "parent": r["parent"] if isinstance(r["parent"], str) else None,
        }
        for _, r in hits[:limit]
    ]
