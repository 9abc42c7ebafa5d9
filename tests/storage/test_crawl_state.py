"""What the planner is given from the store: members, last complete crawls, last reads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.crawl_state import load_crawl_state
from tests.support.runs import P, listing, term_url, write_run

ALPHA, BETA = P(13001, "Alpha", "Alpha commits."), P(13002, "Beta", "Beta commits.")


def test_terms_records_and_their_last_reads(factory: sessionmaker[Session], tmp_path: Path) -> None:
    read = {"type": "record", "url": ALPHA.url, "status": 200, "ok": True,
            "fetched_at": "2026-03-01T05:00:00+00:00"}
    ingest_run_file(factory, write_run(tmp_path / "a.jsonl", listing("cities", [ALPHA, BETA],
                                       per_page=1), listing("towns", [BETA]), [read],
                                       stamp="2026-03-01T06:00:00+00:00"))
    ingest_run_file(factory, write_run(tmp_path / "b.jsonl", listing("cities", [ALPHA, BETA],
                                                                     per_page=1),
                                       listing("towns", [BETA], failed_pages=[0]),
                                       stamp="2026-03-02T06:00:00+00:00"))
    with factory.begin() as session:
        state = load_crawl_state(session)
    cities, towns = state.terms[term_url("cities")], state.terms[term_url("towns")]
    assert (cities.members, cities.pages) == ({"/pfp/ppd/13001", "/pfp/ppd/13002"}, 2)
    assert cities.last_complete == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert (towns.pages, towns.last_complete) == (1, datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    assert state.has_complete_run  # the first run; the second failed a page of 'towns'

    assert [(r.url, r.title, r.last_ok_at) for r in state.records] == [
        (ALPHA.url, "Alpha", datetime(2026, 3, 1, 5, 0, tzinfo=UTC)), (BETA.url, "Beta", None)]
