"""The term-crawl verdict as a table of pages: what makes a term complete. No database."""

from __future__ import annotations

import pytest

from pledgewatch.core.pledges import TermHistory
from pledgewatch.etl.read import PageLine
from pledgewatch.etl.term_crawl import TermTally, every_term_read, judge_term

TERM = "https://gfmd.org/contributors/member-states"


def page(number: int, last: int, *, ok: bool = True) -> PageLine:
    url = TERM + (f"?page={number}" if number else "")
    after = f"{TERM}?page={number + 1}" if number < last else None
    return PageLine(url=url, ok=ok, status=200 if ok else 500, error=None if ok else "HTTP 500",
                    teasers=0, term="Member States", term_url=TERM, vocabulary="contributors",
                    page=number, last_page=last, next_url=after, empty_term=False, fields={})


def keys(*numbers: int) -> list[str | None]:
    return [f"/pfp/ppd/{n}" for n in numbers]


TWO_PAGES = [(page(0, 1), keys(*range(10))), (page(1, 1), keys(10, 11))]


@pytest.mark.parametrize("pages, complete", [
    (TWO_PAGES, True),
    # page 0 served again for page 1: the count looks right, pledges 10 and 11 are missing
    ([(page(0, 1), keys(*range(10))), (page(1, 1), keys(*range(10)))], False),
    # one pledge on both pages: the listing shifted while it was crawled
    ([(page(0, 1), keys(*range(10))), (page(1, 1), keys(9, 10, 11))], False),
    # teasers without a link share titles, not identity: never a repeat
    ([(page(0, 0), ["title:cities", "title:cities", None, None])], True),
    ([(page(0, 1), keys(*range(10))), (page(1, 1, ok=False), [])], False),
    ([(page(0, 1), keys(*range(10)))], False),  # the pager led to page 1, never fetched
], ids=["whole", "page-served-twice", "listing-shifted", "title-keys", "failed-page", "unfetched"])
def test_a_term_is_complete_only_when_every_page_came_back_once(pages, complete):
    tally = TermTally(TERM)
    for line, listed in pages:
        tally.add_page(line, listed)
    assert judge_term(tally, None).is_complete is complete  # no history: no shrink to hold


def test_a_run_reads_the_whole_site_only_when_every_term_is_complete():
    whole, held = TermTally(TERM), TermTally(TERM)
    for line, listed in TWO_PAGES:
        whole.add_page(line, listed)
    held.add_page(page(0, 0), keys(*range(10)))  # had two pages, now one: held
    history = TermHistory(pages=2, teasers=12, members=12)
    assert every_term_read([judge_term(whole, history)])
    assert not every_term_read([judge_term(whole, history), judge_term(held, history)])


@pytest.mark.parametrize("listed, members, page_size, held", [
    # grew from 10 to 11 as pledge 3 left, the pager gone: one full page, pledge 3 "gone"
    (keys(*range(10)), frozenset(keys(*range(3), *range(4, 11))), 10, True),
    (keys(*range(10)), frozenset(keys(*range(10))), 10, False),  # full, nothing lost
    (keys(*range(9)), frozenset(keys(*range(10))), 10, False),  # not full: the end is real
    (keys(*range(2)), frozenset(keys(*range(3))), 0, False),  # no page of the run had a next
], ids=["full-and-lost", "full-lost-nothing", "not-full", "no-page-size"])
def test_a_term_read_as_one_full_page_with_a_loss_is_held(listed, members, page_size, held):
    tally = TermTally(TERM)
    tally.add_page(page(0, 0), listed)
    history = TermHistory(pages=1, teasers=len(members), members=len(members))
    verdict = judge_term(tally, history, members, page_size)
    assert verdict.is_held is held and verdict.is_complete is not held


def test_a_full_last_page_after_others_is_trusted():
    # 22 -> 20 on two pages: page 1 links back to page 0, so the pager says it is the last
    tally = TermTally(TERM)
    tally.add_page(page(0, 1), keys(*range(10)))
    tally.add_page(page(1, 1), keys(*range(10, 20)))
    members = frozenset(keys(*range(22)))
    assert judge_term(tally, TermHistory(pages=3, teasers=22, members=22), members, 10).is_complete


def one_page_of(count: int) -> TermTally:
    tally = TermTally(TERM)
    tally.add_page(page(0, 0), keys(*range(count)))
    return tally


@pytest.mark.parametrize("listed, history, held", [
    # read whole a week ago with 51; the store has since seen 5 of them removed: 46 believed
    (45, TermHistory(pages=6, teasers=51, members=46), False),
    (45, TermHistory(pages=6, teasers=51, members=0), True),  # no belief: its last crawl's count
    (40, TermHistory(pages=6, teasers=51, members=46), True),  # 6 of 46 gone: beyond a tenth
    # two pages a week ago, one now: fine when the store believes no more than it lists...
    (10, TermHistory(pages=2, teasers=11, members=10), False),
    (10, TermHistory(pages=2, teasers=11, members=11), True),  # ...held when one is unaccounted
    (0, TermHistory(pages=1, teasers=3, members=3), True),  # some to none
])
def test_a_shrink_is_measured_against_what_the_store_believes_now(listed, history, held):
    tally = one_page_of(listed) if listed <= 10 else TermTally(TERM)
    if listed > 10:
        for number in range((listed + 9) // 10):
            tally.add_page(page(number, (listed - 1) // 10),
                           keys(*range(number * 10, min(listed, number * 10 + 10))))
    assert (tally.shrink(history) is not None) is held
