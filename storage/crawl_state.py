"""What the crawl planner reads from the store, as plain values (``etl.crawl_plan``).

The planner is pure, so everything it weighs is loaded here in one go: each term's members and
its last complete crawl (to choose the cover and the rotation), each listed pledge's record
URL, teaser and last read (to choose the records due), and every URL's validators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from pledgewatch.storage.models import (
    Membership,
    Pledge,
    PledgeVersion,
    Run,
    Term,
    TermCrawl,
)
from pledgewatch.storage.repo import StoredFetch, load_fetch_state


@dataclass(frozen=True, slots=True)
class TermState:
    url: str  # canonical listing URL, page 0
    members: frozenset[str]  # keys of the listed pledges the store believes it lists
    pages: int  # pages at its last complete crawl (0: never crawled completely)
    last_complete: datetime | None  # crawl time of that run


@dataclass(frozen=True, slots=True)
class RecordState:
    url: str  # the record page
    key: str
    title: str
    summary: str
    last_ok_at: datetime | None  # the last 200 or 304 of its record page


@dataclass(frozen=True, slots=True)
class CrawlState:
    terms: dict[str, TermState]
    records: tuple[RecordState, ...]
    fetches: dict[str, StoredFetch]
    has_complete_run: bool


def load_crawl_state(session: Session) -> CrawlState:
    fetches = load_fetch_state(session)
    return CrawlState(_terms(session), _records(session, fetches), fetches,
                      session.scalar(select(func.count(Run.id)).where(
                          Run.status == "ingested", Run.complete.is_(True))) != 0)


def _terms(session: Session) -> dict[str, TermState]:
    members: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(select(Membership.term_id, Pledge.key)
                           .join(Pledge, Pledge.id == Membership.pledge_id)
                           .where(Membership.to_run.is_(None), Pledge.present.is_(True),
                                  Pledge.twin_id.is_(None)))
    for term_id, key in rows:
        members[term_id].add(key)
    latest = (select(TermCrawl.term_id, func.max(TermCrawl.run_id).label("run_id"))
              .where(TermCrawl.complete.is_(True)).group_by(TermCrawl.term_id).subquery())
    crawls = {term_id: (pages, finished) for term_id, pages, finished in session.execute(
        select(TermCrawl.term_id, TermCrawl.pages, Run.finished_at)
        .join(latest, and_(TermCrawl.term_id == latest.c.term_id,
                           TermCrawl.run_id == latest.c.run_id))
        .join(Run, Run.id == TermCrawl.run_id))}
    found: dict[str, TermState] = {}
    for term_id, url in session.execute(select(Term.id, Term.url).where(Term.url.is_not(None))):
        pages, finished = crawls.get(term_id, (0, None))
        found[str(url)] = TermState(str(url), frozenset(members.get(term_id, ())), pages, finished)
    return found


def _records(session: Session, fetches: dict[str, StoredFetch]) -> tuple[RecordState, ...]:
    v = PledgeVersion
    rows = session.execute(select(Pledge.url, Pledge.key, v.title, v.summary)
                           .join(v, and_(v.pledge_id == Pledge.id, v.to_run.is_(None)))
                           .where(Pledge.present.is_(True), Pledge.url.is_not(None),
                                  Pledge.twin_id.is_(None)).order_by(Pledge.key))
    return tuple(RecordState(str(url), key, title, summary,
                             fetches[url].last_ok_at if url in fetches else None)
                 for url, key, title, summary in rows)

