"""The mail sender: plain-text messages over SMTP (host, port, TLS mode, sender, login).

``Mailer.from_settings(settings)``; ``mailer.send(to, subject, body)``. TLS modes: ``none``,
``starttls`` (port 587), ``ssl`` (port 465). Failures raise ``MailError`` (a StoreError:
the caller decides whether the action fails with it).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from regionatlas.errors import StoreError

TLS_MODES = ("none", "starttls", "ssl")


class MailError(StoreError):
    """Mail could not be sent."""


@dataclass(frozen=True)
class Mailer:
    host: str = "localhost"
    port: int = 25
    tls: str = "none"
    sender: str = "regionatlas@localhost"
    user: str | None = None
    password: str | None = None
    cafile: str | None = None  # CA bundle to trust for TLS (default: the system's)
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings) -> Mailer:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            sender=settings.mail_from,
            user=settings.smtp_user,
            password=settings.smtp_password,
            cafile=settings.smtp_cafile,
        )

    def message(
        self, to: str, subject: str, body: str, headers: dict[str, str] | None = None
    ) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject.replace("\n", " ").replace("\r", " ")
        msg["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1])
        for name, value in (headers or {}).items():  # e.g. List-Unsubscribe (RFC 2369, 8058)
            msg[name] = value.replace("\n", " ").replace("\r", " ")
        msg.set_content(body)
        return msg

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    def send(self, to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
        if self.tls not in TLS_MODES:
            raise MailError(f"unknown SMTP TLS mode {self.tls!r}", expected=", ".join(TLS_MODES))
        msg = self.message(to, subject, body, headers)
        try:
            if self.tls == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self._tls()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.tls == "starttls":
                    smtp.starttls(context=self._tls())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"could not send mail via {self.host}:{self.port}: {exc}", to=to
            ) from exc
