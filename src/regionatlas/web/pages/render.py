"""Template rendering shared by all pages: language, relative base path, attribution."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from regionatlas.errors import NotFoundError
from regionatlas.web.citation_i18n import (
    designation_source_de,
    guess_lang,
    in_page_language,
    source_kind,
)
from regionatlas.web.classify import MAX_K, PALETTES, palette
from regionatlas.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from regionatlas.web.numbers import format_number
from regionatlas.web.templating import environment
from regionatlas.web.unit_labels import unit_label

if TYPE_CHECKING:
    from regionatlas.web.atlas import Atlas

log = logging.getLogger(__name__)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise NotFoundError(f"unknown language {lang!r}", value=lang, expected=", ".join(LANGUAGES))
    return lang


def palettes() -> dict[str, dict[str, list[str]]]:
    return {p: {str(k): list(palette(p, k)) for k in range(1, MAX_K + 1)} for p in PALETTES}


def page(
    request: Request | None,
    template: str,
    lang: str,
    path: str,
    atlas,
    **context: Any,
) -> str:
    """Render a page; ``path`` is the page's path below the language (e.g. 'flows/')."""
    t = Translator(lang)
    depth = 1 + path.count("/")
    base = "../" * depth
    other = "en" if lang == "de" else "de"
    ctx = {
        "t": t,
        "lang": lang,
        "base": base,
        "path": path,
        "other_lang": other,
        "other_url": f"{base}{other}/{path}",
        "region": atlas.region_name[lang],
        "attributions": atlas.attributions(),
        "platform_enabled": getattr(atlas, "platform_enabled", False),
        # the static export ({"live_url": …}): pages leave out what needs the server
        "static_copy": getattr(atlas, "static_copy", None),
        "num": lambda v, d=None: format_number(v, lang, d),
        "unit_label": lambda u: unit_label(u, lang),
        "source_kind": lambda text: source_kind(text, lang),
        "designation_source_de": designation_source_de,
        "in_lang": lambda text: in_page_language(text, lang),
        "guess_lang": guess_lang,
        **context,
    }
    return environment().get_template(template).render(**ctx)


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


HTML_TYPE = "text/html; charset=utf-8"


def page_bytes(
    atlas: Atlas, key: Hashable, render: Callable[[], str], bounded: bool = False
) -> tuple[bytes, bytes]:
    """A page rendered and gzip-compressed once per store version: (HTML, gzip). ``bounded``:
    one of many (a unit's profile, a search), evicted oldest first."""
    body = atlas.cached(("html", key), lambda: render().encode("utf-8"), bounded)
    packed = atlas.cached(("html-gzip", key), lambda: gzip.compress(body, 6, mtime=0), bounded)
    return body, packed


def send_html(page: tuple[bytes, bytes]) -> Response:
    """The page compressed to clients that accept gzip (requests with an ``AtlasDep``)."""
    from regionatlas.web.api.deps import GZIP_MIN_BYTES, accepts_gzip

    body, packed = page
    if accepts_gzip() and len(body) >= GZIP_MIN_BYTES:
        headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(packed, media_type=HTML_TYPE, headers=headers)
    return Response(body, media_type=HTML_TYPE)


def render_error(
    request: Request, status: int, error: dict[str, Any], i18n: tuple[str, dict] | None = None
) -> HTMLResponse:
    """The error as a page in the language of its path (German unless ``/en/…``), with the
    site's header and footer and links back. Heading and explanation come from the
    catalogue by status; the error's own message is shown in the page's language when it
    names a catalogue key (its ``i18n`` detail, or ``i18n`` here), else as a technical
    detail in English (marked ``lang="en"``)."""
    raw = request.url.path
    parts = [p for p in raw.strip("/").split("/") if p]
    lang = parts[0] if parts and parts[0] in LANGUAGES else DEFAULT_LANGUAGE
    path = "/".join(parts[1:])
    if path and raw.endswith("/"):
        path += "/"
    atlas = request.app.state.atlas
    t = Translator(lang)
    heading = t.messages.get(f"error.status_{status}") or t("error.status_other", status=status)
    explain = t.messages.get(f"error.explain_{status}") or t("error.explain_other")
    message, message_lang = _error_message(t, error, i18n)
    detail = ""  # the English original beside a generic message in the page's language
    if message_lang == "en" and lang != "en" and error.get("type") == "NotFoundError":
        value = (error.get("details") or {}).get("value")
        if isinstance(value, str | int) and str(value):
            detail, message = message, t("error.unknown_value", value=str(value)[:200])
            message_lang = lang
    try:
        body = page(
            request, "error.html", lang, path, atlas, status=status, error=error,
            heading=heading, explain=explain, message=message, message_lang=message_lang,
            detail=detail,
            on_platform=path.startswith("platform") and getattr(atlas, "platform_enabled", False),
        )  # fmt: skip
    except Exception:  # the error page must never fail itself: a plain one, and a log line
        log.exception("the error page for %s could not be rendered", request.url.path)
        body = f"<!doctype html><title>{status}</title><p>{error.get('message')}</p>"
    return html(body, status)


def _error_message(
    t: Translator, error: dict[str, Any], i18n: tuple[str, dict] | None
) -> tuple[str, str]:
    """(text, its language) of an error's own message; ('', lang) when there is nothing to
    add to the status's explanation (an internal error's message is for the server log)."""
    if i18n is not None and i18n[0] in t.messages:
        return t.messages[i18n[0]].format(**i18n[1]), t.lang
    key = (error.get("details") or {}).get("i18n")
    if isinstance(key, str) and key in t.messages:
        return t.error(error), t.lang
    if error.get("type") == "InternalError":
        return "", t.lang
    return str(error.get("message", "")), "en"
