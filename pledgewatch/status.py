"""``pledgewatch status``: what an operator checks first, and what a monitor reads, from the database alone.

The exit code is the monitor's answer: 0 healthy; 1 the last run failed or the source is
broken; 3 no complete run within ``health.stale_after_hours`` (a cron job that stopped
running says nothing else). "Next run" is shown only while a scheduler is alive
(:mod:`pledgewatch.heartbeat`): the job store keeps a due time after its scheduler died.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pledgewatch import health, heartbeat, lock
from pledgewatch.config import Config
from pledgewatch.storage import runlog
from pledgewatch.storage.db import open_database
from pledgewatch.storage.types import utcnow

HEALTHY, FAILING, STALE = 0, 1, 3


@dataclass(frozen=True, slots=True)
class Status:
    runs: list[runlog.RunSummary]
    health: dict[str, Any]
    holder: lock.LockHolder | None
    next_run: datetime | None  # only while a scheduler is alive
    scheduler_seen: datetime | None
    last_complete: runlog.RunSummary | None
    stale_after: timedelta
    unsent: int
    now: datetime

    @property
    def problems(self) -> list[tuple[int, str]]:
        """What is wrong, each with the exit code it calls for."""
        found = []
        if self.health.get("status") == "broken":
            found.append((FAILING, f"source broken: {self.health.get('reason', '')}"))
        last = self.runs[0] if self.runs else None
        if last is not None and last.status in (runlog.FAILED, runlog.INTERRUPTED):
            found.append((FAILING, f"last run #{last.id} {last.status}"))
        elif last is not None and last.error:  # stored, but its report or e-mail failed
            found.append((FAILING, f"last run #{last.id} stored, then failed"))
        finished = self.last_complete.finished_at if self.last_complete else None
        if finished is None or self.now - _aware(finished) > self.stale_after:
            hours = int(self.stale_after.total_seconds() // 3600)
            found.append((STALE, f"no complete run in the last {hours} hours"))
        return found

    @property
    def exit_code(self) -> int:
        codes = [code for code, _ in self.problems]
        return FAILING if FAILING in codes else (STALE if codes else HEALTHY)


def gather(config: Config, *, limit: int = 10) -> Status:
    from pledgewatch.delivery.outbox import pending_messages
    from pledgewatch.schedule import next_run_time

    factory = open_database(config.database.url, must_exist=True)
    now = utcnow()
    try:
        with factory() as session:
            runs = runlog.recent_runs(session, limit)
            last_complete = runlog.last_complete_run(session)
            state = health.current(session)
            holder = lock.current_holder(session)
            seen = heartbeat.last_seen(session)
        alive = heartbeat.is_alive(seen, now)
        next_run = next_run_time(factory.engine) if alive else None
    finally:
        factory.dispose()
    outbox = config.mail.outbox_dir
    unsent = len(pending_messages(outbox)) if (outbox / "pending").is_dir() else 0
    return Status(runs, state, holder, next_run, seen, last_complete,
                  timedelta(hours=config.health.stale_after_hours), unsent, now)


def render(status: Status) -> str:
    lines = [
        f"verdict:       {_verdict_line(status)}",
        f"source health: {_health_line(status.health)}",
        f"run lock:      {status.holder.describe(status.now) if status.holder else 'free'}",
        f"next run:      {_next_run_line(status)}",
    ]
    if status.unsent:
        lines.append(f"outbox:        {status.unsent} e-mail(s) waiting to be sent")
    lines += ["", "recent runs:"]
    if not status.runs:
        lines.append("  none yet: try `pledgewatch run` (or `pledgewatch demo`)")
    lines += [_run_line(run) for run in status.runs]
    return "\n".join(lines)


def as_json(status: Status) -> dict[str, Any]:
    """The same facts for a monitor: stable keys, ISO 8601 times in UTC."""
    return {
        "exit_code": status.exit_code,
        "problems": [text for _, text in status.problems],
        "source_health": status.health or {"status": "ok"},
        "run_lock": status.holder.describe(status.now) if status.holder else None,
        "scheduler": {"alive": heartbeat.is_alive(status.scheduler_seen, status.now),
                      "last_seen": _iso(status.scheduler_seen), "next_run": _iso(status.next_run)},
        "last_complete_run": _run_json(status.last_complete) if status.last_complete else None,
        "outbox_unsent": status.unsent,
        "runs": [_run_json(run) for run in status.runs],
    }


def _verdict_line(status: Status) -> str:
    problems = status.problems
    if not problems:
        return "healthy (exit 0)"
    return f"{'; '.join(text for _, text in problems)} (exit {status.exit_code})"


def _health_line(state: dict[str, Any]) -> str:
    since = f" since {state['since'][:16].replace('T', ' ')} UTC" if state.get("since") else ""
    return f"{state.get('status', 'ok')}{since} ({state.get('reason', '')})"


def _next_run_line(status: Status) -> str:
    if status.next_run is not None:
        return f"{status.next_run:%Y-%m-%d %H:%M} UTC"
    if status.scheduler_seen is not None:
        return (f"none: the scheduler stopped answering at {status.scheduler_seen:%Y-%m-%d %H:%M} UTC "
                "(`pledgewatch schedule` is not running)")
    return "not scheduled (no `pledgewatch schedule` running; cron runs are not known in advance)"


def _run_line(run: runlog.RunSummary) -> str:
    changes = "-" if run.changes is None else str(run.changes)
    line = (
        f"  #{run.id:<5} {run.started_at:%Y-%m-%d %H:%M}  {_state(run):<17} "
        f"pages {run.pages_ok} ok/{run.pages_failed} failed  changes {changes:<4} "
        f"e-mail: {run.email_status or '-'}"
    )
    if run.error:
        line += f"\n          {run.error.splitlines()[0][:200]}"
    return line


def _state(run: runlog.RunSummary) -> str:
    if run.status != runlog.INGESTED:
        return run.status
    return ("complete" if run.complete else "partial") + (", suspect" if run.suspect else "")


def _run_json(run: runlog.RunSummary) -> dict[str, Any]:
    return {"id": run.id, "state": _state(run), "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "pages_ok": run.pages_ok,
            "pages_failed": run.pages_failed, "changes": run.changes,
            "email": run.email_status, "error": run.error.splitlines()[0][:200] if run.error else None}


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _iso(when: datetime | None) -> str | None:
    return _aware(when).isoformat() if when is not None else None
