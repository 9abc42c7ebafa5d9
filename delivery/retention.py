"""Keep ``outbox/sent/`` from growing for ever: sent messages older than N days go.

``sent/`` is a record of what went out and what queueing checks to avoid
sending a report twice. That check matters only for the run being reported and
the one after a crash, so a week or more of history is plenty; pending
messages are never touched, however old.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pledgewatch.delivery.outbox import NOTE_SUFFIX


def prune_sent(outbox_dir: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete sent messages last written more than ``keep_days`` ago; 0 keeps everything."""
    sent = outbox_dir / "sent"
    if keep_days <= 0 or not sent.is_dir():
        return []
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=keep_days)).timestamp()
    old = [path for path in sorted(sent.iterdir())
           if path.suffix in (".eml", NOTE_SUFFIX) and path.is_file()
           and path.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return old
