"""A pledge's page from its stored versions and memberships: timeline, versions, comparisons."""

from __future__ import annotations

from pledgewatch.core.values import TermRef
from pledgewatch.publish.pledge_page import (
    FIRST_SEEN,
    LISTED_AGAIN,
    MAX_COMPARED_VERSIONS,
    NO_LONGER_LISTED,
    comparisons,
    pledge_page,
)
from pledgewatch.publish.records import Interval, PledgeHistory, RunInfo, VersionRecord
from pledgewatch.publish.reporting import DELETE, EQUAL, INSERT, site_hosts

HOSTS = site_hosts("gfmd.org")
RUNS = {1: RunInfo(1, "2026-01-05T06:00:00+00:00", True), 2: RunInfo(2, "2026-01-06T06:00:00+00:00", True),
        3: RunInfo(3, None, False), 5: RunInfo(5, "2026-01-08T06:00:00+00:00", True)}
MAYORS = TermRef("https://gfmd.org/contributors/mayors", "Mayors", "contributors",
                 "https://gfmd.org/contributors/mayors")
GOAL_11 = TermRef("https://gfmd.org/sdg/goal-11", "Goal 11", "sdg", "https://gfmd.org/sdg/goal-11")
OBJECTIVE_16 = TermRef("https://gfmd.org/gcm/objective-16", "Objective 16", "gcm",
                       "https://gfmd.org/gcm/objective-16")
LEGAZPI = "Legazpi City: Expanded Help Desk for Overseas Filipino Workers"


def version(number: int, from_run: int, to_run: int | None, title: str = LEGAZPI,
            summary: str = "Legazpi City commits to provide services.") -> VersionRecord:
    return VersionRecord(number, from_run, to_run, title, "Ms. Anqi ZHANG", "2023-11-06", summary,
                         "https://gfmd.org/contributors/mayors?page=1")


ALWAYS_LISTED = (Interval(1, None),)


def history(versions, memberships=(), presences=ALWAYS_LISTED) -> PledgeHistory:
    return PledgeHistory("/pfp/ppd/13185", "https://gfmd.org/pfp/ppd/13185", tuple(versions),
                         tuple(memberships), tuple(presences))


def test_an_edited_title_is_a_second_version_with_the_inserted_words_marked():
    edited = history([version(1, 1, 2), version(2, 2, None, title=LEGAZPI.replace(
        "Desk for", "Desk and Hotline for"))], [Interval(1, None, MAYORS)])
    page = pledge_page(edited, RUNS, HOSTS)
    assert page.title == "Legazpi City: Expanded Help Desk and Hotline for Overseas Filipino Workers"
    assert [v.number for v in page.versions] == [1, 2]
    assert page.versions[0].changes is None
    (title,) = page.versions[1].changes.fields
    assert title.label == "Title"
    assert title.ops == ((EQUAL, "Legazpi City: Expanded Help Desk "), (INSERT, "and Hotline "),
                         (EQUAL, "for Overseas Filipino Workers"))
    steps = [(s.run.id, s.listing, s.version, [t.name for t in s.terms_added]) for s in page.timeline]
    assert steps == [(1, FIRST_SEEN, 1, ["Mayors"]), (2, None, 2, [])]


def test_a_reclassified_pledge_shows_the_term_it_left_and_the_one_it_joined():
    moved = history([version(1, 1, None)], [Interval(1, None, MAYORS), Interval(1, 2, GOAL_11),
                                            Interval(2, None, OBJECTIVE_16)])
    page = pledge_page(moved, RUNS, HOSTS)
    second = page.timeline[1]
    assert (second.run.id, second.version, second.listing) == (2, None, None)
    assert [t.name for t in second.terms_added] == ["Objective 16"]
    assert [t.name for t in second.terms_removed] == ["Goal 11"]
    assert [t.name for t in page.terms] == ["Mayors", "Objective 16"]


def test_terms_left_when_a_pledge_stops_being_listed_are_part_of_that_removal():
    gone = history([version(1, 1, None)], [Interval(1, 3, MAYORS), Interval(1, 3, GOAL_11)],
                   presences=[Interval(1, 3)])
    page = pledge_page(gone, RUNS, HOSTS)
    last = page.timeline[-1]
    assert (last.run.id, last.listing, last.terms_removed) == (3, NO_LONGER_LISTED, ())
    assert not page.listed
    assert page.last_seen.id == 2  # the run before the one that no longer listed it
    assert page.terms == ()


def test_a_listed_pledge_has_no_last_seen_run_and_a_return_is_listed_again():
    back = history([version(1, 1, None)], presences=[Interval(1, 2), Interval(5, None)])
    page = pledge_page(back, RUNS, HOSTS)
    assert page.listed and page.last_seen is None and page.first_seen.id == 1
    assert [(s.run.id, s.listing) for s in page.timeline] == [
        (1, FIRST_SEEN), (2, NO_LONGER_LISTED), (5, LISTED_AGAIN)]


def test_every_pair_of_versions_can_be_compared_and_long_histories_stay_bounded():
    three = [version(n, n, n + 1, summary=f"Text {n}") for n in (1, 2, 3)]
    assert [(c.older, c.newer) for c in comparisons(tuple(three))] == [(1, 2), (1, 3), (2, 3)]
    many = tuple(version(n, n, n + 1, summary=f"Text {n}") for n in range(1, MAX_COMPARED_VERSIONS + 4))
    pairs = {(c.older, c.newer) for c in comparisons(many)}
    last = len(many)
    assert (1, 2) in pairs and (1, last) in pairs and (last - 1, last) in pairs
    assert (1, 3) not in pairs
    assert len(pairs) == (last - 1) + (last - 2)


def test_a_summary_edit_is_diffed_word_by_word_and_deletions_are_marked():
    page = pledge_page(history([version(1, 1, 2, summary="access to all its municipal services"),
                                version(2, 2, None, summary="access to its new services")]), RUNS, HOSTS)
    (summary,) = page.versions[1].changes.fields
    assert (DELETE, "all") in summary.ops or any(op == DELETE and "all" in t for op, t in summary.ops)
    assert any(op == INSERT and "new" in text for op, text in summary.ops)


def test_links_only_to_the_watched_site_and_text_is_cleaned():
    hostile = PledgeHistory("/pfp/ppd/1", "javascript:alert(1)", (VersionRecord(
        1, 1, None, "Title\u202e with override", None, None, "x",
        "https://evil.example/listing"),), (), (Interval(1, None),))
    page = pledge_page(hostile, RUNS, HOSTS)
    assert page.record_url is None
    assert page.versions[0].source_url is None
    assert page.title == "Title with override"


def test_provenance_names_the_run_and_listing_page_of_each_version():
    page = pledge_page(history([version(1, 3, None)], presences=[Interval(3, None)]), RUNS, HOSTS)
    assert page.versions[0].run == RunInfo(3, None, False)
    assert page.versions[0].source_url == "https://gfmd.org/contributors/mayors?page=1"
