"""Sent messages older than ``outbox.keep_sent_days`` go; pending ones stay however old."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pledgewatch.delivery.retention import prune_sent

NOW = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    stamp = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_sent_messages_older_than_the_limit_are_deleted_and_the_rest_kept(tmp_path):
    outbox = tmp_path / "outbox"
    old_mail = aged(outbox / "sent" / "run-1-2--a.eml", 31)
    old_note = aged(outbox / "sent" / "run-1-2--b.json", 40)
    recent = aged(outbox / "sent" / "run-2-3--a.eml", 29)
    stuck = aged(outbox / "pending" / "run-0-1--a.eml", 400)
    other = aged(outbox / "sent" / "notes.txt", 400)
    assert sorted(prune_sent(outbox, 30, now=NOW)) == sorted([old_mail, old_note])
    assert not old_mail.exists() and not old_note.exists()
    assert recent.exists() and stuck.exists() and other.exists()


def test_zero_keeps_everything_and_a_missing_outbox_is_left_alone(tmp_path):
    old = aged(tmp_path / "outbox" / "sent" / "run-1-2--a.eml", 4000)
    assert prune_sent(tmp_path / "outbox", 0, now=NOW) == [] and old.exists()
    assert prune_sent(tmp_path / "nowhere", 30, now=NOW) == []
    assert not (tmp_path / "nowhere").exists()
