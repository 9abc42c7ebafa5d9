"""Read-side queries: the state of pledges and terms as of a run, as ground values (``pledgewatch.core.values``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from pledgewatch.core.pledges import RecordOutcome
from pledgewatch.core.values import PledgeView, RecordView, TermRef
from pledgewatch.storage.models import (
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    RecordFetch,
    RecordVersion,
    Run,
    Term,
    Vocabulary,
)
from pledgewatch.storage.repo import RECORD_COLUMNS


def valid_at(model: Any, run_id: int) -> ColumnElement[bool]:
    """Rows whose interval [from_run, to_run) contains ``run_id``."""
    return and_(model.from_run <= run_id, or_(model.to_run.is_(None), model.to_run > run_id))


def record_valid_at(run_id: int) -> ColumnElement[bool]:
    """Record versions valid at ``run_id`` (their interval columns are named for what they are)."""
    r = RecordVersion
    return and_(r.valid_from_run <= run_id, or_(r.valid_to_run.is_(None), r.valid_to_run > run_id))


def ingested_runs(session: Session) -> list[Run]:
    return list(session.scalars(select(Run).where(Run.status == "ingested").order_by(Run.id)))


def latest_run(session: Session) -> Run | None:
    return session.scalar(select(Run).where(Run.status == "ingested").order_by(Run.id.desc()).limit(1))


def newest_crawl_time(session: Session) -> datetime | None:
    """When the latest-crawled stored run finished."""
    return session.scalar(select(func.max(Run.finished_at)).where(Run.status == "ingested"))


def previous_complete_run(session: Session, before: int) -> Run | None:
    return session.scalar(select(Run).where(Run.status == "ingested", Run.complete.is_(True),
                                            Run.id < before).order_by(Run.id.desc()).limit(1))


def run_at(session: Session, when: datetime) -> Run | None:
    """The last ingested run that had finished by ``when``."""
    return session.scalar(select(Run).where(Run.status == "ingested", Run.finished_at <= when)
                          .order_by(Run.finished_at.desc(), Run.id.desc()).limit(1))


def touched_between(session: Session, after: int, upto: int) -> set[int]:
    """Pledges with any interval starting or ending in (after, upto]: the only ones that can differ."""
    touched: set[int] = set()
    in_range = lambda col: and_(col > after, col <= upto)  # noqa: E731
    for model in (PledgeVersion, Membership, Presence):
        touched.update(session.scalars(select(model.pledge_id).where(
            or_(in_range(model.from_run), in_range(model.to_run)))))
    r = RecordVersion
    touched.update(session.scalars(select(r.pledge_id).where(
        or_(in_range(r.valid_from_run), in_range(r.valid_to_run)))))
    return touched


def pledge_views(session: Session, run_id: int, pledge_ids: Collection[int] | None = None,
                 *, listed_only: bool = True) -> dict[int, PledgeView]:
    """Pledges as they stood at ``run_id`` (listed ones only, unless ``listed_only`` is False)."""
    v = PledgeVersion
    query = (select(Pledge.id, Pledge.key, Pledge.url, v.title, v.author, v.submitted, v.summary,
                    v.number, v.from_run)
             .join(v, v.pledge_id == Pledge.id)
             .where(valid_at(v, run_id)))
    if listed_only:
        query = query.join(Presence, and_(Presence.pledge_id == Pledge.id, valid_at(Presence, run_id)))
    rows: list[Any] = []
    connection = session.connection()  # plain rows: the ORM's row handling is not needed here
    for chunk in _chunks(pledge_ids):
        scoped = query if chunk is None else query.where(Pledge.id.in_(chunk))
        rows.extend(connection.execute(scoped).all())
    terms = terms_of(session, run_id, [row[0] for row in rows])
    records = records_of(session, run_id, [row[0] for row in rows] if pledge_ids is not None
                         else None)
    return {pid: PledgeView(key=key, url=url, title=title, author=author, submitted=submitted,
                            summary=summary, terms=tuple(sorted(terms.get(pid, ()), key=_by_key)),
                            version=number, first_seen_run=first, record=records.get(pid))
            for pid, key, url, title, author, submitted, summary, number, first in rows}


def records_of(session: Session, run_id: int, pledge_ids: Collection[int] | None
               ) -> dict[int, RecordView]:
    """Each pledge's record version at ``run_id`` with the latest run up to it that read the
    record (None: every pledge that has one)."""
    r = RecordVersion
    query = select(r.pledge_id, r.number, *RECORD_COLUMNS).where(record_valid_at(run_id))
    reads = select(RecordFetch.pledge_id, func.max(RecordFetch.run_id)).where(
        RecordFetch.run_id <= run_id,
        RecordFetch.outcome.in_([RecordOutcome.READ.value, RecordOutcome.UNCHANGED.value]))
    connection = session.connection()
    found: dict[int, RecordView] = {}
    for chunk in _chunks(pledge_ids):
        scoped = query if chunk is None else query.where(r.pledge_id.in_(chunk))
        rows = connection.execute(scoped).all()
        read_runs = dict(connection.execute(
            reads.where(RecordFetch.pledge_id.in_([row[0] for row in rows]))
            .group_by(RecordFetch.pledge_id)).all()) if rows else {}
        for pid, number, title, date_shared, body, countries, rterms, sources, themes in rows:
            found[pid] = RecordView(
                number, title, date_shared, body, tuple(countries or ()), tuple(sources or ()),
                tuple(themes or ()), tuple((u, n) for u, n in rterms or ()), read_runs.get(pid))
    return found


def terms_of(session: Session, run_id: int, pledge_ids: Iterable[int]) -> dict[int, list[TermRef]]:
    """Each pledge's terms at ``run_id``; one TermRef per term, shared by all its pledges."""
    refs = {term_id: TermRef(key, name, vocabulary, url) for term_id, key, name, vocabulary, url
            in session.execute(select(Term.id, Term.key, Term.name, Vocabulary.name, Term.url)
                               .outerjoin(Vocabulary, Vocabulary.id == Term.vocabulary_id))}
    found: dict[int, list[TermRef]] = defaultdict(list)
    query = select(Membership.pledge_id, Membership.term_id).where(valid_at(Membership, run_id))
    connection = session.connection()
    for chunk in _chunks(list(pledge_ids)):
        scoped = query if chunk is None else query.where(Membership.pledge_id.in_(chunk))
        # Row by row: a first run's report lists every membership, hundreds of thousands.
        for pledge_id, term_id in connection.execute(scoped):
            found[pledge_id].append(refs[term_id])
    return found


def _by_key(term: TermRef) -> str:
    """Terms in their dataclass order: keys are unique, so the key alone decides it."""
    return term.key


def find_pledge(session: Session, key_or_url: str) -> Pledge | None:
    """By key ("/pfp/ppd/13001", "title:…"), by URL, or by node number."""
    from urllib.parse import urlsplit

    text = key_or_url.strip()
    candidates = [text]
    if "://" in text:
        candidates.append(urlsplit(text).path.rstrip("/"))
    if text.isdigit():
        candidates.append(f"/pfp/ppd/{text}")
    pledge = session.scalar(select(Pledge).where(Pledge.key.in_(candidates)).limit(1))
    if pledge is not None and pledge.twin_id is not None:
        return session.get(Pledge, pledge.twin_id)
    return pledge


def _chunks(ids: Collection[int] | None, size: int = 900) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
        return
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]
