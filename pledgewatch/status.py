"""``pledgewatch status``: what an operator checks first, read from the database alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pledgewatch import health, lock
from pledgewatch.config import Config
from pledgewatch.storage import runlog
from pledgewatch.storage.db import open_database
from pledgewatch.storage.types import utcnow


@dataclass(frozen=True, slots=True)
class Status:
    runs: list[runlog.RunSummary]
    health: dict[str, Any]
    holder: lock.LockHolder | None
    next_run: datetime | None
    unsent: int
    now: datetime


def gather(config: Config, *, limit: int = 10) -> Status:
    from pledgewatch.delivery.outbox import pending_messages
    from pledgewatch.schedule import next_run_time

    factory = open_database(config.database.url, must_exist=True)
    try:
        with factory() as session:
            runs = runlog.recent_runs(session, limit)
            state = health.current(session)
            holder = lock.current_holder(session)
        next_run = next_run_time(factory.engine)
    finally:
        factory.dispose()
    outbox = config.mail.outbox_dir
    unsent = len(pending_messages(outbox)) if (outbox / "pending").is_dir() else 0
    return Status(runs, state, holder, next_run, unsent, utcnow())


def render(status: Status) -> str:
    lines = [
        f"source health: {_health_line(status.health)}",
        f"run lock:      {status.holder.describe(status.now) if status.holder else 'free'}",
        f"next run:      {_next_run_line(status.next_run)}",
    ]
    if status.unsent:
        lines.append(f"outbox:        {status.unsent} e-mail(s) waiting to be sent")
    lines += ["", "recent runs:"]
    if not status.runs:
        lines.append("  none yet: try `pledgewatch run` (or `pledgewatch demo`)")
    lines += [_run_line(run) for run in status.runs]
    return "\n".join(lines)


def _health_line(state: dict[str, Any]) -> str:
    since = f" since {state['since'][:16].replace('T', ' ')} UTC" if state.get("since") else ""
    return f"{state.get('status', 'ok')}{since} ({state.get('reason', '')})"


def _next_run_line(when: datetime | None) -> str:
    if when is None:
        return "not scheduled (`pledgewatch schedule` not started here; cron runs are not known)"
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _run_line(run: runlog.RunSummary) -> str:
    state = run.status
    if run.status == runlog.INGESTED:
        state = "complete" if run.complete else "partial"
        state += ", suspect" if run.suspect else ""
    changes = "-" if run.changes is None else str(run.changes)
    line = (
        f"  #{run.id:<5} {run.started_at:%Y-%m-%d %H:%M}  {state:<17} "
        f"pages {run.pages_ok} ok/{run.pages_failed} failed  changes {changes:<4} "
        f"e-mail: {run.email_status or '-'}"
    )
    if run.error:
        line += f"\n          {run.error.splitlines()[0][:200]}"
    return line
