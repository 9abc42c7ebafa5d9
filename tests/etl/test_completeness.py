"""When a run is complete for its plan: a table of runs, no database."""

from __future__ import annotations

import pytest

from pledgewatch.core.pledges import Pledge, StoredPledge, term_keys_of
from pledgewatch.etl.completeness import run_complete, uncovered
from pledgewatch.etl.term_crawl import TermVerdict

A, B, C = "https://gfmd.org/t/a", "https://gfmd.org/t/b", "https://gfmd.org/t/c"

WHOLE = TermVerdict(A, pages=2, pages_failed=0, teasers=12, reason=None)
WHOLE_B = TermVerdict(B, pages=1, pages_failed=0, teasers=3, reason=None)
PROBED_B = TermVerdict(B, pages=1, pages_failed=0, teasers=10, reason=None, is_probed=True)
PROBED_C = TermVerdict(C, pages=1, pages_failed=0, teasers=10, reason=None, is_probed=True)
PROBE_FAILED_C = TermVerdict(C, pages=1, pages_failed=1, teasers=0, reason="HTTP 500",
                             is_probed=True)
HELD_A = TermVerdict(A, pages=1, pages_failed=0, teasers=2, reason="shrank: held", is_held=True)


def state(key: str, terms: set[str], *, present: bool = True) -> StoredPledge:
    return StoredPledge(id=len(key), key=key, title_key="title:" + key, present=present,
                        absent_runs=0, is_linked=False, version=None, term_keys=term_keys_of(terms))


def seen(key: str, terms: set[str]) -> Pledge:
    return Pledge(key=key, url=None, title_key="title:" + key, title=key, author=None,
                  author_truncated=False, submitted=None, summaries=(("x", 1),),
                  term_keys=term_keys_of(terms), first_listing_url=None)


ON_A = {"/pfp/ppd/1": state("/pfp/ppd/1", {A, B})}
ONLY_ON_C = {**ON_A, "/pfp/ppd/2": state("/pfp/ppd/2", {C})}


@pytest.mark.parametrize("crawl, verdicts, mode, stored, complete", [
    (True, [WHOLE, WHOLE_B], None, ON_A, True),
    (True, [WHOLE, WHOLE_B], "full", ON_A, True),
    (False, [WHOLE, WHOLE_B], "full", ON_A, False),  # crawl cut short or a page failed
    (True, [HELD_A, WHOLE_B], "full", ON_A, False),
    (True, [WHOLE, PROBED_B, PROBED_C], "cover", ON_A, True),  # the cover held
    (True, [WHOLE, PROBED_B, PROBE_FAILED_C], "cover", ON_A, False),  # a page 0 failed
    (True, [WHOLE, PROBED_B, PROBED_C], "cover", ONLY_ON_C, False),  # /2's terms all probed
    (True, [WHOLE, PROBED_B, PROBED_C], "full", ONLY_ON_C, True),  # not a cover run: no cover
    (False, [WHOLE, PROBED_B, PROBED_C], "cover", ON_A, False),
    (True, [HELD_A, PROBED_B], "cover", ON_A, False),
])
def test_a_run_is_complete_for_its_plan(crawl, verdicts, mode, stored, complete):
    assert run_complete(crawl_complete=crawl, verdicts=verdicts, plan_mode=mode, stored=stored,
                        pledges={}) is complete


def test_the_cover_counts_the_terms_a_pledge_is_seen_on_in_the_run_too():
    assert uncovered(ONLY_ON_C, {"/pfp/ppd/2": seen("/pfp/ppd/2", {A})}, frozenset({A})) == []
    assert uncovered(ONLY_ON_C, {}, frozenset({A})) == ["/pfp/ppd/2"]


def test_removed_pledges_and_pledges_without_terms_need_no_cover():
    stored = {"/pfp/ppd/3": state("/pfp/ppd/3", {C}, present=False),
              "/pfp/ppd/4": state("/pfp/ppd/4", set())}
    assert uncovered(stored, {}, frozenset()) == []
