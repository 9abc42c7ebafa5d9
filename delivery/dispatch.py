"""Getting a run's report and health alerts to editors, through the on-disk outbox.

Everything is queued first and then flushed once, so messages an earlier run
could not send go out with this one, and a mail server or chat service that is
down loses nothing (see :mod:`pledgewatch.delivery.outbox`). E-mail recipients
get the full report; channels (:mod:`pledgewatch.delivery.channels`) a short note. The application hands over
plain values: :class:`MailSettings` built from its configuration and an
:class:`Alert` it has already worded, so this package never reads either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from pathlib import Path

from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery.channels import Channel
from pledgewatch.delivery.mail import Recipient, SmtpSettings, address_digest, message_id
from pledgewatch.delivery.notes import flush_notes, queue_notes, write_note
from pledgewatch.delivery.outbox import DeliveryResult, flush, queue

log = logging.getLogger(__name__)
OFF = "off (no mail.smtp_host or mail.recipients, and no notify.channels configured)"


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Who gets what, and through which server or channel; off without any recipient."""

    smtp: SmtpSettings
    recipients: tuple[Recipient, ...]
    outbox_dir: Path
    site_name: str = "gfmd.org"
    send_when_unchanged: bool = False  # also mail a report when nothing changed
    alert_to: tuple[str, ...] = ()  # addresses or channel names for health alerts; empty: all
    channels: tuple[Channel, ...] = ()  # chat and webhook channels (Apprise URLs)

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp.host and self.recipients)

    @property
    def enabled(self) -> bool:
        return self.mail_enabled or bool(self.channels)

    @property
    def alert_addresses(self) -> list[str]:
        if not self.mail_enabled:
            return []
        if not self.alert_to:
            return [r.address for r in self.recipients]
        names = {channel.name for channel in self.channels}
        return [target for target in self.alert_to if target not in names]

    @property
    def alert_channels(self) -> list[Channel]:
        return [c for c in self.channels if not self.alert_to or c.name in self.alert_to]


@dataclass(frozen=True, slots=True)
class Alert:
    """A health alert as editors read it; ``status`` (e.g. "broken") goes into its file name."""

    status: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Delivery:
    status: str  # one line for ``runs.email_status`` and the run summary
    ok: bool  # False when messages were left unsent


def deliver(settings: MailSettings, changes: ChangeSet | None, alert: Alert | None) -> Delivery:
    """Queue this run's report (per recipient filter) and any health alert, then send."""
    return send(settings, enqueue(settings, changes, alert))


def enqueue(settings: MailSettings, changes: ChangeSet | None, alert: Alert | None,
            links: object | None = None) -> list[str]:
    """Write this run's messages to the outbox; returns notes for the e-mail status line.

    Queued before the run is marked reported, so a crash from here on can at
    worst send a report twice, never lose one.
    """
    if not settings.enabled:
        return []
    notes = []
    if changes is not None and changes.from_run is None:
        notes.append("first run is the baseline: no report mailed")
    elif changes is not None:
        if settings.mail_enabled:
            queue(changes, settings.recipients, settings.outbox_dir, sender=settings.smtp.sender,
                  site_name=settings.site_name,
                  send_when_unchanged=settings.send_when_unchanged, links=links)
        queue_notes(changes, settings.channels, settings.outbox_dir, site_name=settings.site_name,
                    send_when_unchanged=settings.send_when_unchanged, links=links)
    if alert is not None:
        queue_alert(settings, alert)
    return notes


def send(settings: MailSettings, notes: list[str]) -> Delivery:
    """Flush the outbox: this run's messages and any an earlier run could not send."""
    if not settings.enabled:
        return Delivery(OFF, True)
    result = flush_all(settings)
    notes = [f"{len(result.sent)} sent", *notes]
    if result.failed:
        first = result.failed[0]
        notes.append(f"{len(result.failed)} NOT sent, kept in the outbox "
                     f"(to {first.recipient}: {first.last_error})")
        log.error("e-mail: %s", "; ".join(notes))
    return Delivery("; ".join(notes), result.ok)


def flush_all(settings: MailSettings) -> DeliveryResult:
    """Send every pending e-mail (when a server is set) and channel note, once each."""
    mail = flush(settings.outbox_dir, settings.smtp) if settings.smtp.host else DeliveryResult()
    notes = flush_notes(settings.outbox_dir, settings.channels, timeout=settings.smtp.timeout)
    return DeliveryResult(sent=mail.sent + notes.sent, failed=mail.failed + notes.failed)


def queue_alert(settings: MailSettings, alert: Alert, now: datetime | None = None) -> int:
    """Put one alert per address and alert channel in the outbox; returns how many.

    Written in the outbox's documented layout (``pending/<name>.eml`` or ``.json``),
    named by the alert's status and the time it was queued.
    """
    stamp = f"health-{alert.status}-{(now or datetime.now(UTC)).strftime('%Y%m%dT%H%M%S')}"
    pending = settings.outbox_dir / "pending"
    pending.mkdir(parents=True, exist_ok=True)
    for address in settings.alert_addresses:
        name = f"{stamp}--{address_digest(address)}.eml"
        message = _alert_message(alert, stamp, sender=settings.smtp.sender, to=address, now=now)
        temporary = pending / f".{name}.tmp"
        temporary.write_bytes(message.as_bytes(policy=SMTP_POLICY))
        temporary.replace(pending / name)
    for channel in settings.alert_channels:
        write_note(settings.outbox_dir, f"{stamp}--{channel.digest}", channel, alert.subject,
                   alert.body, now=now)
    return len(settings.alert_addresses) + len(settings.alert_channels)


def _alert_message(alert: Alert, alert_id: str, *, sender: str, to: str,
                   now: datetime | None) -> EmailMessage:
    """Carries a Message-ID like report mails, so a resent alert is recognisably the same."""
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id(alert_id, to, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(alert.body)
    return message
