"""Per-request plumbing: ``CtxDep`` gives a route one database transaction, the visitor,
CSRF protection and rendering.

* The session cookie ``ra_session`` holds a random token; the table holds its hash.
* CSRF: every POST must carry ``csrf_token`` (form field) or ``X-CSRF-Token`` (header). A
  logged-in visitor's token is stored with the session; anonymous forms (login, reset) use a
  double-submit cookie ``ra_csrf``. A missing or wrong token is 403 and nothing is changed.
* The transaction commits when the route returns normally and rolls back on any error, so a
  refused request changes nothing.
* Public pages for visitors without login are cached per (language, path, query) and
  version: ``if (hit := ctx.cached()): return hit`` first, ``ctx.render(..., cache=True)``
  last (web/platform/page_cache.py). The version is the newest audit-log id (read from the
  database, so a change made by any worker process counts); a page is stale when an audited
  change since its version touched one of its scopes (``render(..., scopes=…)``, by default
  from its path: web/platform/content_scopes.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from regionatlas.errors import AuthenticationError, ForbiddenError, InputError
from regionatlas.platform import accounts, security
from regionatlas.platform.accounts import SESSION_MAX
from regionatlas.platform.models import Account, AuditEntry, WebSession
from regionatlas.web.pages.render import check_lang, page
from regionatlas.web.platform.content_scopes import page_scopes
from regionatlas.web.platform.context import PlatformConfig
from regionatlas.web.platform.page_cache import NO_STORE, cache_key, gzip_ok

SESSION_COOKIE = "ra_session"
CSRF_COOKIE = "ra_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# routes whose POST is authorised by an unguessable token in the URL, not by a session: a
# forged cross-site request would need the token itself (RFC 8058 one-click unsubscribe comes
# from mail clients, without cookies)
TOKEN_AUTHORISED = frozenset({"/{lang}/platform/unsubscribe/{token}"})
# no caching of personal pages by browsers or proxies; CSP, framing and the other security
# headers come from the app's SecurityHeaders middleware (web/http_headers.py)
SECURITY_HEADERS = NO_STORE


@dataclass
class Ctx:
    request: Request
    s: Session
    lang: str
    platform: PlatformConfig
    account: Account | None = None
    web_session: WebSession | None = None
    csrf: str = ""
    form: FormData | None = None
    cookies: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _cache: tuple[tuple, int] | None = None  # (key, version) of a cacheable request

    # -- who ----------------------------------------------------------------------------------
    def require_login(self) -> Account:
        if self.account is None:
            raise AuthenticationError("please log in first", i18n="platform.err_login_required")
        return self.account

    def require_admin(self) -> Account:
        account = self.require_login()
        if not account.is_admin:
            raise ForbiddenError("only administrators may do this", i18n="platform.err_admin_only")
        return account

    @property
    def static_copy(self) -> bool:
        """Rendering for the static export (web.export): no forms, everything on one page."""
        return getattr(self.request.app.state.atlas, "static_copy", None) is not None

    @property
    def ip(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    # -- input --------------------------------------------------------------------------------
    def field(self, name: str, *, required: bool = True, max_len: int = 200) -> str:
        value = self.form.get(name) if self.form is not None else None
        if value is None or not isinstance(value, str):
            value = ""
        value = value.replace("\x00", "").strip()
        if required and not value:
            raise InputError(
                f"the field {name!r} is required", field=name, i18n="platform.err_required"
            )
        if len(value) > max_len:
            raise InputError(
                f"the field {name!r} is too long ({len(value)} > {max_len} characters)",
                field=name,
                length=len(value),
                max_len=max_len,
                i18n="platform.err_too_long",
            )
        return value

    def flag(self, name: str) -> bool:
        return self.form is not None and self.form.get(name) in ("on", "1", "true")

    # -- public page cache --------------------------------------------------------------------
    def cached(self) -> Response | None:
        """The cached page for an anonymous GET, or None (then the route renders it)."""
        if self.account is not None or self.request.method != "GET":
            return None
        scope = self.request.scope
        key = cache_key(scope["path"], scope["query_string"].decode("latin-1"))
        if key is None:
            return None
        # read before the page's data, in the same transaction: a page is never stored under
        # a version newer than what it shows
        version = self.s.scalar(select(func.max(AuditEntry.id))) or 0
        self._cache = (key, version)
        store = self.platform.page_cache
        entry = store.entries.get(key)
        if entry is None or not store.current(
            key, entry, version, lambda sql: list(self.s.execute(text(sql)))
        ):
            return None
        return self.finish(self._page_response(entry[1], entry[2], "hit"))

    def _page_response(self, body: bytes, packed: bytes, how: str) -> Response:
        if gzip_ok(self.request.scope["headers"]):  # compressed once, when it was rendered
            return Response(
                packed,
                media_type="text/html",
                headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding", "X-Cache": how},
            )
        return HTMLResponse(body, headers={"X-Cache": how})

    # -- output -------------------------------------------------------------------------------
    def render(
        self,
        template: str,
        path: str,
        status: int = 200,
        cache: bool = False,
        scopes: Iterable[str] | None = None,
        **context: Any,
    ) -> Response:
        """The page; ``cache``: keep it for anonymous visitors (after ``ctx.cached()``);
        ``scopes``: what it shows (content_scopes; by default derived from the URL path)."""
        body = page(
            self.request,
            f"platform/{template}",
            self.lang,
            path,
            self.request.app.state.atlas,
            account=self.account,
            csrf=self.csrf,
            **context,
        )
        keep = (
            cache
            and status == 200
            and self.account is None
            and not any(name == SESSION_COOKIE for name, _v, _o in self.cookies)
        )
        if keep and self._cache is not None:
            raw = body.encode("utf-8")
            key, version = self._cache
            shows = frozenset(scopes) if scopes is not None else page_scopes(key[1])
            packed = self.platform.page_cache.put(key, version, raw, shows)
            return self.finish(self._page_response(raw, packed, "miss"))
        return self.finish(HTMLResponse(body, status_code=status))

    def redirect(self, path: str) -> Response:
        """303 to ``/{lang}/platform/{path}`` after a successful POST."""
        return self.finish(RedirectResponse(f"/{self.lang}/platform/{path}", status_code=303))

    def finish(self, response: Response) -> Response:
        self.s.commit()
        for name, value, opts in self.cookies:
            if value:
                response.set_cookie(name, value, **opts)
            else:
                response.delete_cookie(name, path="/")
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response

    def set_session_cookie(self, token: str | None) -> None:
        opts = {
            "httponly": True,
            "samesite": "lax",
            "secure": self.platform.secure_cookies,
            "path": "/",
            "max_age": int(SESSION_MAX.total_seconds()),
        }
        self.cookies.append((SESSION_COOKIE, token or "", opts))


async def _form(request: Request) -> AsyncIterator[FormData | None]:
    if request.method in SAFE_METHODS:
        yield None
        return
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        cfg: PlatformConfig = request.app.state.platform
        length = int(request.headers.get("content-length") or 0)
        if length > cfg.max_upload + 64 * 1024:
            raise InputError(
                f"request too large ({length} bytes; at most {cfg.max_upload} per file)",
                expected=f"<= {cfg.max_upload} bytes",
                limit=cfg.max_upload,
                i18n="platform.err_request_too_large",
            )
        form = await request.form(max_files=1, max_fields=50)
        try:
            yield form
        finally:
            await form.close()  # uploaded files are spooled to temporary files
        return
    yield None


def get_ctx(
    request: Request, lang: str, form: Annotated[FormData | None, Depends(_form)]
) -> Iterator[Ctx]:
    cfg: PlatformConfig = request.app.state.platform
    check_lang(lang)
    with cfg.db.session() as s:
        ctx = Ctx(request=request, s=s, lang=lang, platform=cfg, form=form)
        found = accounts.session_for(s, request.cookies.get(SESSION_COOKIE))
        if found:
            ctx.web_session, ctx.account = found
            s.info["actor_id"] = ctx.account.id
            ctx.csrf = ctx.web_session.csrf_token
        else:
            cookie = request.cookies.get(CSRF_COOKIE, "")
            ctx.csrf = cookie if 20 <= len(cookie) <= 100 else security.new_token()
            if ctx.csrf != cookie:
                ctx.cookies.append(
                    (
                        CSRF_COOKIE,
                        ctx.csrf,
                        {
                            "httponly": True,
                            "samesite": "strict",
                            "path": "/",
                            "secure": cfg.secure_cookies,
                        },
                    )
                )
        route = getattr(request.scope.get("route"), "path", None)
        if request.method not in SAFE_METHODS and route not in TOKEN_AUTHORISED:
            sent = (form.get("csrf_token") if form is not None else None) or request.headers.get(
                "x-csrf-token", ""
            )
            expected = ctx.csrf if found else request.cookies.get(CSRF_COOKIE, "")
            if not (isinstance(sent, str) and expected and security.same(sent, expected)):
                raise ForbiddenError(
                    "missing or wrong CSRF token; reload the page and try again",
                    i18n="platform.err_csrf",
                )
        yield ctx


CtxDep = Annotated[Ctx, Depends(get_ctx)]
