"""A page answered 304 is read as the stored page it stands for; without one it failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.pledges import Teaser
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.etl.not_modified import NO_STORED_COPY
from pledgewatch.etl.read import PageLine
from pledgewatch.etl.reprocess import stored_lines
from pledgewatch.storage.models import PledgeVersion, Run
from tests.support.runs import P, listing, term_url, write_run

PLEDGES = [P(13000 + n, f"Pledge {n}", f"Pledge {n} commits.") for n in range(3)]
PAGE1 = f"{term_url('cities')}?page=1"


def as_304(records: list[dict[str, Any]], url: str) -> list[dict[str, Any]]:
    """The page at ``url`` as the spider writes a 304: its page line alone, status 304."""
    out = []
    for record in records:
        if record["type"] == "teaser" and record["listing_url"] == url:
            continue
        if record["type"] == "page" and record["url"] == url:
            record = {**record, "status": 304, "not_modified": True, "term": None,
                      "etag": '"e1"', "fetched_at": "2026-03-02T05:00:00+00:00"}
        out.append(record)
    return out


def lines_of_run(factory: sessionmaker[Session], run_id: int) -> list:
    with factory.begin() as session:
        return list(stored_lines(session, session.get(Run, run_id)))


def test_a_304_page_is_the_stored_page_in_the_run_and_its_archive(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    first = ingest_run_file(factory, write_run(tmp_path / "a.jsonl", listing(
        "cities", PLEDGES, per_page=2), stamp="2026-03-01T06:00:00+00:00"))
    second = ingest_run_file(factory, write_run(tmp_path / "b.jsonl", as_304(listing(
        "cities", PLEDGES, per_page=2), PAGE1), stamp="2026-03-02T06:00:00+00:00"))
    assert (second.complete, second.teasers, second.pages_ok) == (True, 3, 2)
    assert (second.new_pledges, second.new_versions, second.removed) == (0, 0, 0)
    with factory.begin() as session:
        assert session.scalar(select(func.count(PledgeVersion.id))) == 3
    stored = lines_of_run(factory, second.run_id)
    before = lines_of_run(factory, first.run_id)
    teasers = [(t.url, t.listing_url, t.position) for t in stored if isinstance(t, Teaser)]
    assert teasers == [(t.url, t.listing_url, t.position) for t in before
                       if isinstance(t, Teaser)]
    page1 = next(p for p in stored if isinstance(p, PageLine) and p.url == PAGE1)
    assert (page1.ok, page1.status, page1.teasers, page1.term) == (True, 304, 1, "Cities")
    assert page1.fields["not_modified"] is True and page1.fields["etag"] == '"e1"'


def test_a_304_with_no_stored_copy_is_a_failed_page(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    result = ingest_run_file(factory, write_run(tmp_path / "a.jsonl", as_304(listing(
        "cities", PLEDGES, per_page=2), PAGE1)))
    assert (result.complete, result.pages_ok, result.pages_failed) == (False, 1, 1)
    with factory.begin() as session:
        run = session.get(Run, result.run_id)
        assert run.crawl_meta["failed_pages"] == [[PAGE1, 304, NO_STORED_COPY]]
