"""Runs read ahead in a second process are stored exactly as runs read one at a time."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tools.bench.workload import ChangeMix, generate
from pledgewatch.etl import readahead
from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file, reading_ahead
from pledgewatch.etl.pages import compress_contents, describe_page, read_page_list
from pledgewatch.etl.reader import PageChunk, RunMeta, read_chunks
from pledgewatch.report.json_form import write_changes_json
from pledgewatch.etl.runfile import file_digest
from pledgewatch.core.errors import InputError
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Membership, Pledge, PledgeVersion, Run, Term
from tests.support.runs import P, listing, write_run

pytestmark = pytest.mark.skipif(not readahead.available(), reason="needs fork")

# Busy runs: many edits, removals and re-classifications, so contents come and go.
MIX = ChangeMix(summary_edited=0.05, title_edited=0.03, new=0.04, removed=0.04, reclassified=0.1,
                noise=0.1)


@pytest.fixture(scope="module")
def run_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    files = generate(tmp_path_factory.mktemp("workload"), pledges=250, runs=5, unchanged=1,
                     seed=11, mix=MIX)
    crawls = [f.crawl for f in files.runs]
    # The third run again (already ingested: skipped), then a re-crawl of an unchanged site.
    return [*crawls[:3], crawls[2], *crawls[3:], *files.unchanged]


def stored_facts(factory: sessionmaker[Session]) -> dict[str, Any]:
    """What a run leaves behind, by keys and run order rather than by row ids."""
    with factory() as session:
        runs = session.scalars(select(Run).order_by(Run.id)).all()
        order = {run.id: n for n, run in enumerate(runs)}

        def at(run_id: int | None) -> int | None:
            return None if run_id is None else order[run_id]

        versions = session.execute(
            select(Pledge.key, PledgeVersion.number, PledgeVersion.content_hash,
                   PledgeVersion.from_run, PledgeVersion.to_run)
            .join(Pledge, Pledge.id == PledgeVersion.pledge_id))
        members = session.execute(
            select(Pledge.key, Term.url, Membership.from_run, Membership.to_run)
            .join(Pledge, Pledge.id == Membership.pledge_id)
            .join(Term, Term.id == Membership.term_id))
        pledges = session.execute(select(Pledge.key, Pledge.present, Pledge.absent_runs,
                                         Pledge.content_digests, Pledge.seen_digest))
        changes = []
        for run in runs:
            out = _Sink()
            write_changes_json(changes_between(session, None, run.id), out)
            changes.append(out.data.replace(f'"run_id": {run.id}'.encode(), b""))
        return {
            "runs": [(r.input_digest, r.pages_ok, r.teasers, r.pledges_seen, r.complete,
                      r.pages_digest) for r in runs],
            "page lists": [list(read_page_list(session, r.pages_digest)) for r in runs],
            "versions": sorted((k, n, h, at(f), at(t)) for k, n, h, f, t in versions),
            "memberships": sorted((k, u, at(f), at(t)) for k, u, f, t in members),
            "pledges": sorted(map(tuple, pledges)),
            "changes": changes,
        }


class _Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)


def test_runs_read_ahead_are_stored_as_runs_read_one_at_a_time(
        run_files: list[Path], factory: sessionmaker[Session], tmp_path: Path) -> None:
    with reading_ahead(factory, run_files) as reader:
        ahead = [ingest_run_file(factory, path, readahead=reader) for path in run_files]
    one_by_one = open_database(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    singly = [ingest_run_file(one_by_one, path) for path in run_files]

    assert [r.duplicate for r in ahead] == [False, False, False, True, False, False, False]
    assert [_counts(r) for r in ahead] == [_counts(r) for r in singly]
    assert stored_facts(factory) == stored_facts(one_by_one)
    one_by_one.kw["bind"].dispose()


def test_the_spool_holds_at_most_the_run_being_stored_and_the_next_and_is_removed(
        run_files: list[Path], factory: sessionmaker[Session]) -> None:
    spooled = []
    with reading_ahead(factory, run_files) as reader:
        spool_dir = reader.spool_dir
        for path in run_files:
            ingest_run_file(factory, path, readahead=reader)
            spooled.append(len(list(spool_dir.iterdir())))
    assert max(spooled) <= 1, "after each run, only the next file may be spooled"
    assert not spool_dir.exists()


def _counts(result: Any) -> tuple[Any, ...]:
    return (result.duplicate, result.complete, result.pages_ok, result.teasers, result.pledges,
            result.new_pledges, result.new_versions, result.removed, result.restored)


def test_reading_ahead_over_a_database_with_runs_keys_contents_it_does_not_parse(
        run_files: list[Path], factory: sessionmaker[Session], tmp_path: Path) -> None:
    ingest_run_file(factory, run_files[0])  # the child starts from these contents, unparsed
    with reading_ahead(factory, run_files[1:]) as reader:
        for path in run_files[1:]:
            ingest_run_file(factory, path, readahead=reader)
    one_by_one = open_database(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    for path in run_files:
        ingest_run_file(one_by_one, path)
    assert stored_facts(factory) == stored_facts(one_by_one)
    one_by_one.kw["bind"].dispose()


def test_a_bad_line_read_ahead_is_named_and_the_runs_before_it_stay(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    good = write_run(tmp_path / "good.jsonl", listing("member-states", [P(13001, "A", "a")]))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(good.read_bytes().replace(b'"position": 0', b'"position": "first"', 1))
    with reading_ahead(factory, [good, bad]) as reader:
        ingest_run_file(factory, good, readahead=reader)
        with pytest.raises(InputError, match="line 1: field 'position' must be int"):
            ingest_run_file(factory, bad, readahead=reader)
    with factory() as session:
        assert [run.input_digest for run in session.scalars(select(Run))] == \
            [file_digest(good)]


def test_files_must_be_taken_in_the_order_given(factory: sessionmaker[Session],
                                                tmp_path: Path) -> None:
    first = write_run(tmp_path / "1.jsonl", listing("member-states", [P(13001, "A", "a")]))
    second = write_run(tmp_path / "2.jsonl", listing("member-states", [P(13002, "B", "b")]))
    with reading_ahead(factory, [first, second]) as reader, pytest.raises(ValueError, match="order"):
        ingest_run_file(factory, second, readahead=reader)


def test_a_text_that_comes_back_is_read_from_storage_not_parsed_again(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    said, edited = P(13001, "A", "First words."), P(13001, "A", "Other words.")
    gone_and_back = P(13002, "B", "Still here.")
    paths = [write_run(tmp_path / "1.jsonl", listing("member-states", [said, gone_and_back])),
             write_run(tmp_path / "2.jsonl", listing("member-states", [edited])),
             write_run(tmp_path / "3.jsonl", listing("member-states", [said, gone_and_back]),
                       stamp="2026-03-15T06:00:00+00:00")]
    with reading_ahead(factory, paths) as reader:
        results = [ingest_run_file(factory, path, readahead=reader) for path in paths]
    assert [(r.new_versions, r.removed, r.restored) for r in results] == \
        [(2, 0, 0), (1, 1, 0), (1, 0, 1)]
    one_by_one = open_database(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    for path in paths:
        ingest_run_file(one_by_one, path)
    assert stored_facts(factory) == stored_facts(one_by_one)
    one_by_one.kw["bind"].dispose()


def test_reading_ahead_is_the_default_for_several_files(tmp_path: Path) -> None:
    files = [tmp_path / "1.jsonl", tmp_path / "2.jsonl"]
    assert readahead.worthwhile(files)
    assert not readahead.worthwhile(files[:1]), "one file: nothing to read ahead"


def test_a_page_chunk_crosses_to_the_storing_process_whole(run_files: list[Path]) -> None:
    # Every field filled in, as the child sends them: teasers, parsed texts, compressed texts,
    # new contexts and the page record, plus the page-list fields the parent fills in.
    chunks = [describe_page(compress_contents(chunk))
              for chunk in read_chunks(run_files[0], RunMeta(), {})]
    first = next(chunk for chunk in chunks if chunk.parsed and chunk.new_contexts)
    for chunk in (first, chunks[-1]):
        again = pickle.loads(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
        assert again == chunk
        assert [getattr(again, name) for name in PageChunk.__slots__] \
            == [getattr(chunk, name) for name in PageChunk.__slots__]
