"""Every error the web app answers, in one JSON shape: ``{"error": {type, message, details}}``.

RegionAtlasError subclasses carry their HTTP status; request validation errors become 422,
unknown routes 404, a wrong method 405 with ``Allow``, anything unexpected 500 with a
generic message (the traceback goes to the server log, never to the client). Pages (HTML)
get the same information as an HTML page. An error never echoes more than ``CLIP``
characters of what the client sent, and never a server path.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from regionatlas.errors import RegionAtlasError

log = logging.getLogger("regionatlas.web")
CLIP = 200  # characters of a client's input an error repeats at most


class ErrorDetail(BaseModel):
    type: str = Field(description="exception type, e.g. NotFoundError, ParameterError")
    message: str = Field(description="what went wrong, in English")
    details: dict[str, Any] = Field(description="context: parameter, value, expected, ...")


class ErrorResponse(BaseModel):
    """The one shape of every error answer."""

    error: ErrorDetail


def clip(value: Any) -> Any:
    """``value`` with every string cut to CLIP characters (nested lists and dicts too)."""
    if isinstance(value, str):
        return value if len(value) <= CLIP else value[:CLIP] + f"… ({len(value)} characters)"
    if isinstance(value, dict):
        return {k: clip(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clip(v) for v in value]
    return value


def error_body(type_: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": {"type": type_, "message": clip(message), "details": clip(details or {})}}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _respond(
    request: Request,
    status: int,
    body: dict,
    headers: dict[str, str] | None = None,
    i18n: tuple[str, dict] | None = None,
) -> Response:
    """JSON for the API and for clients that do not ask for HTML; else the error page in the
    path's language (``i18n``: a catalogue key and its values for the page's message)."""
    if _wants_html(request):
        from regionatlas.web.pages.render import render_error

        response = render_error(request, status, body["error"], i18n)
        response.headers.update(headers or {})
        return response
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(RegionAtlasError)
    async def atlas_error(request: Request, exc: RegionAtlasError) -> Response:
        if exc.status >= 500:
            log.error("%s: %s", type(exc).__name__, exc.message)
        d = exc.to_dict()
        response = _respond(request, exc.status, error_body(d["type"], d["message"], d["details"]))
        if "retry_after" in exc.details:  # throttled logins (429) say when to try again
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            problems.append(
                {
                    "parameter": loc,
                    "problem": err.get("msg", ""),
                    "value": str(err.get("input")) if err.get("input") is not None else None,
                }
            )
        names = ", ".join(p["parameter"] for p in problems) or "request"
        msg = f"invalid parameter(s): {names}: " + "; ".join(p["problem"] for p in problems)
        return _respond(request, 422, error_body("ParameterError", msg, {"problems": problems}))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            msg = f"no such page or endpoint: {request.url.path}"
            shown = clip(request.url.path)
            return _respond(
                request,
                404,
                error_body("NotFoundError", msg),
                headers,
                ("error.no_page", {"path": shown}),
            )
        if exc.status_code == 405:
            msg = f"method {request.method} not allowed; allowed: {headers.get('Allow', '')}"
            return _respond(request, 405, error_body("MethodNotAllowed", msg), headers)
        body = error_body("HTTPError", str(exc.detail))
        return _respond(request, exc.status_code, body, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _respond(
            request, 500, error_body("InternalError", "internal error; see the server log")
        )
