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
    Vocabulary,
)


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


def get_pledge(session: Session, key_or_url: str) -> Pledge:
    pledge = queries.find_pledge(session, key_or_url)
    if pledge is None:
        raise InputError(f"no pledge with key or URL {key_or_url!r}")
    return pledge


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
    """(vocabulary, term) → [(title, key)] as listed at ``run_id``."""
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
        listings[(vocabulary or "(unknown vocabulary)", name or term_key)].append((title, key))
    return listings


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
        before = [run_id for run_id in finished if run_id < end]
        answer[pledge_id] = (_iso(finished[max(before)]) if before else None,
                             _iso(finished.get(end)))
    return answer


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
