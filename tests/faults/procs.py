"""Real processes for the fault suite: start them, watch the database, kill them with SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
PLEDGEWATCH = Path(sys.executable).parent / "pledgewatch"


def env(**extra: str) -> dict[str, str]:
    """The environment of a child: no PLEDGEWATCH_* from the caller, the repository importable."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGEWATCH_")}
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**clean, **extra}


def start(*argv: str | Path, cwd: Path | None = None, **popen: Any) -> subprocess.Popen[str]:
    """Start ``argv`` in its own process group (so a kill takes its children too)."""
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen(
        [str(a) for a in argv], cwd=cwd, env=streams.pop("env", env()), start_new_session=True,
        text=True, **streams,
    )


def pledgewatch(*args: str | Path, cwd: Path | None = None, timeout: float = 120,
                **popen: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLEDGEWATCH), *map(str, args)], cwd=cwd, env=popen.pop("env", env()),
        capture_output=True, text=True, timeout=timeout, check=False, **popen,
    )


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process and everything it started; reap it."""
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def writer_busy(db_url: str) -> bool:
    """Whether another connection is inside a write transaction on this database right now."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        probe = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            busy = connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"))
            return bool(busy.scalar())
    finally:
        engine.dispose()


def sqlite_path(db_url: str) -> Path | None:
    url = make_url(db_url)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def integrity_ok(db_url: str) -> bool:
    """SQLite's own integrity check (PostgreSQL's WAL recovery needs no check of ours)."""
    path = sqlite_path(db_url)
    if path is None:
        return True
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
