"""Engines, sessions and schema upgrades.

Every command goes through :func:`open_database`, which checks the URL, upgrades
the schema to the latest migration and returns a session factory. A bad URL is
the user's input error (exit 2) and must never create or touch a database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.errors import DatabaseError

DEFAULT_DB_URL = "sqlite:///var/pledgewatch.db"
SQLITE_BUSY_TIMEOUT_S = 30


def resolve_db_url(url: str | None) -> str:
    return url or DEFAULT_DB_URL


def make_engine(url: str) -> Engine:
    """An engine with SQLite made safe for concurrent processes and real transactions."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise DatabaseError(f"invalid database URL {url!r}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (exc.ArgumentError, ImportError) as error:
        raise DatabaseError(f"cannot use database URL {url!r}: {error}") from None


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
        reason = str(error.orig if isinstance(error, exc.DBAPIError) else error).strip()
        raise DatabaseError(
            f"cannot reach database {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from None


# The newest migration in storage/migrations/versions (tests/storage/test_migrations.py keeps
# the two in step). A database already there is opened without loading Alembic, which cost
# more than the rest of a small command's start.
HEAD_REVISION = "b001"


def open_database(url: str | None, *, upgrade: bool = True) -> sessionmaker[Session]:
    """Connect, upgrade the schema to head and return a session factory."""
    engine = make_engine(resolve_db_url(url))
    check_connection(engine)
    if upgrade and schema_revision(engine) != HEAD_REVISION:
        from pledgewatch.storage.migrate import upgrade_to_head

        upgrade_to_head(engine)
    return sessionmaker(engine, expire_on_commit=False)


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at, as Alembic records it; None for a new database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def database(url: str | None) -> Iterator[sessionmaker[Session]]:
    """:func:`open_database` for one command: connections are closed when it ends."""
    factory = open_database(url)
    try:
        yield factory
    finally:
        factory.kw["bind"].dispose()


@contextlib.contextmanager
def open_session(url: str | None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    factory = open_database(url)
    try:
        with factory.begin() as session:
            yield session
    finally:
        engine = factory.kw["bind"]
        engine.dispose()
