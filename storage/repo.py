"""Bulk reads and writes the ingest needs, as plain values.

Ingest touches tens of thousands of rows per run, so everything here is a
set-based statement or an executemany; no ORM object is loaded one by one.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from pledgewatch.storage.bulk import insert_many, update_many
from pledgewatch.storage.models import (
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    RawChunk,
    Term,
    TermCrawl,
    Vocabulary,
)

BATCH = 900  # under SQLite's default limit of bound parameters per statement


@dataclass(slots=True)
class PledgeState:
    id: int
    key: str
    present: bool
    absent_runs: int
    title_key: str
    twin_id: int | None
    content_digests: list[str] | None
    seen_digest: str | None


@dataclass(slots=True)
class OpenVersion:
    id: int
    number: int
    content_hash: str
    raw_hash: str | None
    title: str
    author: str | None
    submitted: str | None


def batched(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_pledges(session: Session) -> dict[str, PledgeState]:
    """Every pledge's state, through Core: the ORM's row handling cost more than the query."""
    rows = session.connection().execute(
        select(Pledge.id, Pledge.key, Pledge.present, Pledge.absent_runs, Pledge.title_key,
               Pledge.twin_id, Pledge.content_digests, Pledge.seen_digest)
    ).all()  # fetched at once: a Core result read row by row costs more
    return {row[1]: PledgeState(*row) for row in rows}


def load_open_versions(session: Session, pledge_ids: Sequence[int]) -> dict[int, OpenVersion]:
    v = PledgeVersion
    found: dict[int, OpenVersion] = {}
    for chunk in batched(sorted(pledge_ids)):
        rows = session.execute(
            select(v.pledge_id, v.id, v.number, v.content_hash, v.raw_hash, v.title, v.author,
                   v.submitted)
            .where(v.to_run.is_(None), v.pledge_id.in_(chunk))
        )
        found.update((row[0], OpenVersion(*row[1:])) for row in rows)
    return found


def load_open_memberships(session: Session, pledge_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """Pledge → term → the open membership's id (closed by id: the (pledge, term) pair is
    not what SQLite's planner picks an index for)."""
    members: dict[int, dict[int, int]] = defaultdict(dict)
    for chunk in batched(sorted(pledge_ids)):
        rows = session.execute(
            select(Membership.pledge_id, Membership.term_id, Membership.id)
            .where(Membership.to_run.is_(None), Membership.pledge_id.in_(chunk))
        )
        for pledge_id, term_id, membership_id in rows:
            members[pledge_id][term_id] = membership_id
    return members


def load_raw(session: Session, digests: Iterable[str]) -> dict[str, bytes]:
    """Raw chunks by digest, decompressed."""
    found: dict[str, bytes] = {}
    for chunk in batched(sorted(set(digests))):
        rows = session.execute(select(RawChunk.digest, RawChunk.data).where(RawChunk.digest.in_(chunk)))
        found.update((digest, zlib.decompress(data)) for digest, data in rows)
    return found


def load_terms(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Term.key, Term.id)).all())


def ensure_terms(session: Session, wanted: Mapping[str, tuple[str | None, str | None, str | None]],
                 known: dict[str, int]) -> dict[str, int]:
    """Create missing terms (key → (name, url, vocabulary)); update names that changed."""
    vocabularies = dict(session.execute(select(Vocabulary.name, Vocabulary.id)).all())
    names = dict(session.execute(select(Term.key, Term.name)).all())
    for key, (name, url, vocabulary) in wanted.items():
        vocab_id = None
        if vocabulary:
            if vocabulary not in vocabularies:
                vocabularies[vocabulary] = session.scalar(
                    insert(Vocabulary).values(name=vocabulary).returning(Vocabulary.id))
            vocab_id = vocabularies[vocabulary]
        if key not in known:
            known[key] = session.scalar(
                insert(Term).values(key=key, name=name, url=url, vocabulary_id=vocab_id)
                .returning(Term.id))
        elif name and names.get(key) != name:
            session.execute(update(Term).where(Term.id == known[key]).values(name=name))
    return known


def missing_chunks(session: Session, digests: Sequence[str]) -> set[str]:
    found = set(session.scalars(select(RawChunk.digest).where(RawChunk.digest.in_(digests))))
    return set(digests) - found


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """An executemany by the driver itself (storage/bulk.py): the ORM's bulk insert costs
    several times more per row, and Core's too."""
    insert_many(session.connection(), model.__table__, rows)


def update_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Each row's columns set where the model's id is the row's ``id``, by the driver."""
    update_many(session.connection(), model.__table__, rows)


def close_rows(session: Session, model: Any, ids: Sequence[int], run_id: int) -> None:
    for chunk in batched(ids):
        session.execute(update(model).where(model.id.in_(chunk)).values(to_run=run_id))


def close_presences(session: Session, pledge_ids: Sequence[int], run_id: int) -> None:
    for chunk in batched(pledge_ids):
        session.execute(update(Presence).where(Presence.pledge_id.in_(chunk), Presence.to_run.is_(None))
                        .values(to_run=run_id))


def previous_term_counts(session: Session, before_run: int) -> dict[int, int]:
    """Teasers counted for each term in its latest complete crawl before ``before_run``."""
    latest = (select(TermCrawl.term_id, func.max(TermCrawl.run_id).label("run_id"))
              .where(TermCrawl.complete.is_(True), TermCrawl.run_id < before_run)
              .group_by(TermCrawl.term_id).subquery())
    rows = session.execute(
        select(TermCrawl.term_id, TermCrawl.teasers)
        .join(latest, and_(TermCrawl.term_id == latest.c.term_id, TermCrawl.run_id == latest.c.run_id))
    )
    return dict(rows.all())
