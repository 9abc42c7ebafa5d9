"""``pledgewatch ingest``: one crawl file → one run of versioned records, all or nothing.

The file is streamed page by page: teaser contents, contexts and page records
are compressed and stored once per distinct value, pages and terms are tallied,
and teasers are gathered into one sighting per pledge. Only the pledges whose
sighting differs from the last one are merged and compared with what the
database believes, in :mod:`etl.apply`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core import text as nz
from pledgewatch.etl.apply import ApplyResult, apply_pledges
from pledgewatch.etl.completeness import TermTally, page_term_key
from pledgewatch.etl.gcpause import cyclic_gc_paused
from pledgewatch.etl.pages import PageListWriter, StoredRecords, compress_contents, describe_page
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.readahead import ReadAhead
from pledgewatch.etl.reader import PageChunk, RunMeta, read_chunks
from pledgewatch.etl.runfile import file_digest
from pledgewatch.etl.sightings import SightingCollector, merge_changed
from pledgewatch.storage import repo
from pledgewatch.storage.models import Run, TermCrawl
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


def ingest_run_file(factory: sessionmaker[Session], path: Path, *, source: str | None = None,
                    policy: ChangePolicy | None = None, readahead: ReadAhead | None = None,
                    stored: StoredRecords | None = None) -> IngestResult:
    """Ingest in one transaction; any error leaves the database as it was.

    With ``readahead``, the file has been read (or is being read) by its child process.
    ``stored`` carries what earlier runs of the same command stored (etl/pages.py).
    """
    digest = readahead.digest(path) if readahead else file_digest(path)
    stored = stored if stored is not None else StoredRecords()
    try:
        with cyclic_gc_paused(), factory.begin() as session:
            existing = session.scalar(select(Run).where(Run.input_digest == digest,
                                                        Run.status == "ingested"))
            if existing is not None:
                if readahead:
                    readahead.skip()
                return _duplicate_result(existing)
            result = ingest_stream(session, path, digest=digest,
                                   source=source or f"file:{path.name}",
                                   policy=policy or ChangePolicy(), readahead=readahead,
                                   stored=stored)
    except BaseException:
        stored.forget()
        raise
    stored.keep()
    return result


def reading_ahead(factory: sessionmaker[Session], paths: list[Path]) -> ReadAhead:
    """A child process reading ``paths`` in order, keyed from what the database holds now."""
    with factory() as session:
        keys = known_contents(repo.load_pledges(session))
    return ReadAhead(paths, keys)


def ingest_stream(session: Session, path: Path, *, digest: str, source: str,
                  policy: ChangePolicy, readahead: ReadAhead | None,
                  stored: StoredRecords) -> IngestResult:
    run = Run(source=source[:500], status="ingesting", normalizer_version=nz.NORMALIZER_VERSION,
              input_digest=digest)
    session.add(run)
    session.flush()
    meta = RunMeta()
    states = repo.load_pledges(session)
    known = known_contents(states)
    pages = PageListWriter(session, run, known, stored)
    # Reading ahead, the child has compressed the new contents already.
    chunks = map(describe_page, readahead.chunks(meta) if readahead
                 else map(compress_contents, read_chunks(path, meta, known)))
    result = derive_run(session, run, chunks, meta, policy, states=states,
                        on_chunk=pages.add, before_apply=pages.finish)
    run.crawl_meta = {**(run.crawl_meta or {}), "failed_pages": pages.failed}
    return result


def known_contents(states: dict[str, repo.PledgeState]) -> dict[str, str | None]:
    """Content digest → pledge key, for the contents the last sighting of each pledge read.

    The reader adds the contents it meets for the first time.
    """
    return {digest: key for key, state in states.items() for digest in state.content_digests or ()}


def derive_run(session: Session, run: Run, chunks: Iterable[PageChunk], meta: RunMeta,
               policy: ChangePolicy, *, states: dict[str, repo.PledgeState] | None = None,
               on_chunk: Callable[[PageChunk], None] = lambda c: None,
               before_apply: Callable[[], None] = lambda: None) -> IngestResult:
    """Fold a run's chunks into sightings and apply them; shared by ingest and reprocess."""
    collector = SightingCollector()
    tallies: dict[str, TermTally] = {}
    counts = _Counts()
    for chunk in chunks:
        on_chunk(chunk)
        collector.add(chunk)
        for context in chunk.new_contexts:  # each context is new on one chunk of the run
            if context.term_key and context.term_key not in tallies:
                tallies[context.term_key] = TermTally(context.term_key, context.term,
                                                      context.term_url, context.vocabulary)
        counts.add(chunk)
        if chunk.page is not None:
            _tally_page(tallies, chunk.page)
    before_apply()
    term_ids = _store_terms(session, run.id, tallies)
    crawl = meta.crawl or {}
    complete = crawl.get("reason") == "finished" and counts.failed == 0 and counts.ok > 0
    states = repo.load_pledges(session) if states is None else states
    merged = merge_changed(session, collector, states)
    collector.parsed.clear()  # merged pledges hold what is needed; a first run parsed every text
    applied = apply_pledges(session, run.id, collector.sightings, merged, states, term_ids,
                            tallies_complete=_complete_ids(session, run.id), run_complete=complete,
                            policy=policy)
    _finish_run(run, meta, counts, applied.pledges, complete, applied)
    return IngestResult(run.id, False, complete, applied.suspect, counts.ok, counts.failed,
                        counts.teasers, applied.pledges, applied.new_pledges,
                        applied.new_versions, applied.removed, applied.restored)


@dataclass(slots=True)
class _Counts:
    ok: int = 0
    failed: int = 0
    teasers: int = 0

    def add(self, chunk: PageChunk) -> None:
        self.teasers += chunk.teasers
        if chunk.page is not None:
            if chunk.page.get("ok"):
                self.ok += 1
            else:
                self.failed += 1


def _tally_page(tallies: dict[str, TermTally], page: dict[str, Any]) -> None:
    key = page_term_key(page)
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = TermTally(key, page.get("term"), page.get("term_url"),
                                         page.get("vocabulary"))
    tally.add_page(page)


def _store_terms(session: Session, run_id: int, tallies: dict[str, TermTally]) -> dict[str, int]:
    wanted = {key: (t.name, t.url, t.vocabulary) for key, t in tallies.items()}
    term_ids = repo.ensure_terms(session, wanted, repo.load_terms(session))
    previous = repo.previous_term_counts(session, run_id)
    rows = []
    for key, tally in tallies.items():
        if not tally.pages:
            continue  # a term seen only through teasers of text snapshots: no page evidence
        term_id = term_ids[key]
        reason = tally.incomplete_reason(previous.get(term_id))
        rows.append({"run_id": run_id, "term_id": term_id, "complete": reason is None,
                     "pages": len(tally.pages), "pages_failed": len(tally.failures),
                     "teasers": tally.teasers, "reason": reason})
    repo.insert_rows(session, TermCrawl, rows)
    return term_ids


def _complete_ids(session: Session, run_id: int) -> set[int]:
    return set(session.scalars(select(TermCrawl.term_id).where(
        TermCrawl.run_id == run_id, TermCrawl.complete.is_(True))))


def _finish_run(run: Run, meta: RunMeta, counts: _Counts, pledges: int, complete: bool,
                applied: ApplyResult) -> None:
    crawl = meta.crawl or {}
    run.status = "ingested"
    run.ingested_at = utcnow()
    run.finished_at = _parse_time(crawl.get("finished")) or run.ingested_at
    run.started_at = _parse_time(crawl.get("started")) or run.started_at
    run.crawl_reason = (crawl.get("reason") or "no crawl record: file cut short")[:100]
    run.parser_version = str(crawl.get("parser_version") or "")[:50] or None
    if str(crawl.get("source") or ""):
        run.source = f"{run.source.split(' (')[0]} ({crawl['source']})"[:500]
    run.crawl_meta = {**(run.crawl_meta or {}), "crawl": crawl or None, "terms": meta.terms}
    run.complete, run.suspect = complete, applied.suspect
    run.pages_ok, run.pages_failed = counts.ok, counts.failed
    run.teasers, run.pledges_seen = counts.teasers, pledges


def _parse_time(value: Any) -> Any:
    from datetime import UTC, datetime

    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _duplicate_result(run: Run) -> IngestResult:
    return IngestResult(run.id, True, run.complete, run.suspect, run.pages_ok, run.pages_failed,
                        run.teasers, run.pledges_seen, 0, 0, 0, 0)
