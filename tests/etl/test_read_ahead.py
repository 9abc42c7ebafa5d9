"""Several run files ingested by one command, each read ahead in a second process (its file
part taken, or only its parse half for a file with a 304 page) and taken in while it is
written, leave the store exactly as ingesting them one by one does: the same rows in every
table (less the clock's), the same results, the same error on the same file."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.errors import InputError
from pledgewatch.etl import fast_read, ingest, read_ahead
from pledgewatch.etl.archive import file_digest
from pledgewatch.etl.read import PageLine
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Base, FetchState
from tests.etl.test_not_modified import PAGE1, as_304
from tests.support.runs import P, record_line, write_run
from tests.support.runs import listing as listing_lines


def listing(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """A term's pages as the crawl writes them, each teaser with its byline fields: the lines
    the worker's file part takes a page at a time."""
    return [{**line, "author_position": "before", "author_truncated": False}
            if line["type"] == "teaser" else line for line in listing_lines(*args, **kwargs)]


CITIES = [P(16000 + i, f"Pledge {i}", f"Summary of pledge {i}.") for i in range(14)]
# Columns the ingest fills from the clock, not from the files: they differ between any two stores.
CLOCK_COLUMNS = {("runs", "ingested_at")}


@pytest.fixture(autouse=True, params=["taken", "parsed"])
def ahead(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test with the files' file part taken ahead, and again as if every page line were
    a 304's, met by the worker after it had handed on part of the file. Files are read in
    batches of a few lines, so that what the worker hands on crosses batches, and their chunks
    are stored a few at a time."""
    monkeypatch.setattr(fast_read, "BATCH_LINES", 4)
    monkeypatch.setattr(read_ahead, "STORE_BATCH_BYTES", 1000)
    if request.param == "parsed":
        monkeypatch.setattr(read_ahead._NoStoredPages, "expand", _as_if_304)
    return str(request.param)


def _as_if_304(self: object, line: Any) -> Any:
    if isinstance(line, PageLine):
        raise read_ahead._NeedsStoredPages
    return (line,)


def batch(folder: Path) -> list[Path]:
    """Four days: a baseline, an edit and a failed page, a removal with a record read, and the
    first day's file again (already ingested)."""
    edited = [P(p.nid, p.title, p.summary + " Edited.") if p.nid == 16003 else p for p in CITIES]
    days = [
        listing("cities", CITIES) + listing("goal-1", CITIES[::2], vocabulary="sdg"),
        listing("cities", edited, failed_pages=[1]) + listing("goal-1", edited[::3], vocabulary="sdg"),
        listing("cities", edited[1:]) + listing("goal-1", edited[2::2], vocabulary="sdg")
        + [record_line(CITIES[0], status=404)],
    ]
    paths = [write_run(folder / f"day-{n}.jsonl", records, stamp=f"2026-03-0{n + 1}T06:00:00+00:00")
             for n, records in enumerate(days)]
    return [*paths, paths[0]]


def store_rows(factory: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    with factory() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in CLOCK_COLUMNS]
            rows[table.name] = sorted(session.execute(select(*columns)).all(), key=repr)
    return rows


def one_by_one(paths: list[Path], db_url: str) -> tuple[list[Any], dict[str, Any]]:
    factory = open_database(db_url)
    try:
        results = [ingest.ingest_run_file(factory, path) for path in paths]
    except BaseException:
        factory.dispose()
        raise
    try:
        return results, store_rows(factory)
    finally:
        factory.dispose()


def error_both_ways(factory: sessionmaker[Session], paths: list[Path], tmp_path: Path) -> str:
    """The error a batch stops with, the same as ingesting its files one by one gives."""
    with pytest.raises(InputError) as read_ahead:
        for _ in ingest.ingest_run_files(factory, paths):
            pass
    with pytest.raises(InputError) as alone:
        one_by_one(paths, f"sqlite:///{tmp_path / 'alone.db'}")
    assert str(read_ahead.value) == str(alone.value)
    return str(read_ahead.value)


def test_a_batch_read_ahead_stores_what_one_file_at_a_time_stores(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    paths = batch(tmp_path)
    results = list(ingest.ingest_run_files(factory, paths))
    assert [r.duplicate for r in results] == [False, False, False, True]
    assert results[2].removed == 1  # the record answered 404: the story's removal happened
    expected_results, expected_rows = one_by_one(paths, f"sqlite:///{tmp_path / 'alone.db'}")
    assert results == expected_results
    assert store_rows(factory) == expected_rows


def test_a_bad_file_in_a_batch_stops_it_there_with_its_own_error(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    paths = batch(tmp_path)[:3]
    paths[2].write_text(paths[2].read_text() + '{"type": "teaser"}\n')
    assert "line" in error_both_ways(factory, paths, tmp_path)
    assert len(store_rows(factory)["runs"]) == 2  # the two runs before it stay stored


def test_a_page_fetched_twice_in_a_run_is_stored_as_last_fetched(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    first_try = listing("cities", CITIES, failed_pages=[1])
    retried = listing("cities", CITIES)[10:]  # page 1 again, read this time
    paths = [batch(tmp_path)[0], write_run(tmp_path / "retried.jsonl", first_try + retried,
                                           stamp="2026-03-05T06:00:00+00:00")]
    results = list(ingest.ingest_run_files(factory, paths))
    expected_results, expected_rows = one_by_one(paths, f"sqlite:///{tmp_path / 'alone.db'}")
    assert results == expected_results
    assert store_rows(factory) == expected_rows
    with factory() as session:
        status = session.scalar(select(FetchState.status).where(
            FetchState.url == retried[-1]["url"]))
    assert status == 200


def test_a_file_with_a_304_page_is_read_after_the_run_before_is_stored(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    pledges = CITIES[:3]
    first = write_run(tmp_path / "a.jsonl", listing("cities", pledges, per_page=2),
                      stamp="2026-03-01T06:00:00+00:00")
    second = write_run(tmp_path / "b.jsonl", as_304(listing("cities", pledges, per_page=2), PAGE1),
                       stamp="2026-03-02T06:00:00+00:00")
    results = list(ingest.ingest_run_files(factory, [first, second]))
    assert (results[1].complete, results[1].pages_ok, results[1].teasers) == (True, 2, 3)
    assert (results[1].new_versions, results[1].removed) == (0, 0)


def test_a_worker_that_dies_leaves_the_reading_to_ingest(
        factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = batch(tmp_path)[:3]
    monkeypatch.setattr(read_ahead, "read_into", _die)
    results = list(ingest.ingest_run_files(factory, paths))
    expected_results, expected_rows = one_by_one(paths, f"sqlite:///{tmp_path / 'alone.db'}")
    assert results == expected_results
    assert store_rows(factory) == expected_rows


def _die(path: Path, out: Path) -> bool:
    os._exit(9)


def test_a_file_the_worker_cannot_parse_stops_the_batch_with_its_own_error(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    paths = batch(tmp_path)[:3]
    paths[1].write_bytes(b"")
    assert "empty" in error_both_ways(factory, paths, tmp_path)
    assert len(store_rows(factory)["runs"]) == 1  # the run before it stays stored


def test_the_worker_takes_each_file_in_the_form_it_allows_and_its_digest_on_the_way(
        tmp_path: Path, ahead: str) -> None:
    path = batch(tmp_path)[2]
    # The digest counts blank lines and a last line without its end.
    path.write_bytes(b"\n  \n" + path.read_bytes().rstrip(b"\n"))
    out = tmp_path / "frames"
    assert read_ahead.read_into(path, out) == file_digest(path)
    kinds = [kind for kind, _ in read_ahead._frames(out, lambda: True)]
    # Taken: ingest stores the chunks and derives; parsed: ingest takes the batches whole.
    assert (read_ahead._PARSED in kinds) == (ahead == "parsed")
    assert kinds[-1] == read_ahead._END


@pytest.mark.parametrize("ahead", ["taken"], indirect=True)  # a parse half has no chunks
def test_the_worker_writes_no_chunk_it_wrote_for_the_file_before(tmp_path: Path) -> None:
    first, second = batch(tmp_path)[:2]  # the second day repeats most of the first
    written = []
    for path in (first, second):
        read_ahead.read_into(path, tmp_path / "frames")
        written.append({key for kind, value in read_ahead._frames(tmp_path / "frames",
                                                                   lambda: True)
                        if kind in (read_ahead._ARCHIVE, read_ahead._END)
                        for key in (value[0] if kind == read_ahead._ARCHIVE else value.chunks)})
    assert written[0] and written[1]
    assert not written[0] & written[1]


def test_frames_are_read_while_they_are_written(tmp_path: Path) -> None:
    """Ingest may read a frame's size before its pickle is written, or a part of either."""
    values = [("lines", list(range(n))) for n in range(0, 300, 7)]
    buffer = io.BytesIO()
    for value in values:
        read_ahead.write_frame(buffer, value)
    path, written = tmp_path / "frames", threading.Event()

    def write_slowly() -> None:
        with path.open("wb") as handle:
            for start in range(0, len(buffer.getvalue()), 37):
                handle.write(buffer.getvalue()[start:start + 37])
                handle.flush()
                time.sleep(0.0005)
        written.set()

    writer = threading.Thread(target=write_slowly)
    writer.start()
    assert list(read_ahead._frames(path, written.is_set)) == values
    writer.join()
    assert not path.exists()  # removed once read


def test_a_writer_that_stops_in_a_frame_ends_the_frames_without_it(tmp_path: Path) -> None:
    path = tmp_path / "frames"
    with path.open("wb") as handle:
        read_ahead.write_frame(handle, ("lines", [1]))
        read_ahead.write_frame(handle, ("lines", [2]))
    path.write_bytes(path.read_bytes()[:-3])
    assert list(read_ahead._frames(path, lambda: True)) == [("lines", [1])]
    assert list(read_ahead._frames(tmp_path / "never-made", lambda: True)) == []


def test_the_worker_reads_no_more_than_three_files_ahead(tmp_path: Path) -> None:
    paths = batch(tmp_path) + batch(tmp_path)[:2]
    with read_ahead.ReadAhead(paths) as reader:
        assert sorted(reader._pending) == [0, 1, 2, 3]
        reader.take(0)
        assert sorted(reader._pending) == [1, 2, 3]
        reader.take(1)
        assert sorted(reader._pending) == [2, 3, 4]
