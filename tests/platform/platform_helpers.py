"""Helpers for the platform tests: CSRF tokens from pages, logging in over HTTP."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client, email: str, password: str = PASSWORD, code: str | None = None):
    page = client.get("/de/platform/login/")
    token = csrf_of(page.text)
    data = {"email": email, "password": password, "csrf_token": token}
    if code:
        data["code"] = code
    return client.post("/de/platform/login/", data=data, follow_redirects=False)


def token_of(client, path: str = "/de/platform/account/") -> str:
    return csrf_of(client.get(path).text)


def assert_inert(html: str) -> None:
    """No script element with injected code, no event-handler attribute, no javascript: URL
    anywhere in the parsed page (escaped text is fine: it is text)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert "alert(" not in (script.string or ""), script
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not text.strip().lower().startswith("javascript:"), tag
    assert soup.find("svg") is None and soup.find("img") is None
