"""The Argumentationshilfe as a standalone HTML document for the PDF writer.

Rendered from the same templates as the brief page (``brief_pdf.html`` includes the page's
``_brief_body.html``), but without FastAPI or the page machinery, so that
``regionatlas brief`` starts in a fraction of a second.
"""

from __future__ import annotations

from typing import Any

from regionatlas.web.i18n import Translator
from regionatlas.web.numbers import format_number
from regionatlas.web.templating import environment as _environment


def brief_pdf_html(brief: dict[str, Any], lang: str, attributions: list[str]) -> str:
    """A standalone HTML document of the brief for the PDF writer (no navigation)."""
    t = Translator(lang)
    return _environment().get_template("brief_pdf.html").render(
        t=t, lang=lang, b=brief, base="", attributions=attributions,
        num=lambda v, d=None: format_number(v, lang, d),
    )  # fmt: skip
