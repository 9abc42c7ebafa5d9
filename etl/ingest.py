"""``pledgewatch ingest``: one run file -> one stored run, all or nothing.

The stages in order, each in its own module:

    read (etl.read) -> derive (etl.derive) -> decide (etl.decide) -> write (etl.write)

All in one transaction. The file is read once; a page the site answered 304 is replaced
by its stored copy (etl.not_modified), then each line goes to the derive stage and to the
archive of raw input (etl.archive), whose chunks are stored in batches as they come, and
each fetch to the fetch state (etl.fetches). Then: the terms' verdicts, the store's
belief, the plan, the writes.

The pass over the file is :func:`read_file`'s; ingest takes it through the optional speed
path :mod:`etl.fast_read`, which gives the same results, and when one command ingests
several files, reads them in a second process (:mod:`etl.read_ahead`, also optional).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core import text
from pledgewatch.core.errors import InputError
from pledgewatch.core.pledges import RecordOutcome, StoredPledge
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl import fast_read, write
from pledgewatch.etl.archive import ArchiveBuilder, RunArchive, file_digest
from pledgewatch.etl.completeness import run_complete
from pledgewatch.etl.decide import Plan, decide
from pledgewatch.etl.derive import DerivedRun, RunDeriver
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import StoredPages, with_stored_pages
from pledgewatch.etl.read import RunLine, crawl_finished, parse_timestamp, read_run
from pledgewatch.etl.read_ahead import ReadAhead, Taken
from pledgewatch.etl.run_order import crawl_time_problem
from pledgewatch.etl.term_crawl import judge_terms
from pledgewatch.storage import queries, repo
from pledgewatch.storage.models import Run
from pledgewatch.storage.types import utcnow


@dataclass(frozen=True, slots=True)
class IngestResult:
    run_id: int
    duplicate: bool  # this exact file was ingested before, as run_id
    complete: bool
    suspect: bool
    pages_ok: int
    pages_failed: int
    teasers: int
    pledges: int
    new_pledges: int
    new_versions: int
    removed: int
    restored: int


def ingest_run_files(factory: sessionmaker[Session], paths: Sequence[Path], *,
                     policy: ChangePolicy | None = None) -> Generator[IngestResult, None, None]:
    """Each file in turn, as :func:`ingest_run_file`, each read in a second process by the
    optional :mod:`etl.read_ahead`. A file that fails stops the batch there.

    The cyclic collector is paused while a run is stored (optional too: ``ingest_run_file``
    alone leaves it alone). A run makes millions of objects and keeps most of them to its
    end, and they hold no cycles: the collector, left on, walks them again and again."""
    with ReadAhead(paths) as ahead:
        for index, path in enumerate(paths):
            read = ahead.take(index)
            with fast_read.collector_paused():
                result = ingest_run_file(factory, path, policy=policy,
                                         pre_read=read.read if read else None,
                                         digest=read.digest if read else None)
            yield result


def ingest_run_file(factory: sessionmaker[Session], path: Path, *, source: str | None = None,
                    policy: ChangePolicy | None = None, pre_read: Taken | None = None,
                    digest: str | None = None) -> IngestResult:
    """Ingest in one transaction; any error leaves the database as it was. ``pre_read``: the
    file as :mod:`etl.read_ahead` reads it; ``digest``: its :func:`file_digest`, as taken
    there."""
    digest = digest or file_digest(path)
    with factory.begin() as session:
        existing = session.scalar(select(Run).where(Run.input_digest == digest,
                                                    Run.status == "ingested"))
        if existing is not None:
            return _duplicate_result(existing)
        store_chunks = functools.partial(write.store_chunks, session)
        stored = StoredPages(session)
        read = pre_read.read(store_chunks, stored) if pre_read else None
        if read is None:
            fetches = FetchLog()
            derived, archive = fast_read.read_file(path, stored, fetches, store_chunks)
        else:
            derived, archive, fetches = read
        problem = crawl_time_problem(derived.finished_at, queries.newest_crawl_time(session),
                                     utcnow())
        if problem:
            raise InputError(f"{path}: {problem}; nothing was written")
        run = Run(source=(source or f"file:{path.name}")[:500], status="ingesting",
                  normalizer_version=text.NORMALIZER_VERSION, input_digest=digest)
        session.add(run)
        session.flush()
        result = store_run(session, run, derived, archive, policy or ChangePolicy())
        write.store_fetches(session, run.id, fetches.fetches, run.finished_at or utcnow())
        return result


def read_file(path: Path, stored: StoredPages, fetches: FetchLog,
              store_chunks: Callable[[dict[str, bytes]], None] | None = None
              ) -> tuple[DerivedRun, RunArchive]:
    """A run file read once: a page the site answered 304 replaced by its stored copy, each
    fetch noted in ``fetches``, each line derived and archived. The plain path, which
    :func:`pledgewatch.etl.fast_read.read_file` (the one ingest calls) matches."""
    return read_and_derive(fetches.watch(with_stored_pages(read_run(path), stored)), store_chunks)


def read_and_derive(lines: Iterable[RunLine],
                    store_chunks: Callable[[dict[str, bytes]], None] | None = None
                    ) -> tuple[DerivedRun, RunArchive]:
    """One pass over a run's lines, feeding the derive stage and the archive; ``store_chunks``
    takes the archive's raw chunks in batches as they are read (:class:`ArchiveBuilder`)."""
    deriver, archive = RunDeriver(), ArchiveBuilder(store_chunks)
    for line in lines:
        deriver.add(line)
        archive.add(line)
    archived = archive.result()
    return deriver.result(), archived


def store_run(session: Session, run: Run, derived: DerivedRun, archive: RunArchive,
              policy: ChangePolicy) -> IngestResult:
    """Decide and write one derived run; shared by ingest and re-processing."""
    write.store_archive(session, run, archive)
    terms = derived.terms.values()
    term_ids = repo.ensure_terms(session, {t.key: (t.name, t.url, t.vocabulary) for t in terms})
    stored = repo.load_stored_pledges(session, derived.pledges)
    gone = frozenset(key for key, read in derived.records.items()
                     if read.outcome is RecordOutcome.GONE)
    verdicts = judge_terms(terms, repo.term_histories(session, run.id), members_by_term(stored),
                           proven_gone=gone)
    write.store_term_crawls(session, run.id, verdicts, term_ids)
    whole_site = run_complete(crawl_complete=derived.is_complete, verdicts=verdicts,
                              plan_mode=derived.plan, stored=stored, pledges=derived.pledges)
    plan = decide(stored, derived.pledges, run_complete=whole_site, policy=policy,
                  complete_terms=frozenset(v.key for v in verdicts if v.is_complete),
                  records=derived.records, plan_mode=derived.plan,
                  probed_terms=frozenset(v.key for v in verdicts if v.is_probed),
                  crawl_finished=derived.crawl_finished)
    write.write_plan(session, run.id, plan, stored, term_ids)
    finish_run(run, derived, plan, whole_site)
    return IngestResult(run.id, False, run.complete, plan.suspect, derived.pages_ok,
                        derived.pages_failed, derived.teasers, len(plan.seen),
                        len(plan.new_pledges), len(plan.versions), len(plan.removed),
                        len(plan.restored))


def members_by_term(stored: Mapping[str, StoredPledge]) -> dict[str, frozenset[str]]:
    """The pledges the store believes each term lists (listed pledges' open memberships).
    Gathered in lists, not sets: a set per term, then its frozen copy, held every membership
    twice over in hash tables."""
    members: dict[str, list[str]] = {}
    for state in stored.values():
        for term in state.term_keys if state.present else ():
            members.setdefault(term, []).append(state.key)
    return {term: frozenset(keys) for term, keys in members.items()}


def finish_run(run: Run, derived: DerivedRun, plan: Plan, whole_site: bool) -> None:
    """``whole_site``: the crawl finished, no page failed and every term was complete (for a
    cover run: as :mod:`etl.completeness` says). Only such a run is complete, the baseline
    later runs are compared with: a run that held a term lists its pledges without the
    memberships it could not read, and a later run compared with it would report them as
    re-classifications."""
    crawl = derived.crawl.fields if derived.crawl else {}
    run.status = "ingested"
    run.ingested_at = utcnow()
    run.finished_at = derived.finished_at or run.ingested_at
    run.started_at = parse_timestamp(crawl.get("started")) or run.started_at
    run.crawl_reason = (crawl.get("reason") or "no crawl record: file cut short")[:100]
    run.parser_version = str(crawl.get("parser_version") or "")[:50] or None
    if str(crawl.get("source") or ""):
        run.source = f"{run.source.split(' (')[0]} ({crawl['source']})"[:500]
    run.crawl_meta = {"crawl": crawl or None, "terms": [t.fields for t in derived.discovered_terms],
                      "failed_pages": [[p.url[:2000], p.status, p.error]
                                       for p in derived.failed_pages]}
    run.complete, run.suspect = whole_site, plan.suspect
    run.pages_ok, run.pages_failed = derived.pages_ok, derived.pages_failed
    run.teasers, run.pledges_seen = derived.teasers, len(plan.seen)


def check_crawl_order(paths: list[Path]) -> None:
    """Refuse, before anything is stored, a batch of run files not in the order they were crawled."""
    times = [(crawl_finished(path), path) for path in paths]
    known = [(finished, path) for finished, path in times if finished is not None]
    for (earlier, first), (later, second) in itertools.pairwise(known):
        if later < earlier:
            raise InputError(f"{second} was crawled before {first} ({later.isoformat()} < "
                             f"{earlier.isoformat()}): give the files in the order they were "
                             "crawled; nothing was written")


def _duplicate_result(run: Run) -> IngestResult:
    return IngestResult(run.id, True, run.complete, run.suspect, run.pages_ok, run.pages_failed,
                        run.teasers, run.pledges_seen, 0, 0, 0, 0)
