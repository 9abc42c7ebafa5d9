"""Page records a command stored in an earlier run are not looked up again, and what a run that
was rolled back stored is not taken for stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.etl import ingest
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.etl.pages import StoredRecords, read_page_list
from pledgewatch.storage import repo
from pledgewatch.storage.models import RawChunk, Run
from tests.support.runs import P, listing, write_run

A, B, C = P(13001, "Alpha", "a"), P(13002, "Beta", "b"), P(13003, "Gamma", "c")


def _every_listed_record_is_stored(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        stored = set(session.scalars(select(RawChunk.digest)))
        for run in session.scalars(select(Run).where(Run.status == "ingested")):
            for page in read_page_list(session, run.pages_digest):
                assert page.page_digest in stored, f"run {run.id}: {page.url}'s record is missing"


def test_a_run_rolled_back_leaves_nothing_taken_for_stored(
        factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_run(tmp_path / "1.jsonl", listing("member-states", [A]))
    second = write_run(tmp_path / "2.jsonl", listing("member-states", [A, B]),
                       listing("civil-society", [C]))
    stored = StoredRecords()
    ingest_run_file(factory, first, stored=stored)

    def crash(*args: Any, **kwargs: Any) -> None:  # after the page records were written
        raise RuntimeError("killed mid-run")

    monkeypatch.setattr(ingest, "apply_pledges", crash)
    with pytest.raises(RuntimeError, match="killed"):
        ingest_run_file(factory, second, stored=stored)
    monkeypatch.undo()

    ingest_run_file(factory, second, stored=stored)
    _every_listed_record_is_stored(factory)


def test_records_stored_by_an_earlier_run_of_the_command_are_not_looked_up(
        factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = listing("member-states", [A, B])
    first = write_run(tmp_path / "1.jsonl", run, stamp="2026-03-01T06:00:00+00:00")
    again = write_run(tmp_path / "2.jsonl", run, stamp="2026-03-02T06:00:00+00:00")
    stored = StoredRecords()
    ingest_run_file(factory, first, stored=stored)
    looked_up: list[str] = []
    missing_chunks = repo.missing_chunks

    def watched(session: Session, digests: Any) -> set[str]:
        looked_up.extend(digests)
        return missing_chunks(session, digests)

    monkeypatch.setattr(repo, "missing_chunks", watched)
    ingest_run_file(factory, again, stored=stored)
    with factory() as session:
        runs = session.scalars(select(Run).order_by(Run.id)).all()
        pages = {page.page_digest for page in read_page_list(session, runs[0].pages_digest)}
    assert pages and not pages & set(looked_up)
    _every_listed_record_is_stored(factory)
