"""Storage reads for the site, as plain records; bulk Core queries, chunked by pledge id.

A full rebuild reads every pledge's history; an incremental one only those
:func:`pledgewatch.storage.queries.touched_between` the last published run and now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pledgewatch.core.values import TermRef
from pledgewatch.publish.records import (
    Interval,
    PledgeHistory,
    PledgeSummary,
    RunInfo,
    VersionRecord,
)
from pledgewatch.storage import queries
from pledgewatch.storage.models import (
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    Run,
    Term,
    Vocabulary,
)

CHUNK = 900  # ids per IN (...) list, under SQLite's bound-parameter limit


def ingested_runs(session: Session) -> dict[int, RunInfo]:
    rows = session.execute(select(Run.id, Run.finished_at, Run.complete)
                           .where(Run.status == "ingested").order_by(Run.id))
    return {rid: RunInfo(rid, when.isoformat() if when else None, bool(complete))
            for rid, when, complete in rows}


def all_pledge_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Pledge.id).order_by(Pledge.id)))


def touched_pledges(session: Session, after: int, upto: int) -> set[int]:
    return queries.touched_between(session, after, upto)


def term_refs(session: Session) -> dict[int, TermRef]:
    rows = session.execute(select(Term.id, Term.key, Term.name, Vocabulary.name, Term.url)
                           .outerjoin(Vocabulary, Vocabulary.id == Term.vocabulary_id))
    return {tid: TermRef(key, name, vocabulary, url) for tid, key, name, vocabulary, url in rows}


def histories(session: Session, pledge_ids: Collection[int],
              terms: dict[int, TermRef]) -> Iterator[tuple[int, PledgeHistory]]:
    """Each pledge's versions, memberships and presences, a chunk of pledges at a time."""
    connection = session.connection()
    for chunk in chunks(pledge_ids):
        v = PledgeVersion
        versions = _grouped(connection.execute(
            select(v.pledge_id, v.number, v.from_run, v.to_run, v.title, v.author, v.submitted,
                   v.summary, v.first_page_url).where(v.pledge_id.in_(chunk)).order_by(v.number)))
        members = _grouped(connection.execute(
            select(Membership.pledge_id, Membership.from_run, Membership.to_run, Membership.term_id)
            .where(Membership.pledge_id.in_(chunk)).order_by(Membership.from_run)))
        presences = _grouped(connection.execute(
            select(Presence.pledge_id, Presence.from_run, Presence.to_run)
            .where(Presence.pledge_id.in_(chunk)).order_by(Presence.from_run)))
        for pid, key, url in connection.execute(
                select(Pledge.id, Pledge.key, Pledge.url).where(Pledge.id.in_(chunk))):
            if pid not in versions:
                continue  # a pledge row without content is never published
            yield pid, PledgeHistory(
                key, url, tuple(VersionRecord(*row) for row in versions[pid]),
                tuple(Interval(f, t, terms.get(term_id)) for f, t, term_id in members.get(pid, ())),
                tuple(Interval(f, t) for f, t in presences.get(pid, ())))


def summaries(session: Session, pledge_ids: Collection[int] | None,
              terms: dict[int, TermRef]) -> dict[int, PledgeSummary]:
    """Latest title and byline, whether listed, and current terms, of these pledges (or all)."""
    connection = session.connection()
    latest = (select(PledgeVersion.pledge_id, func.max(PledgeVersion.number).label("number"))
              .group_by(PledgeVersion.pledge_id).subquery())
    query = (select(Pledge.id, Pledge.key, PledgeVersion.title, PledgeVersion.author)
             .join(latest, latest.c.pledge_id == Pledge.id)
             .join(PledgeVersion, (PledgeVersion.pledge_id == Pledge.id)
                   & (PledgeVersion.number == latest.c.number)))
    open_presence = select(Presence.pledge_id).where(Presence.to_run.is_(None))
    open_terms = select(Membership.pledge_id, Membership.term_id).where(Membership.to_run.is_(None))
    rows: list[Any] = []
    listed: set[int] = set()
    current: defaultdict[int, list[TermRef]] = defaultdict(list)
    for chunk in chunks(pledge_ids) if pledge_ids is not None else [None]:
        def scope(q: Any, col: Any, ids: list[int] | None = chunk) -> Any:
            return q if ids is None else q.where(col.in_(ids))
        rows.extend(connection.execute(scope(query, Pledge.id)))
        listed.update(connection.scalars(scope(open_presence, Presence.pledge_id)))
        for pid, term_id in connection.execute(scope(open_terms, Membership.pledge_id)):
            if term_id in terms:
                current[pid].append(terms[term_id])
    return {pid: PledgeSummary(key, title, author, pid in listed,
                               tuple(sorted(current.get(pid, ()), key=lambda t: t.key)))
            for pid, key, title, author in rows}


def terms_of(session: Session, pledge_ids: Collection[int]) -> set[int]:
    """Every term these pledges were ever listed under: the term pages that show them."""
    found: set[int] = set()
    for chunk in chunks(pledge_ids):
        found.update(session.scalars(select(Membership.term_id).where(Membership.pledge_id.in_(chunk))))
    return found


def terms_changed(session: Session, after: int, upto: int) -> set[int]:
    """Terms whose listing gained or lost a pledge in runs (after, upto]."""
    m = Membership
    return set(session.scalars(select(m.term_id).where(
        ((m.from_run > after) & (m.from_run <= upto)) | ((m.to_run > after) & (m.to_run <= upto)))))


def term_memberships(session: Session, term_id: int) -> list[tuple[int, Interval]]:
    rows = session.execute(select(Membership.pledge_id, Membership.from_run, Membership.to_run)
                           .where(Membership.term_id == term_id))
    return [(pid, Interval(f, t)) for pid, f, t in rows]


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for pid, *rest in rows:
        grouped[pid].append(tuple(rest))
    return grouped
