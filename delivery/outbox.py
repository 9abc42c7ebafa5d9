"""An on-disk outbox: every report e-mail is queued as a file, then sent, then marked sent.

Layout of ``outbox_dir``::

    pending/<report>--<recipient digest>.eml    waiting (written atomically)
    pending/<report>--<channel digest>.json     a note for a chat or webhook channel
    pending/<...>.error                         why the last attempt failed (JSON)
    sent/<...>.eml, sent/<...>.json             moved here only after the server accepted it

Queueing is idempotent (a message already pending or sent is not queued again)
and a message leaves ``pending/`` only once the server answered 250 to it, so a
failed run loses nothing and a retry never mails a recipient twice. The one gap
is a crash between the server's 250 and the move; the retry then resends the
message with the same Message-ID, which mail clients treat as a duplicate.
"""

from __future__ import annotations

import json
import os
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from pledgewatch.core.errors import PledgewatchError
from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery.mail import (
    Recipient,
    SmtpSettings,
    address_digest,
    build_message,
    connect,
    message_id,
)
from pledgewatch.report.render import render_report

NOTE_SUFFIX = ".json"  # a channel note (see :mod:`pledgewatch.delivery.notes`)

# Errors that concern one message; anything else ends the connection for the rest.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class DeliveryError(PledgewatchError):
    """Some report e-mails could not be sent; they stay in the outbox for the next run."""


@dataclass(frozen=True, slots=True)
class PendingMessage:
    name: str
    recipient: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    sent: tuple[str, ...] = ()  # message names accepted by the server in this flush
    failed: tuple[PendingMessage, ...] = ()  # still pending, with the error of this attempt

    @property
    def ok(self) -> bool:
        return not self.failed

    def check(self) -> None:
        """Raise :class:`DeliveryError` (exit code 1) when anything is left unsent."""
        if self.failed:
            first = self.failed[0]
            raise DeliveryError(
                f"{len(self.failed)} report e-mail(s) not sent (kept in the outbox for the next "
                f"run); first: to {first.recipient}: {first.last_error}"
            )


def queue(
    changes: ChangeSet,
    recipients: Iterable[Recipient],
    outbox_dir: Path,
    *,
    sender: str,
    site_name: str = "gfmd.org",
    send_when_unchanged: bool = False,
    now: datetime | None = None,
    links: object | None = None,
) -> list[Path]:
    """Queue one message per recipient, rendered through their filter; returns new files.

    A recipient whose filtered report is empty gets nothing unless ``send_when_unchanged``.
    """
    pending, sent = folders(outbox_dir)
    report_id = f"run-{changes.from_run or 0}-{changes.to_run}"
    queued = []
    for recipient in recipients:
        name = f"{report_id}--{address_digest(recipient.address)}.eml"
        if (pending / name).exists() or (sent / name).exists():
            continue
        if recipient.filter.apply(changes).is_empty and not send_when_unchanged:
            continue
        report = render_report(changes, site_name=site_name, filter=recipient.filter, links=links)
        message = build_message(report, sender=sender, to=recipient.address, date=now,
                                msgid=message_id(report_id, recipient.address, sender))
        queued.append(write_atomically(pending / name, message.as_bytes(policy=SMTP_POLICY)))
    return queued


def flush(outbox_dir: Path, smtp: SmtpSettings, *,
          environ: Mapping[str, str] | None = None) -> DeliveryResult:
    """Try to send every pending message once, over one connection."""
    pending, _ = folders(outbox_dir)
    paths = sorted(pending.glob("*.eml"))
    if not paths:
        return DeliveryResult()
    try:
        connection = connect(smtp, environ)
    except (OSError, smtplib.SMTPException) as error:
        return DeliveryResult(failed=tuple(record_failure(p, error) for p in paths))
    with connection:
        return _send_all(connection, paths, smtp.sender)


def pending_messages(outbox_dir: Path) -> list[PendingMessage]:
    """E-mails earlier runs could not send, with why; for ``run`` and ``status`` to report."""
    pending, _ = folders(outbox_dir)
    return [_describe(path) for path in sorted(pending.glob("*.eml"))]


def everything_pending(outbox_dir: Path) -> list[PendingMessage]:
    """E-mails and channel notes waiting, for ``outbox list``; channels show masked.

    Only reads: a missing outbox is an empty one.
    """
    pending = outbox_dir / "pending"
    paths = [*pending.glob("*.eml"), *pending.glob(f"*{NOTE_SUFFIX}")]
    return [_describe(path) for path in sorted(paths)]


def _send_all(connection: smtplib.SMTP, paths: list[Path], sender: str) -> DeliveryResult:
    sent: list[str] = []
    failed: list[PendingMessage] = []
    for index, path in enumerate(paths):
        try:
            connection.sendmail(sender, [_recipient_of(path)], path.read_bytes())
        except MESSAGE_ERRORS as error:
            failed.append(record_failure(path, error))
        except (OSError, smtplib.SMTPException) as error:  # connection lost: the rest wait too
            failed.extend(record_failure(p, error) for p in paths[index:])
            break
        else:
            mark_sent(path)
            sent.append(path.name)
    return DeliveryResult(sent=tuple(sent), failed=tuple(failed))


def mark_sent(path: Path) -> None:
    sent = path.parent.parent / "sent"
    os.replace(path, sent / path.name)
    path.with_suffix(".error").unlink(missing_ok=True)


def record_failure(path: Path, error: BaseException | str) -> PendingMessage:
    """Count the attempt beside the message, with why it failed (already worded if a string)."""
    previous = _describe(path)
    text = error if isinstance(error, str) else error_text(error)
    log = {"error": text, "attempts": previous.attempts + 1,
           "last_attempt": datetime.now(UTC).isoformat(timespec="seconds")}
    write_atomically(path.with_suffix(".error"), json.dumps(log).encode())
    return PendingMessage(path.name, previous.recipient, previous.attempts + 1, text)


def _describe(path: Path) -> PendingMessage:
    log_path = path.with_suffix(".error")
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else {}
    return PendingMessage(path.name, _recipient_of(path), log.get("attempts", 0), log.get("error"))


def _recipient_of(path: Path) -> str:
    """The address an e-mail goes to, or the masked label of a channel note."""
    if path.suffix == NOTE_SUFFIX:
        return str(json.loads(path.read_text(encoding="utf-8"))["label"])
    with path.open("rb") as file:
        return str(BytesHeaderParser().parse(file)["To"])


def error_text(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return f"SMTP {error.smtp_code}: {detail}"
    return f"{type(error).__name__}: {error}"


def folders(outbox_dir: Path) -> tuple[Path, Path]:
    pending, sent = outbox_dir / "pending", outbox_dir / "sent"
    pending.mkdir(parents=True, exist_ok=True)
    sent.mkdir(parents=True, exist_ok=True)
    return pending, sent


def write_atomically(path: Path, data: bytes) -> Path:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path
