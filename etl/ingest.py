"""``pledgewatch ingest``: one crawl file → one run of versioned records, all or nothing.

The file is streamed page by page: raw lines are compressed and stored once per
distinct content, pages and terms are tallied, and teasers are folded into one
pledge per key. Only then are versions, memberships and presences compared
with what the database believes, in :mod:`etl.apply`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from etl import normalize as nz
from etl.apply import ApplyResult, apply_pledges
from etl.completeness import TermTally, page_term_key
from etl.merge import TeaserMerger, term_key
from etl.policy import ChangePolicy
from etl.runfile import PageChunk, RunMeta, file_digest, read_chunks
from storage import repo
from storage.models import PageObservation, RawChunk, Run, TermCrawl
from storage.types import utcnow

COMPRESSION_LEVEL = 1  # crawl text compresses ~8x even at the fastest level


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
                    policy: ChangePolicy | None = None) -> IngestResult:
    """Ingest in one transaction; any error leaves the database as it was."""
    digest = file_digest(path)
    with factory.begin() as session:
        existing = session.scalar(select(Run).where(Run.input_digest == digest,
                                                    Run.status == "ingested"))
        if existing is not None:
            return _duplicate_result(existing)
        return ingest_stream(session, path, digest=digest, source=source or f"file:{path.name}",
                             policy=policy or ChangePolicy())


def ingest_stream(session: Session, path: Path, *, digest: str, source: str,
                  policy: ChangePolicy) -> IngestResult:
    run = Run(source=source[:500], status="ingesting", normalizer_version=nz.NORMALIZER_VERSION,
              input_digest=digest)
    session.add(run)
    session.flush()
    meta = RunMeta()
    pages = _PageWriter(session, run.id)
    return derive_run(session, run, read_chunks(path, meta), meta, policy, on_chunk=pages.add,
                      before_apply=pages.finish)


def derive_run(session: Session, run: Run, chunks: Iterable[PageChunk], meta: RunMeta,
               policy: ChangePolicy, *, on_chunk: Callable[[PageChunk], None] = lambda c: None,
               before_apply: Callable[[], None] = lambda: None) -> IngestResult:
    """Fold a run's chunks into pledges and apply them; shared by ingest and reprocess."""
    merger = TeaserMerger()
    tallies: dict[str, TermTally] = {}
    counts = _Counts()
    for chunk in chunks:
        on_chunk(chunk)
        for teaser in chunk.teasers:
            merger.add(teaser)
            _tally_teaser_term(tallies, teaser)
        counts.add(chunk)
        if chunk.page is not None:
            _tally_page(tallies, chunk.page)
    before_apply()
    term_ids = _store_terms(session, run.id, tallies)
    crawl = meta.crawl or {}
    complete = crawl.get("reason") == "finished" and counts.failed == 0 and counts.ok > 0
    applied = apply_pledges(session, run.id, merger.pledges, term_ids,
                            tallies_complete=_complete_ids(session, run.id), run_complete=complete,
                            policy=policy)
    _finish_run(run, meta, counts, len(merger.pledges), complete, applied)
    return IngestResult(run.id, False, complete, applied.suspect, counts.ok, counts.failed,
                        counts.teasers, len(merger.pledges), applied.new_pledges,
                        applied.new_versions, applied.removed, applied.restored)


@dataclass(slots=True)
class _Counts:
    ok: int = 0
    failed: int = 0
    teasers: int = 0

    def add(self, chunk: PageChunk) -> None:
        self.teasers += len(chunk.teasers)
        if chunk.page is not None:
            if chunk.page.get("ok"):
                self.ok += 1
            else:
                self.failed += 1


def _tally_teaser_term(tallies: dict[str, TermTally], teaser: dict[str, Any]) -> None:
    key = term_key(teaser)
    if key and key not in tallies:
        tallies[key] = TermTally(key, teaser.get("term"), teaser.get("term_url"),
                                 teaser.get("vocabulary"))


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
    run.crawl_meta = {"crawl": crawl or None, "terms": meta.terms}
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


class _PageWriter:
    """Stores raw chunks once per digest and keeps page observations as run intervals."""

    def __init__(self, session: Session, run_id: int) -> None:
        self.session, self.run_id = session, run_id
        self.open_pages = repo.load_open_pages(session)
        self.pending: list[tuple[PageChunk, str]] = []
        self.seen_urls: set[str] = set()
        self.seq = 0

    def add(self, chunk: PageChunk) -> None:
        self.pending.append((chunk, chunk.digest()))
        if len(self.pending) >= repo.BATCH:
            self.flush()

    def flush(self) -> None:
        digests = list(dict.fromkeys(d for _, d in self.pending))
        missing = repo.missing_chunks(self.session, digests)
        raw_rows, closed, opened = [], [], []
        for chunk, digest in self.pending:
            if digest in missing:
                missing.discard(digest)
                data = chunk.raw()
                raw_rows.append({"digest": digest, "size": len(data),
                                 "data": zlib.compress(data, COMPRESSION_LEVEL)})
            self._observe(chunk, digest, closed, opened)
        repo.insert_rows(self.session, RawChunk, raw_rows)
        repo.close_rows(self.session, PageObservation, closed, self.run_id)
        repo.insert_rows(self.session, PageObservation, opened)
        self.pending.clear()

    def _observe(self, chunk: PageChunk, digest: str, closed: list[int], opened: list[dict]) -> None:
        page = chunk.page or {}
        ok = bool(page.get("ok", False))
        url = chunk.listing_url
        self.seq += 1
        self.seen_urls.add(url)
        previous = self.open_pages.pop(url, None)
        if previous is not None and previous.raw_digest == digest:
            return  # the same page as last time: its open interval simply continues
        if previous is not None:
            closed.append(previous.id)
        opened.append({"url": url[:2000], "term_id": None, "page": page.get("page"),
                       "status": page.get("status"), "ok": ok, "error": page.get("error"),
                       "teasers": len(chunk.teasers), "body_digest": page.get("digest"),
                       "raw_digest": digest, "seq": self.seq, "from_run": self.run_id})

    def finish(self) -> None:
        self.flush()
        # Pages fetched before but not in this run: their intervals end here.
        repo.close_rows(self.session, PageObservation,
                        [p.id for p in self.open_pages.values()], self.run_id)
