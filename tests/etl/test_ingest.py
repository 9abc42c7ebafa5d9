"""Versioned records: what is a new version, what is noise, and what a failed crawl may not say.

Every test runs on SQLite and on a real PostgreSQL server (the ``db_url`` fixture).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core.policy import ChangePolicy
from pledgewatch.core.values import ChangeSet
from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import IngestResult, ingest_run_file
from pledgewatch.storage.models import Membership, Pledge, PledgeVersion
from tests.support.runs import LINE_STYLES, P, listing, write_run

ALPHA = P(13001, "Automatic Electoral Registry for Migrants", "In 2022, the General Directorate\n"
          "launched a ‘Migrant Electoral Guide’.\n\nIt is a step-by-step tool.")
BETA = P(13002, "Legazpi City: Expanded Help Desk", "Legazpi City commits to provide services.")
GAMMA = P(13003, "Municipality of Straseni", "The Municipality of Straseni commits to facilitate.")


@pytest.fixture(params=LINE_STYLES)
def ingest(factory: sessionmaker[Session], tmp_path: Path,
           request: pytest.FixtureRequest) -> Callable[..., IngestResult]:
    """Ingests hand-written runs, written both like the crawl writes them and in another order."""
    numbers = itertools.count(1)

    def run(*listings: list, reason: str = "finished", policy: ChangePolicy | None = None) -> IngestResult:
        n = next(numbers)
        path = write_run(tmp_path / f"run{n}.jsonl", *listings, reason=reason,
                         stamp=f"2026-03-{n:02d}T06:00:00+00:00", style=request.param)
        return ingest_run_file(factory, path, policy=policy)

    return run


def changes(factory: sessionmaker[Session]) -> ChangeSet:
    with factory.begin() as session:
        return changes_between(session)


def version_count(factory: sessionmaker[Session]) -> int:
    with factory.begin() as session:
        return session.scalar(select(func.count()).select_from(PledgeVersion)) or 0


def test_a_pledge_on_many_term_pages_is_one_record_with_many_memberships(ingest, factory):
    result = ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [ALPHA],
                                                                     vocabulary="geographical-relevance"))
    assert (result.pledges, result.new_versions, result.teasers) == (2, 2, 3)
    with factory.begin() as session:
        alpha = session.scalar(select(Pledge).where(Pledge.key == "/pfp/ppd/13001"))
        terms = session.scalars(select(Membership.term_id).where(Membership.pledge_id == alpha.id))
        assert len(list(terms)) == 2


def test_the_same_input_twice_adds_nothing(ingest, factory, tmp_path):
    first = ingest(listing("member-states", [ALPHA, BETA]))
    again = ingest_run_file(factory, tmp_path / "run1.jsonl")
    assert again.duplicate and again.run_id == first.run_id
    assert version_count(factory) == 2


def test_whitespace_line_breaks_order_and_position_are_not_changes(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    noisy_alpha = P(ALPHA.nid, "  Automatic  Electoral Registry for\u00a0Migrants ",
                    "In 2022, the General Directorate launched a ‘Migrant Electoral Guide’.\n\n\n"
                    " \n\nIt is a step-by-step tool.  ")
    ingest(listing("member-states", [GAMMA, noisy_alpha, BETA], per_page=2))
    assert version_count(factory) == 3
    assert changes(factory).is_empty


def test_a_byline_printed_after_the_body_is_the_same_author(ingest, factory):
    ingest(listing("member-states", [BETA]))
    ingest(listing("member-states", [P(BETA.nid, BETA.title, BETA.summary, author=" Ms. Anqi ZHANG\n")]))
    assert version_count(factory) == 1


def test_a_truncated_username_is_matched_to_the_full_name(ingest, factory):
    full = P(13004, "Simulation Exercise", "Officials met.", author="Mr. Ace Paolo Dela Cruz")
    ingest(listing("member-states", [P(13004, full.title, full.summary, author="Mr. Ace Paolo …")]))
    ingest(listing("member-states", [full]))
    ingest(listing("member-states", [P(13004, full.title, full.summary, author="Mr. Ace Paolo …")]))
    with factory.begin() as session:
        authors = list(session.scalars(select(PledgeVersion.author)))
    assert authors == ["Mr. Ace Paolo Dela Cruz"]
    assert changes(factory).is_empty


def test_a_summary_edit_makes_exactly_one_new_version(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [BETA]))
    edited = P(BETA.nid, BETA.title, "Legazpi City commits to provide services to OFWs.")
    result = ingest(listing("member-states", [ALPHA, edited]), listing("subnational", [edited]))
    assert result.new_versions == 1
    report = changes(factory)
    assert [e.after.key for e in report.edited] == ["/pfp/ppd/13002"]
    assert [c.field for c in report.edited[0].changes] == ["summary"]
    assert not (report.new or report.removed or report.reclassified)


def test_an_edited_title_is_an_edit_of_the_same_pledge_not_removed_plus_new(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]))
    ingest(listing("member-states", [ALPHA, P(BETA.nid, "Legazpi City: Help Desk for OFWs", BETA.summary)]))
    report = changes(factory)
    assert report.counts() == {"new": 0, "edited": 1, "removed": 0, "reclassified": 0,
                               "restored": 0, "not_seen": 0, "unlisted": 0}
    assert report.edited[0].changes[0].field == "title"


def test_near_identical_titles_with_different_urls_are_different_pledges(ingest):
    result = ingest(listing("member-states", [
        P(1, "Making Migration Work for Sustainable Development", "IOM-UNDP programme."),
        P(2, "Making Migration work for Sustainable Development", "Another record.")]))
    assert result.pledges == 2


def test_a_shorter_trim_of_the_same_summary_on_another_term_page_is_one_version(ingest, factory):
    long_trim = P(ALPHA.nid, ALPHA.title, "In 2022, the Directorate launched a guide. It is a tool.")
    short_trim = P(ALPHA.nid, ALPHA.title, "In 2022, the Directorate launched a guide.")
    ingest(listing("member-states", [short_trim]), listing("subnational", [long_trim]))
    with factory.begin() as session:
        summaries = list(session.scalars(select(PledgeVersion.summary)))
    assert summaries == [long_trim.summary]


def test_a_pledge_gone_from_complete_terms_is_removed(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    result = ingest(listing("member-states", [ALPHA, BETA]))
    assert result.removed == 1
    assert [p.key for p in changes(factory).removed] == ["/pfp/ppd/13003"]


def test_a_failed_page_proves_no_removal_and_the_next_good_run_tells_the_truth(ingest, factory):
    pledges = [P(100 + i, f"Pledge {i}", f"Summary {i}.") for i in range(25)]
    ingest(listing("member-states", pledges))
    partial = ingest(listing("member-states", pledges, failed_pages=[1]))
    assert not partial.complete and partial.removed == 0
    report = changes(factory)
    assert not report.removed and len(report.not_seen) == 10
    assert report.health.pages_failed == 1
    ingest(listing("member-states", pledges[:24]))
    truth = changes(factory)
    assert [p.title for p in truth.removed] == ["Pledge 24"]
    assert not truth.new and not truth.restored


def test_a_term_not_fully_crawled_says_nothing_about_its_members(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [ALPHA]))
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [ALPHA], failed_pages=[0]))
    assert not changes(factory).reclassified


def test_a_reclassified_pledge_is_reported_on_its_own_not_as_an_edit(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [ALPHA]))
    ingest(listing("member-states", [ALPHA, BETA]), listing("subnational", [ALPHA, BETA]))
    report = changes(factory)
    assert not report.edited
    [moved] = report.reclassified
    assert moved.pledge.key == "/pfp/ppd/13002"
    assert [t.name for t in moved.terms_added] == ["Subnational"] and not moved.terms_removed


def test_a_run_removing_too_much_is_held_as_suspect(ingest, factory):
    # Six terms of five pledges lose one each: within each term's churn, but 6 of 30 at once.
    terms = [[P(200 + 5 * t + i, f"Pledge {t}.{i}", "Text.") for i in range(5)] for t in range(6)]
    ingest(*(listing(f"term-{t}", pledges) for t, pledges in enumerate(terms)))
    result = ingest(*(listing(f"term-{t}", pledges[:4]) for t, pledges in enumerate(terms)))
    assert result.suspect and result.removed == 0
    report = changes(factory)
    assert not report.removed and report.health.suspect and report.health.held_removals == 6


def test_removals_can_wait_for_several_complete_runs(ingest, factory):
    policy = ChangePolicy(confirm_removals_after=2)
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]), policy=policy)
    assert ingest(listing("member-states", [ALPHA, BETA]), policy=policy).removed == 0
    assert ingest(listing("member-states", [ALPHA, BETA]), policy=policy).removed == 1


def test_a_pledge_back_after_removal_is_restored(ingest, factory):
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    ingest(listing("member-states", [ALPHA, BETA]))
    ingest(listing("member-states", [ALPHA, BETA, GAMMA]))
    report = changes(factory)
    assert [p.key for p in report.restored] == ["/pfp/ppd/13003"] and not report.new


def test_a_text_snapshot_is_keyed_by_title_and_joins_its_url_twin(ingest, factory):
    ingest(listing("member-states", [P(None, BETA.title, BETA.summary)]))
    with factory.begin() as session:
        assert session.scalar(select(Pledge.key)) == "title:legazpi city: expanded help desk"
    ingest(listing("member-states", [BETA]))
    report = changes(factory)
    assert report.is_empty, report.counts()


def test_typos_and_mojibake_are_kept_as_published(ingest, factory):
    text = "IOM announces the note ìConsolidating a Framework - Phase II.î and Sialogue"
    ingest(listing("member-states", [P(9, "Framework for Diaspora's Engagement", text)]))
    with factory.begin() as session:
        assert session.scalar(select(PledgeVersion.summary)) == text


def test_an_ingest_that_fails_half_way_leaves_the_previous_state(ingest, factory, monkeypatch):
    ingest(listing("member-states", [ALPHA, BETA]))
    from pledgewatch.etl import write

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed mid-run")

    # After the run's raw input, terms, pledges and versions are written.
    monkeypatch.setattr(write, "_write_memberships", explode)
    with pytest.raises(RuntimeError):
        ingest(listing("member-states", [ALPHA, P(BETA.nid, "Edited", "Edited.")]))
    monkeypatch.undo()
    with factory.begin() as session:
        assert session.scalar(select(func.count()).select_from(PledgeVersion)) == 2
        assert session.scalar(select(func.max(PledgeVersion.from_run))) == 1
    assert changes(factory).to_run == 1
