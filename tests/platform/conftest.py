"""Fixtures for the platform tests: a migrated SQLite platform database, a real SMTP server
(aiosmtpd, in-process) that keeps what it receives, the web app over the small synthetic
atlas store with the platform mounted, accounts, a visitor that logs in and sends forms,
row counts."""

from __future__ import annotations

import re
import socket
import sys
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_store
from platform_helpers import PASSWORD, login, token_of
from sqlalchemy import func, select


class Inbox:
    """Messages received by the in-process SMTP server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, address: str, pattern: str) -> str:
        body = self.to(address)[-1].get_payload(decode=True).decode()
        found = re.search(pattern, body)
        assert found, body
        return found.group(0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mailer(smtp):
    from regionatlas.platform.mail import Mailer

    return Mailer(host="127.0.0.1", port=smtp.port, sender="forum@example.org")


@pytest.fixture
def pdb(tmp_path):
    from regionatlas.platform.db import Database
    from regionatlas.platform.seed import seed

    db = Database(f"sqlite:///{tmp_path / 'platform.sqlite'}")
    db.upgrade()
    with db.session() as s:
        seed(s)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def web_store(tmp_path_factory) -> Path:
    return fixture_store.build(tmp_path_factory.mktemp("webstore") / "atlas.gpkg")


@pytest.fixture(scope="session")
def region_file(tmp_path_factory) -> Path:
    return fixture_store.region_toml(tmp_path_factory.mktemp("region") / "test.toml")


@pytest.fixture
def platform_config(pdb, mailer, tmp_path):
    from regionatlas.web.platform.context import PlatformConfig

    return PlatformConfig(
        db=pdb,
        mailer=mailer,
        uploads_dir=tmp_path / "uploads",
        base_url="http://testserver",
        max_upload=200_000,
    )


@pytest.fixture
def app(web_store, region_file, platform_config):
    from regionatlas.web.app import create_app

    return create_app(str(web_store), region_file, platform=platform_config)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def make_user(pdb):
    """make_user("a@x.de", role="member", groups={"regionalplanung": "editor"}) -> account id."""
    from regionatlas.platform import accounts, forum

    def make(
        email: str,
        role: str = "member",
        groups: dict[str, str] | None = None,
        name: str | None = None,
    ) -> int:
        with pdb.session() as s:
            acc = accounts.create_account(
                s, email, name or email.split("@")[0], role=role, password=PASSWORD
            )
            for slug, grole in (groups or {}).items():
                forum.set_member(s, forum.group_by_slug(s, slug), acc, grole)
            return acc.id

    return make


class Visitor:
    """The test client as one person: logs in and out over HTTP and sends forms with the
    CSRF token of the current session."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str) -> None:
        r = login(self.client, email)
        assert r.status_code == 303, r.text

    def logout(self) -> None:
        self.client.post("/de/platform/logout/", data={"csrf_token": token_of(self.client)})

    def switch(self, email: str) -> None:
        """Log out whoever is logged in, then log in as ``email``."""
        self.logout()
        self.login(email)

    def post(self, path: str, data: dict, *, follow: bool = False, **kwargs):
        """POST a form with the session's CSRF token; redirects are not followed unless
        ``follow``."""
        form = {**data, "csrf_token": token_of(self.client)}
        return self.client.post(path, data=form, follow_redirects=follow, **kwargs)


@pytest.fixture
def visitor(client) -> Visitor:
    return Visitor(client)


@pytest.fixture
def count_rows(pdb):
    """count_rows(Model) -> the number of rows of that table in the platform database."""

    def count(model) -> int:
        with pdb.session() as s:
            return s.scalar(select(func.count()).select_from(model))

    return count


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium)")
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE"}
