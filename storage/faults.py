"""Telling a database that cannot be written (full disk, failing device) from bad input.

SQLite reports a full disk as ``database or disk is full`` without naming the file,
and PostgreSQL as SQLSTATE 53100 on the server. Either way it is the machine's
fault: exit code 1 with the database named, never the "bad input" exit 2 that an
unreachable server or a wrong URL gets.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc
from sqlalchemy.engine import URL

from pledgewatch.core.errors import WriteFault
from pledgewatch.storage.urls import shown_url

NO_SPACE = "no space left on device"
_SQLITE_REASONS = {sqlite3.SQLITE_FULL: f"{NO_SPACE} (database or disk is full)",
                   sqlite3.SQLITE_IOERR: "disk I/O error"}
_POSTGRES_DISK_FULL = "53100"


def database_fault(error: BaseException, url: URL) -> WriteFault | None:
    """The :class:`WriteFault` behind ``error``, or None when it is something else."""
    orig = error.orig if isinstance(error, exc.DBAPIError) else error
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        reason = _SQLITE_REASONS.get(code & 0xFF) if isinstance(code, int) else None
        return WriteFault(url.database or shown_url(url), reason) if reason else None
    if getattr(orig, "sqlstate", None) == _POSTGRES_DISK_FULL:
        return WriteFault(shown_url(url), f"{NO_SPACE} on the database server")
    return None


def fault_of(error: BaseException, url: URL) -> WriteFault | None:
    """The :class:`WriteFault` behind any error of a run: a file's, or the database's."""
    if isinstance(error, WriteFault):
        return error
    if isinstance(error, OSError):
        return WriteFault.from_os_error(error)
    return database_fault(error, url)
