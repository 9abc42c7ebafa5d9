"""Write stage: the only ETL code that writes. Carries out a plan inside the caller's transaction.

Everything that changes over time is an interval of runs ``[from_run, to_run)``:
a version, membership or presence is closed by setting its ``to_run``, never
deleted, so any earlier run can still be read back.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from pledgewatch.core.pledges import AbsenceKind, StoredPledge
from pledgewatch.etl.archive import RunArchive
from pledgewatch.etl.decide import Plan
from pledgewatch.etl.term_crawl import TermVerdict
from pledgewatch.storage import repo
from pledgewatch.storage.models import (
    Absence,
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    RawChunk,
    Run,
    TermCrawl,
)

COMPRESSION_LEVEL = 6  # zlib's default: each chunk is stored once
# A page list is mostly hex digests, which level 1 packs nearly as tight in a fraction of the
# time; a run whose pages changed stores a new one.
PAGE_LIST_COMPRESSION_LEVEL = 1


def store_archive(session: Session, run: Run, archive: RunArchive) -> None:
    """Store the chunks not stored yet, compressed, and point the run at its page list."""
    store_chunks(session, archive.chunks)
    store_chunks(session, {archive.page_list_digest: archive.page_list},
                 PAGE_LIST_COMPRESSION_LEVEL)
    run.pages_digest = archive.page_list_digest


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
         "reason": v.reason, "held": v.is_held} for v in verdicts])


def write_plan(session: Session, run_id: int, plan: Plan, stored: Mapping[str, StoredPledge],
               term_ids: Mapping[str, int]) -> None:
    ids = {key: state.id for key, state in stored.items()}
    ids.update(_insert_pledges(session, run_id, plan))
    _link_twins(session, run_id, plan, ids)
    _mark_seen(session, run_id, plan, stored, ids)
    _write_versions(session, run_id, plan, ids)
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
    provable = [a for a in plan.absences if a.kind is not AbsenceKind.NOT_SEEN]
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
