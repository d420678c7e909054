"""Exports of scenario results and comparisons through ``regionatlas.exports``: CSV (the
summary, one table), a zip of one CSV per table, XLSX and a PDF brief (WeasyPrint).

Every file carries the attribution and the estimate basis; numbers are rounded to what the
model can say (whole commuters, km and hours; CO2 in tenths of a tonne). ``export(path, a,
b=None)`` picks the format from the suffix (.csv, .zip, .xlsx, .pdf); with ``b`` it exports
the comparison A vs. B. ``export_bytes(fmt, a, b)`` gives the same file as bytes. The files'
dates are the flows' reference date, never the clock.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from regionatlas import exports
from regionatlas.analysis.scenarios.engine import (
    ATTRIBUTION,
    ScenarioResult,
    compare,
    compare_municipalities,
)
from regionatlas.errors import ParameterError
from regionatlas.exports.archive import zip_bytes
from regionatlas.exports.csv import frame_csv
from regionatlas.exports.pdf import pdf_bytes
from regionatlas.exports.table import FALLBACK_DATE, rounded
from regionatlas.exports.xlsx import sheets_bytes

FORMATS = (".csv", ".zip", ".xlsx", ".pdf")
MEDIA_TYPES = {f: exports.MEDIA_TYPES[f.lstrip(".")] for f in FORMATS}
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


# decimals by quantity: whole commuters, km and hours; CO2 in tenths of a tonne
PRECISION = {
    "_pct": 1,
    "persons": 0,
    "commuter_km_day": 0,
    "commuter_km_year": 0,
    "car_vkm_year": 0,
    "co2_t_year": 1,
    "hours_year": 0,
    "programme_cost_eur_year": 0,
    "score": 2,
}


def _decimals(name: str) -> int | None:
    for key, decimals in PRECISION.items():
        if key in name:
            return decimals
    return None


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers rounded to their quantity's precision: by column name, and in long tables
    (an ``indicator`` column) by row."""
    out = frame.copy()
    for col in out.columns:
        decimals = _decimals(str(col))
        if decimals is not None and pd.api.types.is_numeric_dtype(out[col]):
            out[col] = rounded(out[col], decimals)
    if "indicator" in out.columns:
        for col in out.columns:
            if (
                col == "indicator"
                or _decimals(str(col)) is not None
                or not pd.api.types.is_float_dtype(out[col])
            ):
                continue
            values = out[col].astype(object)
            for i, ind in enumerate(out["indicator"]):
                decimals = PRECISION.get(str(ind))
                v = values.iat[i]
                if decimals is not None and isinstance(v, float) and v == v:
                    r = float(rounded(pd.Series([v]), decimals).iat[0])
                    values.iat[i] = int(r) if decimals == 0 else r
            out[col] = values
    return out


def _date(a: ScenarioResult) -> dt.date:
    """The flows' reference date (the files' date); a fixed date when there is none."""
    try:
        return dt.date.fromisoformat((a.period or "")[:10])
    except ValueError:  # no date, or a label such as "synthetic"
        return FALLBACK_DATE


def _with_sources(frame: pd.DataFrame, a: ScenarioResult) -> pd.DataFrame:
    """The attribution where every export has it: the last columns of the table."""
    return readable(frame).assign(basis=a.estimate_basis, attribution=ATTRIBUTION, licence="")


def _tables(a: ScenarioResult, b: ScenarioResult | None) -> list[tuple[str, pd.DataFrame]]:
    tables: list[tuple[str, pd.DataFrame]] = [
        ("summary", summary_table(a, b)),
        ("levers", pd.concat([lever_table(a)] + ([lever_table(b)] if b is not None else []))),
        ("municipalities", _municipal(a, b)),
    ]
    for res in (a, b) if b is not None else (a,):
        label = "a_" if b is not None and res is a else "b_" if b is not None else ""
        tables += [(label + key, table) for key, table in res.tables.items()]
    tables.append(("parameters", parameter_table(a)))
    return tables


def _sources_table(a: ScenarioResult) -> pd.DataFrame:
    return pd.DataFrame({"Quelle / Source": footer_lines(a)})


def export_bytes(fmt: str, a: ScenarioResult, b: ScenarioResult | None = None) -> bytes:
    """The export in ``fmt`` (csv, zip, xlsx, pdf) as bytes."""
    suffix = "." + fmt.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ParameterError(
            f"export format {suffix} not supported; expected one of {', '.join(FORMATS)}",
            value=fmt,
        )
    if suffix == ".csv":
        return frame_csv(_with_sources(summary_table(a, b), a))
    if suffix == ".zip":
        files = [(f"{n}.csv", frame_csv(_with_sources(t, a))) for n, t in _tables(a, b)]
        files.append(("sources.csv", frame_csv(_sources_table(a))))
        return zip_bytes(files, _date(a))
    if suffix == ".xlsx":
        names = {"summary": "Übersicht", "levers": "Hebel", "municipalities": "Gemeinden"}
        sheets = [(names.get(n, n.replace("_", " ")), readable(t)) for n, t in _tables(a, b)]
        names_param = [(("Parameter" if n == "parameters" else n), t) for n, t in sheets]
        return sheets_bytes([*names_param, ("Quelle", _sources_table(a))], _date(a))
    return pdf_bytes(brief_html(a, b), _date(a))


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
    return exports.write_bytes(path, export_bytes(suffix, a, b))


def _municipal(a: ScenarioResult, b: ScenarioResult | None) -> pd.DataFrame:
    return compare_municipalities(a, b) if b is not None else a.by_municipality


def _table_html(frame: pd.DataFrame, digits: int = 1) -> str:
    def cell(v: object) -> str:
        if isinstance(v, bool) or v is None or v is pd.NA:
            return html.escape("" if v is None or v is pd.NA else str(v))
        if isinstance(v, int):
            return f"{v:,}".replace(",", "\u202f")
        if isinstance(v, float):
            return "" if v != v else f"{v:,.{digits}f}".replace(",", "\u202f")
        return html.escape(str(v))

    frame = readable(frame)

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
            readable(summary_table(a, b)).assign(
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
