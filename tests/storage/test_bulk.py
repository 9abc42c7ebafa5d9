"""Rows written in bulk by the driver read back exactly as SQLAlchemy's own insert writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.storage.bulk import insert_many, update_many
from pledgewatch.storage.models import Pledge, PledgeVersion, Run

ROWS = 12_000  # over two of the driver calls


def _run_and_pledges(session: Session) -> tuple[int, list[int]]:
    run = Run(source="test", status="ingesting", normalizer_version="1", input_digest="d")
    session.add(run)
    session.flush()
    pledges = session.scalars(insert(Pledge).returning(Pledge.id), [
        {"key": f"/pfp/ppd/{n}", "url": None, "title_key": f"t{n}", "first_run": run.id}
        for n in range(2)]).all()
    return run.id, pledges


def _versions(pledge_id: int, run_id: int, n: int) -> list[dict[str, Any]]:
    return [{"pledge_id": pledge_id, "number": i + 1, "content_hash": f"h{i}", "raw_hash": None,
             "title": f"Title é {i}", "author": None, "submitted": "2021-07-14", "summary": "s\n\nt",
             "from_run": run_id, "to_run": None, "first_page_url": None}
            for i in range(n)]


def _read(session: Session, pledge_id: int) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(
        select(PledgeVersion.content_hash, PledgeVersion.raw_hash, PledgeVersion.title,
               PledgeVersion.author, PledgeVersion.submitted, PledgeVersion.summary,
               PledgeVersion.mojibake, PledgeVersion.from_run, PledgeVersion.to_run)
        .where(PledgeVersion.pledge_id == pledge_id).order_by(PledgeVersion.id))]


def test_bulk_rows_read_back_as_core_inserted_rows(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        run_id, (core_pledge, bulk_pledge) = _run_and_pledges(session)
        session.execute(PledgeVersion.__table__.insert(), _versions(core_pledge, run_id, ROWS))
        insert_many(session.connection(), PledgeVersion.__table__, _versions(bulk_pledge, run_id, ROWS))
    with factory() as session:
        core, bulk = _read(session, core_pledge), _read(session, bulk_pledge)
    assert len(bulk) == ROWS
    assert bulk == core
    assert bulk[0][6] is False, "a column left out takes its default"


def test_typed_columns_go_through_their_own_bind_processing(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        run_id, (pledge_id, _) = _run_and_pledges(session)
        insert_many(session.connection(), Pledge.__table__, [
            {"key": "/pfp/ppd/9", "url": None, "title_key": "t9", "first_run": run_id,
             "content_digests": ["0" * 32, "f" * 32], "seen_digest": None}])
        when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        insert_many(session.connection(), Run.__table__, [
            {"source": "x", "status": "ingested", "normalizer_version": "1", "input_digest": "e",
             "started_at": when}])
    with factory() as session:
        assert session.scalar(select(Pledge.content_digests).where(Pledge.key == "/pfp/ppd/9")) \
            == ["0" * 32, "f" * 32]
        assert session.scalar(select(Run.started_at).where(Run.input_digest == "e")) == when


def test_rows_with_other_keys_are_refused_and_nothing_is_half_written(
        factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="every row must have the keys"), factory.begin() as session:
        run_id, (pledge_id, _) = _run_and_pledges(session)
        rows = _versions(pledge_id, run_id, 3)
        del rows[2]["author"]
        insert_many(session.connection(), PledgeVersion.__table__, rows)
    with factory() as session:
        assert session.scalar(select(PledgeVersion.id)) is None


def test_a_computed_default_left_out_is_refused(factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="computed default"), factory.begin() as session:
        insert_many(session.connection(), Run.__table__, [
            {"source": "x", "status": "ingested", "normalizer_version": "1", "input_digest": "e"}])


def test_rows_are_updated_by_id_and_others_are_left_alone(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        run_id, pledges = _run_and_pledges(session)
        update_many(session.connection(), Pledge.__table__, [
            {"id": pledges[1], "content_digests": ["a" * 32], "seen_digest": "b" * 32}])
    with factory() as session:
        rows = dict(session.execute(select(Pledge.id, Pledge.content_digests).order_by(Pledge.id)).all())
        seen = session.scalar(select(Pledge.seen_digest).where(Pledge.id == pledges[1]))
    assert rows == {pledges[0]: None, pledges[1]: ["a" * 32]}
    assert seen == "b" * 32


def test_rows_to_update_without_an_id_are_refused(factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="need an 'id'"), factory.begin() as session:
        update_many(session.connection(), Pledge.__table__, [{"seen_digest": "b" * 32}])
