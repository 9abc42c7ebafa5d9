"""A membership change needs evidence: a term that looks smaller than the store believes is held,
never read as removals or re-classifications, until a second run shows the same."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.values import ChangeSet
from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import IngestResult, ingest_run_file
from tests.support.runs import P, listing, record_line, write_run

PLEDGES = [P(14000 + i, f"Pledge {i:02d}", f"Summary {i}.") for i in range(25)]


@pytest.fixture
def ingest(factory: sessionmaker[Session], tmp_path: Path) -> Callable[..., IngestResult]:
    numbers = itertools.count(1)

    def run(*listings: list) -> IngestResult:
        n = next(numbers)
        path = write_run(tmp_path / f"run{n}.jsonl", *listings,
                         stamp=f"2026-03-{n:02d}T06:00:00+00:00")
        return ingest_run_file(factory, path)

    return run


def changes(factory: sessionmaker[Session]) -> ChangeSet:
    with factory.begin() as session:
        return changes_between(session)


def test_a_term_read_as_its_first_page_only_is_held_not_shrunk(ingest, factory):
    # A theme update renames the pager: two pages of a term now read as one, "end reached".
    ingest(listing("member-states", PLEDGES[:15]), listing("subnational", PLEDGES[:3]))
    result = ingest(listing("member-states", PLEDGES[:10]), listing("subnational", PLEDGES[:3]))
    report = changes(factory)
    assert result.removed == 0 and not report.removed and not report.reclassified
    assert len(report.not_seen) == 5
    assert [t.key for t in report.health.incomplete_terms] == \
        ["https://gfmd.org/contributors/member-states"]


def test_a_small_term_that_suddenly_lists_nothing_removes_nothing(ingest, factory):
    ingest(listing("mayors", PLEDGES[:5]))
    result = ingest(listing("mayors", []))  # Drupal's empty-term page, and nothing else
    report = changes(factory)
    assert result.removed == 0 and not report.removed
    assert {n.pledge.key for n in report.not_seen} == {p.url[len("https://gfmd.org"):]
                                                       for p in PLEDGES[:5]}


def test_a_pledge_leaving_a_term_beyond_its_churn_is_reclassified_only_once_confirmed(ingest, factory):
    both = [listing("member-states", PLEDGES[:12]), listing("civil-society", PLEDGES[:12])]
    ingest(*both)
    shrunk = [listing("member-states", PLEDGES[:10]), listing("civil-society", PLEDGES[:12])]
    ingest(*shrunk)
    assert not changes(factory).reclassified  # 12 -> 10 on one page: held
    ingest(*shrunk)  # the same again: the shrink is real
    report = changes(factory)
    assert [r.pledge.key for r in report.reclassified] == ["/pfp/ppd/14010", "/pfp/ppd/14011"]
    assert all(r.terms_removed[0].name == "Member States" for r in report.reclassified)


def test_a_loss_within_the_normal_churn_is_trusted_at_once(ingest, factory):
    ingest(listing("member-states", PLEDGES[:20]))
    result = ingest(listing("member-states", PLEDGES[:18]))  # 2 of 20: a tenth
    assert result.removed == 2
    assert [p.key for p in changes(factory).removed] == ["/pfp/ppd/14018", "/pfp/ppd/14019"]


def test_a_pledge_gone_from_its_complete_term_while_another_term_failed_is_not_removed(
        ingest, factory):
    # Pledge 03 moves from member-states to civil-society, whose only page fails this run.
    ingest(listing("member-states", PLEDGES[:10]), listing("civil-society", PLEDGES[10:14]))
    moved = [*PLEDGES[:3], *PLEDGES[4:10]]
    result = ingest(listing("member-states", moved),
                    listing("civil-society", [*PLEDGES[10:14], PLEDGES[3]], failed_pages=[0]))
    report = changes(factory)
    assert result.removed == 0 and not report.removed and not report.reclassified
    assert "/pfp/ppd/14003" in {n.pledge.key for n in report.not_seen}
    ingest(listing("member-states", moved), listing("civil-society", [*PLEDGES[10:14], PLEDGES[3]]))
    (change,) = changes(factory).reclassified
    assert (change.pledge.key, [t.name for t in change.terms_removed]) == \
        ("/pfp/ppd/14003", ["Member States"])
    assert [t.name for t in change.terms_added] == ["Civil Society"]


def test_a_pledge_gone_from_its_complete_term_while_another_term_is_held_is_not_removed(
        ingest, factory):
    # Pledge 20 moves to member-states, whose pager vanished: read as its first page, held.
    ingest(listing("member-states", PLEDGES[:15]), listing("civil-society", PLEDGES[18:22]))
    result = ingest(listing("member-states", PLEDGES[:10]),
                    listing("civil-society", [*PLEDGES[18:20], PLEDGES[21]]))
    report = changes(factory)
    assert result.removed == 0 and not report.removed and not report.reclassified
    assert "/pfp/ppd/14020" in {n.pledge.key for n in report.not_seen}


def test_a_page_counts_the_teaser_lines_it_has_not_the_count_it_claims(ingest, factory, tmp_path):
    # A page line that claims ten teasers but carries three: the term listed three, and a
    # later run listing three is no shrink.
    claimed = listing("mayors", PLEDGES[:3])
    for line in claimed:
        if line["type"] == "page":
            line["teasers"] = 10
    ingest(claimed)
    result = ingest(listing("mayors", PLEDGES[:3]))
    report = changes(factory)
    assert result.complete and not report.health.incomplete_terms and not report.not_seen


def test_a_term_that_shrinks_by_pledges_whose_records_are_gone_is_trusted_at_once(ingest, factory):
    # 11 pledges on two pages; one is deleted: the term now fits one page, which alone would be
    # held (a vanished pager looks the same). Its record answering 410 proves the loss.
    ingest(listing("mayors", PLEDGES[:11]), listing("subnational", PLEDGES[:3]))
    result = ingest(listing("mayors", PLEDGES[1:11]), listing("subnational", PLEDGES[1:3]),
                    [record_line(PLEDGES[0], status=410, why="missing")])
    report = changes(factory)
    assert result.removed == 1 and [p.key for p in report.removed] == ["/pfp/ppd/14000"]
    assert not report.health.incomplete_terms and not report.not_seen


def test_a_shrink_the_gone_records_do_not_explain_is_still_held(ingest, factory):
    # Two pages read as one (10 of 15 listed) while one record is gone: four losses unproven.
    # The term is held and its four missing pledges are not seen; the one whose record is
    # gone is removed on its record's word.
    ingest(listing("member-states", PLEDGES[:15]))
    result = ingest(listing("member-states", PLEDGES[1:11]),
                    [record_line(PLEDGES[0], status=404, why="missing")])
    report = changes(factory)
    assert result.removed == 1 and [p.key for p in report.removed] == ["/pfp/ppd/14000"]
    assert sorted(n.pledge.key for n in report.not_seen) == [f"/pfp/ppd/{14000 + i}"
                                                             for i in range(11, 15)]
    assert [t.key for t in report.health.incomplete_terms] == \
        ["https://gfmd.org/contributors/member-states"]
