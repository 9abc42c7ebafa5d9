"""The run lock: one holder at a time across processes; dead holders are cleared exactly once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch import lock
from pledgewatch.core.errors import RunLocked
from pledgewatch.storage.models import RunLock
from pledgewatch.storage.types import utcnow

STALE = timedelta(minutes=15)
BEAT = timedelta(seconds=30)


def take(factory: sessionmaker[Session], **kwargs: object) -> lock.RunLease:
    return lock.acquire(factory, stale_after=STALE, heartbeat=BEAT, **kwargs)  # type: ignore[arg-type]


def plant(factory: sessionmaker[Session], *, pid: int, host: str, silent: timedelta) -> None:
    """A lock row as another process would have left it."""
    beat = utcnow() - silent
    with factory.begin() as session:
        session.add(RunLock(name=lock.DEFAULT_NAME, owner="other", host=host, pid=pid,
                            acquired_at=beat, heartbeat_at=beat))


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_acquire_is_refused_at_once_naming_the_holder(factory: sessionmaker[Session]) -> None:
    holder = f"pid {os.getpid()} on {socket.gethostname()}"
    with take(factory), pytest.raises(RunLocked, match=holder):
        take(factory)


def test_release_frees_the_lock(factory: sessionmaker[Session]) -> None:
    take(factory).release()
    with take(factory) as lease:
        assert lease.replaced is None
    with factory() as session:
        assert session.scalars(select(RunLock)).all() == []


def test_a_lock_whose_process_died_on_this_host_is_cleared(factory: sessionmaker[Session]) -> None:
    plant(factory, pid=dead_pid(), host=socket.gethostname(), silent=timedelta(seconds=1))
    seen = []
    with take(factory, on_stale=lambda s, holder, why: seen.append((holder.owner, why))) as lease:
        assert lease.replaced is not None and lease.replaced.owner == "other"
    assert len(seen) == 1 and "is gone" in seen[0][1]


def test_a_live_process_on_another_host_keeps_its_lock(factory: sessionmaker[Session]) -> None:
    plant(factory, pid=dead_pid(), host="elsewhere", silent=timedelta(seconds=10))
    with pytest.raises(RunLocked, match="elsewhere"):
        take(factory)


def test_a_lock_without_heartbeat_past_the_timeout_is_cleared(factory: sessionmaker[Session]) -> None:
    plant(factory, pid=1, host="elsewhere", silent=STALE + timedelta(seconds=1))
    reasons = []
    with take(factory, on_stale=lambda s, h, why: reasons.append(why)):
        pass
    assert reasons and "no heartbeat" in reasons[0]


def test_stale_bookkeeping_is_undone_when_the_takeover_fails(factory: sessionmaker[Session]) -> None:
    plant(factory, pid=dead_pid(), host=socket.gethostname(), silent=timedelta(seconds=1))

    def failing(session: Session, holder: lock.LockHolder, why: str) -> None:
        raise RuntimeError("bookkeeping failed")

    with pytest.raises(RuntimeError):
        take(factory, on_stale=failing)
    with factory() as session:
        assert session.scalars(select(RunLock.owner)).all() == ["other"]


def test_the_heartbeat_refreshes_and_notices_a_lost_lock(factory: sessionmaker[Session]) -> None:
    with take(factory) as lease:
        later = utcnow() + timedelta(minutes=1)
        assert lease.refresh(later)
        with factory() as session:
            assert session.get_one(RunLock, lock.DEFAULT_NAME).heartbeat_at == later
        with factory.begin() as session:
            session.execute(RunLock.__table__.delete())
        assert not lease.refresh()


def test_a_zombie_process_counts_as_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    while True:  # exited but not yet reaped
        stat = Path(f"/proc/{child.pid}/stat").read_text()
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":
            break
    assert not lock.pid_alive(child.pid)
    child.wait()
    assert lock.pid_alive(os.getpid())


RACER = textwrap.dedent("""
    import sys, time
    from datetime import timedelta
    from pledgewatch import lock
    from pledgewatch.core.errors import RunLocked
    from pledgewatch.storage.db import open_database
    factory = open_database(sys.argv[1])
    while time.time() < float(sys.argv[2]):
        time.sleep(0.001)
    try:
        lease = lock.acquire(factory, stale_after=timedelta(minutes=5), heartbeat=timedelta(seconds=5))
    except RunLocked:
        print("refused", flush=True)
    else:
        print("acquired", flush=True)
        sys.stdin.read()  # hold the lock until every racer has answered
        lease.release()
""")


@pytest.mark.slow
def test_of_processes_racing_for_the_lock_exactly_one_wins(
    db_url: str, factory: sessionmaker[Session]
) -> None:
    start = str(time.time() + 2.0)
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER, db_url, start], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
        for _ in range(5)
    ]
    results = sorted(r.stdout.readline().strip() for r in racers)  # type: ignore[union-attr]
    for racer in racers:
        racer.communicate(timeout=60)
    assert results == ["acquired", "refused", "refused", "refused", "refused"]
