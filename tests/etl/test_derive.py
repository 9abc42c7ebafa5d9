"""Derive: a run's teasers become one pledge per record, whatever order the term pages came in."""

from __future__ import annotations

import itertools

import pytest

from pledgewatch.core.pledges import Teaser
from pledgewatch.etl.derive import derive_pledges, pick_summary

SITE = "https://gfmd.org"
TERM_A, TERM_B = f"{SITE}/contributors/civil-society", f"{SITE}/contributors/member-states"


def teaser(url: str | None = f"{SITE}/pfp/ppd/13001", *, title: str | None = "Cities for all",
           author: str | None = "Ms. Anqi ZHANG", summary: str = "Cities commit to act.",
           term_url: str = TERM_A, submitted: str | None = None) -> Teaser:
    return Teaser(url=url, title=title, author=author, submitted=submitted, summary=summary,
                  term=term_url.rsplit("/", 1)[1], term_url=term_url, listing_url=term_url,
                  position=0)


def test_the_same_record_on_two_term_pages_is_one_pledge_in_both_terms():
    pledges = derive_pledges([teaser(term_url=TERM_A), teaser(term_url=TERM_B)])
    assert list(pledges) == ["/pfp/ppd/13001"]
    assert pledges["/pfp/ppd/13001"].term_keys == tuple(sorted([TERM_A, TERM_B]))


def test_a_www_http_link_is_the_same_record_as_the_canonical_one():
    pledges = derive_pledges([teaser("http://www.gfmd.org/pfp/ppd/13001/"), teaser()])
    assert list(pledges) == ["/pfp/ppd/13001"]


def test_a_teaser_without_a_link_is_keyed_by_its_folded_title():
    pledges = derive_pledges([teaser(None, title="  Cities  FOR all\n")])
    assert list(pledges) == ["title:cities for all"]


def test_a_teaser_with_neither_link_nor_title_is_left_out():
    assert derive_pledges([teaser(None, title=None)]) == {}


@pytest.mark.parametrize("first, second, expected", [
    ("Mr. Ace Paolo …", "Mr. Ace Paolo Dela Cruz", "Mr. Ace Paolo Dela Cruz"),
    ("Mr. Ace Paolo Dela Cruz", "Mr. Ace Paolo …", "Mr. Ace Paolo Dela Cruz"),
    (None, "Ms. Anqi ZHANG", "Ms. Anqi ZHANG"),
    ("Ms. Anqi ZHANG", "Mr. Someone Else", "Ms. Anqi ZHANG"),  # a full name is not replaced
])
def test_the_byline_rule_whatever_the_order(first, second, expected):
    pledge = derive_pledges([teaser(author=first), teaser(author=second, term_url=TERM_B)])
    assert pledge["/pfp/ppd/13001"].author == expected


def test_title_and_date_are_the_first_non_empty_values():
    pledges = derive_pledges([teaser(title=None, submitted=None),
                              teaser(title="Cities for all", submitted="2023-11-06T10:15:00+01:00"),
                              teaser(title="Other", submitted="2024-01-01T00:00:00+00:00")])
    pledge = pledges["/pfp/ppd/13001"]
    assert (pledge.title, pledge.submitted) == ("Cities for all", "2023-11-06T10:15:00+01:00")


@pytest.mark.parametrize("summaries, expected", [
    ((("Cities commit to", 3), ("Cities commit to act.", 1)), "Cities commit to act."),
    ((("Cities commit to act…", 1), ("Cities commit to act. Now.", 1)), "Cities commit to act. Now."),
    ((("A plan.", 3), ("Another plan.", 1)), "A plan."),  # they disagree: the most frequent
    ((("A plan.", 1), ("A longer plan.", 1)), "A longer plan."),  # a tie: the longest
    ((("Same\n\ntext", 1),), "Same\n\ntext"),
])
def test_the_summary_rule(summaries, expected):
    assert pick_summary(summaries) == expected


def test_the_pledges_do_not_depend_on_the_order_of_the_term_pages():
    teasers = [teaser(author="Mr. Ace Paolo …", summary="Cities commit to"),
               teaser(author="Mr. Ace Paolo Dela Cruz", summary="Cities commit to act.",
                      term_url=TERM_B),
               teaser(author=None, summary="Cities  commit to act.", term_url=f"{SITE}/x/y")]
    results = {(p.author, pick_summary(p.summaries), p.term_keys)
               for order in itertools.permutations(teasers)
               for p in derive_pledges(order).values()}
    assert results == {("Mr. Ace Paolo Dela Cruz", "Cities commit to act.",
                        tuple(sorted({TERM_A, TERM_B, f"{SITE}/x/y"})))}


def test_text_is_stored_as_published_with_whitespace_tidied():
    pledge = derive_pledges([teaser(summary="  Zürich\u00a0 commits\n to:  \n\n \n\nAll (external link).",
                                    title="Caf\u00c3\u00a9  owners")])["/pfp/ppd/13001"]
    assert pledge.summaries == (("Zürich commits\nto:\n\nAll.", 1),)
    assert pledge.title == "Caf\u00c3\u00a9 owners"  # mojibake kept: flagged, never rewritten
