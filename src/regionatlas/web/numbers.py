"""Numbers as the pages and PDFs print them (no web framework: the PDF writer of the CLI
imports this without FastAPI)."""

from __future__ import annotations


def format_number(value: float | None, lang: str = "de", digits: int | None = None) -> str:
    if value is None:
        return "–"
    if digits is None:
        digits = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    text = f"{value:,.{digits}f}"
    if lang == "de":  # DIN 5008: narrow space for thousands, comma for decimals
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
