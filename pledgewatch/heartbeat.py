"""The scheduler's heartbeat: how ``status`` tells a running scheduler from a stopped one.

APScheduler's job store keeps the next due time after the scheduler is gone, so a due
time alone says nothing about whether anything will run. ``pledgewatch schedule`` writes
a heartbeat row to the ``state`` table every :data:`INTERVAL` seconds and removes it on a
clean stop; a heartbeat older than :data:`STALE_AFTER` means the scheduler died.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.storage.models import State
from pledgewatch.storage.types import utcnow

log = logging.getLogger(__name__)
KEY = "scheduler.heartbeat"
INTERVAL = timedelta(seconds=60)
STALE_AFTER = 3 * INTERVAL  # two missed beats are tolerated (a busy database, a slow disk)


class Heartbeat:
    """A thread that refreshes the heartbeat row while the scheduler serves."""

    def __init__(self, factory: sessionmaker[Session], interval: timedelta = INTERVAL) -> None:
        self.factory, self.interval = factory, interval
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="scheduler-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        beat(self.factory)
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.done.set()
        self.thread.join()
        with self.factory.begin() as session:
            row = session.get(State, KEY)
            if row is not None:
                session.delete(row)

    def _loop(self) -> None:
        while not self.done.wait(self.interval.total_seconds()):
            try:
                beat(self.factory)
            except SQLAlchemyError as error:  # the next beat may get through; status will tell
                log.warning("scheduler heartbeat not written: %s", error)


def beat(factory: sessionmaker[Session]) -> None:
    value = {"pid": os.getpid(), "host": socket.gethostname(), "at": utcnow().isoformat()}
    with factory.begin() as session:
        row = session.get(State, KEY)
        if row is None:
            session.add(State(key=KEY, value=value))
        else:
            row.value = value


def last_seen(session: Session) -> datetime | None:
    """When the scheduler last said it was alive; None if it never ran or stopped cleanly."""
    row = session.get(State, KEY)
    return datetime.fromisoformat(row.value["at"]) if row is not None else None


def is_alive(seen: datetime | None, now: datetime) -> bool:
    return seen is not None and now - seen <= STALE_AFTER
