"""A run's listing pages, stored as one de-duplicated raw chunk: the page list.

Each listing page is a line of the list: its URL, its page record's digest, the
page fields that change without the page's own content changing (body digest,
last page number), whether it was fetched ok, and its teasers' content and context
digests in order. Nearly every page changes from one run to the next on a busy
site, since each new pledge pushes older teasers down a slot; one chunk per run
costs one row where a row per page cost thousands. A run that saw the same
pages in the same order has the same list, and stores nothing new.

Teaser contents, contexts and page records are raw chunks of their own, written
here as they first appear.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import update
from sqlalchemy.orm import Session

from pledgewatch.etl.reader import PageChunk
from pledgewatch.etl.runfile import digest_of, stored_page_form
from pledgewatch.storage import repo
from pledgewatch.storage.models import PageObservation, RawChunk, Run

COMPRESSION_LEVEL = 6  # zlib's default: records are small and each is stored once
# The page list is mostly hex digests, which any level packs to about half: level 6 took
# 0.12 s a run at 5,000 pledges for a list a few percent smaller than level 1's.
PAGE_LIST_LEVEL = 1


@dataclass(frozen=True, slots=True)
class ListedPage:
    url: str
    page_digest: str
    volatile: dict[str, Any]  # fields kept out of the page record, given back when re-read
    ok: bool
    status: int | None
    error: str | None
    contents: list[str]
    contexts: list[str]


class StoredRecords:
    """Page records and contexts known to be stored, carried from run to run by a command that
    ingests several runs.

    Page records repeat run after run (their volatile fields are kept apart), and each
    run looked all of them up again: tens of queries a run at 50,000 pledges. What a run
    stores is kept only once its transaction has committed.
    """

    def __init__(self) -> None:
        self._kept: set[str] = set()
        self._this_run: set[str] = set()

    def __contains__(self, digest: str) -> bool:
        return digest in self._kept or digest in self._this_run

    def add(self, digests: Iterable[str]) -> None:
        self._this_run.update(digests)

    def keep(self) -> None:
        """The run's transaction committed: what it stored is stored."""
        self._kept |= self._this_run
        self._this_run = set()

    def forget(self) -> None:
        """The run's transaction was rolled back."""
        self._this_run = set()


class PageListWriter:
    """Stores each distinct content, context and page record once, and the run's page list."""

    def __init__(self, session: Session, run: Run, known: Mapping[str, str],
                 stored: StoredRecords) -> None:
        self.session, self.run = session, run
        self.known: set[str] = set(known)  # digests surely stored; others are looked up first
        self.stored = stored
        # Digest → (size, data, whether data is compressed already), until flushed.
        self.new_content: dict[str, tuple[int, bytes, bool]] = {}
        # Also in the list, but kept apart for the run's crawl_meta: a report then needs no
        # pass over the whole list to name the few pages that failed.
        self.failed: list[list[Any]] = []
        self._hash, self._zip = hashlib.sha256(), zlib.compressobj(PAGE_LIST_LEVEL)
        self._parts: list[bytes] = []  # compressed
        self._pending: list[bytes] = []  # not yet: zlib is slow fed a line at a time
        self._pending_size = self._size = 0
        self._separator = b"["

    def add(self, chunk: PageChunk) -> None:
        """Store what is new in a chunk that :func:`compress_contents` and
        :func:`describe_page` have filled in."""
        known, new = self.known, self.new_content
        for (digest, data), stored in zip(chunk.parsed, chunk.compressed, strict=True):
            if digest not in known:
                new[digest] = (len(data), stored, True)
        for context in chunk.new_contexts:
            if context.digest not in known:
                new[context.digest] = (len(context.data), context.data, False)
        if chunk.page_digest not in known and chunk.page_digest not in self.stored:
            new[chunk.page_digest] = (len(chunk.page_data), chunk.page_data, False)
        page = chunk.page or {}
        if not page.get("ok", False):
            self.failed.append([chunk.listing_url[:2000], page.get("status"), page.get("error")])
        self._append(chunk.entry)
        if len(new) >= 5000:
            self.flush()

    def _append(self, entry: bytes) -> None:
        data = self._separator + entry
        self._separator = b",\n"
        self._hash.update(data)
        self._pending.append(data)
        self._pending_size += len(data)
        self._size += len(data)
        if self._pending_size >= 1 << 20:
            self._compress_pending()

    def _compress_pending(self) -> None:
        self._parts.append(self._zip.compress(b"".join(self._pending)))
        self._pending, self._pending_size = [], 0

    def flush(self) -> None:
        digests = list(self.new_content)
        missing: set[str] = set()
        for batch in repo.batched(digests):
            missing |= repo.missing_chunks(self.session, batch)
        rows = []
        for digest in digests:
            if digest in missing:
                size, data, compressed = self.new_content[digest]
                rows.append({"digest": digest, "size": size, "data": data if compressed
                             else zlib.compress(data, COMPRESSION_LEVEL)})
        repo.insert_rows(self.session, RawChunk, rows)
        self.known.update(digests)
        self.stored.add(d for d in digests if not self.new_content[d][2])  # pages and contexts
        self.new_content.clear()

    def finish(self) -> None:
        """Store the page list and point the run at it."""
        self.flush()
        closing = b"[]" if self._separator == b"[" else b"\n]"  # no page at all, or the end
        self._hash.update(closing)
        self._size += len(closing)
        self._pending.append(closing)
        self._compress_pending()
        data = b"".join(self._parts) + self._zip.flush()
        digest = self._hash.hexdigest()[:32]
        if repo.missing_chunks(self.session, [digest]):
            repo.insert_rows(self.session, RawChunk, [{"digest": digest, "size": self._size,
                                                      "data": data}])
        self.run.pages_digest = digest
        # Pages observed one row each, before page lists: their intervals end here.
        self.session.execute(update(PageObservation).where(PageObservation.to_run.is_(None))
                             .values(to_run=self.run.id))


def compress_contents(chunk: PageChunk) -> PageChunk:
    """Compress the chunk's parsed contents as stored (nearly all are new: known ones are not
    parsed). Needs nothing but the chunk, so it runs where the file is read (etl/readahead.py)."""
    chunk.compressed = [zlib.compress(data, COMPRESSION_LEVEL) for _, data in chunk.parsed]
    return chunk


def describe_page(chunk: PageChunk) -> PageChunk:
    """Fill in the chunk's page record as stored and its line of the page list."""
    page = chunk.page or {}
    chunk.page_data = stored_page_form(chunk.page) if chunk.page else b"null"
    chunk.page_digest = digest_of(chunk.page_data)
    volatile = {"digest": page.get("digest"), "last_page": page.get("last_page")}
    chunk.entry = orjson.dumps([chunk.listing_url[:2000], chunk.page_digest, volatile,
                                bool(page.get("ok", False)), page.get("status"), page.get("error"),
                                "".join(chunk.contents), "".join(chunk.contexts)])
    return chunk


def read_page_list(session: Session, digest: str) -> Iterator[ListedPage]:
    data = repo.load_raw(session, [digest])[digest]
    for url, page, volatile, ok, status, error, contents, contexts in orjson.loads(data):
        yield ListedPage(url, page, volatile, ok, status, error,
                         [contents[i : i + 32] for i in range(0, len(contents), 32)],
                         [contexts[i : i + 32] for i in range(0, len(contexts), 32)])
