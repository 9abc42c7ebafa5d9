"""Run bookkeeping for the application: failed and interrupted attempts, outcomes, history.

Ingest writes a ``runs`` row (status ``ingested``) in the same transaction as the
data, so a run that has a row has all its data. Everything else about a run is
recorded here, each in its own short transaction: an attempt that failed before
ingesting, one that was interrupted (found through its stale run lock at the
next start), and what the pipeline did after ingest (changes found, report
folder, e-mail). A run whose ``report_dir`` is still empty was never reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pledgewatch.storage.models import Run
from pledgewatch.storage.types import utcnow

INGESTED, FAILED, INTERRUPTED = "ingested", "failed", "interrupted"
UNKNOWN_SOURCE = "unknown"
MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One line of ``pledgewatch status``."""

    id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    source: str
    complete: bool
    suspect: bool
    pages_ok: int
    pages_failed: int
    counts: dict[str, Any] | None
    email_status: str | None
    report_dir: str | None
    error: str | None

    @property
    def changes(self) -> int | None:
        if self.counts is None:
            return None
        return sum(v for k, v in self.counts.items() if k != "not_seen" and isinstance(v, int))


def record_failed(
    session: Session,
    *,
    started_at: datetime,
    source: str,
    error: str,
    status: str = FAILED,
) -> int:
    """A run that wrote no data: the crawl or ingest failed, or it was stopped first."""
    run = Run(
        started_at=started_at,
        finished_at=utcnow(),
        source=source or UNKNOWN_SOURCE,
        status=status,
        complete=False,
        error=error[:MAX_ERROR_CHARS],
    )
    session.add(run)
    session.flush()
    return run.id


def record_abort(
    session: Session, *, started_at: datetime, status: str, reason: str, source: str = ""
) -> int:
    """Record the attempt that began at ``started_at`` as failed or interrupted; returns its id.

    If it got as far as ingesting, its data is complete (ingest is one
    transaction) and stays: the run is only annotated. One that was never
    reported is picked up by the next report; one stopped while mailing has its
    messages in the outbox for the next run. Otherwise a row records the attempt.
    """
    ingested = ingested_since(session, started_at)
    for run in ingested:
        stage = "while sending e-mail" if run.report_dir else "after ingest, before its report"
        run.error = f"{status} {stage}: {reason}"[:MAX_ERROR_CHARS]
        if run.report_dir is None:  # nothing was queued: the next run reports these changes
            run.email_status = f"none ({status} before its report); the next run reports its changes"
        elif run.email_status in (None, "queued"):
            run.email_status = f"not sent ({status}); queued mail goes out with the next run"
    if ingested:
        return ingested[-1].id
    return record_failed(
        session, started_at=started_at, source=source, status=status, error=f"{status}: {reason}"
    )


def ingested_since(session: Session, started_at: datetime) -> list[Run]:
    """Runs ingested after ``started_at``: what an attempt begun then had already written."""
    stamp = func.coalesce(Run.ingested_at, Run.started_at)
    statement = select(Run).where(Run.status == INGESTED, stamp >= started_at).order_by(Run.id)
    return list(session.scalars(statement))


def record_outcome(
    session: Session,
    run_id: int,
    *,
    counts: dict[str, Any] | None = None,
    report_dir: str | None = None,
    email_status: str | None = None,
) -> None:
    """What the pipeline did with an ingested run; ``None`` leaves a field unchanged."""
    run = session.get_one(Run, run_id)
    if counts is not None:
        run.counts = counts
    if report_dir is not None:
        run.report_dir = report_dir
    if email_status is not None:
        run.email_status = email_status[:200]


def last_reported_run(session: Session, before: int) -> int | None:
    """The latest complete run before ``before`` whose changes reached a report."""
    statement = select(func.max(Run.id)).where(
        Run.id < before,
        Run.status == INGESTED,
        Run.complete.is_(True),
        Run.report_dir.is_not(None),
    )
    return session.scalar(statement)


def reported_runs_between(session: Session, after: int, before: int) -> list[int]:
    """Ingested runs strictly between two runs whose changes reached a report, oldest first."""
    statement = select(Run.id).where(Run.id > after, Run.id < before, Run.status == INGESTED,
                                     Run.report_dir.is_not(None)).order_by(Run.id)
    return list(session.scalars(statement))


def is_reported(session: Session, run_id: int) -> bool:
    run = session.get(Run, run_id)
    return run is not None and run.report_dir is not None


def recent_runs(session: Session, limit: int = 10) -> list[RunSummary]:
    """The newest runs first, as plain values."""
    rows = session.scalars(select(Run).order_by(Run.id.desc()).limit(limit))
    return [_summary(run) for run in rows]


def _summary(run: Run) -> RunSummary:
    return RunSummary(
        id=run.id, status=run.status, started_at=run.started_at, finished_at=run.finished_at,
        source=run.source, complete=run.complete, suspect=run.suspect, pages_ok=run.pages_ok,
        pages_failed=run.pages_failed, counts=run.counts, email_status=run.email_status,
        report_dir=run.report_dir, error=run.error,
    )


def last_complete_run(session: Session) -> RunSummary | None:
    """The newest run whose crawl was complete and ingested: what a monitor calls fresh."""
    run = session.scalars(
        select(Run).where(Run.status == INGESTED, Run.complete.is_(True)).order_by(Run.id.desc()).limit(1)
    ).first()
    return _summary(run) if run is not None else None
