"""Alembic environment: runs migrations on the engine the caller passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from pledgewatch.storage.models import Base

# Tables other libraries own in the same database (APScheduler's job store).
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name in FOREIGN_TABLES)


# Any fixed number: two processes upgrading one fresh PostgreSQL database take turns.
MIGRATION_LOCK_ID = 7_202_611


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        # On SQLite the transaction itself starts with BEGIN IMMEDIATE (storage.db), which
        # serializes writers the same way.
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
            include_object=include_object,
        )
        context.run_migrations()


run_migrations()
