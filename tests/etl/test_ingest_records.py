"""Record pages end to end, on SQLite and PostgreSQL: hand-written run files in, change sets out.

The record lines are written as docs/crawling.md ("Run-file lines added") says the crawl
writes them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.policy import ChangePolicy
from pledgewatch.core.values import ChangeSet
from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import IngestResult, ingest_run_file
from pledgewatch.storage.models import Pledge, RecordFetch, RecordVersion
from tests.support.runs import P, crawl_end, listing
from tests.support.runs import record_line as _record_line

ALPHA = P(13001, "Automatic Electoral Registry for Migrants", "In 2022, the Directorate launched "
          "a guide.")
BETA = P(13002, "Legazpi City: Expanded Help Desk", "Legazpi City commits to provide services.")
GAMMA = P(13003, "Municipality of Straseni", "The Municipality of Straseni commits.")
BODY = "In 2022, the Directorate launched a guide.\n\nIt is a step-by-step tool for voters."
SLOW_REMOVALS = ChangePolicy(confirm_removals_after=3)


def record(pledge: P, body: str | None = BODY, **kwargs: Any) -> dict[str, Any]:
    return _record_line(pledge, body, **kwargs)


@pytest.fixture
def ingest(factory: sessionmaker[Session], tmp_path: Path) -> Callable[..., IngestResult]:
    numbers = itertools.count(1)

    def run(*parts: list[dict[str, Any]], plan: str | None = None,
            policy: ChangePolicy = SLOW_REMOVALS) -> IngestResult:
        n = next(numbers)
        path = tmp_path / f"run{n}.jsonl"
        end = {**crawl_end(stamp=f"2026-03-{n:02d}T06:00:00+00:00"), "plan": plan}
        lines = [line for part in parts for line in part] + [end]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        return ingest_run_file(factory, path, policy=policy)

    return run


def changes(factory: sessionmaker[Session]) -> ChangeSet:
    with factory.begin() as session:
        return changes_between(session)


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory.begin() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def edits(report: ChangeSet) -> list[tuple[str, list[str]]]:
    return [(e.after.key, [c.field for c in e.changes]) for e in report.edited]


def test_a_record_only_edit_is_one_body_edit(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA)])
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA, BODY + " Since 2023.")])
    report = changes(factory)
    assert edits(report) == [("/pfp/ppd/13001", ["body"])]
    (change,) = report.edited[0].changes
    assert (change.old, change.new) == (BODY, BODY + " Since 2023.")
    assert count(factory, RecordVersion) == 2


def test_a_teaser_edit_with_its_record_read_is_reported_once_on_the_body(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA)])
    edited = P(ALPHA.nid, ALPHA.title, "In 2023, the Directorate launched a guide.")
    new_body = BODY.replace("2022", "2023")
    ingest(listing("member-states", [edited, BETA]), [record(edited, new_body, why="changed")])
    report = changes(factory)
    assert edits(report) == [("/pfp/ppd/13001", ["body"])]
    assert report.edited[0].after.summary == edited.summary  # the teaser's version is stored


def test_a_teaser_edit_without_its_record_read_is_reported_on_the_summary(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA)])
    edited = P(ALPHA.nid, ALPHA.title, "In 2023, the Directorate launched a guide.")
    ingest(listing("member-states", [edited, BETA]))
    assert edits(changes(factory)) == [("/pfp/ppd/13001", ["summary"])]


def test_a_record_with_only_new_line_breaks_is_no_edit(ingest, factory):
    ingest(listing("member-states", [ALPHA]), [record(ALPHA)])
    ingest(listing("member-states", [ALPHA]), [record(ALPHA, BODY.replace("\n\n", "\n  "))])
    assert changes(factory).is_empty and count(factory, RecordVersion) == 1


def test_a_gone_record_removes_its_pledge_at_once(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    result = ingest(listing("member-states", [ALPHA, GAMMA]), [record(BETA, status=404,
                                                                       why="missing")])
    assert result.removed == 1  # confirm_removals_after is 3: the 404 settles it
    report = changes(factory)
    assert [p.key for p in report.removed] == ["/pfp/ppd/13002"] and report.unlisted == ()


def test_a_missing_pledge_whose_record_answers_is_unlisted_never_removed(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    ingest(listing("member-states", [ALPHA, GAMMA]), [record(BETA, why="missing")],
           policy=ChangePolicy(confirm_removals_after=1))
    report = changes(factory)
    assert [p.key for p in report.unlisted] == ["/pfp/ppd/13002"]
    assert (report.removed, report.not_seen, report.counts()["unlisted"]) == ((), (), 1)
    assert report.unlisted[0].record is not None and report.unlisted[0].record.body == BODY
    with factory.begin() as session:
        assert session.scalar(select(Pledge.present).where(Pledge.key == "/pfp/ppd/13002"))
    # still unlisted the next day: reported once, when it left
    ingest(listing("member-states", [ALPHA, GAMMA]), [record(BETA, why="missing")],
           policy=ChangePolicy(confirm_removals_after=1))
    assert changes(factory).is_empty


@pytest.mark.parametrize("failed", [
    record(ALPHA, status=500),
    record(ALPHA, status=200, ok=False, body=None, error="no body found: layout changed?"),
])
def test_a_record_read_that_failed_changes_nothing(ingest, factory, failed):
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA)])
    edited = P(ALPHA.nid, ALPHA.title, "In 2023, the Directorate launched a guide.")
    ingest(listing("member-states", [edited, BETA]), [failed])
    report = changes(factory)
    assert edits(report) == [("/pfp/ppd/13001", ["summary"])]  # as without a record
    assert [(p.url, p.status) for p in report.health.failed_records] == \
        [(ALPHA.url, failed["status"])]
    assert (count(factory, RecordVersion), count(factory, RecordFetch)) == (1, 2)


def test_a_missing_pledge_whose_record_failed_is_not_removed_at_once(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    result = ingest(listing("member-states", [ALPHA, GAMMA]), [record(BETA, status=500)])
    assert result.removed == 0 and changes(factory).is_empty


def probed(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**line, "depth": "first"} if line["type"] == "page" else line for line in lines]


def test_a_cover_run_that_held_is_complete_and_proves_only_by_records(ingest, factory):
    everyone = [ALPHA, BETA, GAMMA]
    ingest(listing("member-states", everyone), listing("subnational", [ALPHA, GAMMA],
                                                       vocabulary="geographical-relevance"))
    result = ingest(listing("member-states", [ALPHA, GAMMA]),
                    probed(listing("subnational", [ALPHA], vocabulary="geographical-relevance")),
                    [record(BETA, why="missing")], plan="cover")
    assert result.complete  # member-states covers everyone and was read whole
    report = changes(factory)
    # BETA's record answers: in a cover run it is not seen, never unlisted or removed;
    # GAMMA left a probed term: its membership there stands
    assert [n.pledge.key for n in report.not_seen] == ["/pfp/ppd/13002"]
    assert (report.removed, report.unlisted, report.reclassified) == ((), (), ())
    assert report.health.incomplete_terms == ()  # a term probed as planned is no failure


def test_a_cover_run_whose_cover_did_not_hold_is_no_baseline(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [GAMMA],
                                                            vocabulary="geographical-relevance"))
    result = ingest(listing("member-states", [ALPHA, BETA]),
                    probed(listing("subnational", [GAMMA], vocabulary="geographical-relevance")),
                    plan="cover")
    assert not result.complete  # GAMMA's one term was read by page 0 only


def test_reprocessing_rebuilds_record_versions_from_raw_storage(ingest, factory):
    from pledgewatch.etl.reprocess import reprocess_all

    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA)])
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA, BODY + " Since 2023."),
                                                     record(BETA, status=304)])
    before = edits(changes(factory))
    reprocess_all(factory, SLOW_REMOVALS)
    assert (count(factory, RecordVersion), count(factory, RecordFetch)) == (2, 3)
    assert edits(changes(factory)) == before == [("/pfp/ppd/13001", ["body"])]


def test_the_store_gives_back_the_open_record_and_the_run_that_last_read_it(ingest, factory):
    from pledgewatch.storage import queries, repo

    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA, countries=["Chile", "Peru"],
                                                            terms=[[ALPHA.url, "X"]])])
    ingest(listing("member-states", [ALPHA, BETA]), [record(ALPHA, status=304)])
    third = ingest(listing("member-states", [ALPHA, BETA]))
    with factory.begin() as session:
        stored = repo.load_stored_pledges(session)
        views = {v.key: v for v in queries.pledge_views(session, third.run_id).values()}
    alpha = stored["/pfp/ppd/13001"].record
    assert alpha is not None and (alpha.number, alpha.valid_from_run) == (1, 1)
    assert (alpha.content.body, alpha.content.countries) == (BODY, ("Chile", "Peru"))
    assert alpha.content.terms == ((ALPHA.url, "X"),)
    assert stored["/pfp/ppd/13002"].record is None
    view = views["/pfp/ppd/13001"].record
    assert view is not None and (view.body, view.read_run) == (BODY, 2)  # the 304 was a read
    assert views["/pfp/ppd/13002"].record is None
