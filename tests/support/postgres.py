"""A throwaway PostgreSQL server on 127.0.0.1 for the test session.

Tests run against a real server, never a mock: initdb into a temporary
directory, start postgres on a free loopback port, stop and delete it at the
end. As root (CI), the server runs as the ``postgres`` system user, since
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).parent))  # type: ignore[arg-type]
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    pwd.getpwnam("postgres")  # KeyError here means: install the postgresql package
    return ["runuser", "-u", "postgres", "--", *argv]


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL to a fresh server's ``postgres`` database; stop it afterwards."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found: install the 'postgresql' package")
    root = Path(tempfile.mkdtemp(prefix="pledgewatch-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda *argv: subprocess.run(_as_server_user([str(a) for a in argv]), check=True,  # noqa: E731
                                       capture_output=True, cwd=root)
    run(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-t", "60",
        "-o", f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def wait_for(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
