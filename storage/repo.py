"""What the ingest reads from the store, as ground values, and the few set-based writes it shares.

Every function takes the caller's session: the ingest runs a whole run in one
transaction (``etl.ingest``).
"""

from __future__ import annotations

import itertools
import zlib
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from pledgewatch.core.pledges import Pledge as RunPledge
from pledgewatch.core.pledges import (
    RecordContent,
    StoredPledge,
    StoredRecord,
    StoredVersion,
    TermHistory,
    term_keys_of,
)
from pledgewatch.storage.models import (
    FetchState,
    Membership,
    Pledge,
    PledgeVersion,
    RawChunk,
    RecordVersion,
    Term,
    TermCrawl,
    Vocabulary,
)

BATCH = 900  # under SQLite's default limit of bound parameters per statement


def batched(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_stored_pledges(session: Session, derived: Mapping[str, RunPledge] | None = None
                        ) -> dict[str, StoredPledge]:
    """Every pledge with its open version, open record version and open memberships, by key.
    Read through Core rows: tens of thousands of plain tuples, no ORM entities.

    ``derived``: the run's pledges, by key. Most stored pledges say what the run says of them,
    so where a stored text or term set equals the run's, the run's object stands in for it:
    the belief and the run then share one copy of every unchanged pledge instead of two."""
    derived = derived or {}
    rows = session.connection().execute(select(Pledge.id, Pledge.key, Pledge.title_key,
                                               Pledge.present, Pledge.absent_runs, Pledge.twin_id))
    heads = [(pid, derived.get(key), key, title_key, present, absent_runs, twin_id)
             for pid, key, title_key, present, absent_runs, twin_id in rows]
    versions = _open_versions(session, {head[0]: head[1] for head in heads if head[1]})
    records = open_records(session)
    terms = _open_term_keys(session)
    stored = (StoredPledge(id=pid, key=_same(key, run and run.key),
                           title_key=_same(title_key, run and run.title_key), present=present,
                           absent_runs=absent_runs, is_linked=twin_id is not None,
                           version=versions.get(pid), term_keys=_term_keys(terms.pop(pid, ()), run),
                           record=records.get(pid))
              for pid, run, key, title_key, present, absent_runs, twin_id in heads)
    return {state.key: state for state in stored}


def _same(stored: Any, candidate: Any) -> Any:
    """``candidate`` when it equals the stored value (one object for both), else the stored."""
    return candidate if candidate is not None and candidate == stored else stored


def _term_keys(keys: Sequence[str], run: RunPledge | None) -> tuple[str, ...]:
    found = term_keys_of(keys)
    return run.term_keys if run is not None and run.term_keys == found else found


def open_records(session: Session) -> dict[int, StoredRecord]:
    """Each pledge's open record version, by pledge id (pledges never read have none)."""
    r = RecordVersion
    rows = session.execute(select(r.pledge_id, r.number, r.content_hash, r.valid_from_run,
                                  *RECORD_COLUMNS).where(r.valid_to_run.is_(None)))
    return {row[0]: StoredRecord(row[1], row[2], record_content(row[4:]), row[3]) for row in rows}


RECORD_COLUMNS = (RecordVersion.title, RecordVersion.date_shared, RecordVersion.body,
                  RecordVersion.countries, RecordVersion.terms, RecordVersion.gfmd_source,
                  RecordVersion.thematic_recollection)


def record_content(row: Sequence[Any]) -> RecordContent:
    """A record version's columns (in :data:`RECORD_COLUMNS` order) as a plain value."""
    title, date_shared, body, countries, terms, sources, themes = row
    return RecordContent(title, date_shared, body, tuple(countries or ()),
                         tuple((url, name) for url, name in terms or ()), tuple(sources or ()),
                         tuple(themes or ()))


def _open_versions(session: Session, derived: Mapping[int, RunPledge | None]
                   ) -> dict[int, StoredVersion]:
    """Open versions by pledge id, their texts shared with the run's pledge of that id."""
    v = PledgeVersion
    rows = session.connection().execute(select(v.pledge_id, v.number, v.content_hash, v.title,
                                               v.author, v.submitted, v.summary)
                                        .where(v.to_run.is_(None)))
    return {pid: _version(number, digest, title, author, submitted, summary, derived.get(pid))
            for pid, number, digest, title, author, submitted, summary in rows}


def _version(number: int, digest: str, title: str, author: str | None, submitted: str | None,
             summary: str, run: RunPledge | None) -> StoredVersion:
    if run is not None:
        title, author = _same(title, run.title), _same(author, run.author)
        submitted = _same(submitted, run.submitted)
        summary = next((text for text, _ in run.summaries if text == summary), summary)
    return StoredVersion(number, digest, title, author, submitted, summary)


def _open_term_keys(session: Session) -> dict[int, list[str]]:
    keys = dict(session.connection().execute(select(Term.id, Term.key)).all())  # one per term
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.connection().execute(select(Membership.pledge_id, Membership.term_id)
                                        .where(Membership.to_run.is_(None)))
    for pledge_id, term_id in rows:
        found[pledge_id].append(keys[term_id])
    return found


def ensure_terms(session: Session, wanted: Mapping[str, tuple[str | None, str | None, str | None]]
                 ) -> dict[str, int]:
    """Term ids by key, creating missing terms (key -> (name, url, vocabulary)) and renaming
    those whose name changed."""
    vocabularies = dict(session.execute(select(Vocabulary.name, Vocabulary.id)).all())
    known = {key: (term_id, name) for term_id, key, name
             in session.execute(select(Term.id, Term.key, Term.name))}
    ids: dict[str, int] = {}
    for key, (name, url, vocabulary) in wanted.items():
        if vocabulary and vocabulary not in vocabularies:
            vocabularies[vocabulary] = session.execute(
                insert(Vocabulary).values(name=vocabulary).returning(Vocabulary.id)).scalar_one()
        if key not in known:
            ids[key] = session.execute(insert(Term).values(
                key=key, name=name, url=url, vocabulary_id=vocabularies.get(vocabulary or ""))
                .returning(Term.id)).scalar_one()
            continue
        ids[key], stored_name = known[key]
        if name and stored_name != name:
            session.execute(update(Term).where(Term.id == ids[key]).values(name=name))
    return ids


def missing_chunks(session: Session, digests: Iterable[str]) -> set[str]:
    """The digests no raw chunk is stored under yet."""
    wanted = sorted(set(digests))
    found: set[str] = set()
    for chunk in batched(wanted):
        found.update(session.scalars(select(RawChunk.digest).where(RawChunk.digest.in_(chunk))))
    return set(wanted) - found


def load_raw(session: Session, digests: Iterable[str]) -> dict[str, bytes]:
    """Raw chunks by digest, decompressed."""
    found: dict[str, bytes] = {}
    for chunk in batched(sorted(set(digests))):
        rows = session.execute(select(RawChunk.digest, RawChunk.data)
                               .where(RawChunk.digest.in_(chunk)))
        found.update((digest, zlib.decompress(data)) for digest, data in rows)
    return found


def fetch_state_values(session: Session, urls: Container[str], columns: Sequence[str]
                       ) -> Iterator[tuple[str, dict[str, Any]]]:
    """These columns of the fetch state rows of these URLs (the URLs that have one), URL by URL
    as stored: a NULL ``records`` stays None. Read in one pass over the table, not looked up
    by URL in lists of :data:`BATCH`: a run fetches most listing pages and a share of the
    record pages, so most of the table, whose record rows are short. A row at a time: each
    listing page's record list decoded, tens of thousands of them, is not held all at once."""
    table = FetchState.__table__
    rows = session.connection().execute(select(table.c.url, *(table.c[c] for c in columns)))
    for url, *values in rows:
        if url in urls:
            yield url, dict(zip(columns, values, strict=True))


@dataclass(frozen=True, slots=True)
class StoredFetch:
    """A URL's fetch state as plain values."""

    url: str
    etag: str | None
    last_modified: str | None
    status: int | None
    last_ok_at: datetime | None
    run_id: int | None
    next_url: str | None
    last_page: int | None
    teasers: int | None
    records: tuple[str, ...] = ()  # record URLs the page listed when last read


def load_fetch_state(session: Session) -> dict[str, StoredFetch]:
    """Every fetched URL's state, by URL."""
    f = FetchState
    rows = session.execute(select(f.url, f.etag, f.last_modified, f.status, f.last_ok_at,
                                  f.run_id, f.next_url, f.last_page, f.teasers, f.records))
    return {url: StoredFetch(url, etag, modified, status, ok_at, run_id, next_url, last_page,
                             teasers, tuple(records or ()))
            for url, etag, modified, status, ok_at, run_id, next_url, last_page, teasers, records
            in rows}



def insert_rows(session: Session, model: Any, rows: Iterable[dict[str, Any]],
                batch: int = 10_000) -> None:
    """Insert in batches: a first run writes a row per membership, hundreds of thousands, which
    one statement's parameter list would hold all at once."""
    remaining = iter(rows)
    while chunk := list(itertools.islice(remaining, batch)):
        session.connection().execute(insert(model.__table__), chunk)


def update_rows(session: Session, model: Any, rows: Iterable[dict[str, Any]],
                batch: int = 2_000) -> None:
    """Update rows by primary key, one statement per set of columns: a run changes the same
    few columns of thousands of rows, which one UPDATE each would make a round trip each.
    Each statement runs over batches of rows, through Core: handed all at once, the ORM's
    bulk update held several copies of every row's parameters."""
    table = model.__table__
    (key,) = table.primary_key.columns
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for columns, group in by_columns.items():
        statement = _update_by_key(table, key, [name for name in columns if name != key.name])
        for chunk in batched(group, batch):
            session.connection().execute(statement, [_by_key(row, key.name) for row in chunk])


_KEY_PARAM = "key_"  # the primary key's parameter: a column's own name is taken by its SET


def _update_by_key(table: Any, key: Any, columns: Sequence[str]) -> Any:
    return update(table).where(key == bindparam(_KEY_PARAM)).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns})


def _by_key(row: dict[str, Any], key: str) -> dict[str, Any]:
    params = {name: value for name, value in row.items() if name != key}
    params[_KEY_PARAM] = row[key]
    return params


def term_histories(session: Session, before_run: int) -> dict[str, TermHistory]:
    """What each term listed before ``before_run``: its last complete crawl, its open
    memberships, and whether its latest crawl was held for a shrink."""
    complete = _latest_crawls(session, before_run, complete_only=True)
    latest = _latest_crawls(session, before_run, complete_only=False)
    members = dict(session.execute(
        select(Term.key, func.count(Membership.id)).join(Membership, Membership.term_id == Term.id)
        .where(Membership.to_run.is_(None)).group_by(Term.key)).all())
    histories = {}
    for key in complete.keys() | latest.keys() | members.keys():
        pages, teasers, _ = complete.get(key, (0, 0, False))
        last = latest.get(key)
        held = (last[1], last[0]) if last and last[2] else None
        histories[key] = TermHistory(pages, teasers, members.get(key, 0), held)
    return histories


def _latest_crawls(session: Session, before_run: int, *, complete_only: bool
                   ) -> dict[str, tuple[int, int, bool]]:
    """Each term's (pages, teasers, held) at its latest (complete) crawl before a run."""
    latest = select(TermCrawl.term_id, func.max(TermCrawl.run_id).label("run_id")) \
        .where(TermCrawl.run_id < before_run)
    if complete_only:
        latest = latest.where(TermCrawl.complete.is_(True))
    chosen = latest.group_by(TermCrawl.term_id).subquery()
    rows = session.execute(
        select(Term.key, TermCrawl.pages, TermCrawl.teasers, TermCrawl.held)
        .join(chosen, and_(TermCrawl.term_id == chosen.c.term_id,
                           TermCrawl.run_id == chosen.c.run_id))
        .join(Term, Term.id == TermCrawl.term_id))
    return {key: (pages, teasers, held) for key, pages, teasers, held in rows}
