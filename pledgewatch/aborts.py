"""Recording runs that did not finish: failed, stopped by a signal, or killed outright.

A killed run cannot record anything itself; its stale run lock is found by the
next start, and :func:`record_dead_run` runs in the same transaction that takes
the lock over, so the dead run is recorded exactly once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from pledgewatch import health, lock, mailing
from pledgewatch.config import Config
from pledgewatch.core.errors import InputError, PledgewatchError, WriteFault
from pledgewatch.storage import runlog

log = logging.getLogger(__name__)


class RunInterrupted(PledgewatchError):
    """The run was asked to stop (a signal) before its data was ingested."""


def record_dead_run(session: Session, holder: lock.LockHolder, reason: str) -> None:
    run_id = runlog.record_abort(session, started_at=holder.acquired_at,
                                 status=runlog.INTERRUPTED, reason=reason)
    log.warning("recorded run %s as interrupted: %s", run_id, reason)


def record_abort(
    factory: sessionmaker[Session],
    config: Config,
    *,
    started_at: datetime,
    stage: str,
    source: str,
    stopped: bool,
    error: BaseException,
) -> None:
    """Record a run that ended in ``error``; a crawl failure also marks the source broken."""
    interrupted = stopped or isinstance(error, (RunInterrupted, KeyboardInterrupt, SystemExit))
    status = runlog.INTERRUPTED if interrupted else runlog.FAILED
    reason = f"during {stage}: {error or type(error).__name__}"
    try:
        with factory.begin() as session:
            run_id = runlog.record_abort(session, started_at=started_at, status=status,
                                         reason=reason, source=source)
            broken = None if interrupted else source_failure(stage, error)
            transition = health.record(session, broken, run_id) if broken else None
        log.error("run %s %s %s", run_id, status, reason)
        if transition is not None:
            mailing.deliver(config, None, transition)
    except Exception as failure:  # never hide the original error behind a bookkeeping one
        # One line: the database is often down for the same reason (a full disk).
        log.error("could not record the %s run: %s", status, _first_line(failure))


def source_failure(stage: str, error: BaseException) -> health.Verdict | None:
    """A crawl that failed says the source (or the spider) is broken; other failures do not,
    and neither does a full disk here (the source is not to blame)."""
    if stage != "crawl" or not isinstance(error, Exception) or isinstance(error, (InputError, WriteFault)):
        return None
    return health.judge_failure(str(error))


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"
