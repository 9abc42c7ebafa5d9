"""A random id for each database, so that two databases never write over each other's reports.

Run numbers restart at 1 in a new database (a fresh install, a lost or replaced file, a
test pointed at the production report folder). Report folders and feed entries are keyed
by the database id as well as the run number, so such a database starts its own history
beside the old one instead of replacing ``run-2`` and mixing two histories in one feed.
The id lives in the ``state`` table: no schema change, and a database made before ids
existed gets one the first time it is reported.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exc
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.storage.models import State

DATABASE_ID_KEY = "database.id"
SHORT = 8  # hex digits in a folder name: enough to tell a handful of databases apart


def database_id(factory: sessionmaker[Session]) -> str:
    """This database's id (32 hex digits), made and stored on first use."""
    found = _stored_id(factory)
    if found is not None:
        return found
    new = uuid.uuid4().hex
    try:
        with factory.begin() as session:
            session.add(State(key=DATABASE_ID_KEY, value={"id": new}))
    except exc.IntegrityError:  # another process stored one first: that one counts
        return _stored_id(factory) or new
    return new


def _stored_id(factory: sessionmaker[Session]) -> str | None:
    with factory() as session:
        row = session.get(State, DATABASE_ID_KEY)
        return str(row.value["id"]) if row is not None else None


def short_id(full: str) -> str:
    return full[:SHORT]
