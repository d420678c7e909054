"""Small server-rendered SVG charts for profiles: printable, no JavaScript needed."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from regionatlas.web.pages.render import format_number


def series_svg(points: list[dict[str, Any]], lang: str, width: int = 320, height: int = 140) -> str:
    """A line chart of one indicator over periods; gaps where a value is withheld."""
    vals = [p["value"] for p in points if p["value"] is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad_l, pad_r, pad_t, pad_b = 64, 36, 10, 28
    n = len(points)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - (v - lo) / (hi - lo))

    segs, cur = [], []
    for i, p in enumerate(points):
        if p["value"] is None:
            if cur:
                segs.append(cur)
            cur = []
        else:
            cur.append(f"{x(i):.1f},{y(p['value']):.1f}")
    if cur:
        segs.append(cur)
    desc = "; ".join(
        f"{p['period']}: {format_number(p['value'], lang) if p['value'] is not None else p['flag']}"
        for p in points
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(desc)}">',
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - pad_r}" y2="{height - pad_b}" '
        'class="axis"/>',
        f'<text x="{pad_l - 6}" y="{y(hi) + 4:.1f}" text-anchor="end">'
        f"{escape(format_number(hi, lang))}</text>",
        f'<text x="{pad_l - 6}" y="{y(lo) + 4:.1f}" text-anchor="end">'
        f"{escape(format_number(lo, lang))}</text>",
    ]
    for s in segs:
        out.append(f'<polyline points="{" ".join(s)}" class="line"/>')
    for i, p in enumerate(points):
        label = escape(p["period"][:4] if n > 3 else p["period"])
        out.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle">{label}</text>')
        if p["value"] is not None:
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(p["value"]):.1f}" r="3" class="dot"/>')
    out.append("</svg>")
    return "".join(out)


def _rings(geom: dict[str, Any]) -> list[list[list[float]]]:
    if geom["type"] == "Polygon":
        return geom["coordinates"]
    if geom["type"] == "MultiPolygon":
        return [ring for poly in geom["coordinates"] for ring in poly]
    return []


def locator_svg(atlas, ags: str, width: int = 320, height: int = 260) -> str:
    """The unit highlighted among the districts (or its district's municipalities)."""
    level = "gemeinde" if len(ags) == 8 else "kreis"
    if len(ags) == 2:
        level = "land"
    try:
        feats = atlas.geometry(level)["features"]
    except Exception:
        return ""
    if level == "gemeinde":
        feats = [f for f in feats if f["properties"]["ags"][:5] == ags[:5]]
    if not feats:
        return ""
    xs = [c[0] for f in feats for r in _rings(f["geometry"]) for c in r]
    ys = [c[1] for f in feats for r in _rings(f["geometry"]) for c in r]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    k = math.cos(math.radians((y0 + y1) / 2))
    w, h = (x1 - x0) * k or 1, (y1 - y0) or 1
    s = min((width - 8) / w, (height - 8) / h)

    def pt(c: list[float]) -> str:
        return f"{4 + (c[0] - x0) * k * s:.1f},{4 + (y1 - c[1]) * s:.1f}"

    paths = []
    name = ""
    for f in feats:
        d = " ".join("M" + " L".join(pt(c) for c in r) + "Z" for r in _rings(f["geometry"]))
        me = f["properties"]["ags"] == ags
        if me:
            name = f["properties"]["name"]
        paths.append((me, f'<path d="{d}" class="{"me" if me else "other"}"/>'))
    paths.sort(key=lambda p: p[0])  # highlighted last, on top
    return (
        f'<svg class="locator" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(name)}">' + "".join(p for _, p in paths) + "</svg>"
    )
