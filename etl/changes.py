"""What changed between two stored runs: their snapshots loaded, compared (:mod:`etl.compare`).

The default comparison is the latest run against the previous *complete* run,
so a partial crawl in between neither hides nor invents anything. Only pledges
with an interval boundary between the two runs are loaded, which keeps a diff
of a quiet week cheap however large the database.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pledgewatch.core.errors import InputError, RunSelectionError
from pledgewatch.core.pledges import AbsenceKind, RecordOutcome
from pledgewatch.core.values import (
    ChangeSet,
    CrawlHealth,
    FailedPage,
    NotSeen,
    PledgeView,
    TermRef,
)
from pledgewatch.etl.compare import Snapshot, diff_runs
from pledgewatch.storage import queries
from pledgewatch.storage.history import gap_dates
from pledgewatch.storage.models import Absence, Pledge, RecordFetch, Run, Term, TermCrawl


def changes_between(session: Session, from_run: int | None = None,
                    to_run: int | None = None) -> ChangeSet:
    to = _ingested(session, to_run, "to") if to_run else queries.latest_run(session)
    if to is None:
        raise InputError("no run has been ingested yet: run `pledgewatch ingest` or `pledgewatch run`")
    before_run = _ingested(session, from_run, "from") if from_run else \
        queries.previous_complete_run(session, to.id)
    if before_run is not None and before_run.id >= to.id:
        raise RunSelectionError("from", before_run.id, f"must be older than the run it is compared "
                                f"with ({to.id})")
    if before_run is None:
        before, after = {}, queries.pledge_views(session, to.id)
    else:
        touched = queries.touched_between(session, before_run.id, to.id)
        before = _through_twins(session, queries.pledge_views(session, before_run.id, touched))
        after = queries.pledge_views(session, to.id, touched)
    return _classify(session, before, after, before_run, to)


def _ingested(session: Session, run_id: int, role: str) -> Run:
    run = session.get(Run, run_id)
    if run is None or run.status != "ingested":
        raise RunSelectionError(role, run_id, "no ingested run has that id (see `pledgewatch status`)")
    return run


def _through_twins(session: Session, views: dict[int, PledgeView]) -> dict[int, PledgeView]:
    """A title-keyed pledge later linked to its URL-keyed twin counts as that twin."""
    twins: dict[int, int] = {pid: twin for pid, twin in session.execute(
        select(Pledge.id, Pledge.twin_id).where(Pledge.id.in_(list(views)),
                                                Pledge.twin_id.is_not(None))) if twin}
    return {twins.get(pid, pid): view for pid, view in views.items()}


def _classify(session: Session, before: dict[int, PledgeView], after: dict[int, PledgeView],
              before_run: Run | None, to: Run) -> ChangeSet:
    appeared = [pid for pid in after if pid not in before]
    first_runs = dict(session.execute(select(Pledge.id, Pledge.first_run).where(
        Pledge.id.in_(appeared))).all()) if appeared else {}
    earlier = Snapshot(before_run.id, before, finished_at=_iso(before_run.finished_at)) \
        if before_run else Snapshot(None)
    later = Snapshot(to.id, after, first_runs, _iso(to.finished_at))
    changes = diff_runs(earlier, later)
    return replace(changes, complete=to.complete, not_seen=_not_seen(session, to.id),
                   unlisted=_unlisted(session, before_run, to.id), health=crawl_health(session, to),
                   **_with_gap_dates(session, changes, {**before, **after}, to.id))  # type: ignore[arg-type]


def _with_gap_dates(session: Session, changes: ChangeSet, views: dict[int, PledgeView],
                    to_run: int) -> dict[str, tuple[PledgeView, ...]]:
    """Removed and restored pledges with when they were last listed and when they went missing."""
    ids = {views[pid].key: pid for pid in views}
    wanted = [ids[p.key] for p in (*changes.removed, *changes.restored) if p.key in ids]
    dates = gap_dates(session, wanted, to_run)

    def dated(view: PledgeView) -> PledgeView:
        last_seen, gone_since = dates.get(ids.get(view.key, -1), (None, None))
        return replace(view, last_seen_at=last_seen, gone_since=gone_since)

    return {"removed": tuple(map(dated, changes.removed)),
            "restored": tuple(map(dated, changes.restored))}


NOT_REMOVED_YET = (AbsenceKind.NOT_SEEN.value, AbsenceKind.PENDING.value, AbsenceKind.HELD.value)


def _not_seen(session: Session, run_id: int) -> tuple[NotSeen, ...]:
    rows = list(session.execute(select(Absence.pledge_id, Absence.reason).where(
        Absence.run_id == run_id, Absence.kind.in_(NOT_REMOVED_YET))).all())
    views = queries.pledge_views(session, run_id, [pid for pid, _ in rows], listed_only=False)
    return tuple(sorted((NotSeen(views[pid], reason) for pid, reason in rows if pid in views),
                        key=lambda n: n.pledge.title.casefold()))


def _unlisted(session: Session, before_run: Run | None, run_id: int) -> tuple[PledgeView, ...]:
    """Pledges that left the listings as of ``run_id`` and had not as of the earlier run: the
    change is reported once, not on every run the record is read again."""
    def unlisted_at(run: int) -> set[int]:
        return set(session.scalars(select(Absence.pledge_id).where(
            Absence.run_id == run, Absence.kind == AbsenceKind.UNLISTED.value)))

    fresh = unlisted_at(run_id) - (unlisted_at(before_run.id) if before_run else set())
    views = queries.pledge_views(session, run_id, sorted(fresh), listed_only=False)
    return tuple(sorted(views.values(), key=lambda v: (v.title.casefold(), v.key)))


def crawl_health(session: Session, run: Run) -> CrawlHealth:
    failed = sorted(((url, status, error) for url, status, error
                     in (run.crawl_meta or {}).get("failed_pages", ())), key=lambda f: f[0])
    incomplete = session.execute(select(Term.key, Term.name, Term.url).join(
        TermCrawl, TermCrawl.term_id == Term.id).where(
            TermCrawl.run_id == run.id, TermCrawl.complete.is_(False),
            or_(TermCrawl.probed.is_(False), TermCrawl.reason.is_not(None))))  # probed as planned
    held = session.scalar(select(Absence.id).where(
        Absence.run_id == run.id, Absence.kind == AbsenceKind.HELD.value).limit(1))
    held_count = session.scalar(select(func.count()).select_from(Absence).where(
        Absence.run_id == run.id, Absence.kind.in_(NOT_REMOVED_YET))) or 0
    failed_records = session.execute(
        select(Pledge.url, Pledge.key, RecordFetch.status, RecordFetch.error)
        .join(Pledge, Pledge.id == RecordFetch.pledge_id)
        .where(RecordFetch.run_id == run.id, RecordFetch.outcome == RecordOutcome.FAILED.value)
        .order_by(Pledge.key))
    return CrawlHealth(
        failed_records=tuple(FailedPage(url or key, status, error or f"HTTP {status}")
                             for url, key, status, error in failed_records),
        pages_fetched=run.pages_ok + run.pages_failed, pages_failed=run.pages_failed,
        failed_pages=tuple(FailedPage(u, s, e or f"HTTP {s}") for u, s, e in failed),
        incomplete_terms=tuple(TermRef(k, n, None, u) for k, n, u in incomplete),
        held_removals=held_count, suspect=run.suspect or held is not None,
        suspect_reason="this run would have removed too many pledges at once; removals held"
        if run.suspect else None,
        crawl_finished=run.crawl_reason == "finished")


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]
