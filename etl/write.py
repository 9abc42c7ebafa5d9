"""Write stage: the only ETL code that writes. Carries out a plan inside the caller's transaction.

Everything that changes over time is an interval of runs ``[from_run, to_run)``:
a version, membership or presence is closed by setting its ``to_run``, never
deleted, so any earlier run can still be read back.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from pledgewatch.core.pledges import AbsenceKind, StoredPledge
from pledgewatch.etl.archive import RunArchive
from pledgewatch.etl.decide import Plan
from pledgewatch.etl.fetches import Fetch
from pledgewatch.etl.term_crawl import TermVerdict
from pledgewatch.storage import repo
from pledgewatch.storage.models import (
    Absence,
    FetchState,
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    RawChunk,
    RecordFetch,
    RecordVersion,
    Run,
    TermCrawl,
)

COMPRESSION_LEVEL = 6  # zlib's default: each chunk is stored once
# The fetch state columns a page keeps from run to run while it does not change; an update
# compares them with the stored values (:func:`store_fetches`).
KEPT_COLUMNS = ("etag", "last_modified", "next_url", "last_page", "teasers", "records")


def store_archive(session: Session, run: Run, archive: RunArchive) -> None:
    """Store the chunks not stored yet, compressed, and point the run at its page list.

    The archive lets go of its data once stored: the page list is a run's largest value, and
    the caller's reference would hold it through the decide and write stages for nothing."""
    store_chunks(session, archive.chunks)
    archive.chunks = {}
    _store_page_list(session, archive)
    run.pages_digest = archive.page_list_digest


def _store_page_list(session: Session, archive: RunArchive) -> None:
    """The page list, compressed as it was built, unless stored already; let go once handed
    to the database."""
    digest, data = archive.page_list_digest, bytes(archive.page_list)
    archive.page_list = b""
    if repo.missing_chunks(session, [digest]):
        repo.insert_rows(session, RawChunk, [{"digest": digest, "size": archive.page_list_size,
                                              "data": data}])


def store_chunks(session: Session, chunks: Mapping[str, bytes],
                 level: int = COMPRESSION_LEVEL) -> None:
    """Store, compressed, the raw chunks not stored yet."""
    missing = repo.missing_chunks(session, chunks)
    repo.insert_rows(session, RawChunk, [
        {"digest": digest, "size": len(chunks[digest]),
         "data": zlib.compress(chunks[digest], level)} for digest in sorted(missing)])


def store_term_crawls(session: Session, run_id: int, verdicts: list[TermVerdict],
                      term_ids: Mapping[str, int]) -> None:
    repo.insert_rows(session, TermCrawl, [
        {"run_id": run_id, "term_id": term_ids[v.key], "complete": v.is_complete,
         "pages": v.pages, "pages_failed": v.pages_failed, "teasers": v.teasers,
         "reason": v.reason, "held": v.is_held, "probed": v.is_probed} for v in verdicts])


def store_fetches(session: Session, run_id: int, fetches: Mapping[str, Fetch],
                  crawled_at: datetime) -> None:
    """Carry a run's fetches into ``fetch_state`` (the rules: ``etl.fetches``). ``crawled_at``
    stands in for a line's missing fetch time."""
    changed: list[dict[str, Any]] = []
    stored: set[str] = set()
    for url, kept in repo.fetch_state_values(session, fetches, KEPT_COLUMNS):
        stored.add(url)
        changed.append({"url": url, **_columns_to_write(_fetch_row(run_id, fetches[url],
                                                                   crawled_at), kept)})
    new = [{"url": url, "etag": None, "last_modified": None, "last_ok_at": None, "run_id": None,
            "next_url": None, "last_page": None, "teasers": None, "records": None,
            **_fetch_row(run_id, fetch, crawled_at)}
           for url, fetch in fetches.items() if url not in stored]
    repo.insert_rows(session, FetchState, new)
    repo.update_rows(session, FetchState, changed)


def _columns_to_write(row: Mapping[str, Any], kept: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of ``row`` an update writes: every column not in ``kept`` (the status and
    read time a fetch renews each time), and those of ``kept`` whose new value differs from the
    stored one. A page read again unchanged keeps its validators, pager fields and record
    list; writing them anyway would encode and store the same record list on every run."""
    return {column: value for column, value in row.items()
            if column not in kept or value != kept[column]}


def _fetch_row(run_id: int, fetch: Fetch, crawled_at: datetime) -> dict[str, Any]:
    """The columns one fetch sets (the others keep their stored values)."""
    row: dict[str, Any] = {"status": fetch.status}
    if fetch.stale_validators:
        return {**row, "etag": None, "last_modified": None}
    if not fetch.ok:
        return row
    row.update(last_ok_at=fetch.fetched_at or crawled_at, run_id=run_id)
    if not fetch.not_modified:  # a 304 may omit them: the stored ones still hold
        row.update(etag=fetch.etag, last_modified=fetch.last_modified)
    elif fetch.etag or fetch.last_modified:
        row.update({k: v for k, v in (("etag", fetch.etag),
                                      ("last_modified", fetch.last_modified)) if v})
    if fetch.listing:
        row.update(next_url=fetch.next_url, last_page=fetch.last_page, teasers=fetch.teasers,
                   records=list(fetch.records))
    return row


def write_plan(session: Session, run_id: int, plan: Plan, stored: Mapping[str, StoredPledge],
               term_ids: Mapping[str, int]) -> None:
    ids = {key: state.id for key, state in stored.items()}
    ids.update(_insert_pledges(session, run_id, plan))
    _link_twins(session, run_id, plan, ids)
    _mark_seen(session, run_id, plan, stored, ids)
    _write_versions(session, run_id, plan, ids)
    _write_records(session, run_id, plan, ids)
    _write_memberships(session, run_id, plan, ids, term_ids)
    _write_absences(session, run_id, plan, ids)


def _insert_pledges(session: Session, run_id: int, plan: Plan) -> dict[str, int]:
    ids: dict[str, int] = {}
    rows = [{"key": p.key[:2000], "url": p.url, "title_key": p.title_key[:2000],
             "first_run": run_id, "present": True, "absent_runs": 0} for p in plan.new_pledges]
    for chunk in repo.batched(rows, 5000):
        inserted = session.execute(insert(_table(Pledge)).returning(Pledge.id, Pledge.key),
                                   list(chunk))
        ids.update((key, pledge_id) for pledge_id, key in inserted)
    repo.insert_rows(session, Presence, [{"pledge_id": ids[p.key[:2000]], "from_run": run_id}
                                         for p in plan.new_pledges])
    return {p.key: ids[p.key[:2000]] for p in plan.new_pledges}


def _link_twins(session: Session, run_id: int, plan: Plan, ids: Mapping[str, int]) -> None:
    for title_key, twin in plan.linked:
        pledge_id = ids[title_key]
        session.execute(update(Pledge).where(Pledge.id == pledge_id)
                        .values(twin_id=ids[twin], present=False))
        _close_open(session, Presence, [pledge_id], run_id)
        _close_open(session, Membership, [pledge_id], run_id)


def _mark_seen(session: Session, run_id: int, plan: Plan, stored: Mapping[str, StoredPledge],
               ids: Mapping[str, int]) -> None:
    repo.insert_rows(session, Presence, [{"pledge_id": ids[key], "from_run": run_id}
                                         for key in plan.restored])
    back = [ids[k] for k in plan.seen if k in stored and
            (not stored[k].present or stored[k].absent_runs)]
    for chunk in repo.batched(back):
        session.execute(update(Pledge).where(Pledge.id.in_(chunk))
                        .values(present=True, absent_runs=0))


def _write_versions(session: Session, run_id: int, plan: Plan, ids: Mapping[str, int]) -> None:
    replaced = [ids[v.key] for v in plan.versions if v.number > 1]
    _close_open(session, PledgeVersion, replaced, run_id)
    repo.insert_rows(session, PledgeVersion, (
        {**asdict(v.content), "pledge_id": ids[v.key], "mojibake": v.mojibake,
         "from_run": run_id, "first_page_url": v.first_page_url} for v in plan.versions))
    if plan.authors_completed:
        t = _table(PledgeVersion)
        session.connection().execute(
            update(t).where(t.c.pledge_id == bindparam("pid"), t.c.to_run.is_(None))
            .values(author=bindparam("new_author"), content_hash=bindparam("new_hash")),
            [{"pid": ids[a.key], "new_author": a.author, "new_hash": a.content_hash}
             for a in plan.authors_completed])


def _write_records(session: Session, run_id: int, plan: Plan, ids: Mapping[str, int]) -> None:
    replaced = [ids[v.key] for v in plan.record_versions if v.number > 1]
    for chunk in repo.batched(replaced):
        session.execute(update(RecordVersion).where(RecordVersion.pledge_id.in_(chunk),
                                                    RecordVersion.valid_to_run.is_(None))
                        .values(valid_to_run=run_id))
    repo.insert_rows(session, RecordVersion, [
        {"pledge_id": ids[v.key], "number": v.number, "valid_from_run": run_id,
         "content_hash": v.content_hash, "title": v.content.title,
         "date_shared": v.content.date_shared, "body": v.content.body,
         "countries": list(v.content.countries), "terms": [list(t) for t in v.content.terms],
         "gfmd_source": list(v.content.gfmd_source),
         "thematic_recollection": list(v.content.thematic_recollection)}
        for v in plan.record_versions])
    repo.insert_rows(session, RecordFetch, [
        {"run_id": run_id, "pledge_id": ids[r.key], "outcome": r.outcome.value,
         "why": (r.why or "")[:20] or None, "status": r.status, "error": r.error}
        for r in plan.record_fetches])


def _write_memberships(session: Session, run_id: int, plan: Plan, ids: Mapping[str, int],
                       term_ids: Mapping[str, int]) -> None:
    repo.insert_rows(session, Membership, (
        {"pledge_id": ids[key], "term_id": term_ids[term], "from_run": run_id}
        for key, term in plan.joined))
    left = {(ids[key], term_ids[term]) for key, term in plan.left}
    # Found by pledge, then closed by id: a statement naming pledge and term at once may be
    # planned (SQLite) by the term's index, and read every member of the term for each row.
    closing = []
    for chunk in repo.batched(sorted({pledge_id for pledge_id, _ in left})):
        closing += [row.id for row in session.execute(
            select(Membership.id, Membership.pledge_id, Membership.term_id)
            .where(Membership.pledge_id.in_(chunk), Membership.to_run.is_(None)))
            if (row.pledge_id, row.term_id) in left]
    for chunk in repo.batched(closing):
        session.execute(update(Membership).where(Membership.id.in_(chunk)).values(to_run=run_id))


def _write_absences(session: Session, run_id: int, plan: Plan, ids: Mapping[str, int]) -> None:
    repo.insert_rows(session, Absence, [
        {"run_id": run_id, "pledge_id": ids[a.key], "kind": a.kind.value, "reason": a.reason}
        for a in plan.absences])
    provable = [a for a in plan.absences
                if a.kind not in (AbsenceKind.NOT_SEEN, AbsenceKind.UNLISTED)]
    if provable:
        t = _table(Pledge)
        session.connection().execute(
            update(t).where(t.c.id == bindparam("pid")).values(absent_runs=bindparam("runs")),
            [{"pid": ids[a.key], "runs": a.absent_runs} for a in provable])
    removed = [ids[key] for key in plan.removed]
    for chunk in repo.batched(removed):
        session.execute(update(Pledge).where(Pledge.id.in_(chunk)).values(present=False))
    _close_open(session, Presence, removed, run_id)


def _table(model: Any) -> Table:
    """A model's table, for Core statements run once per many parameter sets."""
    table: Table = model.__table__
    return table


def _close_open(session: Session, model: type, pledge_ids: list[int], run_id: int) -> None:
    """End the open intervals of these pledges in ``model`` at this run."""
    for chunk in repo.batched(pledge_ids):
        session.execute(update(model).where(model.pledge_id.in_(chunk),  # type: ignore[attr-defined]
                                            model.to_run.is_(None))  # type: ignore[attr-defined]
                        .values(to_run=run_id))
