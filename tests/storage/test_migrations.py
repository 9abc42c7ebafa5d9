"""The schema is made by migrations, and the models never drift from them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from storage.db import make_engine, open_database
from storage.migrate import alembic_config


def test_migrations_build_the_schema_the_models_describe(db_url: str) -> None:
    factory = open_database(db_url)
    engine = factory.kw["bind"]
    command.check(alembic_config(engine))  # raises if autogenerate would find a difference
    assert {"runs", "pledges", "pledge_versions", "memberships", "raw_chunks"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()


def test_upgrading_an_existing_database_again_changes_nothing(db_url: str) -> None:
    open_database(db_url).kw["bind"].dispose()
    engine = make_engine(db_url)
    before = sorted(inspect(engine).get_table_names())
    open_database(db_url).kw["bind"].dispose()
    assert sorted(inspect(engine).get_table_names()) == before
    engine.dispose()
