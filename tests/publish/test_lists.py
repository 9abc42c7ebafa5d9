"""Term pages, A-Z sections, the search index and page addresses."""

from __future__ import annotations

import pytest

from pledgewatch.core.errors import InputError
from pledgewatch.core.values import TermRef
from pledgewatch.publish.links import SiteLinks, pledge_path, term_path
from pledgewatch.publish.lists import by_letter, letter_of, search_entries, term_page
from pledgewatch.publish.records import Interval, PledgeSummary, RunInfo
from pledgewatch.publish.reporting import site_hosts

RUNS = {1: RunInfo(1, None, True), 2: RunInfo(2, None, True)}
GOAL_11 = TermRef("https://gfmd.org/sdg/goal-11", "Goal 11", "sdg", "https://gfmd.org/sdg/goal-11")


def summary(key: str, title: str, listed: bool = True, terms=()) -> PledgeSummary:
    return PledgeSummary(key, title, "Ms. Anqi ZHANG", listed, tuple(terms))


def test_a_term_page_lists_what_it_lists_now_and_who_left_or_joined_after_its_first_crawl():
    pledges = {1: summary("/pfp/ppd/1", "Carmen de La Legua"), 2: summary("/pfp/ppd/2", "Welcoming San José", False),
               3: summary("/pfp/ppd/3", "Buenos Aires"), 4: summary("/pfp/ppd/4", "Framework")}
    rows = [(1, Interval(1, 2)), (2, Interval(1, 2)), (3, Interval(1, None)), (4, Interval(2, None))]
    page = term_page(GOAL_11, rows, pledges, RUNS, site_hosts("gfmd.org"))
    assert [p.title for p in page.listed] == ["Buenos Aires", "Framework"]
    assert page.first_run.id == 1 and page.first_count == 3
    (step,) = page.steps
    assert [p.title for p in step.added] == ["Framework"]
    assert [p.title for p in step.removed] == ["Carmen de La Legua", "Welcoming San José"]


@pytest.mark.parametrize(("title", "letter"), [("Zürich pledge", "z"), ("Égalité", "e"),
                                                ("2030 Agenda", "other"), ("  ", "other"),
                                                ("«Quoted»", "other")], ids=str)
def test_titles_are_filed_under_their_first_letter_without_accents(title, letter):
    assert letter_of(title) == letter


def test_every_letter_has_a_section_and_titles_are_sorted():
    groups = by_letter([summary("/a", "beta"), summary("/b", "Alpha"), summary("/c", "apple")])
    assert [p.title for p in groups["a"]] == ["Alpha", "apple"]
    assert len(groups) == 27 and groups["q"] == ()


def test_the_search_index_holds_title_author_terms_and_page_and_marks_unlisted_pledges():
    entries = search_entries([summary("/pfp/ppd/13122", "Welcoming San José", False, [GOAL_11])])
    assert entries == [{"t": "Welcoming San José", "a": "Ms. Anqi ZHANG", "k": "Goal 11",
                        "p": "pledges/13122.html", "x": 1}]


def test_page_addresses_come_from_keys_and_never_collide_on_similar_terms():
    assert pledge_path("/pfp/ppd/13185") == "pledges/13185.html"
    assert pledge_path("title:some title").startswith("pledges/k-")
    assert term_path("https://gfmd.org/a-b") != term_path("https://gfmd.org/a/b")
    assert term_path("https://gfmd.org/sdg/goal-11").startswith("terms/sdg-goal-11-")


def test_report_links_are_absolute_under_the_base_url():
    links = SiteLinks("https://example.org/pledges")
    assert links.pledge("/pfp/ppd/13185") == "https://example.org/pledges/pledges/13185.html"
    assert links.run(2) == "https://example.org/pledges/runs/run-2.html"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "https://u:p@example.org/",
                                 "https://example.org/?q=1", "example.org"], ids=str)
def test_a_base_url_must_be_a_plain_http_address(url):
    with pytest.raises(InputError):
        SiteLinks(url)
