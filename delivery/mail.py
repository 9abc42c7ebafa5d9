"""E-mail for editors: SMTP settings, recipients, message building and the SMTP connection.

Messages are multipart/alternative: the plain text first, the HTML second, so
clients that cannot or will not show HTML still get a report that reads well.
Delivery goes through the outbox (:mod:`pledgewatch.delivery.outbox`), never straight
from a run, so a mail server being down loses nothing.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from pledgewatch.core.errors import ConfigError
from pledgewatch.report.filter import ReportFilter
from pledgewatch.report.render import Report

SECURITY_MODES = ("starttls", "tls", "none")
DEFAULT_PASSWORD_ENV = "PLEDGEWATCH_SMTP_PASSWORD"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send. The password is never stored here unless already resolved."""

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls" | "tls" (SMTPS, also spelt "ssl") | "none"
    user: str = ""
    password_env: str = DEFAULT_PASSWORD_ENV  # the environment variable holding the password
    timeout: float = 30.0
    sender: str = "pledgewatch@localhost"
    password: str = field(default="", repr=False)  # already resolved (the app reads the env)
    ca_file: str | None = None  # extra CA bundle, for a relay with a private certificate

    def __post_init__(self) -> None:
        if self.security == "ssl":
            object.__setattr__(self, "security", "tls")
        if self.security not in SECURITY_MODES:
            raise ConfigError(f"mail.security must be one of {', '.join(SECURITY_MODES)}, "
                              f"got {self.security!r}")

    def resolve_password(self, environ: Mapping[str, str] | None = None) -> str:
        return self.password or (os.environ if environ is None else environ).get(self.password_env, "")


@dataclass(frozen=True, slots=True)
class Recipient:
    """An editor; with vocabularies or terms set, they only hear about pledges under those."""

    address: str
    vocabularies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def filter(self) -> ReportFilter:
        return ReportFilter(vocabularies=self.vocabularies, terms=self.terms)


def message_id(report_id: str, address: str, sender: str) -> str:
    """One Message-ID per report and recipient, so a resent message is recognisably the same."""
    digest = address_digest(address)
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<pledgewatch.{report_id}.{digest}@{domain}>"


def address_digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def build_message(report: Report, *, sender: str, to: str, msgid: str,
                  date: datetime | None = None) -> EmailMessage:
    """A text + HTML message; headers hold no scraped text (the subject is counts only)."""
    message = EmailMessage()
    message["Subject"] = report.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = msgid
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(report.text, cte="quoted-printable")
    message.add_alternative(report.html, subtype="html", cte="quoted-printable")
    return message


def connect(smtp: SmtpSettings, environ: Mapping[str, str] | None = None) -> smtplib.SMTP:
    """An open, authenticated connection; raises ``smtplib.SMTPException`` or ``OSError``."""
    if smtp.security == "none" and smtp.user and smtp.host not in LOOPBACK_HOSTS:
        raise ConfigError("refusing to send the SMTP password unencrypted: "
                          "set mail.security to starttls or tls")
    context = ssl.create_default_context(cafile=smtp.ca_file)
    if smtp.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                    context=context)
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        if smtp.security == "starttls":
            connection.starttls(context=context)
        if smtp.user:
            connection.login(smtp.user, smtp.resolve_password(environ))
    except BaseException:
        connection.close()
        raise
    return connection
