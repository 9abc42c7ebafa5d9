"""Test messages: does the mail set-up (or a channel) work, before a real report depends on it?

Sent at once, never through the outbox: a test that failed must not be retried
by the next run and reach editors days later. Each target gets its own verdict,
so one refused address does not hide that the others work.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from pledgewatch.core.errors import InputError
from pledgewatch.delivery.channels import Channel, send_note
from pledgewatch.delivery.dispatch import MailSettings
from pledgewatch.delivery.mail import Recipient, connect, message_id
from pledgewatch.delivery.outbox import MESSAGE_ERRORS, error_text

TITLE = "[{site}] pledgewatch test message"
BODY = ("This is a test message from pledgewatch: reports of changes on {site} "
        "will reach you here.\n")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    target: str  # an address, or a channel's masked label
    ok: bool
    detail: str  # "sent", or why not


def send_probes(settings: MailSettings, wanted: str | None = None,
                now: datetime | None = None) -> list[ProbeResult]:
    """Send a test message to ``wanted`` (an address or channel name), or to everyone."""
    recipients, channels = _targets(settings, wanted)
    now = now or datetime.now(UTC)
    title, body = TITLE.format(site=settings.site_name), BODY.format(site=settings.site_name)
    results = _mail_probes(settings, recipients, title, body, now) if recipients else []
    for channel in channels:
        problem = send_note(channel, title, body, timeout=settings.smtp.timeout)
        results.append(ProbeResult(channel.label, problem is None, problem or "sent"))
    return results


def _targets(settings: MailSettings, wanted: str | None) -> tuple[list[Recipient], list[Channel]]:
    recipients, channels = list(settings.recipients), list(settings.channels)
    if not recipients and not channels:
        raise InputError("no mail.recipients and no notify.channels configured: nothing to test")
    if wanted is None:
        return recipients, channels
    chosen = ([r for r in recipients if r.address.casefold() == wanted.casefold()],
              [c for c in channels if c.name == wanted])
    if not any(chosen):
        known = [r.address for r in recipients] + [c.name for c in channels]
        raise InputError(f"{wanted!r} is no configured recipient or channel; "
                         f"configured: {', '.join(known)}")
    return chosen


def _mail_probes(settings: MailSettings, recipients: list[Recipient], title: str, body: str,
                 now: datetime) -> list[ProbeResult]:
    if not settings.smtp.host:
        return [ProbeResult(r.address, False, "no mail.smtp_host configured") for r in recipients]
    try:
        connection = connect(settings.smtp)
    except (OSError, smtplib.SMTPException) as error:
        return [ProbeResult(r.address, False, error_text(error)) for r in recipients]
    results = []
    with connection:
        for recipient in recipients:
            message = _probe_message(settings, recipient.address, title, body, now)
            try:
                connection.send_message(message)
            except MESSAGE_ERRORS as error:
                results.append(ProbeResult(recipient.address, False, error_text(error)))
            except (OSError, smtplib.SMTPException) as error:
                results.append(ProbeResult(recipient.address, False, error_text(error)))
                break
            else:
                results.append(ProbeResult(recipient.address, True, "sent"))
    done = {result.target for result in results}
    lost = [r.address for r in recipients if r.address not in done]
    return results + [ProbeResult(a, False, "not tried: the connection was lost") for a in lost]


def _probe_message(settings: MailSettings, to: str, title: str, body: str,
                   now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = settings.smtp.sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(f"test-{now:%Y%m%dT%H%M%S}", to, settings.smtp.sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message
