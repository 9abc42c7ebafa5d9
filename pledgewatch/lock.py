"""The run lock: one row in ``run_locks``, so it holds across processes, hosts and backends.

A file lock would not stop a second host pointed at the same PostgreSQL
database, and would survive in odd states on network filesystems. A primary-key
row does both jobs: inserting it is atomic on every backend, and whoever holds
it keeps ``heartbeat_at`` fresh from a background thread.

A lock is *stale* when its process is gone (same host: the pid no longer runs)
or its heartbeat is older than the timeout (any host). A stale lock is replaced
in one transaction with the caller's ``on_stale`` bookkeeping, so the dead run
is recorded exactly once even when two processes race to clear it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import CursorResult, Executable, delete, exc, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.errors import RunLocked
from pledgewatch.storage.models import RunLock
from pledgewatch.storage.types import utcnow

log = logging.getLogger(__name__)

DEFAULT_NAME = "pipeline"


@dataclass(frozen=True, slots=True)
class LockHolder:
    name: str
    owner: str
    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime

    def describe(self, now: datetime) -> str:
        age = int((now - self.heartbeat_at).total_seconds())
        return (
            f"pid {self.pid} on {self.host}, started {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"last heartbeat {age} s ago"
        )


def pid_alive(pid: int) -> bool:
    """Whether a process runs under ``pid`` here; a zombie (killed, not yet reaped) is dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stale_reason(holder: LockHolder, now: datetime, stale_after: timedelta, host: str) -> str | None:
    """Why ``holder`` is dead, or None while it may still be running."""
    if holder.host == host and not pid_alive(holder.pid):
        return f"process {holder.pid} on {host} is gone"
    silent = now - holder.heartbeat_at
    if silent > stale_after:
        return f"no heartbeat for {int(silent.total_seconds())} s"
    return None


class RunLease:
    """A held lock; keeps its heartbeat fresh until released (also as a context manager)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        holder: LockHolder,
        heartbeat: timedelta,
        replaced: LockHolder | None = None,
    ) -> None:
        self.factory, self.holder, self.replaced = factory, holder, replaced
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, args=(heartbeat.total_seconds(),), name="run-lock-heartbeat",
            daemon=True,
        )
        self._thread.start()

    def _beat(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                if not self.refresh():
                    self.lost = True
                    log.error("run lock lost: another process cleared it as stale")
                    return
            except exc.SQLAlchemyError as error:  # a busy database; try again next beat
                log.warning("run lock heartbeat failed: %s", error)

    def refresh(self, now: datetime | None = None) -> bool:
        """Bump the heartbeat; False when the row is no longer ours."""
        statement = (
            update(RunLock)
            .where(RunLock.name == self.holder.name, RunLock.owner == self.holder.owner)
            .values(heartbeat_at=now or utcnow())
        )
        with self.factory.begin() as session:
            return _rowcount(session, statement) == 1

    def release(self) -> None:
        self._stop.set()
        self._thread.join()
        statement = delete(RunLock).where(
            RunLock.name == self.holder.name, RunLock.owner == self.holder.owner
        )
        with self.factory.begin() as session:
            session.execute(statement)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


OnStale = Callable[[Session, LockHolder, str], None]


def acquire(
    factory: sessionmaker[Session],
    *,
    stale_after: timedelta,
    heartbeat: timedelta,
    on_stale: OnStale | None = None,
    name: str = DEFAULT_NAME,
) -> RunLease:
    """Take the lock or raise :class:`RunLocked` at once; never waits for the holder."""
    for _attempt in range(3):
        me = LockHolder(name, uuid.uuid4().hex, socket.gethostname(), os.getpid(), utcnow(), utcnow())
        try:
            replaced = _try_insert(factory, me, stale_after, on_stale)
        except exc.IntegrityError:  # another process inserted first (PostgreSQL); look again
            continue
        except _RaceLost:
            continue
        return RunLease(factory, me, heartbeat, replaced)
    raise RunLocked("another run took the run lock at the same moment; try again later")


class _RaceLost(Exception):
    """Another process cleared the same stale lock first."""


def _try_insert(
    factory: sessionmaker[Session], me: LockHolder, stale_after: timedelta, on_stale: OnStale | None
) -> LockHolder | None:
    with factory.begin() as session:
        row = session.execute(select(RunLock).where(RunLock.name == me.name)).scalar_one_or_none()
        current = _holder(row) if row is not None else None
        if current is not None:
            _replace_stale(session, current, me, stale_after, on_stale)
        session.execute(insert(RunLock).values(
            name=me.name, owner=me.owner, host=me.host, pid=me.pid,
            acquired_at=me.acquired_at, heartbeat_at=me.heartbeat_at,
        ))
        return current


def _replace_stale(
    session: Session, current: LockHolder, me: LockHolder, stale_after: timedelta,
    on_stale: OnStale | None,
) -> None:
    reason = stale_reason(current, me.acquired_at, stale_after, me.host)
    if reason is None:
        raise RunLocked(
            f"another run is in progress ({current.describe(me.acquired_at)}); "
            "this one was not started. Try again when it has finished."
        )
    cleared = _rowcount(
        session, delete(RunLock).where(RunLock.name == current.name, RunLock.owner == current.owner)
    )
    if cleared != 1:
        raise _RaceLost()
    log.warning("cleared a stale run lock (%s): %s", current.describe(me.acquired_at), reason)
    if on_stale is not None:
        on_stale(session, current, reason)


def _rowcount(session: Session, statement: Executable) -> int:
    """Rows a conditional UPDATE/DELETE touched: how we learn whether the lock was still ours."""
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


def _holder(row: RunLock) -> LockHolder:
    return LockHolder(row.name, row.owner, row.host, row.pid, row.acquired_at, row.heartbeat_at)


def current_holder(session: Session, name: str = DEFAULT_NAME) -> LockHolder | None:
    """Who holds the lock now, for ``status``."""
    row = session.get(RunLock, name)
    return _holder(row) if row is not None else None
