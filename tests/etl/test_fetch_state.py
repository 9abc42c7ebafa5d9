"""The fetch state: each URL's validators and last successful read, written by the ingest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.repo import load_fetch_state
from tests.support.runs import P, listing, write_run

ALPHA = P(13001, "Alpha", "Alpha commits.")
RECORD = "https://gfmd.org/pfp/ppd/13001"


def _validated(records: list[dict[str, Any]], etag: str, fetched_at: str) -> list[dict[str, Any]]:
    for record in records:
        if record["type"] == "page" and record["ok"]:
            record.update(etag=etag, last_modified="Mon, 07 Dec 2026 04:00:00 GMT",
                          fetched_at=fetched_at)
    return records


def _record(**fields: Any) -> dict[str, Any]:
    return {"type": "record", "url": RECORD, "why": "due", "status": 200, "ok": True,
            "gone": False, "not_modified": False, "error": None, **fields}


def _ingest(factory: sessionmaker[Session], path: Path) -> dict:
    ingest_run_file(factory, path)
    with factory.begin() as session:
        return load_fetch_state(session)


def test_pages_and_records_store_their_validators_and_read_time(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    term = "https://gfmd.org/contributors/cities"
    pages = _validated(listing("cities", [ALPHA]), '"p1"', "2026-03-01T05:00:00+00:00")
    record = _record(etag='"r1"', last_modified=None, fetched_at="2026-03-01T05:30:00+00:00")
    state = _ingest(factory, write_run(tmp_path / "a.jsonl", pages, [record]))
    assert set(state) == {term, RECORD}
    page = state[term]
    assert (page.etag, page.status, page.next_url, page.teasers) == ('"p1"', 200, None, 1)
    assert page.records == (RECORD,)  # a 304 of this page later shows the same pledges listed
    assert page.last_ok_at == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert page.last_modified == "Mon, 07 Dec 2026 04:00:00 GMT"
    assert (state[RECORD].etag, state[RECORD].last_modified) == ('"r1"', None)
    assert state[RECORD].last_ok_at == datetime(2026, 3, 1, 5, 30, tzinfo=UTC)


# (second run's record line) -> (etag, status, last read day) after it
CASES = [
    pytest.param({"status": 200, "ok": True, "etag": '"r2"'}, ('"r2"', 200, 2), id="read again"),
    pytest.param({"status": 304, "ok": True, "not_modified": True, "etag": None},
                 ('"r1"', 304, 2), id="304 keeps validators"),
    pytest.param({"status": 500, "ok": False, "etag": None, "error": "HTTP 500"},
                 ('"r1"', 500, 1), id="failure keeps validators and read time"),
    pytest.param({"status": 304, "ok": False, "not_modified": True, "etag": None,
                  "error": "304 but no stored copy"}, (None, 304, 1), id="unusable 304 clears"),
]


@pytest.mark.parametrize(("second", "expected"), CASES)
def test_a_later_fetch_updates_the_state_by_what_it_proves(
        factory: sessionmaker[Session], tmp_path: Path, second: dict, expected: tuple) -> None:
    first = _record(etag='"r1"', fetched_at="2026-03-01T05:00:00+00:00")
    _ingest(factory, write_run(tmp_path / "a.jsonl", listing("cities", [ALPHA]), [first],
                               stamp="2026-03-01T06:00:00+00:00"))
    again = _record(fetched_at="2026-03-02T05:00:00+00:00", **second)
    state = _ingest(factory, write_run(tmp_path / "b.jsonl", listing("cities", [ALPHA]), [again],
                                       stamp="2026-03-02T06:00:00+00:00"))[RECORD]
    etag, status, day = expected
    assert (state.etag, state.status) == (etag, status)
    assert state.last_ok_at == datetime(2026, 3, day, 5, 0, tzinfo=UTC)


def test_a_page_keeps_the_records_it_listed_in_order_and_a_304_its_stored_copys(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    beta, gamma = P(13002, "Beta", "Beta commits."), P(13003, "Gamma", "Gamma commits.")
    first = _validated(listing("cities", [gamma, ALPHA, beta]), '"p1"', "2026-03-01T05:00:00+00:00")
    state = _ingest(factory, write_run(tmp_path / "a.jsonl", first))
    expected = ("https://gfmd.org/pfp/ppd/13003", RECORD, "https://gfmd.org/pfp/ppd/13002")
    assert state["https://gfmd.org/contributors/cities"].records == expected
    not_modified = {"type": "page", "url": "https://gfmd.org/contributors/cities", "status": 304,
                    "term": "Cities", "term_url": "https://gfmd.org/contributors/cities",
                    "teasers": 3, "ok": True, "error": None, "page": 0, "last_page": 0,
                    "next_url": None, "vocabulary": "contributors", "not_modified": True,
                    "fetched_at": "2026-03-02T05:00:00+00:00"}
    state = _ingest(factory, write_run(tmp_path / "b.jsonl", [not_modified],
                                       stamp="2026-03-02T06:00:00+00:00"))
    assert state["https://gfmd.org/contributors/cities"].records == expected


def test_a_page_read_again_keeps_what_did_not_change_and_takes_what_did(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    term, beta = "https://gfmd.org/contributors/cities", P(13002, "Beta", "Beta commits.")
    first = _validated(listing("cities", [ALPHA]), '"p1"', "2026-03-01T05:00:00+00:00")
    ingest_run_file(factory, write_run(tmp_path / "a.jsonl", first))
    same = _validated(listing("cities", [ALPHA]), '"p1"', "2026-03-02T05:00:00+00:00")
    second = ingest_run_file(factory, write_run(tmp_path / "b.jsonl", same,
                                                stamp="2026-03-02T06:00:00+00:00"))
    with factory.begin() as session:
        page = load_fetch_state(session)[term]
    assert (page.etag, page.last_modified) == ('"p1"', "Mon, 07 Dec 2026 04:00:00 GMT")
    assert (page.records, page.teasers, page.status) == ((RECORD,), 1, 200)
    assert (page.last_ok_at, page.run_id) == (datetime(2026, 3, 2, 5, 0, tzinfo=UTC),
                                              second.run_id)
    grown = _validated(listing("cities", [beta, ALPHA]), '"p2"', "2026-03-03T05:00:00+00:00")
    third = ingest_run_file(factory, write_run(tmp_path / "c.jsonl", grown,
                                               stamp="2026-03-03T06:00:00+00:00"))
    with factory.begin() as session:
        page = load_fetch_state(session)[term]
    assert (page.etag, page.last_modified) == ('"p2"', "Mon, 07 Dec 2026 04:00:00 GMT")
    assert (page.records, page.teasers) == (("https://gfmd.org/pfp/ppd/13002", RECORD), 2)
    assert (page.last_ok_at, page.run_id) == (datetime(2026, 3, 3, 5, 0, tzinfo=UTC),
                                              third.run_id)
