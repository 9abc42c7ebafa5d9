"""The crawl planner: what one run fetches, chosen from what the store knows (docs/crawling.md).

Pure: the store's side is loaded first (``storage.crawl_state``), so the rules are tested as
tables and over simulated sequences of days without a database.

* **full**: every term read completely, every record page read. A store without a complete
  run always gets it, since nothing else can prove what the site lists.
* **cover**: the fewest listing pages whose terms together list every known pledge are read
  completely, so every pledge is seen every day. The cheaper of two ways: greedy over all
  terms (most not-yet-covered pledges per page first), or the terms of one vocabulary that
  lists every pledge (a vocabulary whose terms each pledge has one of, as the site's
  single-choice fields are, lists every pledge once: pages without overlap, which greedy over
  overlapping terms misses). A rotation of the other terms, oldest complete crawl first, is
  read completely too, a ``full_every_days``-th of their pages each day, so that each term
  is read whole at least every ``full_every_days``; the rest are read to page 0 only, where
  new pledges appear (the site lists newest first).
* **due records**: those last read ``max_age_days`` ago or more, plus the oldest others so
  that a ``max_age_days``-th of all records is read each day. A record never read is first in
  line but not forced: a store that predates record reading catches up over the period
  instead of in one run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pledgewatch.core.crawl_plan import CrawlPlan, Depth, Mode, TermFetch, Validators
from pledgewatch.core.text import teaser_fingerprint
from pledgewatch.scraper.terms import vocabulary_of
from pledgewatch.storage.crawl_state import CrawlState, RecordState, TermState


@dataclass(frozen=True, slots=True)
class PlanSettings:
    plan: Mode = "cover"
    full_every_days: int = 7
    max_age_days: int = 7


def plan_crawl(state: CrawlState, start_terms: Sequence[str], today: datetime,
               settings: PlanSettings = PlanSettings(), *, force_full: bool = False) -> CrawlPlan:
    """The plan for a crawl of ``start_terms`` (the terms the crawl would read without a plan)."""
    terms = [state.terms.get(url) or TermState(url, frozenset(), 0, None)
             for url in dict.fromkeys(start_terms)]
    mode: Mode = "full" if (force_full or settings.plan == "full"
                            or not state.has_complete_run) else "cover"
    if mode == "full":
        depths: dict[str, Depth] = {t.url: "all" for t in terms}
        due = [r.url for r in state.records]
    else:
        whole = set(cheapest_cover(terms))
        whole.update(rotation([t for t in terms if t.url not in whole], today,
                              settings.full_every_days))
        depths = {t.url: "all" if t.url in whole else "first" for t in terms}
        due = due_records(state.records, today, settings.max_age_days)
    return CrawlPlan(
        mode, tuple(TermFetch(url, depth) for url, depth in depths.items()),
        known={r.url: teaser_fingerprint(r.title, r.summary) for r in state.records},
        due=tuple(due),
        validators={url: Validators(f.etag, f.last_modified, f.next_url, f.last_page, f.teasers,
                                    f.records)
                    for url, f in state.fetches.items() if f.etag or f.last_modified})


def cheapest_cover(terms: Sequence[TermState]) -> list[str]:
    """Greedy over all terms, or over one vocabulary's terms where they list every pledge,
    whichever reads fewer pages (ties: greedy over all)."""
    everyone = set().union(*(t.members for t in terms)) if terms else set()
    pages = {t.url: max(t.pages, 1) for t in terms}
    by_vocabulary: dict[str | None, list[TermState]] = {}
    for t in terms:
        by_vocabulary.setdefault(vocabulary_of(t.url), []).append(t)
    candidates = [greedy_cover(terms)] + [
        greedy_cover(group) for group in by_vocabulary.values()
        if set().union(*(t.members for t in group)) >= everyone]
    return min(candidates, key=lambda cover: sum(pages[url] for url in cover))


def greedy_cover(terms: Sequence[TermState]) -> list[str]:
    """Terms that together list every pledge any of them lists, cheapest per pledge first
    (cost: the pages at its last complete crawl, at least one); ties go to the earlier term."""
    uncovered = set().union(*(t.members for t in terms)) if terms else set()
    chosen: list[str] = []
    left = list(terms)
    while uncovered:
        best = max(left, key=lambda t: len(t.members & uncovered) / max(t.pages, 1))
        chosen.append(best.url)
        uncovered -= best.members
        left.remove(best)
    return chosen


def rotation(terms: Sequence[TermState], today: datetime, every_days: int) -> list[str]:
    """The day's share of ``terms`` to read completely: the oldest complete crawls first
    (never first of all), until a ``every_days``-th of all their pages is taken, and every
    one overdue (read whole ``every_days`` or more days ago, or never). A share by pages, not
    by terms: terms range from one page to dozens, and a day of big ones would cost many
    times a day of small ones."""
    oldest_first = sorted(terms, key=lambda t: (t.last_complete is not None,
                                                t.last_complete or today))
    budget = math.ceil(sum(max(t.pages, 1) for t in terms) / max(every_days, 1))
    chosen, spent = [], 0
    for t in oldest_first:
        overdue = t.last_complete is None or age_days(today, t.last_complete) >= every_days
        if overdue or spent < budget:
            chosen.append(t.url)
            spent += max(t.pages, 1)
    return chosen


def due_records(records: Iterable[RecordState], today: datetime, max_age_days: int) -> list[str]:
    """Record URLs to re-read, oldest read first (the module docstring's rule)."""
    oldest_first = sorted(records, key=lambda r: (r.last_ok_at is not None,
                                                  r.last_ok_at or today, r.url))
    chosen = {r.url for r in oldest_first if r.last_ok_at is not None
              and age_days(today, r.last_ok_at) >= max_age_days}
    share = math.ceil(len(oldest_first) / max(max_age_days, 1))
    for record in oldest_first:
        if len(chosen) >= share:
            break
        chosen.add(record.url)
    return [r.url for r in oldest_first if r.url in chosen]


def age_days(today: datetime, then: datetime) -> int:
    """Whole calendar days (UTC) from ``then`` to ``today``: daily runs a few minutes apart
    still count as a day apart."""
    return (today.date() - then.date()).days
