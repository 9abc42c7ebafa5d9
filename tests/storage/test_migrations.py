"""The schema is made by migrations, and the models never drift from them."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from pledgewatch.storage.db import HEAD_REVISION, make_engine, open_database, schema_revision
from pledgewatch.storage.migrate import alembic_config


def test_migrations_build_the_schema_the_models_describe(db_url: str) -> None:
    factory = open_database(db_url)
    engine = factory.engine
    command.check(alembic_config(engine))  # raises if autogenerate would find a difference
    assert {"runs", "pledges", "pledge_versions", "memberships", "raw_chunks"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()


def test_upgrading_an_existing_database_again_changes_nothing(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = make_engine(db_url)
    before = sorted(inspect(engine).get_table_names())
    open_database(db_url).dispose()
    assert sorted(inspect(engine).get_table_names()) == before
    engine.dispose()


def test_the_revision_a_database_is_opened_at_without_alembic_is_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_a_database_behind_the_newest_migration_is_upgraded_when_opened(db_url: str) -> None:
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert schema_revision(engine) is None
    open_database(db_url).dispose()
    assert schema_revision(engine) == HEAD_REVISION
    engine.dispose()
