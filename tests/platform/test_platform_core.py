"""Core: migrations, accounts, Argon2id, sessions, throttling, tokens, audit log, mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from platform_helpers import PASSWORD
from sqlalchemy import func, select

from regionatlas.errors import AuthenticationError, ConflictError, InputError, ThrottledError
from regionatlas.platform import accounts, security
from regionatlas.platform.db import Database
from regionatlas.platform.models import Account, AuditEntry, WebSession

HEAD = "p003"  # request_log (rate limits) after 0003 impact (#14) after s001 surveys (#13)


def test_upgrade_empty_and_from_previous_revision_sqlite(tmp_path):
    empty = Database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert empty.current_revision() is None
    empty.upgrade()
    assert empty.current_revision() == empty.head_revision() == HEAD

    old = Database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    old.upgrade("0001")
    assert old.current_revision() == "0001"
    with old.session() as s:  # data written at the previous revision survives the upgrade
        accounts.create_account(s, "old@example.org", "Old", password=PASSWORD)
    old.upgrade()
    assert old.current_revision() == HEAD
    with old.session() as s:
        assert accounts.by_email(s, "old@example.org") is not None
    old.upgrade()  # re-running is safe
    assert old.current_revision() == HEAD


@pytest.mark.postgis
def test_upgrade_empty_and_from_previous_revision_postgres(pg_database_url):
    import uuid

    schema = f"p_{uuid.uuid4().hex[:10]}"
    db = Database(pg_database_url, schema=schema)
    try:
        assert db.current_revision() is None
        db.upgrade("0001")
        with db.session() as s:
            accounts.create_account(s, "pg@example.org", "PG", password=PASSWORD)
        db.upgrade()
        assert db.current_revision() == HEAD
        with db.session() as s:
            assert accounts.by_email(s, "pg@example.org").handle == "pg"
            tables = s.scalar(
                select(func.count()).select_from(
                    __import__("sqlalchemy").text(
                        f"information_schema.tables WHERE table_schema = '{schema}'"
                    )
                )
            )
        assert tables >= 18  # every platform table is in its own schema, not in public
    finally:
        with db.engine.begin() as con:
            con.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        db.dispose()


def test_argon2id_parameters_and_verify():
    h = security.hash_password("a long enough password")
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert security.verify_password(h, "a long enough password")
    assert not security.verify_password(h, "wrong password!!")
    assert not security.verify_password(None, "anything at all")


def test_create_account_validates(pdb):
    with pdb.session() as s:
        with pytest.raises(InputError):
            accounts.create_account(s, "not-an-address", "X", password=PASSWORD)
        with pytest.raises(InputError):
            accounts.create_account(s, "a@example.org", "X", password="short")
        with pytest.raises(InputError):
            accounts.create_account(s, "a@example.org", "X", role="god", password=PASSWORD)
    with pdb.session() as s:
        accounts.create_account(s, "A@Example.org", "A", password=PASSWORD)
    with pytest.raises(ConflictError), pdb.session() as s:
        accounts.create_account(s, "a@example.org", "A again", password=PASSWORD)
    with pdb.session() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 1


def test_lockout_after_failed_logins_and_unlock_later(pdb):
    with pdb.session() as s:
        accounts.create_account(s, "l@example.org", "L", password=PASSWORD)
    start = datetime(2030, 1, 1, 12, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(accounts.LOCK_AFTER):
            with pytest.raises(AuthenticationError), pdb.session() as s:
                accounts.authenticate(s, "l@example.org", "wrong password x", "10.0.0.1")
        # locked now: even the right password is refused
        with pytest.raises(ThrottledError), pdb.session() as s:
            accounts.authenticate(s, "l@example.org", PASSWORD, "10.0.0.1")
    later = start + accounts.LOCK_FOR + timedelta(seconds=1)
    with time_machine.travel(later, tick=False), pdb.session() as s:
        assert accounts.authenticate(s, "l@example.org", PASSWORD, "10.0.0.1").email


def test_ip_throttle(pdb):
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=UTC), tick=False):
        for i in range(accounts.IP_LIMIT):
            with pytest.raises(AuthenticationError), pdb.session() as s:
                accounts.authenticate(s, f"nobody{i}@example.org", "x" * 12, "10.9.9.9")
        with pytest.raises(ThrottledError), pdb.session() as s:
            accounts.authenticate(s, "nobody@example.org", "x" * 12, "10.9.9.9")


def test_sessions_expire_and_revoke(pdb):
    with pdb.session() as s:
        acc = accounts.create_account(s, "s@example.org", "S", password=PASSWORD)
    start = datetime(2030, 1, 1, 8, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        with pdb.session() as s:
            token, _ = accounts.start_session(s, s.get(Account, acc.id))
        with pdb.session() as s:
            assert accounts.session_for(s, token) is not None
        with pdb.session() as s:
            assert s.scalar(select(WebSession.token_hash)) == security.token_hash(token)
    idle = start + accounts.SESSION_IDLE + timedelta(seconds=1)
    with time_machine.travel(idle, tick=False), pdb.session() as s:
        assert accounts.session_for(s, token) is None  # idle too long
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        with pdb.session() as s:
            row, _ = accounts.session_for(s, token)
            accounts.revoke_session(s, row)
        with pdb.session() as s:
            assert accounts.session_for(s, token) is None


def test_invitation_token_single_use_and_expiry(pdb, mailer, smtp):
    start = datetime(2030, 3, 1, tzinfo=UTC)
    with time_machine.travel(start, tick=False), pdb.session() as s:
        accounts.invite(s, mailer, "http://x", "new@example.org", "New")
    link = smtp.link("new@example.org", r"http://x/de/platform/invite/\S+")
    token = link.rsplit("/", 1)[1]
    with pdb.session() as s:  # only the hash is stored
        from regionatlas.platform.models import AccountToken

        assert s.scalar(select(AccountToken.token_hash)) == security.token_hash(token)
        assert token not in str(s.scalar(select(AccountToken.token_hash)))
    with (
        time_machine.travel(start + timedelta(days=8), tick=False),
        pytest.raises(AuthenticationError, match="expired"),
        pdb.session() as s,
    ):
        accounts.accept_invite(s, token, PASSWORD)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        with pdb.session() as s:
            accounts.accept_invite(s, token, PASSWORD)
        with pytest.raises(AuthenticationError, match="used"), pdb.session() as s:
            accounts.accept_invite(s, token, "another password 123")
        with pdb.session() as s:
            assert accounts.authenticate(s, "new@example.org", PASSWORD, "1.1.1.1")


def test_reset_revokes_sessions(pdb, mailer, smtp):
    with pdb.session() as s:
        acc = accounts.create_account(s, "r@example.org", "R", password=PASSWORD)
        token, _ = accounts.start_session(s, acc)
    with pdb.session() as s:
        accounts.request_reset(s, mailer, "http://x", "r@example.org", "en")
        accounts.request_reset(s, mailer, "http://x", "unknown@example.org", "en")
    assert len(smtp.messages) == 1  # nothing sent for unknown addresses
    assert smtp.messages[0]["Subject"] == "Reset your password"
    reset = smtp.link("r@example.org", r"http://x/en/platform/reset/\S+").rsplit("/", 1)[1]
    with pdb.session() as s:
        accounts.reset_password(s, reset, "a brand new password")
    with pdb.session() as s:
        assert accounts.session_for(s, token) is None
        assert accounts.authenticate(s, "r@example.org", "a brand new password", "1.2.3.4")


def test_audit_records_insert_update_delete_with_actor(pdb):
    with pdb.session() as s:
        acc = accounts.create_account(
            s, "adm@example.org", "Admin", role="admin", password=PASSWORD
        )
    with pdb.session(actor_id=acc.id) as s:
        a = s.get(Account, acc.id)
        a.display_name = "Chief"
    with pdb.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "account")))
    assert [r.action for r in rows] == ["insert", "update"]
    assert "password_hash" not in rows[0].after  # secrets never in the log
    assert rows[0].entity_id == rows[1].entity_id == str(acc.id)
    assert rows[1].actor_id == acc.id
    assert rows[1].before == {"display_name": "Admin"}
    assert rows[1].after == {"display_name": "Chief"}


def test_refused_transaction_leaves_no_audit_entry(pdb):
    with pdb.session() as s:
        n = s.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(RuntimeError), pdb.session() as s:
        accounts.create_account(s, "x@example.org", "X", password=PASSWORD)
        raise RuntimeError("refused")
    with pdb.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == n
        assert accounts.by_email(s, "x@example.org") is None


def test_totp_second_factor(pdb):
    import pyotp

    secret = security.new_totp_secret()
    with pdb.session() as s:
        acc = accounts.create_account(s, "t@example.org", "T", role="admin", password=PASSWORD)
        with pytest.raises(InputError):
            accounts.enable_totp(
                s, acc, secret, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
            )
        accounts.enable_totp(s, acc, secret, pyotp.TOTP(secret).now())
    with pytest.raises(AuthenticationError), pdb.session() as s:
        accounts.authenticate(s, "t@example.org", PASSWORD, "1.1.1.1")  # code missing
    with pdb.session() as s:
        assert accounts.authenticate(
            s, "t@example.org", PASSWORD, "1.1.1.1", pyotp.TOTP(secret).now()
        )


def test_mail_over_real_smtp(mailer, smtp):
    mailer.send("a@example.org", "Betreff\nInjected: header", "Hallo – Grüße")
    msg = smtp.messages[0]
    assert msg["To"] == "a@example.org"
    assert msg["From"] == "forum@example.org"
    assert "Injected" not in msg
    assert "Grüße" in msg.get_payload(decode=True).decode()


def test_mail_failure_is_a_clear_error():
    from regionatlas.platform.mail import Mailer, MailError

    with pytest.raises(MailError, match=r"127\.0\.0\.1:1"):
        Mailer(host="127.0.0.1", port=1, timeout=2).send("a@example.org", "x", "y")


def test_mail_over_starttls_with_a_real_server(tmp_path):
    """STARTTLS against aiosmtpd with a throw-away certificate (trusted via cafile); a
    server certificate the client does not trust is refused with a clear error."""
    import socket
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    from regionatlas.platform.mail import Mailer, MailError

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((session.ssl is not None, envelope.content))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        server_hostname="localhost",
    )
    controller.start()
    try:
        Mailer(host="localhost", port=port, tls="starttls", cafile=str(cert)).send(
            "a@example.org", "TLS", "verschlüsselt"
        )
        assert received and received[0][0] is True  # the message came over TLS
        with pytest.raises(MailError, match="could not send mail"):
            Mailer(host="localhost", port=port, tls="starttls").send("a@example.org", "x", "y")
        with pytest.raises(MailError):  # the server insists on STARTTLS
            Mailer(host="localhost", port=port, tls="none").send("a@example.org", "x", "y")
    finally:
        controller.stop()


def test_handles_come_from_the_name_never_from_the_address(pdb):
    """Handles are public (posts, member lists, static copy); the address is not."""
    assert accounts.handle_from_name("Jörg Weiß") == "joerg.weiss"
    assert accounts.handle_from_name("  Élodie  d'Arc ") == "elodie.d.arc"
    assert accounts.handle_from_name("") == "mitglied"
    with pdb.session() as s:
        a = accounts.create_account(s, "max.mustermann@example.org", "Erika M.", password=PASSWORD)
        b = accounts.create_account(s, "e.m@example.org", "Erika M.", password=PASSWORD)
        assert (a.handle, b.handle) == ("erika.m", "erika.m2")
        assert "mustermann" not in a.handle
