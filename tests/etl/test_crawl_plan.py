"""The crawl planner's rules, as tables and over simulated days, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pledgewatch.core.text import teaser_fingerprint
from pledgewatch.etl.crawl_plan import (
    PlanSettings,
    cheapest_cover,
    greedy_cover,
    plan_crawl,
    rotation,
)
from pledgewatch.storage.crawl_state import CrawlState, RecordState, TermState
from pledgewatch.storage.repo import StoredFetch

DAY0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
SITE = "https://gfmd.org"


def term(name: str, members: str = "", pages: int = 1, last: datetime | None = DAY0) -> TermState:
    return TermState(f"{SITE}/contributors/{name}", frozenset(members.split()), pages, last)


def record(nid: int, last: datetime | None = DAY0) -> RecordState:
    return RecordState(f"{SITE}/pfp/ppd/{nid}", f"/pfp/ppd/{nid}", f"Title {nid}",
                       f"Summary {nid}.", last)


def state(terms: list[TermState], records: tuple[RecordState, ...] = (), *,
          complete: bool = True, fetches: dict | None = None) -> CrawlState:
    return CrawlState({t.url: t for t in terms}, records, fetches or {}, complete)


def urls(*names: str) -> list[str]:
    return [f"{SITE}/contributors/{n}" for n in names]


def depths(plan) -> dict[str, str]:
    return {t.url.rsplit("/", 1)[1]: t.depth for t in plan.terms}


def test_an_empty_store_gets_a_full_crawl_of_the_start_terms() -> None:
    plan = plan_crawl(state([], complete=False), urls("a", "b"), DAY0)
    assert (plan.mode, depths(plan), plan.due) == ("full", {"a": "all", "b": "all"}, ())


@pytest.mark.parametrize(("setting", "complete", "force", "mode"), [
    ("cover", True, False, "cover"),
    ("cover", False, False, "full"),  # no complete run yet: nothing else proves what is listed
    ("cover", True, True, "full"),  # run --full
    ("full", True, False, "full"),
])
def test_which_mode_runs(setting: str, complete: bool, force: bool, mode: str) -> None:
    records = (record(1), record(2, None))
    plan = plan_crawl(state([term("a", "k1")], records, complete=complete), urls("a"), DAY0,
                      PlanSettings(plan=setting), force_full=force)  # type: ignore[arg-type]
    assert plan.mode == mode
    if mode == "full":  # a full crawl reads every record page
        assert set(plan.due) == {r.url for r in records}


# terms (name, members, pages) in start order -> the cover, worked out by hand
COVERS = [
    pytest.param([("a", "1 2 3", 1), ("b", "1", 1), ("c", "4 5", 2), ("d", "4", 1),
                  ("e", "5", 1)], ["a", "c"], id="per-page tie goes to the earlier term"),
    pytest.param([("a", "1 2 3", 1), ("b", "1", 1), ("c", "4 5", 3), ("d", "4", 1),
                  ("e", "5", 1)], ["a", "d", "e"], id="two one-page terms beat a three-page one"),
    pytest.param([("big", "1 2 3 4", 4), ("x", "1 2", 1), ("y", "3 4", 1)], ["x", "y"],
                 id="pledges per page, not pledges"),
    pytest.param([("a", "", 1)], [], id="nothing to cover"),
]


def test_a_vocabulary_listing_every_pledge_once_is_the_cover_when_it_reads_fewer_pages() -> None:
    # Greedy takes 'sdg-1' (6 new pledges on its page), then one page for 4 and one for 8:
    # 3 pages. The two scopes list each pledge once: 2 pages.
    topics = [TermState(f"{SITE}/2030-agenda-migration-relevant-and-related-targets/{n}",
                        frozenset(m.split()), 1, DAY0)
              for n, m in (("sdg-1", "1 2 3 5 6 7"), ("sdg-2", "4"), ("sdg-3", "8"))]
    scopes = [TermState(f"{SITE}/geographical-relevance/{n}", frozenset(m.split()), 1, DAY0)
              for n, m in (("national", "1 2 3 4"), ("regional", "5 6 7 8"))]
    assert greedy_cover([*topics, *scopes]) == [t.url for t in topics]
    assert cheapest_cover([*topics, *scopes]) == [s.url for s in scopes]
    # A vocabulary that misses a pledge is no cover: greedy over all stands.
    assert cheapest_cover([*topics, scopes[0]]) == greedy_cover([*topics, scopes[0]])


@pytest.mark.parametrize(("table", "cover"), COVERS)
def test_greedy_cover(table: list[tuple[str, str, int]], cover: list[str]) -> None:
    assert greedy_cover([term(n, m, p) for n, m, p in table]) == urls(*cover)


def test_a_cover_run_reads_the_cover_and_the_rotation_whole_and_the_rest_to_page_0() -> None:
    # 'a' covers everything; of the 7 others (F = 7) one a day, the oldest: 'g'.
    others = [term(n, "1", 2, DAY0 - timedelta(days=d)) for n, d in
              zip("bcdefgh", [1, 2, 3, 1, 5, 6, 2], strict=True)]
    terms = [term("a", "1 2", 1), *others]
    plan = plan_crawl(state(terms), [t.url for t in terms], DAY0)
    assert plan.mode == "cover"
    assert depths(plan) == {"a": "all", "g": "all", **{n: "first" for n in "bcdefh"}}


def test_overdue_terms_all_join_the_rotation() -> None:
    terms = [term(n, "", 1, DAY0 - timedelta(days=d)) for n, d in
             zip("abcd", [7, 9, 0, 6], strict=True)]
    terms[2] = replace(terms[2], last_complete=None)  # never read whole: first in line
    assert rotation(terms, DAY0, 7) == urls("c", "b", "a")


def test_every_term_is_read_whole_within_full_every_days_and_cover_reads_fewer_pages() -> None:
    # 23 terms of 3 pages; pledges spread so that the cover is a few terms.
    terms = [term(f"t{i:02d}", " ".join(str(p) for p in range(i, 60, 20)), 3) for i in range(23)]
    start = [t.url for t in terms]
    full_pages = sum(t.pages for t in terms)
    every = 7
    last = {t.url: DAY0 for t in terms}  # day 0 was a full crawl
    for day in range(1, 36):
        today = DAY0 + timedelta(days=day, minutes=day % 5)
        current = [replace(t, last_complete=last[t.url]) for t in terms]
        plan = plan_crawl(state(current), start, today, PlanSettings(full_every_days=every))
        whole = {t.url for t in plan.terms if t.depth == "all"}
        pages = sum(t.pages if t.url in whole else 1 for t in terms)
        assert pages < full_pages
        covered = set().union(*(t.members for t in terms if t.url in whole))
        assert covered == set().union(*(t.members for t in terms))  # every pledge, every day
        for url in whole:
            last[url] = today
        assert all((today.date() - seen.date()).days < every for seen in last.values()), day


# (days since each record's last read, None: never) and max_age_days -> due, by hand
DUE = [
    pytest.param([10, 8, 2, None], 7, [1, 2], id="overdue only: share is 1 of 4"),
    pytest.param([10, 1, 1, None], 2, [4, 1], id="overdue plus the never read, to 2 of 4"),
    pytest.param([1, 3, 2, 1, 1, 1, 1, 1], 7, [2, 3], id="the oldest reads fill the share"),
    pytest.param([], 7, [], id="no records"),
]


@pytest.mark.parametrize(("ages", "max_age", "due"), DUE)
def test_due_records(ages: list[int | None], max_age: int, due: list[int]) -> None:
    records = tuple(record(n, None if age is None else DAY0 - timedelta(days=age))
                    for n, age in enumerate(ages, start=1))
    plan = plan_crawl(state([term("a", "x")], records), urls("a"), DAY0,
                      PlanSettings(max_age_days=max_age))
    assert plan.due == tuple(f"{SITE}/pfp/ppd/{n}" for n in due)


def test_every_record_is_read_within_max_age_days_over_a_month() -> None:
    last = {n: DAY0 for n in range(1, 31)}
    for day in range(1, 31):
        today = DAY0 + timedelta(days=day)
        records = tuple(record(n, seen) for n, seen in last.items())
        plan = plan_crawl(state([term("a", "x")], records), urls("a"), today)
        assert len(plan.due) <= 5  # ceil(30 / 7): the load is spread
        for url in plan.due:
            last[int(url.rsplit("/", 1)[1])] = today
        assert all((today - seen).days < 7 for seen in last.values()), day


def test_known_fingerprints_and_validators() -> None:
    page = f"{SITE}/contributors/a?page=1"
    fetches = {page: StoredFetch(page, '"e"', None, 200, DAY0, 1, None, 1, 4),
               f"{SITE}/pfp/ppd/9": StoredFetch(f"{SITE}/pfp/ppd/9", None, None, 404, None,
                                                 None, None, None, None)}
    plan = plan_crawl(state([term("a")], (record(7),), fetches=fetches), urls("a"), DAY0)
    assert plan.known == {f"{SITE}/pfp/ppd/7": teaser_fingerprint("Title 7", "Summary 7.")}
    assert set(plan.validators) == {page}  # a URL with nothing to send is left out
    assert plan.validators[page].headers() == {"If-None-Match": '"e"'}
    assert (plan.validators[page].last_page, plan.validators[page].teasers) == (1, 4)
