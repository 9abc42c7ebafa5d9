"""Re-derive every version from the stored raw input under the current normalization rules.

Raw chunks and page lists (``etl.archive``) are the record of what the site said;
pledges, versions, memberships, presences, absences and term crawls are derived
from them and can be rebuilt at any time. The rebuild runs in one transaction and
reports, pledge by pledge, where the new rules changed the version history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core import text as nz
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.archive import page_list_digests, replay_archive
from pledgewatch.etl.ingest import read_and_derive, store_run
from pledgewatch.etl.read import RunLine, check_record, typed_line
from pledgewatch.storage import queries, repo
from pledgewatch.storage.models import (
    Absence,
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    RecordFetch,
    RecordVersion,
    Run,
    TermCrawl,
)

DERIVED_TABLES = (Absence, Membership, Presence, PledgeVersion, RecordVersion, RecordFetch,
                  TermCrawl)


@dataclass(slots=True)
class ReprocessSummary:
    runs: int
    versions_before: int
    versions_after: int
    changed: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"re-derived {self.runs} runs with normalizer version {nz.NORMALIZER_VERSION}: "
                 f"{self.versions_before} versions before, {self.versions_after} after"]
        if not self.changed:
            lines.append("the new rules changed no version history")
        for key, old, new in self.changed[:50]:
            lines.append(f"  {key}: {len(old)} → {len(new)} versions")
        if len(self.changed) > 50:
            lines.append(f"  … and {len(self.changed) - 50} more pledges")
        return "\n".join(lines)


def reprocess_all(factory: sessionmaker[Session], policy: ChangePolicy | None = None) -> ReprocessSummary:
    nz.forget_cached_forms()  # made under the rules of before, perhaps other rules than now
    with factory.begin() as session:
        before = _histories(session)
        _clear_derived(session)
        runs = queries.ingested_runs(session)
        for run in runs:
            derived, archive = read_and_derive(stored_lines(session, run))
            store_run(session, run, derived, archive, policy or ChangePolicy())
            run.normalizer_version = nz.NORMALIZER_VERSION
        after = _histories(session)
    changed = [(key, before.get(key, []), after.get(key, []))
               for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]
    return ReprocessSummary(len(runs), sum(map(len, before.values())),
                            sum(map(len, after.values())), changed)


def stored_lines(session: Session, run: Run) -> Iterator[RunLine]:
    """The run's lines as read back from raw storage, its crawl line last (kept with the run:
    without it the run would read as cut short, and a cover run as a full one)."""
    digest = run.pages_digest or ""  # every ingested run has one
    page_list = repo.load_raw(session, [digest])[digest]
    chunks = repo.load_raw(session, page_list_digests(page_list))
    yield from replay_archive(page_list, chunks)
    crawl = (run.crawl_meta or {}).get("crawl")
    if isinstance(crawl, dict):
        yield typed_line(check_record({**crawl, "type": "crawl"}, 0))


def _histories(session: Session) -> dict[str, list[str]]:
    histories: dict[str, list[str]] = {}
    rows = session.execute(select(Pledge.key, PledgeVersion.content_hash)
                           .join(PledgeVersion, PledgeVersion.pledge_id == Pledge.id)
                           .order_by(Pledge.key, PledgeVersion.number))
    for key, digest in rows:
        histories.setdefault(key, []).append(digest)
    return histories


def _clear_derived(session: Session) -> None:
    for model in DERIVED_TABLES:
        session.execute(delete(model))
    session.execute(update(Pledge).values(twin_id=None))
    session.execute(delete(Pledge))
