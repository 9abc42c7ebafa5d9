"""Notification channels beyond e-mail: Slack, Teams, Matrix, webhooks..., through Apprise.

A channel is an Apprise URL (``slack://...``, ``msteams://...``, ``json://host/path``)
plus the same filters an e-mail recipient has. The URL usually *is* the secret
(a webhook token sits in its path), so it is shown only masked
(:func:`mask_url`), remembered for :func:`pledgewatch.core.redact.redact`, and
never written to the outbox: a queued note names its channel by a digest of the
URL and is matched to the configured channel when it is sent.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from pledgewatch.core.errors import ConfigError
from pledgewatch.core.redact import MASK, keep_secret, redact
from pledgewatch.report.filter import ReportFilter

# Apprise's own logger says what failed (refused connection, HTTP status); we keep those lines.
_PROBLEM_LEVELS = ("WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Channel:
    """One place notes go; ``name`` is how operators refer to it (``notify test NAME``)."""

    name: str
    url: str = field(repr=False)
    vocabularies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        remember_url(self.url)

    @property
    def filter(self) -> ReportFilter:
        return ReportFilter(vocabularies=self.vocabularies, terms=self.terms)

    @property
    def digest(self) -> str:
        """Names the channel in outbox files without its token."""
        return hashlib.sha256(self.url.strip().encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        return f"{self.name} ({mask_url(self.url)})"


def mask_url(url: str) -> str:
    """Only the scheme shows: in most services' URLs the host and path are the token.

    >>> mask_url("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general")
    'slack://***'
    """
    scheme, separator, _ = url.partition("://")
    return f"{scheme}://{MASK}" if separator else MASK


def remember_url(url: str) -> None:
    """Have :func:`redact` hide the URL and its token-bearing remainder in every message."""
    keep_secret(url)
    keep_secret(url.partition("://")[2])


def check_url(url: str, where: str) -> None:
    """Refuse a URL Apprise cannot use, naming the key but never showing the URL."""
    import apprise

    if apprise.Apprise.instantiate(url) is None:
        raise ConfigError(f"{where}: {mask_url(url)} is not a notification URL Apprise knows "
                          "(see https://github.com/caronc/apprise/wiki)")


def send_note(channel: Channel, title: str, body: str, *, timeout: float = 30.0) -> str | None:
    """Send one note; ``None`` when the service accepted it, else why not (masked)."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(channel.url):
        return f"{mask_url(channel.url)} is not a notification URL Apprise knows"
    problems: list[str] = []

    def keep_problems(entry: object, _plugin: object) -> None:
        if getattr(entry, "level", "") in _PROBLEM_LEVELS:
            problems.append(str(getattr(entry, "message", entry)))

    result = notifier.notify(body=body, title=title, timeout=timeout, log_callback=keep_problems,
                             log_level=logging.WARNING)
    if result:
        return None
    return redact("; ".join(problems) or "the service did not accept the note")
