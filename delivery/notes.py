"""Channel notes through the same on-disk outbox as e-mail: queued, sent once, retried.

A note is ``pending/<report>--<channel digest>.json`` holding its title, body and
the channel's masked label, never its URL (which carries the token). Flushing
matches each note to the configured channel with that digest; a note whose
channel was removed from the config stays pending and says so. As with e-mail, a
note leaves ``pending/`` only after the service accepted it, and queueing the
same report twice is a no-op, so a retry never posts twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery.channels import Channel, send_note
from pledgewatch.delivery.outbox import (
    NOTE_SUFFIX,
    DeliveryResult,
    PendingMessage,
    folders,
    mark_sent,
    record_failure,
    write_atomically,
)
from pledgewatch.report.summary import render_summary


def queue_notes(
    changes: ChangeSet,
    channels: Iterable[Channel],
    outbox_dir: Path,
    *,
    site_name: str = "gfmd.org",
    send_when_unchanged: bool = False,
    now: datetime | None = None,
    links: object | None = None,
) -> list[Path]:
    """One note per channel, through its filter; a channel with nothing to hear gets none."""
    report_id = f"run-{changes.from_run or 0}-{changes.to_run}"
    queued = []
    for channel in channels:
        if _already_queued(outbox_dir, f"{report_id}--{channel.digest}"):
            continue
        if channel.filter.apply(changes).is_empty and not send_when_unchanged:
            continue
        summary = render_summary(changes, site_name=site_name, filter=channel.filter, links=links)
        queued.append(write_note(outbox_dir, f"{report_id}--{channel.digest}", channel,
                                 summary.title, summary.body, now=now))
    return queued


def write_note(outbox_dir: Path, stem: str, channel: Channel, title: str, body: str, *,
               now: datetime | None = None) -> Path:
    """Put one note in ``pending/``, atomically; alerts use this too."""
    pending, _ = folders(outbox_dir)
    note = {"channel": channel.digest, "label": channel.label, "title": title, "body": body,
            "queued_at": (now or datetime.now(UTC)).isoformat(timespec="seconds")}
    return write_atomically(pending / f"{stem}{NOTE_SUFFIX}", json.dumps(note).encode())


def flush_notes(outbox_dir: Path, channels: Iterable[Channel], *,
                timeout: float = 30.0) -> DeliveryResult:
    """Try every pending note once; each channel's failure holds back only its own notes."""
    pending, _ = folders(outbox_dir)
    by_digest = {channel.digest: channel for channel in channels}
    sent: list[str] = []
    failed: list[PendingMessage] = []
    for path in sorted(pending.glob(f"*{NOTE_SUFFIX}")):
        note = json.loads(path.read_text(encoding="utf-8"))
        channel = by_digest.get(note["channel"])
        if channel is None:
            problem: str | None = f"no configured channel matches {note['label']} (removed from the config?)"
        else:
            problem = send_note(channel, note["title"], note["body"], timeout=timeout)
        if problem is None:
            mark_sent(path)
            sent.append(path.name)
        else:
            failed.append(record_failure(path, problem))
    return DeliveryResult(sent=tuple(sent), failed=tuple(failed))


def _already_queued(outbox_dir: Path, stem: str) -> bool:
    name = f"{stem}{NOTE_SUFFIX}"
    return (outbox_dir / "pending" / name).exists() or (outbox_dir / "sent" / name).exists()
