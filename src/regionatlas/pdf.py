"""HTML -> PDF with WeasyPrint, byte-identical on every run (no clock in the metadata).

A small module on purpose: it moves into ``exports/`` once that package lands (issue #9).
"""

from __future__ import annotations

from pathlib import Path

from regionatlas.errors import DependencyError


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render ``html`` (a complete document with its own CSS) to PDF bytes. WeasyPrint writes
    no creation or modification date unless the document asks for one; the title and
    language come from the document."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - pinned in requirements.txt
        raise DependencyError("WeasyPrint is not installed (pip install weasyprint)") from exc
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def write_pdf(html: str, out: Path) -> int:
    """Write the PDF atomically; returns its size in bytes."""
    data = html_to_pdf(html)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)
