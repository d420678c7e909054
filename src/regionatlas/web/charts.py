"""Small server-rendered SVG charts for profiles: printable, no JavaScript needed."""

from __future__ import annotations

import logging
import math
from html import escape
from typing import TYPE_CHECKING, Any

from regionatlas.errors import NotFoundError, ParameterError
from regionatlas.web.pages.render import format_number

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas


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

    segs: list[list[str]] = []
    cur: list[str] = []
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


def locator_svg(
    atlas: Atlas,
    ags: str,
    width: int = 320,
    height: int = 260,
    highlight: frozenset[str] | None = None,
    label: str | None = None,
) -> str:
    """The unit highlighted among the districts (or its district's municipalities); with
    ``highlight``, those districts among all districts (the region's core), named ``label``."""
    level = "gemeinde" if len(ags) == 8 else "kreis"
    if len(ags) == 2:
        level = "land"
    if highlight is not None:
        level = "kreis"
    try:
        feats = atlas.geometry(level)["features"]
    except (NotFoundError, ParameterError) as exc:  # no geometry: the profile has no locator
        log.info("no locator map for %s: %s", ags, exc)
        return ""
    if level == "gemeinde":  # the municipality within the region: all districts around it
        own = [f for f in feats if f["properties"]["ags"] == ags]
        try:
            districts = atlas.geometry("kreis")["features"]
        except Exception:
            districts = []
        feats = [*districts, *own] if own else []
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
        key = f["properties"]["ags"]
        me = key in highlight if highlight else key == ags
        parent = level == "gemeinde" and key == ags[:5]  # the municipality's own district
        if me:
            name = label or f["properties"]["name"]
        cls = "me" if me else "parent" if parent else "other"
        paths.append((2 if me else 1 if parent else 0, f'<path d="{d}" class="{cls}"/>'))
    paths.sort(key=lambda p: p[0])  # highlighted last, on top
    if level == "gemeinde" and feats:  # a small municipality stays findable: a ring around it
        ring = [pt(c) for r in _rings(feats[-1]["geometry"]) for c in r]
        px = [float(v.split(",")[0]) for v in ring]
        py = [float(v.split(",")[1]) for v in ring]
        cx, cy = (min(px) + max(px)) / 2, (min(py) + max(py)) / 2
        radius = max(8.0, (max(px) - min(px)) / 2 + 4)
        paths.append((3, f'<circle class="me-ring" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}"/>'))
    return (
        f'<svg class="locator" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(name)}">' + "".join(p for _, p in paths) + "</svg>"
    )


# ------------------------------------------------------------------ structure charts
# Okabe-Ito colours, distinguishable with colour-vision deficiencies and >= 3:1 on white
MALE, FEMALE, SINGLE = "#0072b2", "#d55e00", "#135a72"


def _svg_open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg class="chart structure" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )


def _cell_text(cell: dict[str, Any] | None, lang: str) -> str:
    if cell is None:
        return "–"
    if cell.get("value") is None:
        return cell.get("flag_text") or cell.get("flag") or "–"
    return format_number(cell["value"], lang)


def bars_svg(
    chart_id: str,
    rows: list[dict[str, Any]],
    lang: str,
    title: str,
    width: int = 420,
    label_width: int = 170,
) -> str:
    """Horizontal bars, one per row (``label``, ``value``, ``flag``, ``flag_text``,
    optional ``colour``); a row without a value shows its marker and reason instead of a
    bar (never a bar of 0 length standing for a withheld value). ``label_width=0`` puts
    each label above its bar (long labels such as economic sections)."""
    if not rows:
        return ""
    above = label_width == 0
    bar_h, gap, top = 18, 6, 4
    label_h = 15 if above else 0
    step = bar_h + gap + label_h
    height = top + len(rows) * step + 4
    vals = [r["value"] for r in rows if r.get("value") is not None]
    hi = max([v for v in vals if v > 0], default=1.0)
    x0 = 2 if above else label_width
    plot = width - x0 - 70
    desc = "; ".join(f"{r['label']}: {_cell_text(r, lang)}" for r in rows)
    out = [_svg_open(chart_id, width, height, title, desc)]
    for i, r in enumerate(rows):
        y = top + i * step + label_h
        if above:
            out.append(f'<text x="{x0}" y="{y - 4}">{escape(r["label"])}</text>')
        else:
            out.append(
                f'<text x="{label_width - 6}" y="{y + bar_h - 5}" text-anchor="end">'
                f"{escape(r['label'])}</text>"
            )
        v = r.get("value")
        if v is None:
            out.append(
                f'<text x="{x0 + 2}" y="{y + bar_h - 5}" class="marker">'
                f"{escape(_cell_text(r, lang))}</text>"
            )
            continue
        w = max(plot * max(v, 0) / hi, 0.5)
        out.append(
            f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{r.get("colour", SINGLE)}"/>'
            f'<text x="{x0 + w + 4:.1f}" y="{y + bar_h - 5}">'
            f"{escape(format_number(v, lang))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def pyramid_svg(
    chart_id: str,
    bands: list[dict[str, Any]],
    lang: str,
    title: str,
    male_label: str,
    female_label: str,
    width: int = 460,
) -> str:
    """An age pyramid: youngest band at the bottom, men left, women right. ``bands``: rows
    with ``band``, ``male`` and ``female`` cells (value/flag/flag_text); a withheld cell shows
    its marker where the bar would be."""
    if not bands:
        return ""
    bar_h, gap, top, head = 14, 3, 22, 0
    mid_w = 70
    height = top + len(bands) * (bar_h + gap) + 6
    vals = [
        c["value"]
        for b in bands
        for c in (b["male"], b["female"])
        if c is not None and c.get("value") is not None
    ]
    hi = max([v for v in vals if v > 0], default=1.0)
    half = (width - mid_w) / 2 - 8
    cx_l, cx_r = half + 4, half + 4 + mid_w
    desc = "; ".join(
        f"{b['band']}: {male_label} {_cell_text(b['male'], lang)}, "
        f"{female_label} {_cell_text(b['female'], lang)}"
        for b in bands
    )
    out = [
        _svg_open(chart_id, width, height, title, desc),
        f'<text x="{cx_l - 2}" y="{14 + head}" text-anchor="end" class="legend-m">'
        f"{escape(male_label)}</text>",
        f'<text x="{cx_r + 2}" y="{14 + head}" class="legend-f">{escape(female_label)}</text>',
    ]
    for i, b in enumerate(reversed(bands)):  # oldest at the top
        y = top + i * (bar_h + gap)
        ty = y + bar_h - 3
        out.append(
            f'<text x="{cx_l + mid_w / 2:.1f}" y="{ty}" text-anchor="middle">'
            f"{escape(b['band'])}</text>"
        )
        for side, cell, colour in (("m", b["male"], MALE), ("f", b["female"], FEMALE)):
            if cell is None:
                continue
            v = cell.get("value")
            if v is None:
                x, anchor = (cx_l - 2, "end") if side == "m" else (cx_r + 2, "start")
                out.append(
                    f'<text x="{x}" y="{ty}" text-anchor="{anchor}" class="marker">'
                    f"{escape(_cell_text(cell, lang))}</text>"
                )
                continue
            w = max(half * max(v, 0) / hi, 0.5)
            x = cx_l - w if side == "m" else cx_r
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            )
    out.append("</svg>")
    return "".join(out)
