"""Getting a run's report and health alerts to editors, through the on-disk outbox.

Everything is queued first and then flushed once, so messages an earlier run
could not send go out with this one, and a mail server that is down loses
nothing (see :mod:`pledgewatch.outbox`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from pledgewatch.core.values import ChangeSet
from pledgewatch import health
from pledgewatch.config import Config, MailConfig
from pledgewatch.mail import Recipient, SmtpSettings, address_digest
from pledgewatch.outbox import flush, queue

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    status: str  # one line for ``runs.email_status`` and the run summary
    ok: bool  # False when messages were left unsent


def deliver(config: Config, changes: ChangeSet | None, transition: health.Transition | None) -> Delivery:
    """Queue this run's report (per recipient filter) and any health alert, then send."""
    return send(config, enqueue(config, changes, transition))


def enqueue(config: Config, changes: ChangeSet | None, transition: health.Transition | None,
            links: object | None = None) -> list[str]:
    """Write this run's messages to the outbox; returns notes for the e-mail status line.

    Queued before the run is marked reported, so a crash from here on can at
    worst send a report twice, never lose one.
    """
    mail = config.mail
    if not mail.enabled:
        return []
    notes = []
    if changes is not None and changes.from_run is None:
        notes.append("first run is the baseline: no report mailed")
    elif changes is not None:
        queue(changes, recipients(mail), mail.outbox_dir, sender=mail.sender,
              site_name=config.report.site_name, send_when_unchanged=mail.send_when_unchanged,
              links=links)
    if transition is not None:
        queue_alert(config, transition)
    return notes


def send(config: Config, notes: list[str]) -> Delivery:
    """Flush the outbox: this run's messages and any an earlier run could not send."""
    mail = config.mail
    if not mail.enabled:
        return Delivery("off (no mail.smtp_host or mail.recipients configured)", True)
    result = flush(mail.outbox_dir, SmtpSettings.from_config(mail))
    notes = [f"{len(result.sent)} sent", *notes]
    if result.failed:
        first = result.failed[0]
        notes.append(f"{len(result.failed)} NOT sent, kept in the outbox "
                     f"(to {first.recipient}: {first.last_error})")
        log.error("e-mail: %s", "; ".join(notes))
    return Delivery("; ".join(notes), result.ok)


def recipients(mail: MailConfig) -> list[Recipient]:
    return [Recipient(r.address, r.vocabularies, r.terms) for r in mail.recipients]


def alert_addresses(config: Config) -> list[str]:
    return list(config.health.alert_to) or [r.address for r in config.mail.recipients]


def queue_alert(config: Config, transition: health.Transition, now: datetime | None = None) -> int:
    """Put one alert per address in the outbox's ``pending/`` folder; returns how many.

    Written in the outbox's documented layout (``pending/<name>.eml``), named by
    the transition's time so a retry never queues the same alert twice.
    """
    mail = config.mail
    subject, body = health.alert_text(transition, config.report.site_name)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    pending = mail.outbox_dir / "pending"
    pending.mkdir(parents=True, exist_ok=True)
    count = 0
    for address in alert_addresses(config):
        name = f"health-{transition.status}-{stamp}--{address_digest(address)}.eml"
        message = _alert_message(subject, body, sender=mail.sender, to=address, now=now)
        temporary = pending / f".{name}.tmp"
        temporary.write_bytes(message.as_bytes(policy=SMTP_POLICY))
        temporary.replace(pending / name)
        count += 1
    return count


def _alert_message(subject: str, body: str, *, sender: str, to: str,
                   now: datetime | None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message
