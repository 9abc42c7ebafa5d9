"""Engines, sessions and schema upgrades.

Every command goes through :func:`open_database`, which checks the URL, upgrades
the schema to the latest migration and returns a session factory. A bad URL is
the user's input error (exit 2) and must never create or touch a database; so is
a database that does not exist, for a command that only reads
(``must_exist=True``). A disk that fails under the database is a fault (exit 1,
:mod:`pledgewatch.storage.faults`). No message shows the URL's password.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.errors import DatabaseError
from pledgewatch.storage.defaults import DEFAULT_DB_URL
from pledgewatch.storage.faults import database_fault
from pledgewatch.storage.urls import one_line, parse_db_url, shown_url

SQLITE_BUSY_TIMEOUT_S = 30
CREATED_BY = "`pledgewatch run` or `pledgewatch db upgrade` creates it"


def resolve_db_url(url: str | None) -> str:
    return url or DEFAULT_DB_URL


def make_engine(url: str, *, must_exist: bool = False) -> Engine:
    """An engine with SQLite made safe for concurrent processes and real transactions."""
    parsed = parse_db_url(url)
    if parsed.get_backend_name() == "sqlite":
        if must_exist:
            _require_sqlite_file(parsed)
        return _sqlite_engine(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (exc.ArgumentError, ImportError, ValueError, TypeError) as error:
        raise DatabaseError(f"cannot use database URL {shown_url(parsed)}: {one_line(error)}") from None


def _require_sqlite_file(parsed: URL) -> None:
    """Refuse before connecting: SQLite would create the file (and we its folder)."""
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("uri"):
        return
    if not Path(database).is_file():
        raise DatabaseError(f"no database at {database}: {CREATED_BY}")


def _sqlite_engine(parsed: Any) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        folder = Path(database).parent
        if not folder.exists():
            folder.mkdir(parents=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the
    # SQLAlchemy docs' recipe hands transaction control back to SQLAlchemy.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue on the
        # busy timeout instead of one failing half-way with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except exc.SQLAlchemyError as error:
        fault = database_fault(error, engine.url)
        if fault is not None:
            raise fault from None
        reason = one_line(error.orig if isinstance(error, exc.DBAPIError) and error.orig
                          else error)
        raise DatabaseError(f"cannot reach database {shown_url(engine.url)}: {reason}") from None


# The newest migration in storage/migrations/versions (tests/storage/test_migrations.py keeps
# the two in step). A database already there is opened without loading Alembic, which cost
# more than the rest of a small command's start.
HEAD_REVISION = "b002"


class Database(sessionmaker[Session]):
    """One database: a session factory (``db()``, ``db.begin()``) with its engine in reach."""

    @property
    def engine(self) -> Engine:
        engine: Engine = self.kw["bind"]
        return engine

    def dispose(self) -> None:
        """Close the engine's pooled connections: at the end of a command or a test."""
        self.engine.dispose()


def open_database(url: str | None, *, upgrade: bool = True,
                  must_exist: bool = False) -> Database:
    """Connect, upgrade the schema to head and return a session factory.

    ``must_exist``: for commands that only read. A database that does not exist,
    or holds no pledgewatch tables, is refused instead of created empty.
    """
    engine = make_engine(resolve_db_url(url), must_exist=must_exist)
    try:
        check_connection(engine)
        revision = faults_named(engine, schema_revision)
        if must_exist and revision is None:
            raise DatabaseError(f"no pledgewatch database at {shown_url(engine.url)}: {CREATED_BY}")
        if upgrade and revision != HEAD_REVISION:
            from pledgewatch.storage.migrate import upgrade_to_head

            faults_named(engine, upgrade_to_head)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, expire_on_commit=False)


def faults_named(engine: Engine, step: Any) -> Any:
    """``step(engine)``, with a full or failing disk under the database raised as a WriteFault."""
    try:
        return step(engine)
    except exc.DBAPIError as error:
        fault = database_fault(error, engine.url)
        if fault is None:
            raise
        raise fault from error


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at, as Alembic records it; None for a new database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def database(url: str | None) -> Iterator[Database]:
    """:func:`open_database` for one command: connections are closed when it ends."""
    factory = open_database(url)
    engine = factory.engine
    try:
        yield factory
    except exc.DBAPIError as error:
        fault = database_fault(error, engine.url)
        if fault is None:
            raise
        raise fault from error
    finally:
        engine.dispose()


@contextlib.contextmanager
def open_session(url: str | None, *, must_exist: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    factory = open_database(url, must_exist=must_exist)
    try:
        with factory.begin() as session:
            yield session
    finally:
        factory.dispose()
