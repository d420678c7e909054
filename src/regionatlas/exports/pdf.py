"""PDF from HTML with WeasyPrint, without a creation date from the clock."""

from __future__ import annotations

import datetime as dt
import html as html_lib

from regionatlas.errors import DependencyError


def pdf_bytes(html: str, created: dt.date | None = None) -> bytes:
    """``html`` as a PDF. Its dates come from ``created`` (the data's reference date) via
    ``dcterms.created``/``dcterms.modified`` meta tags, never from the clock."""
    try:
        from weasyprint import HTML
    except ImportError as exc:  # pragma: no cover - weasyprint is a pinned dependency
        raise DependencyError(f"PDF export needs WeasyPrint: {exc}") from exc
    if created is not None:
        stamp = html_lib.escape(created.isoformat())
        meta = (
            f"<meta name='dcterms.created' content='{stamp}'>"
            f"<meta name='dcterms.modified' content='{stamp}'>"
        )
        html = html.replace("<head>", "<head>" + meta, 1)
    return HTML(string=html).write_pdf()
