"""Time travel: versions of one pledge, a pledge as of a run, term listings as of a run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pledgewatch.core.errors import InputError, RunSelectionError
from pledgewatch.storage import queries
from pledgewatch.storage.models import (
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    Run,
    Term,
    TermCrawl,
    Vocabulary,
)

UNKNOWN_VOCABULARY = "(unknown vocabulary)"


@dataclass(frozen=True, slots=True)
class VersionRow:
    number: int
    from_run: int
    to_run: int | None
    seen_at: datetime | None
    title: str
    author: str | None
    submitted: str | None
    summary: str
    first_page_url: str | None


def resolve_run(session: Session, at: str | None) -> Run:
    """``--at``: a run id, an ISO date or datetime (the last run finished by then), or latest."""
    if at is None:
        run = queries.latest_run(session)
    elif at.isdigit():
        run = session.get(Run, int(at))
        run = run if run is not None and run.status == "ingested" else None
    else:
        run = queries.run_at(session, _parse_when(at))
    if run is None:
        raise RunSelectionError("at", at or "latest", "no ingested run matches (see `pledgewatch status`)")
    return run


def _parse_when(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise RunSelectionError("at", repr(text), "expected a run id or an ISO date like 2026-11-25") from None
    if len(text) == 10:  # a bare date means the whole of that day
        when = when.replace(hour=23, minute=59, second=59)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


CANDIDATES_SHOWN = 20


def get_pledge(session: Session, key_or_url: str) -> Pledge:
    """By key, URL or node number, else by a fragment of the current title; an ambiguous
    fragment is refused with the candidates, so the reader can pick one by its key."""
    pledge = queries.find_pledge(session, key_or_url)
    if pledge is not None:
        return pledge
    fragment = key_or_url.strip()
    candidates = pledges_titled(session, fragment, CANDIDATES_SHOWN) if fragment else []
    if len(candidates) == 1:
        found = queries.find_pledge(session, candidates[0][0])
        if found is not None:
            return found
    if not candidates:
        raise InputError(f"no pledge with key or URL {key_or_url!r}, nor a title containing it")
    listed = "; ".join(f"{key} {title!r}" for key, title in candidates[:CANDIDATES_SHOWN])
    more = " …" if len(candidates) > CANDIDATES_SHOWN else ""
    raise InputError(f"{len(candidates) if not more else 'more than ' + str(CANDIDATES_SHOWN)} "
                     f"pledges have a title containing {fragment!r}; name one by its key: {listed}{more}")


def versions_of(session: Session, pledge: Pledge) -> list[VersionRow]:
    rows = session.execute(select(PledgeVersion, Run.finished_at)
                           .join(Run, Run.id == PledgeVersion.from_run)
                           .where(PledgeVersion.pledge_id == pledge.id)
                           .order_by(PledgeVersion.number))
    return [VersionRow(v.number, v.from_run, v.to_run, seen, v.title, v.author, v.submitted,
                       v.summary, v.first_page_url) for v, seen in rows]


def listed_intervals(session: Session, pledge: Pledge) -> list[tuple[int, int | None]]:
    return list(session.execute(select(Presence.from_run, Presence.to_run)
                                .where(Presence.pledge_id == pledge.id)
                                .order_by(Presence.from_run)).all())


def is_listed(session: Session, pledge: Pledge, run_id: int) -> bool:
    return any(start <= run_id and (end is None or end > run_id)
               for start, end in listed_intervals(session, pledge))


def term_listings(session: Session, run_id: int) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(vocabulary, term) → [(title, key)] as listed at ``run_id``; a term the run crawled
    and found empty maps to an empty list."""
    rows = session.execute(
        select(Vocabulary.name, Term.name, Term.key, PledgeVersion.title, Pledge.key)
        .select_from(Membership)
        .join(Term, Term.id == Membership.term_id)
        .outerjoin(Vocabulary, Vocabulary.id == Term.vocabulary_id)
        .join(Pledge, Pledge.id == Membership.pledge_id)
        .join(PledgeVersion, PledgeVersion.pledge_id == Pledge.id)
        .where(queries.valid_at(Membership, run_id), queries.valid_at(PledgeVersion, run_id))
        .order_by(Vocabulary.name, Term.name, PledgeVersion.title))
    listings: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for vocabulary, name, term_key, title, key in rows:
        listings[(vocabulary or UNKNOWN_VOCABULARY, name or term_key)].append((title, key))
    for term in crawled_terms(session, run_id):  # a term listing nothing is news too
        listings.setdefault(term, [])
    return dict(sorted(listings.items()))


def gap_dates(session: Session, pledge_ids: list[int], upto_run: int) -> dict[int, tuple[str | None, str | None]]:
    """Pledge id → (last listed, first missing) as ISO times, for the latest listing interval
    that ended by ``upto_run``: what "last seen on" and "gone since" say about it."""
    if not pledge_ids:
        return {}
    ends = dict(session.execute(
        select(Presence.pledge_id, func.max(Presence.to_run))
        .where(Presence.pledge_id.in_(pledge_ids), Presence.to_run <= upto_run)
        .group_by(Presence.pledge_id)).all())
    finished = dict(session.execute(select(Run.id, Run.finished_at)
                                    .where(Run.status == "ingested", Run.id <= upto_run)).all())
    answer = {}
    for pledge_id, end in ends.items():
        if end is None:
            continue
        before = [run_id for run_id in finished if run_id < end]
        answer[pledge_id] = (_iso(finished[max(before)]) if before else None,
                             _iso(finished.get(end)))
    return answer


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


@dataclass(frozen=True, slots=True)
class MembershipRow:
    """One stretch of runs during which a pledge was listed under a term."""

    term_key: str
    term_name: str | None
    vocabulary: str | None
    term_url: str | None
    from_run: int
    to_run: int | None  # the first run it was no longer listed under the term; None: still is


def memberships_of(session: Session, pledge: Pledge) -> list[MembershipRow]:
    rows = session.execute(
        select(Term.key, Term.name, Vocabulary.name, Term.url, Membership.from_run, Membership.to_run)
        .join(Term, Term.id == Membership.term_id)
        .outerjoin(Vocabulary, Vocabulary.id == Term.vocabulary_id)
        .where(Membership.pledge_id == pledge.id)
        .order_by(Membership.from_run, Term.key))
    return [MembershipRow(*row) for row in rows]


def run_times(session: Session) -> dict[int, datetime | None]:
    """Every ingested run's finish time, to date the events of a history."""
    return dict(session.execute(select(Run.id, Run.finished_at).where(Run.status == "ingested")).all())


def pledges_titled(session: Session, fragment: str, limit: int = 20) -> list[tuple[str, str]]:
    """(key, title) of pledges whose current title contains ``fragment``, case ignored."""
    pattern = "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(Pledge.key, PledgeVersion.title)
        .join(PledgeVersion, PledgeVersion.pledge_id == Pledge.id)
        .where(PledgeVersion.to_run.is_(None), Pledge.twin_id.is_(None),
               func.lower(PledgeVersion.title).like(pattern.lower(), escape="\\"))
        .order_by(PledgeVersion.title, Pledge.key).limit(limit + 1))
    return [(key, title) for key, title in rows]


def crawled_terms(session: Session, run_id: int) -> list[tuple[str, str]]:
    """(vocabulary, term) of every term listing the run fetched, empty ones included."""
    rows = session.execute(
        select(Vocabulary.name, Term.name, Term.key)
        .select_from(TermCrawl)
        .join(Term, Term.id == TermCrawl.term_id)
        .outerjoin(Vocabulary, Vocabulary.id == Term.vocabulary_id)
        .where(TermCrawl.run_id == run_id))
    return [(vocabulary or UNKNOWN_VOCABULARY, name or key) for vocabulary, name, key in rows]
