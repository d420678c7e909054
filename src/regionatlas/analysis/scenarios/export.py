"""Exports of scenario results and comparisons: CSV, XLSX and a PDF brief (WeasyPrint).

Every file carries the attribution and the estimate basis. ``export(path, a, b=None)`` picks
the format from the suffix (.csv, .xlsx, .pdf); with ``b`` it exports the comparison A vs. B.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from regionatlas.analysis.scenarios.engine import (
    ATTRIBUTION,
    ScenarioResult,
    compare,
    compare_municipalities,
)
from regionatlas.errors import ParameterError
from regionatlas.output import output_path

FORMATS = (".csv", ".xlsx", ".pdf")
LABELS = {
    "persons": "Pendelnde je Arbeitstag / commuters per working day",
    "commuter_km_day": "Pendel-km je Arbeitstag / commuter-km per day",
    "commuter_km_year": "Pendel-km je Jahr / commuter-km per year",
    "car_vkm_year": "Pkw-Fahrzeug-km je Jahr / car vehicle-km per year",
    "co2_t_year": "CO2 t je Jahr / CO2 t per year",
    "hours_year": "Stunden je Jahr / hours per year",
    "score": "Gewichteter Wert / weighted score",
}


def summary_table(a: ScenarioResult, b: ScenarioResult | None = None) -> pd.DataFrame:
    return compare(a, b) if b is not None else a.summary()


def lever_table(result: ScenarioResult) -> pd.DataFrame:
    rows = []
    for lever in result.levers:
        rows.append(
            {
                "scenario": result.definition.name,
                "lever": lever["lever"],
                **{f"change_{k}": v for k, v in lever["change"].items()},
                "programme_cost_eur_year": lever["programme_cost_eur_year"],
            }
        )
    return pd.DataFrame(rows)


def parameter_table(result: ScenarioResult) -> pd.DataFrame:
    p = result.parameters
    rows = [v.to_dict() for v in p.values.values()]
    for i, band in enumerate(p.bands, 1):
        for mode, share in band.shares.items():
            rows.append(
                {
                    "name": f"mode_split.band{i}.{mode}",
                    "value": share,
                    "unit": f"share, commutes below {band.max_km} km",
                    "source": band.source,
                    "note": p.mode_split_note if i == 1 else "",
                }
            )
    return pd.DataFrame(rows)


def footer_lines(a: ScenarioResult) -> list[str]:
    return [
        ATTRIBUTION,
        f"Datengrundlage / basis: {a.estimate_basis}"
        + (f", Stichtag {a.period}" if a.period else ""),
        "Modellrechnung mit benannten Annahmen (siehe Parameter) / model calculation with "
        "named assumptions (see parameters)",
    ]


def export(path: str | Path, a: ScenarioResult, b: ScenarioResult | None = None) -> Path:
    """Write the result (or the comparison A vs. B) in the format of the path's suffix; a
    path without one (``-``, ``/dev/stdout``, a FIFO) gets CSV. Written through
    regionatlas.output: nothing half-written under the final name, never a device replaced."""
    path = Path(path)
    suffix = path.suffix.lower() or ".csv"
    if suffix not in FORMATS:
        raise ParameterError(
            f"export format {suffix} not supported; expected one of {', '.join(FORMATS)}",
            file=str(path),
        )
    with output_path(path, suffix=suffix) as tmp:
        {".csv": _csv, ".xlsx": _xlsx, ".pdf": _pdf}[suffix](tmp, a, b)
    return path


def _municipal(a: ScenarioResult, b: ScenarioResult | None) -> pd.DataFrame:
    return compare_municipalities(a, b) if b is not None else a.by_municipality


def _csv(path: Path, a: ScenarioResult, b: ScenarioResult | None) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        summary_table(a, b).to_csv(fh, index=False)
        fh.write("\n")
        pd.concat([lever_table(a)] + ([lever_table(b)] if b is not None else [])).to_csv(
            fh, index=False
        )
        fh.write("\n")
        _municipal(a, b).to_csv(fh, index=False)
        fh.write("\n")
        for line in footer_lines(a):
            fh.write(f'"{line}"\n')


def _xlsx(path: Path, a: ScenarioResult, b: ScenarioResult | None) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        sheets: list[tuple[str, pd.DataFrame]] = [
            ("Übersicht", summary_table(a, b)),
            ("Hebel", pd.concat([lever_table(a)] + ([lever_table(b)] if b is not None else []))),
            ("Gemeinden", _municipal(a, b)),
        ]
        for res in (a, b) if b is not None else (a,):
            for key, table in res.tables.items():
                label = "A " if b is not None and res is a else "B " if b is not None else ""
                sheets.append(((label + key)[:31], table))
        sheets.append(("Parameter", parameter_table(a)))
        sheets.append(("Quelle", pd.DataFrame({"Hinweis": footer_lines(a)})))
        used: set[str] = set()
        for name, frame in sheets:
            safe = "".join(c for c in name if c not in "[]:*?/\\")[:31]
            while safe in used:
                safe = safe[:29] + "_" + str(len(used))
            used.add(safe)
            frame.to_excel(xw, sheet_name=safe, index=False, startrow=0)
            ws = xw.sheets[safe]
            ws.write(len(frame) + 2, 0, ATTRIBUTION)


def _table_html(frame: pd.DataFrame, digits: int = 1) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.{digits}f}".replace(",", " ")
        return html.escape("" if v is None else str(v))

    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def brief_html(a: ScenarioResult, b: ScenarioResult | None = None) -> str:
    title = a.definition.name + (f" vs. {b.definition.name}" if b is not None else "")
    parts = [
        "<!doctype html><html lang='de'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>",
        "body{font-family:'DejaVu Sans',sans-serif;font-size:9pt;margin:0}"
        "h1{font-size:15pt}h2{font-size:11pt;margin-top:14pt}"
        "table{border-collapse:collapse;width:100%;margin:4pt 0}"
        "th,td{border:0.5pt solid #999;padding:2pt 4pt;text-align:right}"
        "td{white-space:nowrap}table{font-size:8pt}"
        "th:first-child,td:first-child{text-align:left}th{background:#e8f1f4}"
        ".note{color:#333;font-size:8pt}@page{size:A4;margin:15mm;"
        "@bottom-center{content:'" + ATTRIBUTION.replace("'", "") + "';font-size:7pt}}",
        "</style></head><body>",
        f"<h1>Region der kurzen Wege – {html.escape(title)}</h1>",
        f"<p class='note'>{html.escape(a.definition.description)}</p>",
        f"<p class='note'><strong>Datengrundlage:</strong> {html.escape(a.estimate_basis)}. "
        "Alle Werte sind Modellrechnungen mit den unten genannten Annahmen.</p>",
        "<h2>Basis und Szenario / baseline and scenario</h2>",
        _table_html(
            summary_table(a, b).assign(
                indicator=lambda df: df["indicator"].map(LABELS).fillna(df["indicator"])
            )
        ),
    ]
    for res in (a, b) if b is not None else (a,):
        parts.append(f"<h2>Hebel: {html.escape(res.definition.name)}</h2>")
        lt = lever_table(res)
        if not lt.empty:
            parts.append(
                _table_html(
                    lt[
                        [
                            "lever",
                            "change_commuter_km_day",
                            "change_co2_t_year",
                            "change_hours_year",
                            "programme_cost_eur_year",
                        ]
                    ]
                )
            )
        comp = pd.DataFrame(res.score["components"])
        parts.append(
            f"<p>Gewichteter Wert / score: <strong>{res.score['score']:.2f}</strong> "
            f"({html.escape(res.score['formula'])})</p>"
        )
        parts.append(_table_html(comp, 2))
    muni = _municipal(a, b)
    sort_col = "commuter_km_day_b_minus_a" if b is not None else "commuter_km_day_change"
    parts.append("<h2>Größte Änderungen je Gemeinde (Wohnort) / largest changes</h2>")
    cols = (
        [
            "name",
            "commuter_km_day_change_a",
            "commuter_km_day_change_b",
            "commuter_km_day_b_minus_a",
        ]
        if b is not None
        else ["name", "commuter_km_day_change", "co2_t_year_change", "hours_year_change"]
    )
    parts.append(_table_html(muni.sort_values(sort_col).head(12)[cols]))
    params = parameter_table(a)
    parts.append("<h2>Annahmen und Quellen / assumptions and sources</h2>")
    parts.append(_table_html(params[["name", "value", "unit", "source"]], 3))
    parts.append("".join(f"<p class='note'>{html.escape(line)}</p>" for line in footer_lines(a)))
    parts.append("</body></html>")
    return "".join(parts)


def _pdf(path: Path, a: ScenarioResult, b: ScenarioResult | None) -> None:
    try:
        from weasyprint import HTML
    except ImportError as exc:  # pragma: no cover - weasyprint is a pinned dependency
        from regionatlas.errors import DependencyError

        raise DependencyError(f"PDF export needs WeasyPrint: {exc}") from exc
    HTML(string=brief_html(a, b)).write_pdf(str(path))
